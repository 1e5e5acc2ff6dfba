"""The dispute analytics page and its CSV export."""

from __future__ import annotations

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue

bp = Blueprint("dispute_analytics", __name__, template_folder="../templates")


@bp.route("/disputes/analytics")
def analytics() -> ResponseReturnValue:
    """(being written)"""
    abort(404)
