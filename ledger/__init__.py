"""Receivables ledger (SPEC §2): debtors, invoices, payments, credit notes, imports, reports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the ledger's APIs, pages, hooks, jobs and commands."""
    from core import hooks
    from core.extensions import register_api
    from ledger import api, demo, jobs, panels, views
    from ledger.imports import api as imports_api
    from ledger.imports import cli as imports_cli
    from ledger.imports import views as imports_views
    from ledger.reports import api as reports_api

    for blueprint in (api.blp, reports_api.blp, imports_api.blp):
        register_api(app, blueprint)
    app.register_blueprint(views.bp)
    app.register_blueprint(imports_views.bp)
    imports_cli.init_cli(app)
    hooks.register("nav_items", panels.nav_items)
    hooks.register("dashboard_panels", panels.receivables_panel)
    hooks.register("demo_seed", demo.seed_ledger)
    hooks.register("periodic_jobs", jobs.schedule)
