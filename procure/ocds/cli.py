"""flask ocds export: write an OCDS release package file, validated before it is written."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from procure.extensions import db
from procure.ocds.builder import published_tenders, release_package, releases_for
from procure.ocds.validation import package_errors

cli = AppGroup("ocds", help="Open contracting data (OCDS 1.1.5).")


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--region", default=None, help="Korte code van de regio")
def export(path: Path, region: str | None):
    """Schrijf een OCDS release package van alle gepubliceerde processen naar PATH."""
    tenders = db.session.execute(published_tenders(region)).scalars().all()
    releases = [release for tender in tenders for release in releases_for(tender)]
    package = release_package(releases, path.resolve().as_uri())
    errors = package_errors(package)
    if errors:
        for error in errors[:20]:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(errors)} fouten tegen het OCDS-schema; niets geschreven.")
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"{len(releases)} releases van {len(tenders)} processen geschreven naar {path}.")
