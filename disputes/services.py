"""Dispute workflows. Each writes a DisputeEvent and an audit row; flush, never commit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core import audit
from core.auth.models import Organization, Role, User
from core.db import utcnow
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.money import Money
from core.text import clean
from disputes import states
from disputes.models import Dispute, DisputeEvent, DisputeSource
from disputes.reasons import parse_reason
from disputes.states import DisputeStatus, Outcome
from ledger import services as ledger
from ledger.clock import today
from ledger.models import Invoice

#: default SLA: days from opening to the due date when none is given
DEFAULT_SLA_DAYS = 14
#: who may own a dispute
OWNER_ROLES = (Role.SALES, Role.CREDIT, Role.OWNER)


def _owner(org_id: int, user_id: int | None, field: str = "owner_id") -> int | None:
    """An active sales or credit member of the same organisation (else 422)."""
    if user_id is None:
        return None
    user = db.session.scalar(select(User).where(User.id == user_id, User.org_id == org_id))
    if user is None or not user.active:
        raise ValidationFailed(
            "Unknown owner.", details={field: ["Not a member of your organisation."]}
        )
    if user.role not in OWNER_ROLES:
        raise ValidationFailed(
            "Not a sales or credit user.", details={field: ["Choose a sales or credit member."]}
        )
    return user.id


def _description(text: str | None) -> str:
    cleaned = clean(text)
    if not cleaned:
        raise ValidationFailed("Description required.", details={"description": ["Required."]})
    return cleaned


def record_event(
    dispute: Dispute,
    kind: str,
    *,
    actor: User | None,
    from_status: DisputeStatus | None,
    details: dict[str, Any],
) -> None:
    """The dispute's append-only event and its audit row (every workflow writes both)."""
    db.session.add(
        DisputeEvent(
            org_id=dispute.org_id,
            dispute_id=dispute.id,
            actor_id=actor.id if actor else None,
            kind=kind,
            from_status=from_status.value if from_status else None,
            to_status=dispute.status.value,
            details=details,
        )
    )
    audit.record(
        f"dispute.{kind}",
        actor=actor,
        org=db.session.get(Organization, dispute.org_id),
        object_type="dispute",
        object_id=dispute.id,
        before={"status": from_status.value} if from_status else None,
        after={"status": dispute.status.value, **details},
    )


def open_dispute(
    invoice: Invoice,
    *,
    actor: User | None,
    reason: str,
    amount: Money,
    description: str,
    owner_id: int | None = None,
    due_date: date | None = None,
    source: DisputeSource = DisputeSource.MANUAL,
) -> Dispute:
    """Dispute `amount` of `invoice` (≤ what is outstanding and not yet disputed) and hold it."""
    team, code = parse_reason(reason)
    if amount.currency != invoice.currency:
        raise ValidationFailed(
            "Currency mismatch.",
            details={"amount": [f"The invoice is in {invoice.currency}; nothing converts."]},
        )
    if invoice.cancelled_on or invoice.written_off_on:
        raise Conflict("The invoice is closed (cancelled or written off).", code="invoice_closed")
    free = Money(invoice.outstanding_minor - invoice.disputed_minor, invoice.currency)
    if amount.minor <= 0 or amount.minor > free.minor:
        raise ValidationFailed(
            "Disputed amount exceeds what can still be disputed.",
            details={"amount": [f"Between 0 and {free.amount} {free.currency} (exclusive of 0)."]},
        )
    if owner_id is None and actor is not None and actor.role in OWNER_ROLES:
        owner_id = actor.id
    dispute = Dispute(
        org_id=invoice.org_id,
        invoice_id=invoice.id,
        invoice=invoice,
        reason_team=team,
        reason_code=code,
        currency=amount.currency,
        amount_minor=amount.minor,
        description=_description(description),
        owner_id=_owner(invoice.org_id, owner_id),
        due_date=due_date or today() + timedelta(days=DEFAULT_SLA_DAYS),
        raised_by_id=actor.id if actor else None,
        source=source,
        status=DisputeStatus.OPEN,
    )
    ledger.hold_amount(invoice, amount)
    db.session.add(dispute)
    db.session.flush()
    record_event(
        dispute,
        "opened",
        actor=actor,
        from_status=None,
        details={"reason": dispute.reason, "amount": amount.to_dict(), "invoice_id": invoice.id},
    )
    return dispute


