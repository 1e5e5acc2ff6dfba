"""`flask marketplace expire-listings`: the hourly expiry, by hand or from cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from marketplace.services import cases

marketplace_cli = AppGroup("marketplace", help="Marketplace maintenance.")


@marketplace_cli.command("expire-listings")
def expire_listings_command() -> None:
    """Expire listed cases whose bidding deadline has passed without an award."""
    expired = cases.expire_due_listings()
    db.session.commit()
    click.echo(f"Expired {len(expired)} listing(s).")


def init_cli(app: Flask) -> None:
    app.cli.add_command(marketplace_cli)
