"""The disputes' HTML pages: lists, the dispute page with its thread, forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask
from flask_login import login_required

from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from disputes import labels, permissions
from disputes.states import DisputeStatus

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("disputes", __name__, template_folder="../templates")

#: badge tone per dispute status (the _macros.badge tones)
STATUS_TONES = {
    DisputeStatus.OPEN: "warn",
    DisputeStatus.IN_REVIEW: "warn",
    DisputeStatus.AWAITING_CUSTOMER: "muted",
    DisputeStatus.RESOLVED: "ok",
}


def readers(view: F) -> F:
    """Signed in (else the login page) and a creditor member who reads disputes (else 403)."""
    gate = require_kind(OrgKind.CREDITOR, *permissions.READERS)
    return login_required(gate(view))  # type: ignore[return-value]


@bp.app_template_global()
def dispute_status_label(status: DisputeStatus | str) -> str:
    """ "awaiting_customer" → "Awaiting customer"."""
    return str(DisputeStatus(status).value).replace("_", " ").capitalize()


@bp.app_template_global()
def dispute_status_tone(status: DisputeStatus | str) -> str:
    return STATUS_TONES.get(DisputeStatus(status), "muted")


@bp.app_template_global()
def dispute_reason_label(team: str, code: str) -> str:
    """("delivery", "wrong_item") → "Delivery: wrong item"."""
    return labels.full_reason_label(team, code)


def init_app(app: Flask) -> None:
    """Register the pages (once per app), the menu entry and the sections on ledger pages."""
    from core import hooks
    from disputes import sections
    from disputes.views import detail, lists, thread  # noqa: F401  (routes register on bp)

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
    hooks.register("nav_items", sections.nav_items)
    hooks.register("invoice_sections", sections.invoice_section)
    hooks.register("debtor_sections", sections.debtor_section)
