"""Threads (SPEC §3): Markdown comments with visibility, mentions, history and attachments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the comments API and decide downloads of files attached to comments."""
    from core.extensions import register_api
    from disputes.attachments.permissions import set_comment_visibility
    from disputes.threads import api, permissions

    set_comment_visibility(permissions.can_download_from)
    if api.blp.name in app.blueprints:
        return
    register_api(app, api.blp)
