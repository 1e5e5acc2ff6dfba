"""Recoveries: money collected on a case, allocated and booked exactly once. Flush only.

A recovery is applied in the creditor's allocation order (allocation.py): first what is
open in each bucket before principal, then the principal is booked on the case's
invoices, oldest due date first, as one ledger payment per invoice. The agency's success
fee (contingency or hybrid percent of the recovery, less repaid legal costs) becomes a
`success_fee` cost by itself.

Exactly once: the case row is locked first (`SELECT ... FOR UPDATE` on PostgreSQL), so
recoveries of one case run one after the other and each sees what the previous one
booked; a submission whose idempotency key the case has seen returns the first recovery,
and a unique (case_id, idempotency_key) index is the backstop.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from core.auth.models import OrgKind, User
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.jobs import enqueue_after_commit
from core.money import Money
from ledger import services as ledger
from ledger.clock import today
from ledger.models import Invoice
from marketplace.models import Case, CaseInvoice
from marketplace.services.events import record
from marketplace.terms import FeeModel, format_percent
from marketplace.workspace import allocation, notifications, settings
from marketplace.workspace.models import (
    CaseCost,
    CostBearer,
    CostKind,
    CostStatus,
    Recovery,
    RecoveryAllocation,
    RecoverySource,
)
from marketplace.workspace.work import clean_text, require_running, start_work

MAX_NOTE = 1000
#: fee models whose percent applies to what is recovered
PERCENT_MODELS = frozenset({FeeModel.CONTINGENCY, FeeModel.HYBRID})


def record_recovery(
    case: Case,
    *,
    actor: User,
    amount: Money,
    received_on: date,
    note: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[Recovery, bool]:
    """Book a recovery; returns (recovery, created). A known key returns the first one."""
    status = db.session.scalar(select(Case.status).where(Case.id == case.id).with_for_update())
    require_running(case, status)
    if idempotency_key:
        first = find_by_key(case, idempotency_key)
        if first is not None:
            check_replay(first, amount, received_on)
            return first, False
    _check_input(case, amount, received_on)
    text = clean_text(note, field="note", limit=MAX_NOTE, required=False)
    invoices = open_invoices(case)
    open_by_bucket = {
        allocation.LEGAL_COSTS: legal_costs_open(case),
        allocation.PRINCIPAL: sum(i.outstanding_minor for i in invoices),
    }
    remaining = Money(sum(open_by_bucket.values()), case.currency)
    if amount.minor > remaining.minor:
        raise ValidationFailed(
            "The recovery is more than the case's outstanding.",
            details={"amount": [f"At most {remaining.amount} {remaining.currency} is owed."]},
        )
    parts = allocation.allocate(
        amount.minor, open_by_bucket, settings.allocation_order(case.org_id)
    )
    percent = fee_percent(case)
    fee = allocation.success_fee(allocation.fee_base(parts), percent)
    recovery = Recovery(
        org_id=case.org_id,
        case_id=case.id,
        currency=case.currency,
        amount_minor=amount.minor,
        received_on=received_on,
        note=text,
        source=RecoverySource.AGENCY if actor.kind is OrgKind.AGENCY else RecoverySource.DIRECT,
        idempotency_key=idempotency_key,
        legal_costs_minor=parts[allocation.LEGAL_COSTS],
        interest_minor=parts[allocation.STATUTORY_INTEREST],
        compensation_minor=parts[allocation.COMPENSATION],
        principal_minor=parts[allocation.PRINCIPAL],
        fee_minor=fee,
        recorded_by_id=actor.id,
        recorded_by_org_id=actor.org_id,
    )
    db.session.add(recovery)
    db.session.flush()  # the unique key index answers here, before any payment is booked
    _book_principal(case, recovery, invoices, actor)
    if fee:
        base = Money(allocation.fee_base(parts), case.currency)
        _add_success_fee(case, recovery, actor, percent or 0, base)
    start_work(case, actor=actor)
    record(
        case,
        "recovery_recorded",
        actor=actor,
        from_status=None,
        details={
            "recovery_id": recovery.id,
            "amount": recovery.amount.to_dict(),
            "agency_fee": recovery.agency_fee.to_dict(),
            "source": recovery.source.value,
        },
    )
    enqueue_after_commit(notifications.notify_recovery, recovery.id)
    return recovery, True


def find_by_key(case: Case, key: str) -> Recovery | None:
    return db.session.scalar(
        select(Recovery).where(Recovery.case_id == case.id, Recovery.idempotency_key == key)
    )


def check_replay(first: Recovery, amount: Money, received_on: date) -> None:
    """The same key with another amount or date is a mistake, not a retry: 409."""
    if first.amount != amount or first.received_on != received_on:
        raise Conflict(
            "This idempotency key was used for a different recovery.",
            code="idempotency_key_reused",
            details={"recovery_id": first.id},
        )


def _check_input(case: Case, amount: Money, received_on: date) -> None:
    errors: dict[str, list[str]] = {}
    if amount.currency != case.currency:
        errors["amount"] = [f"The case is in {case.currency}; nothing converts currencies."]
    elif amount.minor <= 0:
        errors["amount"] = ["Must be greater than zero."]
    if received_on > today():
        errors["received_on"] = ["Must be today or earlier."]
    elif case.awarded_at is not None and received_on < case.awarded_at.date():
        errors["received_on"] = ["Money received before the award is not a recovery."]
    if errors:
        raise ValidationFailed("The recovery is not valid.", details=errors)


def open_invoices(case: Case) -> list[Invoice]:
    """The case's invoices still owed, oldest due date first, read fresh from the database."""
    return list(
        db.session.scalars(
            select(Invoice)
            .join(CaseInvoice, CaseInvoice.invoice_id == Invoice.id)
            .where(
                CaseInvoice.case_id == case.id,
                CaseInvoice.active.is_(True),
                Invoice.outstanding_minor > 0,
                Invoice.cancelled_on.is_(None),
                Invoice.written_off_on.is_(None),
            )
            .order_by(Invoice.due_date, Invoice.issue_date, Invoice.id)
            .execution_options(populate_existing=True)
        )
    )


