"""Disputes (SPEC §3): reason-coded disputes on invoices with a declared lifecycle."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the disputes API, pages, jobs and hooks; tell the ledger how to show disputes."""
    from core import hooks
    from core.extensions import register_api
    from disputes import analytics, api, attachments, demo, history, jobs, refs, threads, views

    register_api(app, api.blp)
    attachments.init_app(app)
    threads.init_app(app)
    views.init_app(app)
    analytics.init_app(app)
    history.init_app(app)
    jobs.init_app(app)
    demo.init_app(app)
    hooks.register("invoice_disputes", refs.dispute_refs)
