"""The claim package (SPEC §4): a case exported as one zip another agency or a lawyer can
take over (manifest, invoices, interest, thread, timeline, disputes, dunning, evidence)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the claim-package API."""
    from core.extensions import register_api
    from marketplace.claim_package import api

    register_api(app, api.blp)
