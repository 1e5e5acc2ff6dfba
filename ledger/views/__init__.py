"""The ledger's HTML pages: debtors, invoices, payments, credit notes, CSV export."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from flask import Blueprint, flash
from flask_login import login_required
from flask_wtf import FlaskForm

from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.errors import DomainError
from core.money import Money, exponent
from ledger import permissions
from ledger.models import InvoiceStatus

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("ledger", __name__, template_folder="../templates")

#: badge tone per invoice status (the _macros.badge tones)
STATUS_TONES = {
    InvoiceStatus.OPEN: "muted",
    InvoiceStatus.PARTIALLY_PAID: "warn",
    InvoiceStatus.OVERDUE: "danger",
    InvoiceStatus.PAID: "ok",
    InvoiceStatus.DISPUTED: "warn",
    InvoiceStatus.IN_COLLECTION: "danger",
    InvoiceStatus.WRITTEN_OFF: "muted",
    InvoiceStatus.CANCELLED: "muted",
}


def readers(view: F) -> F:
    """Signed in (else the login page) and a creditor member who reads the ledger (else 403)."""
    return login_required(require_kind(OrgKind.CREDITOR, *permissions.READERS)(view))  # type: ignore[return-value]


def writers(view: F) -> F:
    """Signed in and an owner or credit member of a creditor (else 403)."""
    return login_required(require_kind(OrgKind.CREDITOR, *permissions.WRITERS)(view))  # type: ignore[return-value]


def show_errors(form: FlaskForm, error: DomainError, aliases: dict[str, str]) -> None:
    """Put a service's field messages next to the form's fields; else flash the message."""
    placed = False
    for name, messages in error.details.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and isinstance(messages, list):
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        flash(error.message, "error")


@bp.app_template_filter("ledger_money")
def ledger_money(value: Money | None) -> str:
    """ "1,234.56 EUR" with thousands separators; a dash for None."""
    if value is None:
        return "—"
    digits = exponent(value.currency)
    return f"{Decimal(value.minor).scaleb(-digits):,.{digits}f} {value.currency}"


def status_label(status: InvoiceStatus) -> str:
    """ "partially_paid" → "Partially paid"."""
    return status.value.replace("_", " ").capitalize()


@bp.context_processor
def ledger_context() -> dict[str, Any]:
    """Permission predicates and labels the ledger templates use to show or hide actions."""
    return {
        "can_write_ledger": permissions.can_write_ledger,
        "status_label": status_label,
        "status_tone": STATUS_TONES.get,
    }


from ledger.views import debtors, export, invoices  # noqa: E402  (routes register on bp)

__all__ = ["bp", "debtors", "export", "invoices"]
