"""The demo ledger: rows that agree, every aging bucket, graded payers, repeatable."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import case, func, select

from core.auth.models import Organization
from core.extensions import db
from ledger import demo
from ledger.models import (
    Allocation,
    CreditNote,
    Debtor,
    Invoice,
    Payment,
    PromiseStatus,
    PromiseToPay,
)
from ledger.scores import score_for
from ledger.sql import days_between

TODAY = date(2026, 5, 15)
SMALL = {"debtors": 50, "invoices": 4000, "today": TODAY}


@pytest.fixture
def creditor(make_org: Any, make_user: Any) -> Organization:
    org = make_org("creditor", "Seeded Supplies GmbH")
    make_user(org, "owner")
    make_user(org, "credit")
    make_user(org, "sales")
    return org


@pytest.fixture
def seeded(creditor: Organization) -> Organization:
    lines = demo.seed_ledger(**SMALL)
    assert lines == [demo.summary(creditor)]
    assert "Seeded Supplies GmbH: 50 debtors, 4,000 invoices, open receivables EUR" in lines[0]
    currencies = select(Invoice.currency).where(Invoice.org_id == creditor.id).distinct()
    assert set(db.session.scalars(currencies)) == {"EUR", "USD"}
    return creditor


def _allocated(column: Any) -> Any:
    return (
        select(column, func.sum(Allocation.amount_minor).label("total")).group_by(column).subquery()
    )


def test_outstanding_is_amount_minus_allocations(seeded: Organization) -> None:
    alloc = _allocated(Allocation.invoice_id)
    wrong = db.session.scalar(
        select(func.count(Invoice.id))
        .outerjoin(alloc, alloc.c.invoice_id == Invoice.id)
        .where(
            Invoice.org_id == seeded.id,
            Invoice.outstanding_minor != Invoice.amount_minor - func.coalesce(alloc.c.total, 0),
        )
    )
    assert wrong == 0
    last = (
        select(Allocation.invoice_id, func.max(Allocation.applied_on).label("last"))
        .group_by(Allocation.invoice_id)
        .subquery()
    )
    paid = select(func.count(Invoice.id)).outerjoin(last, last.c.invoice_id == Invoice.id)
    settled = Invoice.outstanding_minor == 0
    assert db.session.scalar(paid.where(settled, Invoice.paid_on != last.c.last)) == 0
    assert db.session.scalar(paid.where(settled, Invoice.paid_on.is_(None))) == 0
    assert db.session.scalar(paid.where(~settled, Invoice.paid_on.is_not(None))) == 0


def test_payments_and_credit_notes_add_up(seeded: Organization) -> None:
    for model, fk in ((Payment, Allocation.payment_id), (CreditNote, Allocation.credit_note_id)):
        alloc = _allocated(fk)
        wrong = db.session.scalar(
            select(func.count(model.id))
            .outerjoin(alloc, alloc.c[fk.key] == model.id)
            .where(
                model.org_id == seeded.id,
                model.amount_minor != model.unapplied_minor + func.coalesce(alloc.c.total, 0),
            )
        )
        assert wrong == 0
    early = db.session.scalar(
        select(func.count(Allocation.id))
        .join(Payment, Payment.id == Allocation.payment_id)
        .where(Payment.org_id == seeded.id, Allocation.applied_on != Payment.received_on)
    )
    assert early == 0
    unapplied = select(func.count(Payment.id)).where(
        Payment.org_id == seeded.id, Payment.unapplied_minor > 0
    )
    assert db.session.scalar(unapplied) > 0
    assert db.session.scalar(
        select(func.count(CreditNote.id)).where(CreditNote.org_id == seeded.id)
    )
    promises = select(func.count(PromiseToPay.id)).where(
        PromiseToPay.org_id == seeded.id, PromiseToPay.status == PromiseStatus.OPEN
    )
    assert db.session.scalar(promises) > 0


def test_every_aging_bucket_holds_money(seeded: Organization) -> None:
    late = days_between(TODAY, Invoice.due_date)
    bucket = case(
        (late <= 0, "not due"),
        (late <= 30, "1-30"),
        (late <= 60, "31-60"),
        (late <= 90, "61-90"),
        (late <= 120, "91-120"),
        else_="120+",
    )
    rows = db.session.execute(
        select(bucket, func.sum(Invoice.outstanding_minor))
        .where(
            Invoice.org_id == seeded.id,
            Invoice.outstanding_minor > 0,
            Invoice.written_off_on.is_(None),
        )
        .group_by(bucket)
    )
    totals = dict(rows.all())
    assert set(totals) == {"not due", "1-30", "31-60", "61-90", "91-120", "120+"}
    assert all(total > 0 for total in totals.values())
    assert totals["not due"] > totals["120+"]  # a company, not a bad bank


def test_payer_grades_spread_and_some_deteriorate(seeded: Organization) -> None:
    ids = db.session.scalars(select(Debtor.id).where(Debtor.org_id == seeded.id)).all()
    scores = [score_for(debtor_id, TODAY) for debtor_id in ids]
    grades = {s.grade for s in scores if s.grade is not None}
    assert len(grades) >= 4, grades
    assert "A" in grades
    assert any(s.trend == "deteriorating" for s in scores)


def _totals(org: Organization) -> tuple[Any, ...]:
    invoices = db.session.execute(
        select(Invoice.currency, func.count(), func.sum(Invoice.amount_minor))
        .where(Invoice.org_id == org.id)
        .group_by(Invoice.currency)
        .order_by(Invoice.currency)
        .add_columns(func.sum(Invoice.outstanding_minor))
    ).all()
    payments = db.session.execute(
        select(func.count(), func.sum(Payment.amount_minor)).where(Payment.org_id == org.id)
    ).one()
    return tuple(map(tuple, invoices)), tuple(payments)


def test_same_seed_same_ledger(make_org: Any) -> None:
    first, second, other = (make_org("creditor") for _ in range(3))
    for org, seed in ((first, 7), (second, 7), (other, 8)):
        demo.seed_creditor(org, seed=seed, debtors=10, invoices=400, today=TODAY)
    assert _totals(first) == _totals(second)
    assert _totals(first) != _totals(other)
