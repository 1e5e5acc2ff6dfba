"""Recoveries: allocated oldest invoice first as ledger payments, split with the agency's
success fee, within the outstanding, and booked exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from ledger.clock import today
from ledger.models import Invoice, Payment
from marketplace.models import Case
from marketplace.workspace import recoveries, settings
from marketplace.workspace.models import CaseCost, Recovery, RecoveryAllocation
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import (
    add_cost,
    eur,
    make_awarded_case,
    money,
)


@pytest.fixture
def awarded(tenants):
    return make_awarded_case(tenants)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/recoveries"


def record(client, headers, case_id, amount="100.00", **fields):
    payload = {"amount": eur(amount), "received_on": today().isoformat(), **fields}
    return client.post(url(case_id), json=payload, headers=headers)


def outstanding(invoice) -> int:
    return db.session.get(Invoice, invoice.id).outstanding_minor


def test_a_recovery_pays_the_oldest_invoice_first(client, tenants, bearer, awarded):
    resp = record(client, bearer(tenants.x.collector), awarded.id, "700.00", note="Wire")
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["amount"] == eur("700.00") and got["source"] == "agency"
    assert got["split"] == {
        "legal_costs": eur("0.00"),
        "statutory_interest": eur("0.00"),
        "compensation": eur("0.00"),
        "principal": eur("700.00"),
    }
    assert [(a["invoice_id"], a["amount"]) for a in got["allocations"]] == [
        (awarded.oldest.id, eur("500.00")),
        (awarded.newer.id, eur("200.00")),
    ]
    assert got["allocations"][0]["invoice_number"] == awarded.oldest.number
    assert outstanding(awarded.oldest) == 0 and outstanding(awarded.newer) == 80_000
    payments = db.session.scalars(select(Payment).order_by(Payment.id)).all()
    assert [(p.amount_minor, p.unapplied_minor) for p in payments] == [(50_000, 0), (20_000, 0)]
    assert {p.id for p in payments} == {a["payment_id"] for a in got["allocations"]}
    assert all(p.reference == f"Case #{awarded.id} recovery #{got['id']}" for p in payments)
    # the first recovery starts the case, like a first activity
    assert db.session.get(Case, awarded.id).status.value == "active"
    # the invoice shows the payment through the ledger API
    shown = client.get(f"/api/v1/invoices/{awarded.oldest.id}", headers=bearer(tenants.a.viewer))
    assert shown.json["outstanding"] == eur("0.00") and shown.json["status"] == "paid"


def test_contingency_success_fee_is_15_percent_of_1000(client, tenants, bearer, awarded):
    got = record(client, bearer(tenants.x.owner), awarded.id, "1000.00").json
    assert got["agency_fee"] == eur("150.00") and got["creditor_share"] == eur("850.00")
    fee = db.session.scalar(select(CaseCost).where(CaseCost.recovery_id == got["id"]))
    assert fee.kind.value == "success_fee" and fee.amount_minor == 15_000
    assert fee.borne_by.value == "creditor" and fee.status.value == "approved"
    assert fee.description == "Success fee: 15 % of 1000.00 EUR"
    costs = client.get(f"/api/v1/cases/{awarded.id}/costs", headers=bearer(tenants.a.credit))
    assert [(c["kind"], c["amount"]) for c in costs.json["items"]] == [
        ("success_fee", eur("150.00"))
    ]


def test_hybrid_success_fee_takes_its_percent_and_rounds_half_up(client, tenants, bearer):
    awarded = make_awarded_case(tenants, fee_model="hybrid", percent=1250, upfront=money("50.00"))
    got = record(client, bearer(tenants.x.owner), awarded.id, "333.33").json
    # 12.5 % of 333.33 = 41.66625 → 41.67
    assert got["agency_fee"] == eur("41.67") and got["creditor_share"] == eur("291.66")


def test_a_fixed_fee_takes_no_success_fee(client, tenants, bearer):
    awarded = make_awarded_case(tenants, fee_model="fixed", percent=None, fixed=money("200.00"))
    got = record(client, bearer(tenants.x.owner), awarded.id, "1000.00").json
    assert got["agency_fee"] == eur("0.00")
    assert db.session.scalar(select(func.count(CaseCost.id))) == 0


def test_the_creditor_records_a_direct_payment(client, tenants, bearer, awarded):
    resp = record(client, bearer(tenants.a.credit), awarded.id, "200.00")
    assert resp.status_code == 201 and resp.json["source"] == "direct"
    assert resp.json["agency_fee"] == eur("30.00")  # the agreed percent applies all the same
    listed = client.get(url(awarded.id), headers=bearer(tenants.x.collector)).json
    assert [r["id"] for r in listed["items"]] == [resp.json["id"]]


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_sales_and_viewers_cannot_record(client, tenants, bearer, role):
    awarded = make_awarded_case(tenants, sales_rep=tenants.a.sales)  # the rep sees the case
    headers = bearer(getattr(tenants.a, role))
    assert client.get(url(awarded.id), headers=headers).status_code == 200
    assert record(client, headers, awarded.id).status_code == 403
    assert db.session.scalar(select(func.count(Recovery.id))) == 0


def test_a_sales_rep_does_not_see_cases_of_other_reps_debtors(client, tenants, bearer, awarded):
    assert client.get(url(awarded.id), headers=bearer(tenants.a.sales)).status_code == 404


def test_outsiders_get_404(client, tenants, bearer, awarded):
    for user in (tenants.y.owner, tenants.b.credit):
        headers = bearer(user)
        assert record(client, headers, awarded.id).status_code == 404
        assert client.get(url(awarded.id), headers=headers).status_code == 404


def test_before_the_award_there_is_nothing_to_recover(client, tenants, bearer):
    case = make_case(tenants.a.org)
    resp = record(client, bearer(tenants.a.owner), case.id)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "case_not_running"
    assert record(client, bearer(tenants.x.owner), case.id).status_code == 404


@pytest.mark.parametrize(
    ("amount", "fields", "field"),
    [
        ("1500.01", {}, "amount"),
        ("0.00", {}, "amount"),
        ("-1.00", {}, "amount"),
        ("10.0", {}, "amount"),
        ("100.00", {"received_on": (today() + timedelta(days=1)).isoformat()}, "received_on"),
        ("100.00", {"received_on": (today() - timedelta(days=30)).isoformat()}, "received_on"),
        ("100.00", {"note": "x" * 1001}, "note"),
        ("100.00", {"idempotency_key": "has space"}, "idempotency_key"),
        ("100.00", {"invoice_id": 1}, "invoice_id"),
    ],
)
def test_invalid_recoveries_are_422_and_book_nothing(
    client, tenants, bearer, awarded, amount, fields, field
):
    resp = record(client, bearer(tenants.x.owner), awarded.id, amount, **fields)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"]
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    assert db.session.scalar(select(func.count(Recovery.id))) == 0


def test_another_currency_is_422(client, tenants, bearer, awarded):
    resp = client.post(
        url(awarded.id),
        json={"amount": {"amount": "10.00", "currency": "USD"}, "received_on": today().isoformat()},
        headers=bearer(tenants.x.owner),
    )
    assert resp.status_code == 422 and "amount" in resp.json["error"]["details"]


def test_the_whole_outstanding_then_nothing_more(client, tenants, bearer, awarded):
    headers = bearer(tenants.x.owner)
    assert record(client, headers, awarded.id, "1500.00").status_code == 201
    again = record(client, headers, awarded.id, "0.01")
    assert again.status_code == 422
    assert "At most 0.00 EUR" in again.json["error"]["details"]["amount"][0]


def test_the_same_key_twice_books_once(client, tenants, bearer, awarded):
    headers = bearer(tenants.x.owner)
    first = record(client, headers, awarded.id, "300.00", idempotency_key="wire-42")
    second = record(client, headers, awarded.id, "300.00", idempotency_key="wire-42")
    assert first.status_code == second.status_code == 201
    assert second.json == first.json and second.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count(Recovery.id))) == 1
    assert db.session.scalar(select(func.count(Payment.id))) == 1
    assert outstanding(awarded.oldest) == 20_000
    # the header works too, and a different payload under a used key is refused
    third = client.post(
        url(awarded.id),
        json={"amount": eur("300.00"), "received_on": today().isoformat()},
        headers={**headers, "Idempotency-Key": "wire-42"},
    )
    assert third.json["id"] == first.json["id"]
    other = record(client, headers, awarded.id, "301.00", idempotency_key="wire-42")
    assert other.status_code == 409 and other.json["error"]["code"] == "idempotency_key_reused"
    mixed = client.post(
        url(awarded.id),
        json={"amount": eur("1.00"), "received_on": today().isoformat(), "idempotency_key": "a"},
        headers={**headers, "Idempotency-Key": "b"},
    )
    assert mixed.status_code == 422
    assert db.session.scalar(select(func.count(Recovery.id))) == 1


def test_keys_are_per_case(client, tenants, bearer, awarded):
    other = make_awarded_case(tenants, loser=False)
    headers = bearer(tenants.x.owner)
    a = record(client, headers, awarded.id, "10.00", idempotency_key="k1")
    b = record(client, headers, other.id, "10.00", idempotency_key="k1")
    assert a.status_code == b.status_code == 201 and a.json["id"] != b.json["id"]


def test_recoverable_debtor_costs_are_repaid_before_principal(client, tenants, bearer, awarded):
    case = db.session.get(Case, awarded.id)
    add_cost(case, tenants.a.credit, "80.00", borne_by="debtor", description="Court fee")
    got = record(client, bearer(tenants.x.owner), awarded.id, "580.00").json
    assert got["split"]["legal_costs"] == eur("80.00")
    assert got["split"]["principal"] == eur("500.00")
    assert [a["amount"] for a in got["allocations"]] == [eur("500.00")]
    # no success fee on the repaid costs: 15 % of 500.00
    assert got["agency_fee"] == eur("75.00")
    # the cap counts the costs: 1000.00 principal + 0.00 costs are left
    assert record(client, bearer(tenants.x.owner), awarded.id, "1000.01").status_code == 422


def test_the_creditor_may_put_principal_first(client, tenants, bearer, awarded):
    settings.set_allocation_order(
        tenants.a.org,
        ["principal", "legal_costs", "statutory_interest", "compensation"],
        actor=tenants.a.owner,
    )
    case = db.session.get(Case, awarded.id)
    add_cost(case, tenants.a.credit, "80.00", borne_by="debtor")
    got = record(client, bearer(tenants.x.owner), awarded.id, "1550.00").json
    assert got["split"]["principal"] == eur("1500.00")
    assert got["split"]["legal_costs"] == eur("50.00")


def test_pending_and_agency_costs_are_not_claimed_from_the_debtor(client, tenants, bearer, awarded):
    case = db.session.get(Case, awarded.id)
    add_cost(case, tenants.x.owner, "900.00", borne_by="debtor")  # over the threshold: pending
    got = record(client, bearer(tenants.x.owner), awarded.id, "100.00").json
    assert got["split"]["legal_costs"] == eur("0.00")


def test_recoveries_list_newest_first_with_allocations(client, tenants, bearer, awarded):
    headers = bearer(tenants.x.owner)
    record(
        client, headers, awarded.id, "10.00", received_on=(today() - timedelta(days=0)).isoformat()
    )
    record(client, headers, awarded.id, "20.00")
    items = client.get(url(awarded.id), headers=bearer(tenants.a.viewer)).json["items"]
    assert [r["amount"]["amount"] for r in items] == ["20.00", "10.00"]
    assert all(r["allocations"] for r in items)
    rows = db.session.scalars(select(RecoveryAllocation)).all()
    assert {r.org_id for r in rows} == {tenants.a.org.id}


def test_a_twin_that_commits_between_check_and_insert_is_answered_by_the_index(
    client, tenants, bearer, awarded, monkeypatch
):
    """The unique (case_id, idempotency_key) index is the backstop behind the key check."""
    headers = bearer(tenants.x.owner)
    first = record(client, headers, awarded.id, "300.00", idempotency_key="twin")
    real_find = recoveries.find_by_key
    calls = []

    def miss_once(case, key):
        calls.append(key)
        return None if len(calls) == 1 else real_find(case, key)

    monkeypatch.setattr(recoveries, "find_by_key", miss_once)
    second = record(client, headers, awarded.id, "300.00", idempotency_key="twin")
    assert second.status_code == 201 and second.json["id"] == first.json["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count(Payment.id))) == 1
    calls.clear()
    other = record(client, headers, awarded.id, "1.00", idempotency_key="twin")
    assert other.status_code == 409
