"""Creating, editing, publishing and withdrawing cases. Flush, never commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pycountry
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.auth.models import Organization, OrgKind, User
from core.db import utcnow
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.jobs import enqueue_after_commit
from core.money import Money
from ledger.clock import today
from ledger.models import Debtor, DebtorType, Invoice
from marketplace import notifications, states
from marketplace.models import Bid, Case, CaseInvitation, CaseInvoice
from marketplace.services import listing
from marketplace.services.events import record
from marketplace.states import BidStatus, CaseStatus
from marketplace.terms import FeeTerms

#: the furthest a bidding deadline may lie ahead
MAX_BIDDING_DAYS = 180
MAX_INVOICES = 500
#: fields a draft may change
EDITABLE = (
    "bidding_deadline",
    "terms",
    "instant_terms",
    "invited_agency_ids",
    "required_countries",
    "required_specialties",
)


def create_case(
    org: Organization,
    *,
    actor: User | None,
    debtor: Debtor,
    invoice_ids: list[int],
    bidding_deadline: datetime,
    terms: dict[str, Any],
    instant_terms: dict[str, Any] | None = None,
    invited_agency_ids: list[int] | None = None,
    required_countries: list[str] | None = None,
    required_specialties: list[str] | None = None,
) -> Case:
    """A draft case bundling overdue, unpaid invoices of one debtor in one currency.

    The invoices are reserved at once (no other case may take them) and marked
    `in_collection` in the ledger only when the case is awarded.
    """
    if debtor.debtor_type is DebtorType.CONSUMER:
        raise ValidationFailed(
            "Consumer debts are not listed on the marketplace.",
            details={"debtor_id": ["Consumer debtors cannot be listed."]},
        )
    invoices = _eligible_invoices(org, debtor, invoice_ids)
    case = Case(
        org_id=org.id,
        debtor_id=debtor.id,
        debtor=debtor,
        currency=invoices[0].currency,
        claimed_minor=sum(i.outstanding_minor for i in invoices),
        invoice_count=len(invoices),
        status=CaseStatus.DRAFT,
        created_by_id=actor.id if actor else None,
        fee_models=[],
        required_countries=[],
        required_specialties=[],
        document_kinds=[],
    )
    _apply(
        case,
        {
            "bidding_deadline": bidding_deadline,
            "terms": terms,
            "instant_terms": instant_terms,
            "required_countries": required_countries or [],
            "required_specialties": required_specialties or [],
        },
    )
    _set_invitations(case, invited_agency_ids or [])
    case.case_invoices = [
        CaseInvoice(
            org_id=org.id, invoice_id=i.id, invoice=i, outstanding_minor=i.outstanding_minor
        )
        for i in invoices
    ]
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError as exc:
        # a concurrent case took one of the invoices first (partial unique index)
        if "case_invoices" in str(exc.orig) and "invoice_id" in str(exc.orig):
            raise _on_another_case([i.number for i in invoices]) from None
        raise
    record(
        case,
        "created",
        actor=actor,
        from_status=None,
        details={"invoice_ids": [i.id for i in invoices], "claimed": case.claimed.to_dict()},
    )
    db.session.flush()
    return case


def update_case(case: Case, *, actor: User | None, **fields: Any) -> Case:
    """Change a draft's deadline, terms, invitations or requirements (409 once listed)."""
    if case.status is not CaseStatus.DRAFT:
        raise Conflict("Only a draft case can be edited.", code="case_not_draft")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = sorted(fields)
    invited = fields.pop("invited_agency_ids", None)
    _apply(case, fields)
    if invited is not None:
        case.invitations.clear()
        db.session.flush()  # the old rows go before the new ones may take their keys
        _set_invitations(case, invited)
    db.session.flush()
    record(case, "updated", actor=actor, from_status=case.status, details={"fields": changed})
    return case


def publish_case(case: Case, *, actor: User | None) -> Case:
    """List a draft: recompute the claim, take the anonymised facts, open bidding."""
    before = case.status
    states.check_transition(before, CaseStatus.LISTED)
    _check_deadline(case.bidding_deadline)
    rows = case.case_invoices
    stale = [
        ci.invoice.number
        for ci in rows
        if _ineligible(ci.invoice) or ci.invoice.case_id is not None
    ]
    if stale:
        raise Conflict(
            "Some invoices can no longer be listed (paid, closed or on another case).",
            code="invoice_not_eligible",
            details={"invoices": stale},
        )
    for ci in rows:
        ci.outstanding_minor = ci.invoice.outstanding_minor
    listing.take_snapshot(case, [ci.invoice for ci in rows])
    case.status = CaseStatus.LISTED
    case.published_at = utcnow()
    db.session.flush()  # version check: a concurrent move of this case is a 409
    record(
        case,
        "listed",
        actor=actor,
        from_status=before,
        details={"claimed": case.claimed.to_dict(), "open_to_all": case.open_to_all},
    )
    if not case.open_to_all:
        enqueue_after_commit(notifications.notify_case_event, case.id, "listed")
    return case


