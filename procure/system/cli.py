"""``flask backup``, ``flask restore``, ``flask uploads cleanup`` and ``flask api cleanup``."""

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("target", required=False, type=click.Path(path_type=Path))
@with_appcontext
def backup_command(target):
    """Back up the database and the uploads into TARGET (default instance/backups/...)."""
    from procure.system.backup import BackupError, backup

    try:
        written = backup(target)
    except (BackupError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Back-up geschreven naar {written}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
@with_appcontext
def restore_command(source, yes):
    """Replace the database and the uploads with the backup in SOURCE.

    Stop the web, worker and scheduler processes first."""
    from procure.system.backup import BackupError, restore

    if not yes:
        click.confirm(
            f"De database en de uploads worden vervangen door {source}. Doorgaan?", abort=True
        )
    try:
        restore(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Teruggezet uit {source}")


@click.group("uploads")
def uploads_group():
    """Uploaded files."""


@uploads_group.command("cleanup")
@click.option("--dry-run", is_flag=True, help="Alleen tonen wat weg zou gaan.")
@with_appcontext
def uploads_cleanup(dry_run):
    """Remove uploads no row references (older than UPLOAD_CLEANUP_GRACE_MINUTES)."""
    from procure.system.cleanup import clean_uploads

    result = clean_uploads(dry_run=dry_run)
    verb = "Zou verwijderen" if dry_run else "Verwijderd"
    click.echo(
        f"{verb}: {len(result.rows)} niet-gebruikte bestandsregels, {len(result.files)} "
        f"bestanden zonder regel ({result.bytes} bytes)."
    )


@click.group("api")
def api_group():
    """The JSON API."""


@api_group.command("cleanup")
@click.option("--dry-run", is_flag=True, help="Alleen tonen wat weg zou gaan.")
@with_appcontext
def api_cleanup(dry_run):
    """Remove Idempotency-Key answers older than API_IDEMPOTENCY_HOURS (the scheduler does
    this every hour too)."""
    from procure.system.cleanup import clean_idempotent_requests

    count = clean_idempotent_requests(dry_run=dry_run)
    verb = "Zou verwijderen" if dry_run else "Verwijderd"
    click.echo(f"{verb}: {count} opgeslagen antwoorden op API-schrijfacties.")


def init_app(app) -> None:
    for command in (backup_command, restore_command, uploads_group, api_group):
        app.cli.add_command(command)
