"""Accounts: organisations, users and roles, invitations, sessions and API tokens."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.auth import api, session, views
    from core.extensions import register_api

    session.init_app(app)
    register_api(app, api.blp)
    app.register_blueprint(views.bp)
