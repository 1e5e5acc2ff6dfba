"""Attachments (SPEC §3): files stored outside static/, checked by content, served as downloads."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the attachments API (and, by importing it, the Attachment model)."""
    from core.extensions import register_api
    from disputes.attachments import api

    if api.blp.name in app.blueprints:  # idempotent: a test app may have called it already
        return
    register_api(app, api.blp)
