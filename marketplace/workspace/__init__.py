"""The case workspace (SPEC §4): shared thread, agency activities, recoveries, costs and
the money summary of an awarded case."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the workspace API and make case threads known to the thread code."""
    from core.extensions import register_api
    from marketplace.workspace import api, comments

    comments.register()
    register_api(app, api.blp)
