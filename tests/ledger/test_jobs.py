"""The daily credit-hold job, run through the outbox like any job."""

from datetime import timedelta

from core.extensions import db
from core.jobs import enqueue_after_commit, periodic_jobs
from ledger.clock import today
from ledger.jobs import apply_credit_holds
from tests.factories import make_debtor, make_invoice


def test_the_credit_hold_job_is_scheduled_daily():
    assert any(
        p.name == "ledger.jobs:apply_credit_holds" and p.interval == timedelta(days=1)
        for p in periodic_jobs()
    )


def test_the_job_holds_debtors_far_overdue_and_only_those(tenants):
    late = make_debtor(tenants.a.org, "Late payer")
    fine = make_debtor(tenants.a.org, "Fine payer")
    now = today()
    make_invoice(
        tenants.a.org, late, issue_date=now - timedelta(days=120), due_date=now - timedelta(days=90)
    )
    make_invoice(
        tenants.a.org, fine, issue_date=now - timedelta(days=10), due_date=now + timedelta(days=20)
    )
    enqueue_after_commit(apply_credit_holds)
    db.session.commit()  # inline mode: the job runs after this commit
    db.session.refresh(late)
    db.session.refresh(fine)
    assert late.on_hold and not fine.on_hold
