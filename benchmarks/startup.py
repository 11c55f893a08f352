"""Start-up benchmark: create_app() against a bare Flask() app, each in a fresh interpreter
(imports included, as a new web or CLI process pays them), measured in one run.

    .venv/bin/python benchmarks/startup.py [--runs 5]

Prints the median and the fastest of the runs for both, their ratio, and the heavy
libraries that create_app() loaded (WeasyPrint, openpyxl, python-docx, Alembic,
APScheduler should be absent: they load where they are used).

Bytecode caching is on, as in an installed deployment (pip compiles .pyc files): the
.pyc files go to a temporary PYTHONPYCACHEPREFIX, written by the warm-up run, even when
the calling shell sets PYTHONDONTWRITEBYTECODE (which would make every run compile every
module from source and measure the compiler, not the start-up).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("weasyprint", "openpyxl", "docx", "pypdf", "alembic", "apscheduler", "holidays")

PROGRAMS = {
    "bare Flask()": "from flask import Flask\napp = Flask(__name__)\n",
    "create_app()": "from procure import create_app\napp = create_app()\n",
}
TIMER = """
import json, sys, time
started = time.perf_counter()
{program}
seconds = time.perf_counter() - started
heavy = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps({{"seconds": seconds, "heavy": heavy}}))
"""


def run_once(program: str, env: dict) -> dict:
    code = TIMER.format(program=program, heavy=HEAVY)
    out = subprocess.run(  # noqa: S603  (our own interpreter and fixed programs)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROCURE_")}
        env["PROCURE_DATABASE_URL"] = f"sqlite:///{tmp}/startup.sqlite3"
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
        results = {}
        for name, program in PROGRAMS.items():
            run_once(program, env)  # warm the file-system cache and .pyc files
            runs = [run_once(program, env) for _ in range(args.runs)]
            times = [r["seconds"] for r in runs]
            results[name] = statistics.median(times)
            print(
                f"{name:<14} median {statistics.median(times):6.3f} s  "
                f"fastest {min(times):6.3f} s  heavy modules loaded: {runs[0]['heavy'] or 'none'}"
            )
    ratio = results["create_app()"] / results["bare Flask()"]
    print(f"create_app() / Flask(): {ratio:.1f}x (target: create_app() under 1.5 s)")
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
