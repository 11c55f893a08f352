"""HTTP benchmark: gunicorn with the production configuration (gunicorn.conf.py,
procure.wsgi) on SQLite and on PostgreSQL, a read mix and a read+write mix at 1, 4 and 16
concurrent clients for a bounded time each, on loopback; then a bare Flask "hello" served
the same way, as the ceiling.

    .venv/bin/python benchmarks/serving.py [--seconds 8] [--contracts 200] [--port 5130]
                                        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Every client logs in once (its own session, as a browser) and then loops: the read mix is
the dashboard, the contract list and a contract page; the read+write mix replaces one in
five requests by saving the reminder preference (a form POST with CSRF, an operation with
its audit row). Prints requests per second, p50/p95/p99 latency and the error count per
run, and the load average of the machine at the start and the end.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "benchmark-wachtwoord-2026"
HTTPS = {"X-Forwarded-Proto": "https"}
CONCURRENCY = (1, 4, 16)


# -- data ------------------------------------------------------------------------------------


def seed(database_url: str, contracts: int, uploads: str) -> tuple[list[str], list[int]]:
    """Schema at the migrations' head, a region, providers, `contracts` contracts and one
    procurement officer per client. Returns (e-mail addresses, contract ids)."""
    from datetime import date
    from decimal import Decimal

    from flask_migrate import upgrade

    from procure import create_app
    from procure.auth import operations as auth_ops
    from procure.contracts.models import Contract
    from procure.extensions import db
    from procure.organisations.models import Provider, Region

    app = create_app(
        {
            "PROCURE_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": uploads,
        }
    )
    with app.app_context():
        upgrade()
        region = Region(
            name="Regio WBO Jeugd",
            short_code="wbo",
            kvk_number="76543210",
            address="Claudius Prinsenlaan 10, 4811 DJ Breda",
        )
        db.session.add(region)
        db.session.flush()
        providers = [
            Provider(name=f"Jeugdhulp Aanbieder {n}", short_code=f"p{n}", kvk_number=f"9{n:07d}")
            for n in range(20)
        ]
        db.session.add_all(providers)
        db.session.flush()
        rows = [
            Contract(
                reference=f"WBO-C2026-{n:04d}",
                title=f"Specialistische jeugdhulp perceel {n % 7 + 1}",
                region_id=region.id,
                provider_id=providers[n % len(providers)].id,
                origin="lot_award",
                variant="effort",
                start_date=date(2026, 1, 1),
                end_date=date(2028, 12, 31),
                status="active",
                estimated_value=Decimal("250000.00"),
            )
            for n in range(contracts)
        ]
        db.session.add_all(rows)
        db.session.commit()
        emails = []
        for n in range(max(CONCURRENCY)):
            email = f"inkoper{n}@regiowbojeugd.nl"
            auth_ops.create_user(
                email=email,
                name=f"Inkoper {n}",
                role="procurement",
                password=PASSWORD,
                region_id=region.id,
            )
            emails.append(email)
        ids = [c.id for c in rows]
        db.session.remove()
        db.engine.dispose()
    return emails, ids


# -- server ----------------------------------------------------------------------------------


class Server:
    def __init__(self, target: str, port: int, env: dict):
        self.port = port
        # gunicorn's error log, closed in stop() (a pipe could fill up and block it)
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603  (our own gunicorn and config)
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), target],
            cwd=ROOT,
            env={**env, "PROCURE_BIND": f"127.0.0.1:{port}", "PROCURE_ACCESS_LOG": "/dev/null"},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"gunicorn stopped: {self.log.read().decode()[-2000:]}")
            try:
                Client(port).get("/healthz" if "procure" in target else "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not answer within 120 s") from None
                time.sleep(0.3)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Client:
    """One keep-alive connection with its own cookies, as one browser tab."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = dict(HTTPS)
        if self.cookie:
            headers["Cookie"] = self.cookie
        payload = None
        if body is not None:
            payload = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.conn.port}{path}"
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            data = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            if cookie.startswith("session="):
                self.cookie = cookie.split(";")[0]
        return response.status, data

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def login(self, email: str) -> str:
        _status, page = self.get("/inloggen")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        status, _ = self.request(
            "POST", "/inloggen", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert status == 302, f"log-in failed: {status}"
        _status, page = self.get("/meldingen/instellingen")
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


# -- load ------------------------------------------------------------------------------------


def run_load(port, clients, seconds, step) -> dict:
    """`clients` threads calling step(client, rng) until the time is up."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    stop_at = [0.0]

    def loop(client):
        rng = random.Random(id(client))
        mine, failed = [], 0
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            started = time.perf_counter()
            try:
                ok = step(client, rng)
            except (OSError, http.client.HTTPException):
                ok = False
                client.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "rps": len(latencies) / seconds,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": errors[0],
        "n": len(latencies),
    }


def procure_steps(contract_ids):
    def read(client, rng):
        path = rng.choice(["/", "/contracten/", f"/contracten/{rng.choice(contract_ids)}"])
        status, _ = client.get(path)
        return status == 200

    def read_write(client, rng):
        if rng.random() < 0.2:
            mode = rng.choice(["immediate", "digest"])
            status, _ = client.request(
                "POST", "/meldingen/instellingen", {"mode": mode, "csrf_token": client.token}
            )
            return status == 302
        return read(client, rng)

    return {"read": read, "read+write": read_write}


def report(label, result):
    print(
        f"{label:<34} {result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  "
        f"p95 {result['p95']:7.1f} ms  p99 {result['p99']:7.1f} ms  "
        f"errors {result['errors']} / {result['n']}",
        flush=True,
    )


def bench_procure(name, database_url, port, args, base_env):
    with tempfile.TemporaryDirectory() as uploads:
        emails, contract_ids = seed(database_url, args.contracts, uploads)
        env = {
            **base_env,
            "PROCURE_DATABASE_URL": database_url,
            "PROCURE_UPLOAD_FOLDER": uploads,
        }
        server = Server("procure.wsgi:app", port, env)
        try:
            steps = procure_steps(contract_ids)
            warm = [Client(port) for _ in emails[:4]]
            for client, email in zip(warm, emails, strict=False):
                client.token = client.login(email)
            run_load(port, warm, 2, steps["read"])  # every worker imported and connected
            for mix, step in steps.items():
                for concurrency in CONCURRENCY:
                    clients = []
                    for email in emails[:concurrency]:
                        client = Client(port)
                        client.token = client.login(email)
                        clients.append(client)
                    report(
                        f"{name} {mix} x{concurrency}", run_load(port, clients, args.seconds, step)
                    )
        finally:
            server.stop()


def bench_hello(port, args, base_env):
    server = Server("benchmarks.hello:app", port, base_env)

    def hello(client, rng):
        return client.get("/")[0] == 200

    try:
        run_load(port, [Client(port) for _ in range(4)], 2, hello)  # warm-up
        for concurrency in CONCURRENCY:
            clients = [Client(port) for _ in range(concurrency)]
            result = run_load(port, clients, args.seconds, hello)
            report(f"bare Flask hello x{concurrency}", result)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--port", type=int, default=5130)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "PROCURE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="server to create a scratch database on ('' skips PostgreSQL)",
    )
    args = parser.parse_args()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PROCURE_")}
    base_env.update(
        PROCURE_ENV="production",
        PROCURE_SECRET_KEY=uuid.uuid4().hex * 2,
        PROCURE_BASE_URL="https://procure.regiowbojeugd.nl",
        PROCURE_PROXY_HOPS="1",
    )
    workers = base_env.get("WEB_CONCURRENCY") or "2 x CPUs + 1 (gunicorn.conf.py)"
    print(f"load average at start: {os.getloadavg()}; {os.cpu_count()} CPUs; workers {workers}")
    print(f"{args.seconds:.0f} s per run, {args.contracts} contracts", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        bench_procure("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.port, args, base_env)

    if args.postgres:
        server_url = make_url(args.postgres)
        name = f"procure_bench_{os.getpid()}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = server_url.set(database=name).render_as_string(hide_password=False)
            bench_procure("PostgreSQL", url, args.port + 1, args, base_env)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    bench_hello(args.port + 2, args, base_env)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
