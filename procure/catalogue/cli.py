"""flask --app procure pdc import|export|diff|maatwerk: the file-backed catalogue."""

from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from procure.core.errors import OperationError

REGION_OPTION = click.option(
    "--region",
    "region_code",
    default="wbo",
    show_default=True,
    help="Korte code van de regio (wbo, e10, svj).",
)


@click.group("pdc")
def cli():
    """Productcatalogus (PDC) als bestanden in pdc/."""


def _directory_command(name: str):
    """A `flask pdc <name> DIRECTORY [--region]` command in an app context."""

    def decorate(func):
        func = with_appcontext(func)
        func = REGION_OPTION(func)
        func = click.argument("directory", type=click.Path(file_okay=False, path_type=Path))(func)
        return cli.command(name)(func)

    return decorate


@contextmanager
def _refusal_as_click_error(passing: tuple = ()):
    """An operation's refusal ends the command with its message (those of the types in
    `passing` are left to the command)."""
    try:
        yield
    except passing:
        raise
    except OperationError as exc:
        raise click.ClickException(str(exc.message)) from None


def _print_diff(diff) -> None:
    for change in diff.added:
        click.echo(f"+ {change.code}  nieuw: {change.describe()}")
    for change in diff.changed:
        click.echo(f"~ {change.code}  gewijzigd: {change.describe()}")
    for change in diff.removed:
        click.echo(f"- {change.code}  vervalt (niet meer in de bestanden)")
    if diff.task_areas:
        click.echo(f"taakgebieden nieuw of gewijzigd: {', '.join(diff.task_areas)}")
    if diff.translations_changed:
        click.echo("vertaaltabel gewijzigd")
    click.echo(
        f"{len(diff.added)} nieuw, {len(diff.changed)} gewijzigd, "
        f"{len(diff.removed)} vervallen, {diff.unchanged} ongewijzigd"
    )


def _print_errors(errors) -> None:
    click.echo(f"{len(errors)} fout(en):", err=True)
    for error in errors:
        click.echo(f"  {error}", err=True)


@_directory_command("import")
def import_command(directory, region_code):
    """Import DIRECTORY into the region, all or nothing."""
    from procure.catalogue.pdcfiles import ImportRefused, import_directory

    try:
        with _refusal_as_click_error(passing=(ImportRefused,)):
            diff = import_directory(directory, region_code)
    except ImportRefused as exc:
        _print_errors(exc.file_errors)
        raise click.ClickException("Import geweigerd; er is niets opgeslagen.") from None
    _print_diff(diff)
    click.echo("Import voltooid." if not diff.empty else "Niets te importeren.")


@_directory_command("diff")
def diff_command(directory, region_code):
    """Dry run: show what an import of DIRECTORY would change (writes nothing)."""
    from procure.catalogue.pdcfiles import diff_directory

    with _refusal_as_click_error():
        diff, errors = diff_directory(directory, region_code)
    _print_diff(diff)
    if errors:
        _print_errors(errors)
        raise click.ClickException("De bestanden bevatten fouten; een import zou worden geweigerd.")


@_directory_command("export")
def export_command(directory, region_code):
    """Write the region's catalogue to DIRECTORY (one YAML file per card)."""
    from procure.catalogue.pdcfiles import export_directory

    with _refusal_as_click_error():
        count = export_directory(directory, region_code)
    click.echo(f"{count} productkaarten geschreven naar {directory}.")


@cli.command("maatwerk")
@REGION_OPTION
@with_appcontext
def maatwerk_command(region_code):
    """Derive the uniform custom-care codes (MW + product code) from the fixed cards."""
    from procure.catalogue.operations import derive_maatwerk_codes
    from procure.catalogue.pdcfiles import region_by_code

    counts = derive_maatwerk_codes(region_by_code(region_code).id)
    click.echo(
        f"maatwerkcodes: {counts['created']} nieuw, {counts['updated']} bijgewerkt, "
        f"{counts['deactivated']} gedeactiveerd"
    )