def update_dispute(
    dispute: Dispute, *, actor: User | None, expected_version: int | None = None, **fields: Any
) -> Dispute:
    """Change the owner, SLA due date or description (not once resolved).

    With `expected_version` (the version the editor read), a dispute changed since is a
    409 carrying its current values (T22); the row's version column guards the write too.
    """
    if dispute.status is DisputeStatus.RESOLVED:
        raise Conflict("A resolved dispute cannot be changed.", code="dispute_resolved")
    if expected_version is not None and dispute.version != expected_version:
        raise stale_dispute(dispute)
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "owner_id":
            # the present owner stays even once deactivated; a new one must be eligible
            value = value if value == dispute.owner_id else _owner(dispute.org_id, value)
        elif name == "description":
            value = _description(value)
        elif name != "due_date":
            raise ValueError(f"not an editable field: {name}")
        if getattr(dispute, name) != value:
            changes[name] = {"from": _plain(getattr(dispute, name)), "to": _plain(value)}
            setattr(dispute, name, value)
    if changes:
        db.session.flush()
        record_event(dispute, "updated", actor=actor, from_status=dispute.status, details=changes)
    return dispute


def stale_dispute(dispute: Dispute) -> Conflict:
    """409 carrying what the editor should merge with: the current editable values."""
    return Conflict(
        "Someone else changed this dispute; here are its current values.",
        code="stale",
        details={
            "current": {
                "description": dispute.description,
                "owner_id": dispute.owner_id,
                "due_date": _plain(dispute.due_date),
                "version": dispute.version,
            }
        },
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def transition_dispute(dispute: Dispute, *, actor: User | None, to: DisputeStatus) -> Dispute:
    """Move along the lifecycle (never to `resolved`: that takes resolve_dispute)."""
    before = dispute.status
    states.check_transition(before, to)
    dispute.status = to
    db.session.flush()
    record_event(dispute, "transitioned", actor=actor, from_status=before, details={})
    return dispute


def resolve_dispute(
    dispute: Dispute,
    *,
    actor: User | None,
    outcome: Outcome,
    credit_amount: Money | None = None,
    note: str | None = None,
) -> Dispute:
    """Resolve with `outcome`, release the hold; a credit-note outcome books the credit note."""
    before = dispute.status
    states.check_transition(before, DisputeStatus.RESOLVED, resolving=True)
    invoice = dispute.invoice
    if outcome is Outcome.CREDIT_NOTE:
        if credit_amount is None:
            raise ValidationFailed(
                "Credit amount required.",
                details={"credit_amount": ["Required for a credit_note outcome."]},
            )
        if credit_amount.currency != dispute.currency:
            raise ValidationFailed(
                "Currency mismatch.", details={"credit_amount": [f"Use {dispute.currency}."]}
            )
        if credit_amount.minor <= 0 or credit_amount.minor > dispute.amount_minor:
            raise ValidationFailed(
                "Credit exceeds the disputed amount.",
                details={"credit_amount": [f"At most {dispute.amount.amount} {dispute.currency}."]},
            )
    elif credit_amount is not None:
        raise ValidationFailed(
            "Only a credit_note outcome takes a credit amount.",
            details={"credit_amount": ["Only with outcome credit_note."]},
        )
    # Release first: the credit note then lowers the outstanding under the other disputes' holds.
    ledger.release_hold(invoice, dispute.amount)
    details: dict[str, Any] = {"outcome": outcome.value}
    if credit_amount is not None:
        reason = f"Dispute #{dispute.id} ({dispute.reason})"
        if clean(note):
            reason = f"{reason}: {clean(note)}"
        credit_note = ledger.issue_credit_note(
            invoice, amount=credit_amount, issued_on=today(), reason=reason, actor=actor
        )
        dispute.credit_note_id = credit_note.id
        details |= {"credit_note_id": credit_note.id, "credit_amount": credit_amount.to_dict()}
    dispute.status = DisputeStatus.RESOLVED
    dispute.outcome = outcome
    dispute.resolution_note = clean(note)
    dispute.resolved_at = utcnow()
    db.session.flush()
    record_event(dispute, "resolved", actor=actor, from_status=before, details=details)
    return dispute
