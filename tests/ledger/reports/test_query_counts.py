"""P6: SQL statements per report request are few and do not grow with the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from core.extensions import db
from ledger.models import Allocation, Invoice, Payment, PromiseToPay
from tests import factories
from tests.ledger.reports.helpers import AS_OF, days_ago

ENDPOINTS = {
    "aging": f"/api/v1/reports/aging?as_of={AS_OF}",
    "dso": f"/api/v1/reports/dso?as_of={AS_OF}",
    "good payers": f"/api/v1/reports/payers?kind=good&min_paid_invoices=1&as_of={AS_OF}",
    "deteriorating": f"/api/v1/reports/payers?kind=deteriorating&as_of={AS_OF}",
    "credit status": "/api/v1/debtors/{debtor_id}/credit-status",
}


def bulk_ledger(org, count: int, rep_id: int) -> int:
    """`count` invoices over 5 debtors, half part-paid, some promised; returns a debtor id."""
    debtors = [factories.make_debtor(org, sales_rep_id=rep_id if n % 2 else None) for n in range(5)]
    rows = []
    for n in range(count):
        due = days_ago(n * 3 % 400 - 20)
        rows.append(
            {
                "org_id": org.id,
                "number": f"BULK-{count}-{n}",
                "debtor_id": debtors[n % 5].id,
                "issue_date": due - timedelta(days=30),
                "due_date": due,
                "currency": "EUR" if n % 7 else "USD",
                "amount_minor": 10_000,
                "outstanding_minor": 9_000 if n % 2 else 10_000,
            }
        )
    db.session.execute(insert(Invoice), rows)
    payment = Payment(
        org_id=org.id,
        debtor_id=debtors[0].id,
        currency="EUR",
        amount_minor=10**9,
        unapplied_minor=0,
        received_on=AS_OF,
    )
    db.session.add(payment)
    db.session.flush()
    invoices = db.session.execute(Invoice.__table__.select().where(Invoice.org_id == org.id)).all()
    allocations = [
        {
            "org_id": org.id,
            "invoice_id": inv.id,
            "payment_id": payment.id,
            "amount_minor": 1_000,
            "applied_on": inv.due_date + timedelta(days=inv.id % 40),
        }
        for inv in invoices
        if inv.outstanding_minor == 9_000
    ]
    promises = [
        {
            "org_id": org.id,
            "invoice_id": inv.id,
            "currency": inv.currency,
            "amount_minor": 500,
            "promised_on": AS_OF + timedelta(days=10),
        }
        for inv in invoices[::4]
    ]
    db.session.execute(insert(Allocation), allocations)
    db.session.execute(insert(PromiseToPay), promises)
    db.session.commit()
    return debtors[1].id


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_per_endpoint(client, org, user, login_as, count: int) -> dict[str, int]:
    debtor_id = bulk_ledger(org, count, user.id)
    login_as(user)
    found = {}
    for name, url in ENDPOINTS.items():
        with counting() as statements:
            resp = client.get(url.format(debtor_id=debtor_id))
        assert resp.status_code == 200, resp.get_data(as_text=True)
        found[name] = len(statements)
    return found


@pytest.mark.parametrize("role", ["owner", "sales"])
def test_statement_count_is_small_and_flat(client, make_org, make_user, login_as, role):
    small_org, big_org = make_org(), make_org()
    small = statements_per_endpoint(client, small_org, make_user(small_org, role), login_as, 10)
    big = statements_per_endpoint(client, big_org, make_user(big_org, role), login_as, 200)
    assert small == big
    # SAVEPOINT/ROLLBACK TO of the test transaction are counted too: 3 real statements each
    assert max(big.values()) <= 6, big
