"""Top-level CLI commands: demo data and API tokens."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from procure.extensions import db


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data (idempotent) and print the demo log-ins."""
    from procure import demo
    from procure.auth.models import User

    steps = demo.load_all()
    click.echo("Demogegevens geladen" + (f" ({', '.join(steps)})." if steps else "."))
    click.echo(f"Wachtwoord voor alle demogebruikers: {demo.DEMO_PASSWORD}")
    for user in db.session.execute(select(User).order_by(User.id)).scalars():
        click.echo(f"  {user.role:<17} {user.email}")


@click.group("token")
def token_group():
    """Personal API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="Naam van het token.")
@with_appcontext
def token_create(email, name):
    """Create an API token for EMAIL and print it once."""
    from procure.auth.models import User
    from procure.auth.operations import create_token

    user = db.session.execute(select(User).where(User.email == email.lower())).scalar()
    if user is None or not user.active:
        raise click.ClickException(f"Geen actieve gebruiker met e-mailadres {email}.")
    _token, raw = create_token(user, name, actor=user)
    click.echo(raw)


def init_app(app) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(token_group)
