"""`flask demo/orgs/users/tokens/worker/outbox`: the operator's commands (API.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from core import hooks
from core.auth import services
from core.auth.models import Organization, OrgKind, Role, User
from core.errors import DomainError
from core.extensions import db
from core.jobs.worker import outbox_cli, worker_command

orgs_cli = AppGroup("orgs", help="Manage organisations.")
users_cli = AppGroup("users", help="Manage users.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")
demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "duebridge-demo"  # noqa: S105 - printed on purpose: the demo's shared login


def domain_errors_exit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a refused domain operation into a clear message and exit status 1."""

    @wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            db.session.rollback()
            detail = "; ".join(
                f"{k}: {' '.join(map(str, v))}"
                for k, v in exc.details.items()
                if isinstance(v, list)
            )
            raise click.ClickException(f"{exc.message} {detail}".strip()) from None

    return wrapped


def org_by_name(name: str) -> Organization:
    org = db.session.scalar(
        select(Organization).where(func.lower(Organization.name) == name.lower())
    )
    if org is None:
        raise click.ClickException(f"No organisation named {name!r}.")
    return org


@orgs_cli.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), required=True)
@click.option("--currency", default="EUR", show_default=True)
@domain_errors_exit
def create_org(name: str, kind: str, currency: str) -> None:
    """Create an organisation and print its id."""
    org = services.create_organization(name, kind, currency=currency.upper())
    db.session.commit()
    click.echo(org.id)


@users_cli.command("create")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="Organisation name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", required=True)
@click.option("--name", default=None)
@domain_errors_exit
def create_user(email: str, org_name: str, role: str, password: str, name: str | None) -> None:
    """Create a user in an organisation."""
    org = org_by_name(org_name)
    user = services.create_user(
        org, email=email, name=name or email.split("@")[0], role=role, password=password
    )
    db.session.commit()
    click.echo(f"created user {user.id} {user.email} ({user.role.value}) in {org.name}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="CLI token", show_default=True)
@domain_errors_exit
def create_token(email: str, name: str) -> None:
    """Print a new API token for a user."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with e-mail {email!r}.")
    if not user.active:
        raise click.ClickException(f"User {email!r} is deactivated.")
    _token, secret = services.issue_token(user, name=name)
    db.session.commit()
    click.echo(secret)


DEMO_ORGS = (
    (
        "Northwind Supplies GmbH",
        OrgKind.CREDITOR,
        "EUR",
        "northwind.example",
        (
            ("owner", "Clara Becker"),
            ("credit", "Jonas Weber"),
            ("sales", "Mia Schulz"),
            ("viewer", "Paul Richter"),
        ),
    ),
    (
        "Brightwell Foods Ltd",
        OrgKind.CREDITOR,
        "GBP",
        "brightwell.example",
        (
            ("owner", "Eleanor Shaw"),
            ("credit", "Samuel Price"),
            ("sales", "Grace Mitchell"),
            ("viewer", "Thomas Wright"),
        ),
    ),
    (
        "Fairway Collections Ltd",
        OrgKind.AGENCY,
        "EUR",
        "fairway.example",
        (("owner", "Olivia Hughes"), ("collector", "Harry Evans")),
    ),
)


@demo_cli.command("seed")
@domain_errors_exit
def seed() -> None:
    """Fill an empty database with demo organisations and users; print the logins."""
    if db.session.scalar(select(func.count(Organization.id))):
        raise click.ClickException("The database is not empty; demo seed only fills an empty one.")
    logins = []
    for name, kind, currency, domain, people in DEMO_ORGS:
        org = services.create_organization(name, kind, currency=currency)
        if kind is OrgKind.CREDITOR:
            org.target_dso_days = 45
        for role, person in people:
            email = f"{role}@{domain}"
            services.create_user(org, email=email, name=person, role=role, password=DEMO_PASSWORD)
            logins.append((name, role, email))
    hooks.collect("demo_seed")
    db.session.commit()
    click.echo(f"Demo ready. Every login below uses the password: {DEMO_PASSWORD}")
    for org_name, role, email in logins:
        click.echo(f"  {org_name:<28} {role:<10} {email}")


def init_app(app: Flask) -> None:
    for group in (orgs_cli, users_cli, tokens_cli, demo_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker_command)
    app.cli.add_command(outbox_cli)
