"""Marketplace (SPEC §4): cases, anonymised listings, bids and the award."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the marketplace API, pages, workspace, claim package, jobs, demo and commands."""
    from core import hooks
    from core.extensions import register_api
    from marketplace import (
        api,
        claim_package,
        cli,
        closing_api,
        demo,
        jobs,
        stage_api,
        views,
        workspace,
    )

    register_api(app, api.blp)
    cli.init_cli(app)
    hooks.register("periodic_jobs", jobs.schedule)
    workspace.init_app(app)
    views.init_app(app)
    closing_api.init_app(app)
    claim_package.init_app(app)
    demo.init_app(app)
    stage_api.init_app(app)
