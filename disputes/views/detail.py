"""Dispute page: the dispute, its thread, transitions and the resolution form."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue

from disputes.views import bp


@bp.route("/invoices/<int:invoice_id>/disputes/new", methods=["GET", "POST"])
def open_dispute(invoice_id: int) -> ResponseReturnValue:
    """(being written)"""
    abort(404)


@bp.route("/disputes/<int:dispute_id>")
def dispute(dispute_id: int) -> ResponseReturnValue:
    """(being written)"""
    abort(404)
