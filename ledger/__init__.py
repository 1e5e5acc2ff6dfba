"""Receivables ledger (SPEC §2): debtors, invoices, payments, credit notes, imports, reports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the ledger's API and models."""
    from core.extensions import register_api
    from ledger import api
    from ledger.imports import models as import_models

    register_api(app, api.blp)
    del import_models  # imported for its table
