"""Dispute lists: all disputes with filters, and "my disputes"."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue

from disputes.views import bp


@bp.route("/disputes")
def index() -> ResponseReturnValue:
    """(being written)"""
    abort(404)


@bp.route("/disputes/mine")
def mine() -> ResponseReturnValue:
    """(being written)"""
    abort(404)
