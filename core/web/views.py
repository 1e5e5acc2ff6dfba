"""Dashboards per organisation kind, and Swagger UI files from an installed package."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from swagger_ui_bundle import swagger_ui_path

from core.auth.forms import kind_label, role_label
from core.web import dashboard

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The signed-in user's dashboard."""
    return render_template("web/dashboard.html", **dashboard.for_user(current_user))


@bp.get("/api/docs-assets/<path:filename>")
def docs_assets(filename: str) -> ResponseReturnValue:
    """Swagger UI's JS/CSS from the swagger-ui-bundle package: no CDN needed."""
    return send_from_directory(swagger_ui_path, filename)


def shell_context() -> dict[str, Any]:
    """Navigation for the layout: core items plus whatever features register."""
    return {
        "nav_items": dashboard.nav_items,
        "account_items": dashboard.account_items,
        "role_label": role_label,
        "kind_label": kind_label,
    }
