"""Dispute history riding along in an import (the dispute_* CSV columns, API.md).

Registered as the ledger's `imported_disputes` hook. The import calls it twice with the
rows' `ImportedDispute` items: while planning (`apply=False`, dry runs too) to refuse what
cannot be held, then after writing the invoices, in the same transaction (`apply=True`), to
create or update the disputes. Either call returns row errors; an apply call writes nothing
unless it returns none, and the import rolls back whole on any.

- A resolved history becomes a resolved dispute (source `import`) with its outcome,
  `created_at` = opened_on and `resolved_at` = resolved_on (midnight UTC). It holds nothing
  and books no credit note: the file's amounts already reflect what happened. Without
  dispute_amount it covers the whole invoice amount.
- An unresolved history becomes a live `open` dispute holding its amount through the
  ledger's hold (dispute_amount, or else the whole outstanding not yet disputed), SLA due
  `DEFAULT_SLA_DAYS` after opened_on.
- Natural key for re-imports: (invoice, reason, opened_on) among `source=import` disputes.
  A match is updated, never duplicated: a live one takes a new amount, or is resolved when
  the file now says so; a resolved one is final and left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from core import hooks
from core.auth.models import Organization, User
from core.extensions import db
from core.money import Money
from disputes import services
from disputes.models import Dispute, DisputeSource
from disputes.services import DEFAULT_SLA_DAYS, OWNER_ROLES
from disputes.states import DisputeStatus, Outcome
from ledger import services as ledger
from ledger.imports.parsing import RowError
from ledger.imports.plan import ImportedDispute, chunks
from ledger.models import Invoice

#: the natural key of an imported dispute: invoice id, reason team, reason code, opened on
Key = tuple[int, str, str, date]


def init_app(app: Flask) -> None:
    """Take the dispute history of imports."""
    hooks.register("imported_disputes", imported_disputes)


def midnight(day: date) -> datetime:
    """`day` at 00:00 UTC: how a date from a file becomes a timestamp."""
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(slots=True)
class _State:
    """What the invoice holds when the dispute is applied (planned, or read back)."""

    amount: int
    outstanding: int
    held: int
    closed: bool


@dataclass(slots=True)
class _Action:
    item: ImportedDispute
    #: create, resize (a live match's amount), resolve (a live match), or None (unchanged)
    kind: str | None
    amount: int
    match: Dispute | None


def imported_disputes(
    org: Organization,
    items: list[ImportedDispute],
    actor: User | None = None,
    *,
    apply: bool = False,
) -> list[dict[str, Any]]:
    """Check `items` (and, with `apply`, write them); return row errors (API import format)."""
    ids = [i.invoice_id for i in items if i.invoice_id is not None]
    invoices = _invoices(org, ids) if apply else {}
    existing = _existing(org, ids)
    actions: list[_Action] = []
    errors: list[dict[str, Any]] = []
    for item in items:
        invoice = invoices.get(item.invoice_id) if item.invoice_id is not None else None
        action = _decide(item, _state(item, invoice), existing, errors)
        if action is not None:
            actions.append(action)
    if errors or not apply:
        return errors
    _write(org, actor, actions, invoices)
    return []


def _invoices(org: Organization, ids: list[int]) -> dict[int, Invoice]:
    """The invoices as written by the import (Core statements bypassed the identity map)."""
    found: dict[int, Invoice] = {}
    for part in chunks(ids):
        rows = db.session.scalars(
            select(Invoice)
            .where(Invoice.org_id == org.id, Invoice.id.in_(part))
            .options(lazyload(Invoice.debtor))
            .execution_options(populate_existing=True)
        )
        found.update({inv.id: inv for inv in rows})
    return found


def _existing(org: Organization, ids: list[int]) -> dict[Key, Dispute]:
    """Imported disputes on `ids` by natural key (none to read for a first import)."""
    found: dict[Key, Dispute] = {}
    for part in chunks(ids):
        rows = db.session.scalars(
            select(Dispute)
            .where(
                Dispute.org_id == org.id,
                Dispute.source == DisputeSource.IMPORT,
                Dispute.invoice_id.in_(part),
            )
            .options(lazyload(Dispute.invoice))
            .order_by(Dispute.id)
        )
        for dispute in rows:
            key = (dispute.invoice_id, dispute.reason_team, dispute.reason_code)
            found.setdefault((*key, dispute.created_at.date()), dispute)
    return found


def _state(item: ImportedDispute, invoice: Invoice | None) -> _State:
    if invoice is None:
        return _State(item.amount_minor, item.outstanding_minor, item.held_minor, item.closed)
    closed = invoice.cancelled_on is not None or invoice.written_off_on is not None
    return _State(invoice.amount_minor, invoice.outstanding_minor, invoice.disputed_minor, closed)


def _key(item: ImportedDispute) -> Key | None:
    if item.invoice_id is None:
        return None
    team, _, code = item.history.reason.partition(".")
    return (item.invoice_id, team, code, item.history.opened_on)


def _decide(
    item: ImportedDispute,
    state: _State,
    existing: dict[Key, Dispute],
    errors: list[dict[str, Any]],
) -> _Action | None:
    """What to do with one row's history; a refusal goes to `errors` and returns None."""
    history = item.history
    key = _key(item)
    match = existing.get(key) if key is not None else None
    live = match is not None and match.status is not DisputeStatus.RESOLVED
    if match is not None and not live:
        return None  # resolved in Duebridge: final
    if history.resolved_on is not None:
        amount = history.amount.minor if history.amount else state.amount
        return _Action(item, "resolve" if match else "create", amount, match)
    mine = match.amount_minor if match is not None else 0
    if state.closed:
        if match is not None:
            return None  # the live dispute stays as it is on a closed invoice
        _error(errors, item, None, "invoice_closed",
               f"Invoice {item.number} is cancelled or written off: an open dispute cannot "
               "hold anything on it.")  # fmt: skip
        return None
    free = state.outstanding - max(0, state.held - mine)
    amount = history.amount.minor if history.amount else free
    if amount <= 0:
        _error(errors, item, "dispute_amount", "nothing_to_dispute",
               f"Invoice {item.number} has nothing left to hold for an open dispute: what is "
               "outstanding is paid or disputed already.")  # fmt: skip
        return None
    if amount > free:
        shown, room = Money(amount, item.currency), Money(max(free, 0), item.currency)
        _error(errors, item, "dispute_amount", "dispute_above_free",
               f"Disputed {shown.amount} is more than the {room.amount} {item.currency} that "
               f"can still be disputed on invoice {item.number}.")  # fmt: skip
        return None
    if match is None:
        return _Action(item, "create", amount, None)
    return _Action(item, "resize" if amount != mine else None, amount, match)


