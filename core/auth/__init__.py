"""Accounts: organisations, users and roles, invitations, sessions and API tokens."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.auth import api, session, views
    from core.extensions import api as rest_api

    session.init_app(app)
    rest_api.register_blueprint(api.blp)
    app.register_blueprint(views.bp)