def withdraw_case(case: Case, *, actor: User | None) -> Case:
    """Take a draft or listed case off the marketplace; its invoices are free again."""
    before = case.status
    states.check_transition(before, CaseStatus.WITHDRAWN)
    case.status = CaseStatus.WITHDRAWN
    case.closed_at = utcnow()
    db.session.flush()  # version check: withdrawing while a bid is accepted is a 409
    release_reservations([case.id])
    rejected = reject_live_bids([case.id])
    record(case, "withdrawn", actor=actor, from_status=before, details={"rejected_bids": rejected})
    if rejected:
        enqueue_after_commit(notifications.notify_case_event, case.id, "withdrawn")
    return case


def expire_due_listings(*, batch: int = 500) -> list[int]:
    """Listed cases past their deadline without an award become `expired` (set-based).

    The same conditional UPDATE as an award (`status = 'listed'`) decides a race with a
    last-minute accept: one of them updates the row, the other finds it moved.
    """
    expired: list[int] = []
    while True:
        now = utcnow()
        due = db.session.scalars(
            select(Case.id)
            .where(Case.status == CaseStatus.LISTED, Case.bidding_deadline <= now)
            .order_by(Case.id)
            .limit(batch)
        ).all()
        if not due:
            return expired
        rows = db.session.execute(
            update(Case)
            .where(
                Case.id.in_(due),
                Case.status == CaseStatus.LISTED,
                Case.bidding_deadline <= now,
            )
            .values(
                status=CaseStatus.EXPIRED, closed_at=now, updated_at=now, version=Case.version + 1
            )
            .returning(Case.id),
            execution_options={"synchronize_session": False},
        ).all()
        ids = [row[0] for row in rows]
        if not ids:
            continue
        release_reservations(ids)
        reject_live_bids(ids)
        for case in db.session.scalars(
            select(Case).where(Case.id.in_(ids)).execution_options(populate_existing=True)
        ):
            record(case, "expired", actor=None, from_status=CaseStatus.LISTED)
            enqueue_after_commit(notifications.notify_case_event, case.id, "expired")
        db.session.flush()
        expired.extend(ids)


def release_reservations(case_ids: list[int]) -> None:
    """The cases' invoices may go on another case again (set-based)."""
    db.session.execute(
        update(CaseInvoice).where(CaseInvoice.case_id.in_(case_ids)).values(active=False),
        execution_options={"synchronize_session": False},
    )


