"""Disputes (SPEC §3): reason-coded disputes on invoices with a declared lifecycle."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the disputes API and tell the ledger how to show an invoice's disputes."""
    from core import hooks
    from core.extensions import register_api
    from disputes import api, attachments, refs, threads

    register_api(app, api.blp)
    attachments.init_app(app)
    threads.init_app(app)
    hooks.register("invoice_disputes", refs.dispute_refs)
