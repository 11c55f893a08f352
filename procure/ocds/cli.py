"""flask ocds export: write an OCDS release package file (or with --records a record
package: per process its releases and compiled release), validated before it is written."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from procure.extensions import db
from procure.ocds.builder import published_tenders, release_package, releases_for
from procure.ocds.records import record, record_package
from procure.ocds.validation import package_errors, record_package_errors

cli = AppGroup("ocds", help="Open contracting data (OCDS 1.1.5).")


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--region", default=None, help="Korte code van de regio")
@click.option(
    "--records", is_flag=True, help="Een record package (per proces) in plaats van releases"
)
def export(path: Path, region: str | None, records: bool):
    """Schrijf een OCDS release package (of record package) van alle gepubliceerde
    processen naar PATH."""
    tenders = db.session.execute(published_tenders(region)).scalars().all()
    per_process = [releases_for(tender) for tender in tenders]
    if records:
        package = record_package([record(r) for r in per_process], path.resolve().as_uri())
        errors = record_package_errors(package)
    else:
        releases = [release for process in per_process for release in process]
        package = release_package(releases, path.resolve().as_uri())
        errors = package_errors(package)
    if errors:
        for error in errors[:20]:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(errors)} fouten tegen het OCDS-schema; niets geschreven.")
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    count = sum(len(process) for process in per_process)
    kind = f"{len(tenders)} records" if records else f"{count} releases"
    click.echo(f"{kind} van {len(tenders)} processen geschreven naar {path}.")
