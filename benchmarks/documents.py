"""Documents benchmark: one long (about 30-page) contract, a batch of 200 contracts, the time
per page, and the overhead of the pipeline around WeasyPrint.

    .venv/bin/python benchmarks/documents.py [--count 200] [--products 420] [--workers N]

Runs on a fresh SQLite database in a temporary directory (or PROCURE_BENCH_DATABASE_URL).
The batch uses a process pool when more than one core is present; every worker opens its
own app and database connection and renders contracts by id (context building, Jinja,
sandboxed clauses, WeasyPrint). Prints absolute times and the ratio of the whole
`generate` (record -> context -> HTML -> PDF and DOCX -> stored with SHA-256, audit,
commit) to WeasyPrint alone on the same HTML: interleaved, in CPU time and wall time,
median of the repetitions (target: <= 1.1x).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from procure import create_app
from procure.extensions import db

_app = None


def make_app(database_url: str, folder: str):
    return create_app(
        {
            "PROCURE_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": folder,
            "SERVER_NAME": "bench.local",
        }
    )


def seed(count: int, products: int) -> tuple[int, list[int]]:
    """A region, providers, products and `count` ordinary contracts plus one long contract
    with `products` contracted products. Returns (long contract id, batch ids)."""
    from procure.catalogue.models import Product, Tariff, TaskArea
    from procure.contracts.models import Contract
    from procure.documents import operations as ops
    from procure.organisations.models import Municipality, Provider, Region

    region = Region(
        name="Regio WBO Jeugd",
        short_code="wbo",
        kvk_number="76543210",
        address="Claudius Prinsenlaan 10, 4811 DJ Breda",
    )
    db.session.add(region)
    db.session.flush()
    for name, cbs in [
        ("Altena", "1959"),
        ("Breda", "0758"),
        ("Drimmelen", "1719"),
        ("Geertruidenberg", "0779"),
        ("Oosterhout", "0826"),
    ]:
        db.session.add(Municipality(name=name, cbs_code=cbs, region_id=region.id))
    area = TaskArea(
        region_id=region.id,
        code="specialistisch",
        name="Specialistische en/of locatiegebonden jeugdhulp",
    )
    db.session.add(area)
    providers = []
    for i in range(20):
        p = Provider(
            name=f"Jeugdhulpaanbieder {i:02d} B.V.",
            short_code=f"p{i}",
            kvk_number=f"{41000000 + i}",
            agb_code=f"{98000000 + i}",
            address=f"Markt {i + 1}, 4811 Breda",
            contact_name="J. Jansen",
        )
        db.session.add(p)
        providers.append(p)
    db.session.flush()
    rows = []
    for i in range(products):
        product = Product(
            region_id=region.id,
            code=f"{40 + i // 100}{i % 100:03d}",
            name=f"Jeugdhulpproduct {i} ambulant specialistisch",
            task_area_id=area.id,
            variant="effort",
            unit="uur",
            status="vastgesteld",
            valid_from=date(2025, 1, 1),
        )
        db.session.add(product)
        rows.append(product)
    db.session.flush()
    for i, product in enumerate(rows):
        db.session.add(
            Tariff(product_id=product.id, year=2026, price=Decimal(80 + i % 40) + Decimal("0.43"))
        )

    def contract(ref, provider):
        c = Contract(
            reference=ref,
            title="Specialistische jeugdhulp",
            region_id=region.id,
            provider_id=provider.id,
            origin="lot_award",
            variant="effort",
            task_area_id=area.id,
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            estimated_value=Decimal("1250000.00"),
        )
        db.session.add(c)
        return c

    long_contract = contract("WBO-C2026-LONG", providers[0])
    batch = [contract(f"WBO-C2026-{i:04d}", providers[i % len(providers)]) for i in range(count)]
    db.session.flush()
    try:
        from procure.contracts.models import ContractedProduct

        for product in rows:
            db.session.add(ContractedProduct(contract_id=long_contract.id, product_id=product.id))
        for i, c in enumerate(batch):
            for product in rows[i % 50 : i % 50 + 8]:
                db.session.add(ContractedProduct(contract_id=c.id, product_id=product.id))
    except ImportError:
        pass
    db.session.commit()
    ops.set_choices(
        "contract",
        long_contract.id,
        region_id=region.id,
        optional_articles=["optional.revision", "optional.bibob"],
    )
    return long_contract.id, [c.id for c in batch]


def _init_worker(database_url: str, folder: str, warm_up_id: int | None = None) -> None:
    """A worker's app; one unmeasured document first (fonts, stylesheet, templates), as the
    long contract's warm-up, so that no contract of the batch pays the cold start."""
    global _app
    _app = make_app(database_url, folder)
    if warm_up_id is not None:
        _render_one(warm_up_id)


def _weasyprint_alone(html: str) -> bytes:
    import weasyprint

    from procure.documents.engine import STATIC_ROOT
    from procure.documents.pdf import RestrictedFetcher, print_css

    return weasyprint.HTML(
        string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=RestrictedFetcher()
    ).write_pdf(stylesheets=[print_css()])


