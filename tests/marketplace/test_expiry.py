"""Listings past their deadline without an award expire: hourly job and CLI, set-based."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.jobs import enqueue_after_commit, periodic_jobs
from core.notifications.models import Notification
from marketplace.jobs import expire_listings
from marketplace.models import Bid, Case, CaseEvent, CaseInvoice
from marketplace.services import award
from tests.marketplace.helpers import make_bid, make_case, pass_deadline


def test_the_expiry_job_is_scheduled_hourly():
    assert any(
        p.name == "marketplace.jobs:expire_listings" and p.interval == timedelta(hours=1)
        for p in periodic_jobs()
    )


def run_job() -> None:
    enqueue_after_commit(expire_listings)
    db.session.commit()  # inline mode: the job runs after this commit
    db.session.expire_all()


def test_past_deadline_listings_expire_and_free_their_invoices(tenants):
    due = make_case(tenants.a.org)
    bid = make_bid(due, tenants.x.owner)
    pass_deadline(due)
    fresh = make_case(tenants.a.org)
    won = make_case(tenants.b.org)
    award.accept_bid(make_bid(won, tenants.y.owner), actor=tenants.b.owner)
    db.session.commit()
    pass_deadline(won)
    draft = make_case(tenants.a.org, publish=False)
    pass_deadline(draft)

    run_job()

    expired = db.session.get(Case, due.id)
    assert expired.status.value == "expired" and expired.closed_at is not None
    assert not any(ci.active for ci in expired.case_invoices)
    assert db.session.get(Bid, bid.id).status.value == "rejected"
    assert [c.status.value for c in (fresh, won, draft)] == ["listed", "awarded", "draft"]
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "expired"))
    assert event.case_id == due.id and event.from_status == "listed" and event.actor_id is None
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.expired"))
    assert audit.org_id == tenants.a.org.id and audit.object_id == str(due.id)
    told = {
        n.user_id: n.key
        for n in db.session.scalars(
            select(Notification).where(Notification.kind == "status_change")
        )
    }
    assert told[tenants.x.owner.id] == f"case:{due.id}:expired"
    assert told[tenants.a.owner.id] == f"case:{due.id}:expired"
    # the invoices can be listed again
    still_reserved = db.session.scalar(
        select(func.count(CaseInvoice.id)).where(
            CaseInvoice.case_id == due.id, CaseInvoice.active.is_(True)
        )
    )
    assert still_reserved == 0

    run_job()  # twice: nothing new
    events = db.session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.kind == "expired"))
    assert events == 1


def test_the_cli_expires_listings_too(app, tenants):
    due = make_case(tenants.a.org)
    pass_deadline(due)
    result = app.test_cli_runner().invoke(args=["marketplace", "expire-listings"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Expired 1 listing(s)."
    db.session.expire_all()
    assert db.session.get(Case, due.id).status.value == "expired"
