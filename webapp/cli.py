"""Command-line tasks: `flask --app wsgi create-admin` and `flask --app wsgi demo-data`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from . import passwords
from .extensions import db
from .identity import is_valid_phone
from .models import Grid, Worker


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo_data)


def _root_grid() -> Grid:
    root = db.session.scalar(select(Grid).where(Grid.parent_id.is_(None)).order_by(Grid.id))
    if root is None:
        # A fresh installation has no tree yet: the admin needs a root to stand on.
        root = Grid(level=0, name="开发区", code="Z")
        db.session.add(root)
        db.session.flush()
        root.path = root.compute_path()
    return root


@click.command("create-admin")
@with_appcontext
@click.option("--phone", prompt="Phone (login)", help="The admin's mobile number, used to sign in.")
@click.option("--name", prompt="Name", help="The admin's name.")
@click.option(
    "--password",
    prompt="Password",
    hide_input=True,
    confirmation_prompt=True,
    help=f"At least {passwords.MIN_LENGTH} characters, not a common one, not the phone number.",
)
def create_admin(phone: str, name: str, password: str) -> None:
    """Create an administrator (scope: the whole tree); asks for what is left out."""
    phone = phone.strip()
    if not is_valid_phone(phone):
        raise click.BadParameter("11 digits, starting 13-19", param_hint="--phone")
    # The rule of every new password; its sentence in English, as the command's others are.
    with force_locale("en"):
        if reason := passwords.weakness(password, phone):
            raise click.BadParameter(str(reason), param_hint="--password")
    if not name.strip():
        raise click.BadParameter("required", param_hint="--name")
    if db.session.scalar(select(Worker.id).where(Worker.phone == phone)):
        raise click.ClickException(f"A worker with phone {phone} exists already.")
    admin = Worker(
        name=name.strip(), phone=phone, role="admin", scope=_root_grid(), employment="full_time"
    )
    admin.set_password(password)
    db.session.add(admin)
    db.session.commit()
    click.echo(f"Administrator {admin.name} ({phone}) created.")


@click.command("demo-data")
@with_appcontext
@click.option("--scale", type=click.Choice(["small", "zone"]), default="small", show_default=True)
def demo_data(scale: str) -> None:
    """Load a demo district (small: one township; zone: the seed's whole zone)."""
    from .demo import load_demo, sign_ins

    started = time.monotonic()
    if load_demo(scale, echo=click.echo) is None:
        click.echo("Demo data is already loaded; nothing changed.")
    else:
        click.echo(f"Loaded in {time.monotonic() - started:.1f} s.")
    # Every run, not only the first: `make run` loads the demo each time it starts, and whoever
    # runs it again still needs to know how to sign in.
    accounts = sign_ins()
    if not accounts:
        click.echo("This database has no demo sign-ins.")
        return
    click.echo("Demo sign-ins:")
    rows = [("role", "scope", "phone", "password")]
    rows += [(s.role, s.scope, s.phone, s.password) for s in accounts]
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = zip(row, widths, strict=True)
        click.echo("  ".join(cell + " " * (width - _width(cell)) for cell, width in cells))


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
