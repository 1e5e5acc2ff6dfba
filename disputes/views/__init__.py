"""The disputes' HTML pages: lists, the dispute page with its thread, forms."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("disputes", __name__, template_folder="../templates")


def init_app(app: Flask) -> None:
    """Register the pages (once per app) and the sections they add to ledger pages."""
    from disputes.views import detail, lists  # noqa: F401  (routes register on bp)

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
