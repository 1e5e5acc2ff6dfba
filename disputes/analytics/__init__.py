"""Dispute analytics: by reason and team, time to resolve, cash blocked; chart and CSV."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the analytics page."""
    from disputes.analytics import views

    if views.bp.name not in app.blueprints:
        app.register_blueprint(views.bp)