def _error(
    errors: list[dict[str, Any]], item: ImportedDispute, field: str | None, code: str, msg: str
) -> None:
    where = item.location
    errors.append(RowError(where.file, where.row, field, code, msg).to_dict())


def _write(
    org: Organization, actor: User | None, actions: list[_Action], invoices: dict[int, Invoice]
) -> None:
    """Create, resize and resolve; one flush for the new rows, an event and audit row each."""
    owners = _owners(org)
    fallback = actor.id if actor is not None and actor.id in owners else None
    created: list[Dispute] = []
    changed: list[tuple[Dispute, str, DisputeStatus | None, dict[str, Any]]] = []
    for action in actions:
        if action.kind is None:
            continue
        item = action.item
        invoice = invoices[item.invoice_id] if item.invoice_id is not None else None
        assert invoice is not None
        if action.kind == "create":
            rep = item.sales_rep_id if item.sales_rep_id in owners else None
            created.append(_new(item, invoice, action.amount, rep or fallback))
        elif action.kind == "resize":
            changed.append(_resize(action, invoice))
        else:
            changed.append(_resolve(action, invoice))
    db.session.add_all(created)
    db.session.flush()
    for dispute in created:
        services.record_event(
            dispute, "imported", actor=actor, from_status=None, details=_details(dispute)
        )
    for dispute, kind, before, details in changed:
        services.record_event(dispute, kind, actor=actor, from_status=before, details=details)
    db.session.flush()


