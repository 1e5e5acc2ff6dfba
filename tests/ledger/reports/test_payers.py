"""Good and deteriorating payer lists; batch scores equal the one-debtor score."""

from __future__ import annotations

from datetime import date, timedelta

from ledger.scores import score_for, scores_for_org
from tests import factories
from tests.ledger.reports.helpers import AS_OF, pay

URL = "/api/v1/reports/payers"


def paid(org, debtor, due: date, days_late: int, amount: str = "1000.00") -> None:
    invoice = factories.make_invoice(
        org, debtor, amount=amount, issue_date=due - timedelta(days=30), due_date=due
    )
    pay(invoice, amount, due + timedelta(days=days_late))


def _ledger(org):
    punctual = factories.make_debtor(org, "Punctual")
    for month in (10, 11, 12):
        paid(org, punctual, date(2025, month, 15), 0)
    two = factories.make_debtor(org, "Only two")
    for month in (10, 11):
        paid(org, two, date(2025, month, 15), 2)
    slipping = factories.make_debtor(org, "Slipping")
    paid(org, slipping, date(2025, 6, 1), 0)  # earlier half-year: on time
    paid(org, slipping, date(2026, 1, 1), 45)  # recent half-year: 45 days late
    return punctual, two, slipping


def names(body):
    return [item["debtor"]["name"] for item in body["items"]]


def test_good_payers_need_grade_a_or_b_and_enough_paid_invoices(client, tenants, bearer):
    _ledger(tenants.a.org)
    headers = bearer(tenants.a.credit)
    query = {"kind": "good", "as_of": AS_OF.isoformat()}
    body = client.get(URL, query_string=query, headers=headers).json
    assert names(body) == ["Punctual"] and body["total"] == 1
    assert body["items"][0]["score"]["grade"] == "A"
    body = client.get(URL, query_string=query | {"min_paid_invoices": 2}, headers=headers).json
    assert names(body) == ["Punctual", "Only two"]  # fewest days late first


def test_deteriorating_payers(client, tenants, bearer):
    _ledger(tenants.a.org)
    query = {"kind": "deteriorating", "as_of": AS_OF.isoformat()}
    body = client.get(URL, query_string=query, headers=bearer(tenants.a.viewer)).json
    assert names(body) == ["Slipping"]
    assert body["items"][0]["score"] == {
        "grade": "C",
        "avg_days_beyond_terms": 22.5,
        "trend": "deteriorating",
        "paid_invoices": 2,
    }


def test_sales_reps_only_see_their_own_payers(client, tenants, bearer):
    punctual, _two, _slipping = _ledger(tenants.a.org)
    query = {"kind": "good", "as_of": AS_OF.isoformat(), "min_paid_invoices": 1}
    body = client.get(URL, query_string=query, headers=bearer(tenants.a.sales)).json
    assert body["items"] == []
    punctual.sales_rep_id = tenants.a.sales.id
    from core.extensions import db

    db.session.commit()
    body = client.get(URL, query_string=query, headers=bearer(tenants.a.sales)).json
    assert names(body) == ["Punctual"]


def test_batch_scores_equal_one_debtor_scores(tenants):
    debtors = _ledger(tenants.a.org)
    batch = scores_for_org(tenants.a.org.id, AS_OF)
    for debtor in debtors:
        assert batch[debtor.id] == score_for(debtor.id, AS_OF)
