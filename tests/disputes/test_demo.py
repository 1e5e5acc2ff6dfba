"""`flask demo seed` gives the demo creditors a realistic dispute history."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from core.auth.models import Organization, OrgKind, Role, User
from core.extensions import db
from core.notifications.models import Notification
from disputes import demo as disputes_demo
from disputes.models import Dispute, DisputeEvent, DisputeSource
from disputes.states import DisputeStatus, Outcome
from disputes.threads.models import Comment
from ledger import demo
from ledger.clock import today
from ledger.models import CreditNote, Invoice


@pytest.fixture
def seeded(app, monkeypatch):
    """The real `flask demo seed`, on a smaller ledger (the full one is timed by hand)."""
    monkeypatch.setattr(demo, "DEBTORS", 30)
    monkeypatch.setattr(demo, "INVOICES", 1500)
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 60
    return result.output


def creditors():
    query = select(Organization).where(Organization.kind == OrgKind.CREDITOR)
    return db.session.scalars(query.order_by(Organization.id)).all()


def test_every_creditor_gets_varied_disputes(seeded):
    for org in creditors():
        disputes = db.session.scalars(select(Dispute).where(Dispute.org_id == org.id)).all()
        target = 1500 // disputes_demo.INVOICES_PER_DISPUTE  # plus a few second live disputes
        assert target * 0.9 <= len(disputes) <= target * 1.15
        assert f"{org.name}: {len(disputes)} disputes (" in seeded
        assert {d.status for d in disputes} == set(DisputeStatus)
        resolved = [d for d in disputes if d.status is DisputeStatus.RESOLVED]
        assert {d.outcome for d in resolved} == set(Outcome)
        assert {d.reason_team for d in disputes} >= {"invoicing", "delivery", "quality"}
        assert {d.source for d in disputes} >= {DisputeSource.MANUAL, DisputeSource.PORTAL}
        assert sum(d.sla_breached(today()) for d in disputes) >= 2
        # time to resolve spreads from a day to months, never backwards
        days = [(d.resolved_at - d.created_at).total_seconds() / 86400 for d in resolved]
        assert min(days) > 0 and min(days) < 3 and max(days) > 60
        assert all(d.resolved_at.date() <= today() for d in resolved)
        # owners are the demo's sales and credit users
        roles = {db.session.get(User, d.owner_id).role for d in disputes if d.owner_id is not None}
        assert roles == {Role.SALES, Role.CREDIT}
        # credit-note outcomes point at real credit notes of the same invoice
        for dispute in resolved:
            if dispute.outcome is Outcome.CREDIT_NOTE:
                note = db.session.get(CreditNote, dispute.credit_note_id)
                assert note is not None and note.invoice_id == dispute.invoice_id
                assert note.amount_minor <= dispute.amount_minor


def test_holds_equal_the_open_disputes_per_invoice(seeded):
    live = DisputeStatus.RESOLVED
    held = dict(
        db.session.execute(
            select(Dispute.invoice_id, func.sum(Dispute.amount_minor))
            .where(Dispute.status != live)
            .group_by(Dispute.invoice_id)
        ).all()
    )
    disputed = dict(
        db.session.execute(
            select(Invoice.id, Invoice.disputed_minor).where(Invoice.disputed_minor > 0)
        ).all()
    )
    assert held and disputed == held
    for invoice_id in held:
        invoice = db.session.get(Invoice, invoice_id)
        assert invoice.disputed_minor <= invoice.outstanding_minor
        assert invoice.status_on(today()).value in {"disputed", "in_collection"}


def test_some_resolutions_went_through_the_services_and_threads_were_written(seeded):
    for org in creditors():
        booked = db.session.scalars(
            select(Dispute).where(
                Dispute.org_id == org.id,
                Dispute.outcome == Outcome.CREDIT_NOTE,
                Dispute.credit_note_id.in_(
                    select(CreditNote.id).where(CreditNote.reason.like("Dispute #%"))
                ),
            )
        ).all()
        assert len(booked) == disputes_demo.SERVICE_CREDITS
        kinds = db.session.scalars(
            select(DisputeEvent.kind)
            .where(DisputeEvent.dispute_id == booked[0].id)
            .order_by(DisputeEvent.id)
        ).all()
        assert kinds == ["opened", "transitioned", "resolved"]
        comments = db.session.scalars(select(Comment).where(Comment.org_id == org.id)).all()
        assert {c.visibility for c in comments} == {"internal", "shared"}
        threads = {c.thread_id for c in comments}
        assert len(threads) == disputes_demo.THREADS
        assert any(c.mentions for c in comments)
        mentioned = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.org_id == org.id, Notification.kind == "mention"
            )
        )
        assert mentioned > 0


def test_events_follow_the_lifecycle(seeded):
    events = db.session.execute(
        select(DisputeEvent.dispute_id, DisputeEvent.kind, DisputeEvent.to_status).order_by(
            DisputeEvent.dispute_id, DisputeEvent.created_at, DisputeEvent.id
        )
    ).all()
    last: dict[int, str] = {}
    first: dict[int, str] = {}
    for dispute_id, kind, to_status in events:
        first.setdefault(dispute_id, kind)
        last[dispute_id] = to_status
    statuses = dict(db.session.execute(select(Dispute.id, Dispute.status)).all())
    assert set(first.values()) == {"opened"}
    assert {k: DisputeStatus(v) for k, v in last.items()} == statuses