def _owners(org: Organization) -> set[int]:
    """Active members who may own a dispute."""
    return set(
        db.session.scalars(
            select(User.id).where(
                User.org_id == org.id, User.active.is_(True), User.role.in_(OWNER_ROLES)
            )
        )
    )


def _new(item: ImportedDispute, invoice: Invoice, amount: int, owner_id: int | None) -> Dispute:
    history = item.history
    team, _, code = history.reason.partition(".")
    resolved = history.resolved_on is not None
    if not resolved:
        ledger.hold_amount(invoice, Money(amount, invoice.currency))
    return Dispute(
        org_id=invoice.org_id,
        invoice_id=invoice.id,
        invoice=invoice,
        reason_team=team,
        reason_code=code,
        currency=invoice.currency,
        amount_minor=amount,
        description=f"Imported with invoice {item.number} ({item.location}).",
        owner_id=owner_id,
        due_date=history.opened_on + timedelta(days=DEFAULT_SLA_DAYS),
        raised_by_id=None,
        source=DisputeSource.IMPORT,
        status=DisputeStatus.RESOLVED if resolved else DisputeStatus.OPEN,
        outcome=Outcome(history.outcome) if resolved and history.outcome else None,
        resolution_note="Resolved before the import (imported history)." if resolved else None,
        resolved_at=midnight(history.resolved_on) if history.resolved_on else None,
        created_at=midnight(history.opened_on),
    )


def _resize(
    action: _Action, invoice: Invoice
) -> tuple[Dispute, str, DisputeStatus | None, dict[str, Any]]:
    """A live imported dispute whose file amount changed: move the hold with it."""
    dispute = action.match
    assert dispute is not None
    before = Money(dispute.amount_minor, dispute.currency)
    ledger.release_hold(invoice, before)
    ledger.hold_amount(invoice, Money(action.amount, dispute.currency))
    dispute.amount_minor = action.amount
    details = {"amount": {"from": before.to_dict(), "to": dispute.amount.to_dict()}}
    return dispute, "updated", dispute.status, details | {"source": "import"}


def _resolve(
    action: _Action, invoice: Invoice
) -> tuple[Dispute, str, DisputeStatus | None, dict[str, Any]]:
    """A live imported dispute the file now reports resolved: release it, book nothing."""
    dispute, history = action.match, action.item.history
    assert dispute is not None and history.resolved_on is not None and history.outcome
    before = dispute.status
    ledger.release_hold(invoice, dispute.amount)
    dispute.amount_minor = action.amount if history.amount else dispute.amount_minor
    dispute.status = DisputeStatus.RESOLVED
    dispute.outcome = Outcome(history.outcome)
    dispute.resolved_at = midnight(history.resolved_on)
    dispute.resolution_note = "Resolved outside Duebridge (imported history)."
    details = {"outcome": history.outcome, "resolved_on": history.resolved_on.isoformat()}
    return dispute, "resolved", before, details | {"source": "import"}


def _details(dispute: Dispute) -> dict[str, Any]:
    details: dict[str, Any] = {
        "reason": dispute.reason,
        "amount": dispute.amount.to_dict(),
        "invoice_id": dispute.invoice_id,
        "opened_on": dispute.created_at.date().isoformat(),
    }
    if dispute.resolved_at is not None and dispute.outcome is not None:
        details |= {
            "outcome": dispute.outcome.value,
            "resolved_on": dispute.resolved_at.date().isoformat(),
        }
    return details
