"""flask --app procure contracts lapse-options|import-realisation|utilisation."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from procure.core.errors import OperationError


@click.group("contracts")
def cli():
    """Contracten: opties laten vervallen, realisatie importeren, benutting tonen."""


@cli.command("lapse-options")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Peildatum (standaard vandaag, Europe/Amsterdam).",
)
@with_appcontext
def lapse_options(today):
    """Laat verlengingsopties waarvan de beslisdatum verstreken is vervallen."""
    from procure.contracts.operations import lapse_overdue_options
    from procure.core.timeutil import today_local

    day = today.date() if today else today_local()
    count = lapse_overdue_options(day)
    click.echo(f"{count} optie(s) vervallen per {day:%d-%m-%Y}.")


def _contract(reference):
    from procure.contracts.models import Contract
    from procure.extensions import db

    contract = db.session.execute(select(Contract).filter_by(reference=reference)).scalar()
    if contract is None:
        raise click.ClickException(f"Contract {reference} bestaat niet.")
    return contract


@cli.command("import-realisation")
@click.argument("reference")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_realisation(reference, path):
    """Importeer realisatie (periode;productcode;eenheden) voor contract REFERENCE."""
    from procure.contracts.operations import import_realisation_csv

    contract = _contract(reference)
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        records = import_realisation_csv(contract, data)
    except OperationError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"{len(records)} regel(s) geïmporteerd voor {reference}.")


@cli.command("utilisation")
@click.argument("reference")
@with_appcontext
def utilisation(reference):
    """Toon budget/plafond en benutting per jaar van contract REFERENCE."""
    from procure.contracts.operations import utilisation as rows_for

    for row in rows_for(_contract(reference)):
        pct = "—" if row["pct"] is None else f"{row['pct']} %"
        click.echo(f"{row['year']}: {row['realised']} van {row['value']} ({pct}, {row['level']})")
