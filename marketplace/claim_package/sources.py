"""Everything a claim package holds, read in a fixed number of statements.

The statement count does not grow with the invoices, comments, files or history rows:
each kind of row is one query (plus its eager loads), and the users named anywhere are
read together at the end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from core.auth.models import Organization, User
from core.extensions import db
from core.money import Money
from disputes.models import Dispute, DisputeEvent
from disputes.threads.models import Comment
from ledger.models import Allocation, CreditNote, Payment
from marketplace.models import Case, CaseEvent, CaseInvoice
from marketplace.workspace.comments import visible_comments_query
from marketplace.workspace.models import CaseActivity, CaseCost, Recovery
from marketplace.workspace.summary import CaseMoney, summarize

#: case events about bids: an agency's package shows its own, never a competitor's
BID_EVENTS = frozenset({"bid_placed", "bid_withdrawn"})


@dataclass
class Sources:
    """The rows of one case as one caller may see them."""

    case: Case
    user: User
    creditor: Organization
    case_invoices: list[CaseInvoice]
    #: invoice id → what reduced it (the shape of ledger.views.queries.allocations)
    allocations: dict[int, list[dict[str, Any]]]
    comments: list[Comment]
    events: list[CaseEvent]
    activities: list[CaseActivity]
    recoveries: list[Recovery]
    costs: list[CaseCost]
    disputes: list[Dispute]
    dispute_events: dict[int, list[DisputeEvent]]
    money: CaseMoney
    #: user id → name, for everyone named in the history
    user_names: dict[int, str] = field(default_factory=dict)

    @property
    def org_names(self) -> dict[int, str]:
        names = {self.creditor.id: self.creditor.name}
        if self.case.awarded_agency is not None:
            names[self.case.awarded_agency.id] = self.case.awarded_agency.name
        return names


def gather(case: Case, user: User) -> Sources:
    """Read the case's rows for `user` (a party allowed to export: see permissions)."""
    creditor = db.session.get(Organization, case.org_id)
    assert creditor is not None  # the case's tenant (RESTRICT foreign key)
    case_invoices = list(
        db.session.scalars(
            select(CaseInvoice).where(CaseInvoice.case_id == case.id).order_by(CaseInvoice.id)
        )
    )
    invoice_ids = [ci.invoice_id for ci in case_invoices]
    events = [
        e
        for e in db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.created_at, CaseEvent.id)
        )
        if user.org_id == case.org_id or e.kind not in BID_EVENTS or e.actor_org_id == user.org_id
    ]
    disputes = list(
        db.session.scalars(
            select(Dispute)
            .where(Dispute.org_id == case.org_id, Dispute.invoice_id.in_(invoice_ids))
            .order_by(Dispute.id)
        )
    )
    sources = Sources(
        case=case,
        user=user,
        creditor=creditor,
        case_invoices=case_invoices,
        allocations=_allocations(case.org_id, invoice_ids),
        comments=list(db.session.scalars(visible_comments_query(case, user))),
        events=events,
        activities=list(
            db.session.scalars(
                select(CaseActivity)
                .where(CaseActivity.case_id == case.id)
                .order_by(CaseActivity.created_at, CaseActivity.id)
            )
        ),
        recoveries=list(
            db.session.scalars(
                select(Recovery)
                .where(Recovery.case_id == case.id)
                .order_by(Recovery.created_at, Recovery.id)
            )
        ),
        costs=list(
            db.session.scalars(
                select(CaseCost)
                .where(CaseCost.case_id == case.id)
                .order_by(CaseCost.created_at, CaseCost.id)
            )
        ),
        disputes=disputes,
        dispute_events=_dispute_events([d.id for d in disputes]),
        money=summarize(case),
    )
    sources.user_names = _user_names(sources)
    return sources


def _allocations(org_id: int, invoice_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Payments and credit notes applied to the invoices, oldest first, in one query."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not invoice_ids:
        return found
    rows = db.session.execute(
        select(Allocation, Payment, CreditNote)
        .outerjoin(Payment, Payment.id == Allocation.payment_id)
        .outerjoin(CreditNote, CreditNote.id == Allocation.credit_note_id)
        .where(Allocation.org_id == org_id, Allocation.invoice_id.in_(invoice_ids))
        .order_by(Allocation.invoice_id, Allocation.applied_on, Allocation.id)
    )
    for alloc, payment, note in rows:
        source = payment if payment is not None else note
        found[alloc.invoice_id].append(
            {
                "kind": "payment" if payment is not None else "credit_note",
                "on": alloc.applied_on,
                "applied": Money(alloc.amount_minor, source.currency),
            }
        )
    return found


def _dispute_events(dispute_ids: list[int]) -> dict[int, list[DisputeEvent]]:
    found: dict[int, list[DisputeEvent]] = defaultdict(list)
    if not dispute_ids:
        return found
    for event in db.session.scalars(
        select(DisputeEvent)
        .where(DisputeEvent.dispute_id.in_(dispute_ids))
        .order_by(DisputeEvent.created_at, DisputeEvent.id)
    ):
        found[event.dispute_id].append(event)
    return found


def _user_names(sources: Sources) -> dict[int, str]:
    """Names of the users the case events and dispute events point at (one query)."""
    ids = {e.actor_id for e in sources.events if e.actor_id is not None}
    for events in sources.dispute_events.values():
        ids.update(e.actor_id for e in events if e.actor_id is not None)
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}
