"""Dispute analytics: by reason and team, time to resolve, cash blocked; chart and CSV."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the analytics page, its CSV export and `GET /api/v1/reports/disputes`."""
    from core.extensions import register_api
    from disputes.analytics import api, views

    if views.bp.name not in app.blueprints:
        app.register_blueprint(views.bp)
    register_api(app, api.blp)
