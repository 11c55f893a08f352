"""Catalogue benchmark: import a generated PDC of 5,000 product cards with 10 years of tariffs
each, then time the list page (search + filter), the dry-run diff and the export.

    .venv/bin/python benchmarks/catalogue.py [--cards 5000] [--years 10]

Runs on a fresh SQLite database in a temporary directory, or on PostgreSQL when
PROCURE_BENCH_DATABASE_URL is set (the tables are created in that database, which should be
empty). Prints absolute times and ratios measured in the same run (5,000 cards against a
small catalogue of 50: how the list grows with the catalogue, which it should not), so the
figures compare across machines. The list page against its limit (raw SQL showing the same
rows) is measured by benchmarks/pages.py.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from procure import create_app
from procure.extensions import db

VARIANTS = [
    ("effort", "uur"),
    ("effort", "minuut"),
    ("output", "stuks"),
    ("task", None),
    ("effort", "etmaal"),
]
AREAS = [
    ("slt", "Stevig Lokaal Team"),
    ("specialistisch", "Specialistische en/of locatiegebonden jeugdhulp"),
    ("wonen", "Wonen met begeleiding"),
    ("verblijf", "Behandeling met verblijf en crisiszorg"),
]
WORDS = [
    "ambulante",
    "begeleiding",
    "behandeling",
    "dagbesteding",
    "gezinshuis",
    "pleegzorg",
    "logeren",
    "vervoer",
    "diagnostiek",
    "crisis",
    "groep",
    "intensief",
]


def generate(directory: Path, cards: int, years: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "_taakgebieden.yaml").write_text(
        "".join(f"- code: {c}\n  name: {n}\n" for c, n in AREAS), encoding="utf-8"
    )
    (directory / "_vertaaltabel.yaml").write_text("[]\n", encoding="utf-8")
    for i in range(cards):
        category = 40 + i // 1000
        code = f"{category}{i % 1000:03d}"
        variant, unit = VARIANTS[i % len(VARIANTS)]
        words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(3))
        lines = [
            f"code: '{code}'",
            f"name: Product {i} {words}",
            f"task_area: {AREAS[i % len(AREAS)][0]}",
            f"variant: {variant}",
            f"unit: {unit or 'null'}",
            "status: vastgesteld",
            "valid_from: 2017-01-01",
            f"description: Gegenereerde productkaart {i} voor de benchmark; {words}.",
        ]
        if variant != "task":
            lines.append("tariffs:")
            base = 5000 + (i * 37) % 9000  # cents
            for y in range(years):
                lines.append(f"  {2017 + y}: '{(base * (100 + 3 * y)) // 100 / 100:.2f}'")
        (directory / f"{code}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(fn, repeat: int = 1):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(cards: int, years: int, workdir: Path, url: str | None, region: str) -> dict:
    from procure import demo
    from procure.catalogue.pdcfiles import diff_directory, export_directory, import_directory

    source = workdir / f"pdc-{region}-{cards}"
    generate(source, cards, years)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": None,
            "SESSION_COOKIE_SECURE": False,
            "PROCURE_ENV": "testing",
        }
    )
    figures = {}
    with app.app_context():
        db.create_all()
        demo.load_organisations()
        demo.load_users()
        with app.test_request_context():
            cpu = time.process_time()
            figures["import"], _ = timed(lambda: import_directory(source, region))
            figures["import cpu"] = time.process_time() - cpu
            figures["diff"], _ = timed(lambda: diff_directory(source, region))
            figures["export"], _ = timed(
                lambda: export_directory(workdir / f"out-{region}", region)
            )
        client = app.test_client()
        response = client.post(
            "/inloggen",
            data={"email": f"procurement.{region}@example.org", "password": demo.DEMO_PASSWORD},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        # The last page of the search for "product" (every card): a page with rows at both
        # sizes, not an empty page past the end of the small catalogue.
        last_page = max(1, -(-cards // app.config["LIST_PER_PAGE"]))
        pages = {
            "list": "/catalogus/",
            "search": "/catalogus/?q=pleegzorg",
            "filter": "/catalogus/?variant=effort&task_area=wonen",
            "search+filter": "/catalogus/?q=intensief&variant=effort&task_area=slt&sort=name",
            "last page": f"/catalogus/?q=product&page={last_page}",
        }
        for name, path in pages.items():
            client.get(path)  # warm up
            figures[name], response = timed(lambda path=path: client.get(path), repeat=7)
            assert response.status_code == 200, (name, response.status_code)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    bench_url = os.environ.get("PROCURE_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = bench_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        # The small catalogue goes to region e10, the big one to wbo (same database).
        small = run(50, args.years, workdir, url, "e10")
        big = run(args.cards, args.years, workdir, url, "wbo")
    engine = "PostgreSQL" if bench_url else "SQLite"
    print(f"catalogue benchmark on {engine}: {args.cards} cards x {args.years} years of tariffs")
    per_1000 = big["import"] / args.cards * 1000
    print(
        f"  import:  {big['import']:.2f} s total, {per_1000:.2f} s per 1,000 cards "
        f"(small catalogue: {small['import'] / 50 * 1000:.2f} s per 1,000 cards)"
    )
    verdict = "under" if big["import"] < 10 else "NOT under"
    print(
        f"  import of {args.cards:,} cards: {big['import']:.2f} s wall, "
        f"{big['import cpu']:.2f} s CPU in this process ({verdict} the 10 s target)"
    )
    print(
        f"  diff (no changes): {big['diff']:.2f} s, {big['diff'] / args.cards * 1000:.2f} s "
        f"per 1,000 cards"
    )
    print(
        f"  export:  {big['export']:.2f} s, {big['export'] / args.cards * 1000:.2f} s per "
        f"1,000 cards"
    )
    print(f"  list page (median of 7): {args.cards:>6} cards   50 cards   ratio")
    for name in ("list", "search", "filter", "search+filter", "last page"):
        print(
            f"    {name:<22} {big[name] * 1000:8.1f} ms {small[name] * 1000:8.1f} ms "
            f"{big[name] / small[name]:6.1f}x"
        )


if __name__ == "__main__":
    main()
