"""Marketplace (SPEC §4): cases, anonymised listings, bids and the award."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the marketplace API, its periodic jobs and its commands."""
    from core import hooks
    from core.extensions import register_api
    from marketplace import api, cli, jobs, workspace

    register_api(app, api.blp)
    cli.init_cli(app)
    hooks.register("periodic_jobs", jobs.schedule)
    workspace.init_app(app)