def reject_live_bids(case_ids: list[int]) -> int:
    """Every live bid on the cases becomes `rejected` (set-based); returns how many."""
    result = db.session.execute(
        update(Bid)
        .where(Bid.case_id.in_(case_ids), Bid.status == BidStatus.LIVE)
        .values(status=BidStatus.REJECTED, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# -- helpers ---------------------------------------------------------------------------------


def _eligible_invoices(org: Organization, debtor: Debtor, invoice_ids: list[int]) -> list[Invoice]:
    """The invoices, checked: ours, this debtor's, one currency, overdue, unpaid, free."""
    ids = list(dict.fromkeys(invoice_ids))
    if not ids:
        raise ValidationFailed("No invoices.", details={"invoice_ids": ["Give at least one."]})
    if len(ids) > MAX_INVOICES:
        raise ValidationFailed(
            "Too many invoices.", details={"invoice_ids": [f"At most {MAX_INVOICES}."]}
        )
    found = db.session.scalars(
        select(Invoice).where(Invoice.org_id == org.id, Invoice.id.in_(ids)).order_by(Invoice.id)
    ).all()
    missing = sorted(set(ids) - {i.id for i in found})
    if missing:
        # foreign and unknown ids read the same: no existence oracle (QUALITY T3)
        raise ValidationFailed(
            "Unknown invoice.",
            details={"invoice_ids": [f"No such invoice: {', '.join(map(str, missing))}."]},
        )
    problems = []
    for invoice in found:
        if invoice.debtor_id != debtor.id:
            problems.append(f"{invoice.number} is not an invoice of this debtor.")
        elif reason := _ineligible(invoice):
            problems.append(f"{invoice.number} {reason}.")
    currencies = sorted({i.currency for i in found})
    if len(currencies) > 1:
        problems.append(f"One currency per case; these are in {', '.join(currencies)}.")
    if problems:
        raise ValidationFailed("Some invoices cannot be listed.", details={"invoice_ids": problems})
    taken = db.session.scalars(
        select(CaseInvoice.invoice_id).where(
            CaseInvoice.invoice_id.in_(ids), CaseInvoice.active.is_(True)
        )
    ).all()
    taken_ids = set(taken) | {i.id for i in found if i.case_id is not None}
    if taken_ids:
        raise _on_another_case([i.number for i in found if i.id in taken_ids])
    return list(found)


def _ineligible(invoice: Invoice) -> str | None:
    """Why `invoice` cannot go on a case, or None."""
    if invoice.cancelled_on is not None or invoice.written_off_on is not None:
        return "is cancelled or written off"
    if invoice.outstanding_minor == 0:
        return "is paid"
    if invoice.due_date >= today():
        return "is not overdue"
    return None


def _on_another_case(numbers: list[str]) -> Conflict:
    return Conflict(
        "Some invoices are on another active case.",
        code="invoice_on_case",
        details={"invoices": numbers},
    )


def _apply(case: Case, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name == "bidding_deadline":
            case.bidding_deadline = _check_deadline(value)
        elif name == "terms":
            max_fixed = value.get("max_fixed")
            _same_currency(case, max_fixed, {"terms": {"max_fixed": [_mismatch(case)]}})
            case.fee_models = sorted(set(value["fee_models"]))
            case.max_percent_bp = value.get("max_percent")
            case.max_fixed_minor = max_fixed.minor if max_fixed else None
        elif name == "instant_terms":
            _apply_instant(case, value)
        elif name == "required_countries":
            case.required_countries = _countries(value)
        elif name == "required_specialties":
            case.required_specialties = sorted(set(value))
    if "terms" in fields and "instant_terms" not in fields and case.instant_terms:
        case.instant_terms.check_within(case.terms, field="instant_terms")


def _apply_instant(case: Case, value: dict[str, Any] | None) -> None:
    if value is None:
        terms = None
    else:
        terms = FeeTerms.build(
            value["fee_model"],
            case.currency,
            percent=value.get("percent"),
            fixed=value.get("fixed"),
            upfront=value.get("upfront"),
            field="instant_terms",
        )
        terms.check_within(case.terms, field="instant_terms")
    case.instant_fee_model = terms.fee_model if terms else None
    case.instant_percent_bp = terms.percent_bp if terms else None
    case.instant_fixed_minor = terms.fixed_minor if terms else None
    case.instant_upfront_minor = terms.upfront_minor if terms else None


def _same_currency(case: Case, money: Money | None, details: dict[str, Any]) -> None:
    if money is not None and money.currency != case.currency:
        raise ValidationFailed("Currency mismatch.", details=details)


def _mismatch(case: Case) -> str:
    return f"The case is in {case.currency}; nothing converts currencies."


def _check_deadline(deadline: datetime) -> datetime:
    now = utcnow()
    if deadline <= now:
        raise ValidationFailed(
            "The bidding deadline has passed.",
            details={"bidding_deadline": ["Must be in the future."]},
        )
    if deadline > now + timedelta(days=MAX_BIDDING_DAYS):
        raise ValidationFailed(
            "The bidding deadline is too far away.",
            details={"bidding_deadline": [f"At most {MAX_BIDDING_DAYS} days ahead."]},
        )
    return deadline


def _countries(codes: list[str]) -> list[str]:
    cleaned = sorted({c.strip().upper() for c in codes})
    bad = [c for c in cleaned if pycountry.countries.get(alpha_2=c) is None]
    if bad:
        raise ValidationFailed(
            "Unknown country.",
            details={"required_countries": [f"Not ISO 3166 codes: {', '.join(bad)}."]},
        )
    return cleaned


def _set_invitations(case: Case, agency_ids: list[int]) -> None:
    """Invite agencies (none: the listing is open to all). Unknown or non-agency ids: 422."""
    ids = sorted(set(agency_ids))
    if ids:
        found = set(
            db.session.scalars(
                select(Organization.id).where(
                    Organization.id.in_(ids), Organization.kind == OrgKind.AGENCY
                )
            )
        )
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationFailed(
                "Unknown agency.",
                details={
                    "invited_agency_ids": [f"No such agency: {', '.join(map(str, missing))}."]
                },
            )
    case.open_to_all = not ids
    case.invitations.extend(CaseInvitation(org_id=case.org_id, agency_org_id=i) for i in ids)
