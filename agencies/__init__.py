"""Agencies (SPEC §4 "Agency profile"): public profiles, computed statistics, reviews."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the agencies API, pages and shell contributions and demo."""
    from agencies import api, demo, panels, views
    from core import hooks
    from core.extensions import register_api

    register_api(app, api.blp)
    app.register_blueprint(views.bp)
    hooks.register("nav_items", panels.nav_items)
    hooks.register("dashboard_panels", panels.profile_panel)
    demo.init_app(app)
