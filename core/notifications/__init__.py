"""Notifications: in-app list, unread badge, e-mail via jobs, per-user preferences.

from core.notifications import notify
notify(user.id, org_id=org.id, kind="mention", title="...", url="/disputes/1", key="...")
"""

from __future__ import annotations

from flask import Flask

from core.notifications.services import notify

__all__ = ["init_app", "notify"]


def init_app(app: Flask) -> None:
    """Register the API, the page and the navigation item with its unread badge."""
    from core import hooks
    from core.extensions import register_api
    from core.notifications import api, views

    register_api(app, api.blp)
    app.register_blueprint(views.bp)
    hooks.register("nav_items", views.nav_item)
