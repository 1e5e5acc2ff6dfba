"""The hourly SLA-breach job: owner and credit team told once per breach (SPEC §3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from core.extensions import db
from core.jobs import OutboxMessage, enqueue_after_commit, periodic_jobs
from core.mail import OutgoingEmail
from core.money import Money
from core.notifications.models import Notification
from core.notifications.services import set_email_preferences
from disputes import services
from disputes.jobs import breach_key, notify_sla_breaches
from disputes.models import Dispute
from disputes.states import DisputeStatus, Outcome
from ledger import clock
from ledger.clock import today
from tests import factories
from tests.core.jobs import conftest as jobs
from tests.core.jobs.conftest import RedisServer, SmtpSink
from tests.factories import make_invoice

# the real worker's fixtures (tests/core/jobs/conftest.py), used by the committed test
smtp_server = jobs.smtp_server
smtp = jobs.smtp
redis_server = jobs.redis_server
make_app = jobs.make_app
worker_env = jobs.worker_env
run_worker = jobs.run_worker


def open_due(org, days_ago: int, *, owner=None, description: str = "Pallets crushed.") -> Dispute:
    """An open dispute of `org` whose SLA date was `days_ago` days ago (negative: ahead)."""
    invoice = make_invoice(org)
    dispute = services.open_dispute(
        invoice,
        actor=None,
        reason="delivery.damaged",
        amount=Money.parse("100.00", invoice.currency),
        description=description,
        owner_id=owner.id if owner else None,
        due_date=today() - timedelta(days=days_ago),
    )
    db.session.commit()
    return dispute


def run_job() -> None:
    """Run the job the way the worker does: an outbox row, run after the commit (inline)."""
    enqueue_after_commit(notify_sla_breaches)
    db.session.commit()
    db.session.expire_all()


def breach_notices(dispute: Dispute) -> dict[int, int]:
    """user id → SLA-breach notifications about `dispute`."""
    rows = db.session.execute(
        select(Notification.user_id, func.count(Notification.id))
        .where(Notification.kind == "sla_breach", Notification.url == f"/disputes/{dispute.id}")
        .group_by(Notification.user_id)
    ).all()
    return dict(rows)


def emails_to(user) -> list[OutgoingEmail]:
    return db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.to == user.email)).all()


def test_the_job_is_scheduled_hourly():
    assert any(
        p.name == "disputes.jobs:notify_sla_breaches" and p.interval == timedelta(hours=1)
        for p in periodic_jobs()
    )


def test_a_breach_notifies_the_owner_and_the_credit_team_once(tenants):
    a = tenants.a
    other_rep = factories.make_user(a.org, "sales")
    breached = open_due(a.org, 3, owner=a.sales)
    foreign = open_due(tenants.b.org, 3, owner=tenants.b.sales)

    run_job()

    # owner (a sales rep here) + credit + the organisation owner (the credit manager)
    assert breach_notices(breached) == {a.sales.id: 1, a.credit.id: 1, a.owner.id: 1}
    assert breach_notices(foreign) == {
        tenants.b.sales.id: 1,
        tenants.b.credit.id: 1,
        tenants.b.owner.id: 1,
    }
    for user in (other_rep, a.viewer):  # neither owner nor credit team
        assert (
            db.session.scalar(
                select(func.count(Notification.id)).where(Notification.user_id == user.id)
            )
            == 0
        )
    row = db.session.scalar(select(Notification).where(Notification.user_id == a.sales.id))
    assert row.org_id == a.org.id and row.read_at is None
    assert row.key == breach_key(breached.id, breached.due_date)
    assert f"dispute #{breached.id}" in row.title and breached.invoice.number in row.title
    assert "3 days overdue" in row.body and "Pallets crushed." in row.body


def test_a_credit_owner_is_told_once_not_twice(tenants):
    dispute = open_due(tenants.a.org, 1, owner=tenants.a.credit)
    run_job()
    assert breach_notices(dispute) == {tenants.a.credit.id: 1, tenants.a.owner.id: 1}


@pytest.mark.parametrize("days_ago", [0, -5])
def test_a_dispute_due_today_or_later_is_not_breached(tenants, days_ago):
    dispute = open_due(tenants.a.org, days_ago, owner=tenants.a.sales)
    run_job()
    assert breach_notices(dispute) == {}


def test_a_resolved_dispute_is_not_notified(tenants):
    dispute = open_due(tenants.a.org, 10, owner=tenants.a.sales)
    services.transition_dispute(dispute, actor=None, to=DisputeStatus.IN_REVIEW)
    services.resolve_dispute(dispute, actor=None, outcome=Outcome.REJECTED)
    db.session.commit()
    run_job()
    assert breach_notices(dispute) == {}


def test_an_inactive_owner_is_skipped_and_the_team_still_told(tenants):
    dispute = open_due(tenants.a.org, 2, owner=tenants.a.sales)
    tenants.a.sales.active = False
    db.session.commit()
    run_job()
    assert breach_notices(dispute) == {tenants.a.credit.id: 1, tenants.a.owner.id: 1}


def test_a_second_run_adds_nothing(tenants):
    dispute = open_due(tenants.a.org, 3, owner=tenants.a.sales)
    run_job()
    notifications = db.session.scalar(select(func.count(Notification.id)))
    emails = db.session.scalar(select(func.count(OutgoingEmail.id)))

    run_job()
    assert notify_sla_breaches() == 0  # called directly: nothing left to hand out
    db.session.commit()

    assert db.session.scalar(select(func.count(Notification.id))) == notifications == 3
    assert db.session.scalar(select(func.count(OutgoingEmail.id))) == emails == 3
    assert breach_notices(dispute) == {
        tenants.a.sales.id: 1,
        tenants.a.credit.id: 1,
        tenants.a.owner.id: 1,
    }


def test_a_moved_due_date_that_breaches_again_notifies_again(tenants, monkeypatch):
    dispute = open_due(tenants.a.org, 2, owner=tenants.a.sales)
    run_job()
    assert breach_notices(dispute)[tenants.a.sales.id] == 1

    # the SLA is extended by a week: no longer breached, nothing new
    services.update_dispute(dispute, actor=tenants.a.credit, due_date=today() + timedelta(days=7))
    db.session.commit()
    run_job()
    assert breach_notices(dispute)[tenants.a.sales.id] == 1

    # ten days later the new date has passed: a new breach, told once more, once
    later = today() + timedelta(days=10)
    monkeypatch.setattr(clock, "today", lambda: later)
    run_job()
    run_job()
    assert breach_notices(dispute) == {
        tenants.a.sales.id: 2,
        tenants.a.credit.id: 2,
        tenants.a.owner.id: 2,
    }
    keys = db.session.scalars(
        select(Notification.key).where(Notification.user_id == tenants.a.sales.id)
    ).all()
    assert sorted(keys) == sorted(
        [
            breach_key(dispute.id, today() - timedelta(days=2)),
            breach_key(dispute.id, today() + timedelta(days=7)),
        ]
    )


def test_emails_follow_each_users_preferences(tenants):
    set_email_preferences(tenants.a.credit.id, {"sla_breach": False})
    set_email_preferences(tenants.a.owner.id, {"mention": False})  # other kinds do not matter
    db.session.commit()
    dispute = open_due(tenants.a.org, 4, owner=tenants.a.sales)

    run_job()

    assert breach_notices(dispute) == {
        tenants.a.sales.id: 1,
        tenants.a.credit.id: 1,  # in-app only
        tenants.a.owner.id: 1,
    }
    assert emails_to(tenants.a.credit) == []
    for user in (tenants.a.sales, tenants.a.owner):
        [email] = emails_to(user)
        assert email.subject.startswith(f"Duebridge: SLA breached: dispute #{dispute.id}")
        assert f"http://localhost/disputes/{dispute.id}" in email.body_text
        assert email.sent_at is not None  # delivered by its own job after the commit


def test_a_rerun_costs_the_same_statements_for_few_or_many_breaches(tenants):
    """Set-based: an already-notified run does not query per dispute."""
    for _ in range(2):
        open_due(tenants.a.org, 3, owner=tenants.a.sales)
    run_job()

    def statements() -> int:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        engine = db.engines[None]
        engine = getattr(engine, "engine", engine)
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert notify_sla_breaches() == 0
        finally:
            event.remove(engine, "before_cursor_execute", count)
        db.session.rollback()
        return len([s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE"))])

    few = statements()
    for _ in range(8):
        open_due(tenants.b.org, 5, owner=tenants.b.credit)
    run_job()
    assert statements() == few <= 3


@pytest.mark.committed
def test_a_real_worker_runs_the_job_and_sends_each_email_once(
    make_app, redis_server: RedisServer, smtp: SmtpSink, run_worker
):
    variant = make_app(REDIS_URL=redis_server.url, MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    with variant.app_context():
        a = factories.make_tenant("creditor", "Creditor SLA")
        dispute = open_due(a.org, 3, owner=a.sales)
        open_due(a.org, -3, owner=a.sales)  # not yet due
        dispute_id = dispute.id
        told = {a.sales.id: a.sales.email, a.credit.id: a.credit.email, a.owner.id: a.owner.email}
        viewer = a.viewer.email

        run_worker(redis_server.url)  # --burst beats first: the periodic job is queued

        db.session.remove()
        rows = db.session.scalars(
            select(Notification).where(Notification.url == f"/disputes/{dispute_id}")
        ).all()
        assert sorted(r.user_id for r in rows) == sorted(told)
        for address in told.values():
            [message] = smtp.to(address)
            subject = " ".join(str(message["Subject"]).split())  # unfold a long header
            assert subject.startswith(f"Duebridge: SLA breached: dispute #{dispute_id} ")
        assert smtp.to(viewer) == []

        # the next hour's run (the beat's slot key expired) finds nothing new
        for key in redis_server.client().scan_iter("duebridge:periodic:*"):
            redis_server.client().delete(key)
        run_worker(redis_server.url)

        db.session.remove()
        runs = db.session.scalars(
            select(OutboxMessage.done_at).where(
                OutboxMessage.job == "disputes.jobs:notify_sla_breaches"
            )
        ).all()
        assert len(runs) == 2 and all(runs)  # it really ran twice
        assert db.session.scalar(select(func.count(Notification.id))) == 3
        assert len(smtp.messages) == 3
