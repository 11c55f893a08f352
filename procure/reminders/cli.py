"""``flask --app procure scheduler``: run the reminder scheduler (production), or one sweep."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("scheduler", invoke_without_command=True)
@click.pass_context
@with_appcontext
def cli(ctx):
    """Start the reminder scheduler (blocks; stop with Ctrl-C or SIGTERM)."""
    if ctx.invoked_subcommand is not None:
        return
    from procure.reminders.scheduler import build_scheduler

    minutes = current_app.config["REMINDERS_SWEEP_MINUTES"]
    click.echo(f"Planner gestart: elke {minutes} minuten een sweep (Ctrl-C stopt).")
    scheduler = build_scheduler(current_app._get_current_object(), blocking=True)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Planner gestopt.")


@cli.command("sweep")
@click.option("--no-send", is_flag=True, help="Geen e-mail versturen (alleen aanmaken).")
@with_appcontext
def sweep_once(no_send):
    """Run one sweep now and print what it did."""
    from procure.reminders.sweep import run_sweep

    run = run_sweep(send=not no_send)
    if run is None:
        raise click.ClickException("Een ander proces voert nu een sweep uit (lease bezet).")
    click.echo(
        f"Sweep klaar in {run.duration_ms} ms: {run.created} herinneringen "
        f"({run.late} te laat), {run.emails_sent} e-mails verstuurd, "
        f"{run.emails_failed} mislukte pogingen."
    )
    if run.error:
        raise click.ClickException(f"Fout tijdens de sweep: {run.error}")
