"""The web shell: dashboards, navigation, the API reference page's assets."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the dashboard blueprint and the layout's navigation helpers."""
    from core.web import views

    app.register_blueprint(views.bp)
    app.context_processor(views.shell_context)