def legal_costs_open(case: Case) -> int:
    """Approved costs the debtor owes back, less what earlier recoveries repaid of them."""
    owed = select(func.coalesce(func.sum(CaseCost.amount_minor), 0)).where(
        CaseCost.case_id == case.id,
        CaseCost.borne_by == CostBearer.DEBTOR,
        CaseCost.recoverable.is_(True),
        CaseCost.status == CostStatus.APPROVED,
    )
    repaid = select(func.coalesce(func.sum(Recovery.legal_costs_minor), 0)).where(
        Recovery.case_id == case.id
    )
    row = db.session.execute(select(owed.scalar_subquery(), repaid.scalar_subquery())).one()
    return max(0, int(row[0]) - int(row[1]))


def fee_percent(case: Case) -> int | None:
    """The accepted percent (basis points) for contingency and hybrid terms, else None."""
    terms = case.accepted_terms
    if terms is None or terms.fee_model not in PERCENT_MODELS:
        return None
    return terms.percent_bp


def _book_principal(case: Case, recovery: Recovery, invoices: list[Invoice], actor: User) -> None:
    """One ledger payment per invoice, oldest first, until the principal part is used up."""
    left = recovery.principal_minor
    for invoice in invoices:
        if left == 0:
            break
        take = min(left, invoice.outstanding_minor)
        payment = ledger.record_payment(
            invoice,
            amount=Money(take, case.currency),
            received_on=recovery.received_on,
            actor=actor,
            reference=f"Case #{case.id} recovery #{recovery.id}",
        )
        db.session.add(
            RecoveryAllocation(
                org_id=case.org_id,
                recovery_id=recovery.id,
                invoice_id=invoice.id,
                payment_id=payment.id,
                amount_minor=take,
            )
        )
        left -= take
    db.session.flush()


def _add_success_fee(
    case: Case, recovery: Recovery, actor: User, percent_bp: int, base: Money
) -> None:
    db.session.add(
        CaseCost(
            org_id=case.org_id,
            case_id=case.id,
            kind=CostKind.SUCCESS_FEE,
            currency=case.currency,
            amount_minor=recovery.fee_minor,
            description=f"Success fee: {format_percent(percent_bp)} % of {base}",
            borne_by=CostBearer.CREDITOR,
            recoverable=False,
            status=CostStatus.APPROVED,
            recovery_id=recovery.id,
            author_id=actor.id,
            author_org_id=actor.org_id,
        )
    )
    db.session.flush()