def _generate_and_weasy(contract_id: int, weasy_first: bool = False) -> tuple:
    """(pages, CPU s of the whole generate, CPU s of WeasyPrint alone on the same HTML,
    wall s of each). `weasy_first` swaps the order (the repetitions alternate it, so that
    neither side always runs with the caches the other one warmed)."""
    from procure.contracts.documents import contract_spec
    from procure.contracts.models import Contract
    from procure.documents import operations as ops

    def whole():
        db.session.expire_all()  # as after a commit: nothing cached in the session
        cpu, wall = time.process_time(), time.perf_counter()
        doc = ops.generate(contract_spec(db.session.get(Contract, contract_id)))
        return doc.pages, time.process_time() - cpu, time.perf_counter() - wall

    def alone():
        html = ops.render_html_for(contract_spec(db.session.get(Contract, contract_id)))
        cpu, wall = time.process_time(), time.perf_counter()
        _weasyprint_alone(html)
        return time.process_time() - cpu, time.perf_counter() - wall

    if weasy_first:
        weasy, weasy_wall = alone()
        pages, full, full_wall = whole()
    else:
        pages, full, full_wall = whole()
        weasy, weasy_wall = alone()
    return pages, full, weasy, full_wall, weasy_wall


def _render_one(contract_id: int) -> tuple[int, float, float]:
    with _app.app_context(), _app.test_request_context():
        result = _generate_and_weasy(contract_id, weasy_first=contract_id % 2 == 1)
        db.session.remove()
    return result


def best_of(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument(
        "--products",
        type=int,
        default=720,
        help="contracted products on the long contract (about 30 pages)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--batch-only", action="store_true", help="skip the long-contract measurements"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="procure-bench-docs-"))
    url = os.environ.get("PROCURE_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    folder = str(tmp / "uploads")
    app = make_app(url, folder)
    with app.app_context(), app.test_request_context():
        db.create_all()
        t0 = time.perf_counter()
        long_id, batch_ids = seed(args.count, args.products)
        print(
            f"seed: {time.perf_counter() - t0:.1f} s ({args.count} contracts, "
            f"{args.products} products on the long contract)"
        )
    if not args.batch_only:
        long_contract(app, long_id, args.repeat)
    batch(url, folder, batch_ids, args.workers)


def long_contract(app, long_id: int, repeat: int) -> None:
    """The whole generate and WeasyPrint alone on the same HTML, interleaved."""
    with app.app_context(), app.test_request_context():
        _generate_and_weasy(long_id)  # warm-up (fonts, CSS, templates)
        runs = [_generate_and_weasy(long_id, weasy_first=i % 2 == 1) for i in range(repeat)]
        pages = runs[0][0]
        full, weasy, wall_full, wall_weasy = (
            statistics.median(r[k] for r in runs) for k in range(1, 5)
        )
        print(f"\nlong contract: {pages} pages, {repeat} interleaved repetitions (median)")
        print(
            f"  whole generate (context, HTML, PDF, DOCX, store, audit, commit): "
            f"{full:.2f} s CPU, {full / pages * 1000:.0f} ms/page"
        )
        print(
            f"  WeasyPrint alone, same HTML: {weasy:.2f} s CPU, {weasy / pages * 1000:.0f} ms/page"
        )
        print(
            f"  ratio whole generate / WeasyPrint alone: {full / weasy:.3f} CPU "
            f"(target <= 1.1), wall about "
            f"{wall_full / wall_weasy:.3f}"
        )


def batch(url: str, folder: str, batch_ids: list[int], workers: int) -> None:
    """The batch, in a process pool when there is more than one core."""
    workers = max(1, min(workers, os.cpu_count() or 1))
    start = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(url, folder, batch_ids[0])
        ) as pool:
            results = []
            for result in pool.map(_render_one, batch_ids, chunksize=4):
                results.append(result)
                if len(results) % 25 == 0:
                    print(
                        f"  ... {len(results)} contracts, {time.perf_counter() - start:.0f} s",
                        flush=True,
                    )
    else:
        _init_worker(url, folder, batch_ids[0])
        start = time.perf_counter()  # a pool's wall time includes its workers' warm-up
        results = [_render_one(i) for i in batch_ids]
    wall = time.perf_counter() - start
    total_pages = sum(r[0] for r in results)
    cpu_full = sum(r[1] for r in results)
    cpu_weasy = sum(r[2] for r in results)
    wall -= sum(r[4] for r in results) / workers  # without the WeasyPrint-alone runs
    print(f"\nbatch: {len(results)} contracts, {total_pages} pages, {workers} worker(s)")
    print(
        f"  wall time {wall:.1f} s: {wall / len(results) * 1000:.0f} ms/contract, "
        f"{wall / total_pages * 1000:.0f} ms/page (wall)"
    )
    print(
        f"  per worker: {cpu_full / total_pages * 1000:.0f} ms/page in the pipeline, of "
        f"WeasyPrint alone {cpu_weasy / total_pages * 1000:.0f} ms/page (CPU); "
        f"ratio whole generate / WeasyPrint alone {cpu_full / cpu_weasy:.3f}"
    )
    print(f"  parallel speed-up: {cpu_full / wall:.2f}x on {os.cpu_count()} core(s)")


if __name__ == "__main__":
    main()
