"""The marketplace's HTML pages: creditors' cases, the agencies' marketplace and bids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, flash, request
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.errors import Conflict, DomainError
from core.extensions import db
from core.money import Money
from marketplace import permissions
from marketplace.states import BidStatus, CaseStatus
from marketplace.terms import FeeTerms, format_percent

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

bp = Blueprint("marketplace", __name__, template_folder="../templates")

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

#: badge tone per case and bid status (the _macros.badge tones)
CASE_TONES = {
    CaseStatus.DRAFT: "muted",
    CaseStatus.LISTED: "warn",
    CaseStatus.AWARDED: "ok",
    CaseStatus.ACTIVE: "ok",
    CaseStatus.CLOSED: "muted",
    CaseStatus.WITHDRAWN: "muted",
    CaseStatus.EXPIRED: "muted",
}
BID_TONES = {
    BidStatus.LIVE: "warn",
    BidStatus.ACCEPTED: "ok",
    BidStatus.WITHDRAWN: "muted",
    BidStatus.REJECTED: "danger",
    BidStatus.REPLACED: "muted",
}
#: listing bands and expected-recovery bases in words
LABELS = {
    "under_1k": "Under 1k",
    "1k_5k": "1k-5k",
    "5k_25k": "5k-25k",
    "25k_100k": "25k-100k",
    "100k_plus": "100k and more",
    "not_due": "Not due",
    "d1_30": "1-30 days",
    "d31_60": "31-60 days",
    "d61_90": "61-90 days",
    "d91_120": "91-120 days",
    "d120_plus": "Over 120 days",
    "agency_similar": "this agency on similar cases",
    "platform_similar": "all agencies on similar cases",
    "platform": "all closed cases",
    "default": "no history yet",
}


def _gate(kind: OrgKind, roles: tuple[Any, ...]) -> Callable[[F], F]:
    def wrap(view: F) -> F:
        return login_required(require_kind(kind, *roles)(view))  # type: ignore[return-value]

    return wrap


#: signed in (else the login page) and of the right kind and role (else 403)
creditor_readers = _gate(OrgKind.CREDITOR, permissions.CREDITOR_READERS)
managers = _gate(OrgKind.CREDITOR, permissions.MANAGERS)
agency_readers = _gate(OrgKind.AGENCY, permissions.AGENCY_READERS)
bidders = _gate(OrgKind.AGENCY, permissions.BIDDERS)


class ActionForm(FlaskForm):
    """A one-button POST form: only the CSRF token."""


def page_args() -> tuple[int, int]:
    """`?page=` and `?page_size=` (at most MAX_PAGE_SIZE); nonsense is a 400."""
    page = request.args.get("page", type=int) or 1
    size = request.args.get("page_size", type=int) or PAGE_SIZE
    if not 1 <= page <= 10**9 or not 1 <= size <= MAX_PAGE_SIZE:
        abort(400)
    return page, size


def pages(found: dict[str, Any]) -> int:
    return max(1, -(-found["total"] // found["page_size"]))


def commit(work: Callable[[], T]) -> tuple[T | None, DomainError | None]:
    """Run the service and commit; a domain error (or a concurrent change) rolls back."""
    try:
        result = work()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return None, Conflict(
            "Someone else changed this case meanwhile; reload and try again.", code="stale"
        )
    except DomainError as exc:
        db.session.rollback()
        return None, exc
    return result, None


def flat_details(details: dict[str, Any], prefixes: dict[str, str]) -> dict[str, list[str]]:
    """{"instant_terms": {"percent": [...]}} → {"instant_percent": [...]} (prefix per key)."""
    flat: dict[str, list[str]] = {}
    for name, value in details.items():
        if isinstance(value, dict):
            for sub, messages in flat_details(value, {}).items():
                flat[f"{prefixes.get(name, name + '_')}{sub}"] = messages
        elif isinstance(value, list):
            flat[name] = [str(m) for m in value]
    return flat


def place_errors(form: Any, error: DomainError | None, prefixes: dict[str, str]) -> None:
    """The service's field messages go next to the form's fields; anything else is flashed."""
    if error is None:
        return
    leftover = []
    for name, messages in flat_details(error.details, prefixes).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
        else:
            leftover.extend(messages)
    text = error.message if not leftover else f"{error.message} {' '.join(leftover)}"
    flash(text, "error")


@bp.app_template_global("mp_fee")
def fee_text(terms: FeeTerms | None) -> str:
    """ "15 %", "500.00 EUR", "200.00 EUR upfront + 10 %"; a dash for None."""
    from ledger.views import ledger_money

    if terms is None:
        return "—"
    parts = []
    if terms.fixed is not None:
        parts.append(ledger_money(terms.fixed))
    if terms.upfront is not None:
        parts.append(f"{ledger_money(terms.upfront)} upfront")
    if terms.percent_bp is not None:
        parts.append(f"{format_percent(terms.percent_bp)} %")
    return " + ".join(parts)


@bp.app_template_global("mp_percent")
def percent_text(bp_value: int | None) -> str:
    """1250 → "12.5 %"; a dash for None."""
    return "—" if bp_value is None else f"{format_percent(bp_value)} %"


@bp.app_template_global("mp_money")
def money(minor: int, currency: str) -> Money:
    return Money(minor, currency)


@bp.app_template_global("mp_label")
def label(value: Any) -> str:
    """ "recovered_partial" → "Recovered partial"."""
    text = str(getattr(value, "value", value))
    return LABELS.get(text) or text.replace("_", " ").capitalize()


@bp.app_template_global("mp_case_tone")
def case_tone(status: CaseStatus | str) -> str:
    return CASE_TONES.get(CaseStatus(status), "muted")


@bp.app_template_global("mp_bid_tone")
def bid_tone(status: BidStatus | str) -> str:
    return BID_TONES.get(BidStatus(status), "muted")


@bp.context_processor
def marketplace_context() -> dict[str, Any]:
    """The empty form whose CSRF token the pages' one-button POST forms carry."""
    return {"action_form": ActionForm()}


def init_app(app: Flask) -> None:
    """Register the pages (once per app), the menu entries and the debtor-page section."""
    from core import hooks
    from marketplace.views import agency, creditor, sections, workspace  # noqa: F401  (routes on bp)

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
    hooks.register("nav_items", sections.nav_items)
    hooks.register("debtor_sections", sections.debtor_section)
