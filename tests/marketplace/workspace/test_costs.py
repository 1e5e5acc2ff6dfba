"""Costs: fees and expenses, the creditor's approval threshold and decisions (T6)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.notifications.models import Notification
from marketplace.models import Case, CaseEvent
from marketplace.workspace.models import CaseCost
from tests.disputes.attachments.conftest import PDF_BYTES, upload
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import add_cost, eur, make_awarded_case


@pytest.fixture
def awarded(tenants):
    tenants.a.org.expense_approval_threshold_minor = 25_000  # 250.00 EUR
    db.session.commit()
    return make_awarded_case(tenants)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/costs"


def post(client, headers, case_id, amount="40.00", **fields):
    payload = {
        "kind": "expense",
        "amount": eur(amount),
        "description": "Bailiff visit",
        "borne_by": "creditor",
        "recoverable": False,
        **fields,
    }
    return client.post(url(case_id), json=payload, headers=headers)


def decide(client, headers, cost_id, action="approve"):
    return client.post(f"/api/v1/costs/{cost_id}/{action}", headers=headers)


def test_an_agency_expense_within_the_threshold_counts_at_once(client, tenants, bearer, awarded):
    resp = post(client, bearer(tenants.x.collector), awarded.id, "250.00")
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["status"] == "approved" and got["kind"] == "expense"
    assert got["amount"] == eur("250.00") and got["borne_by"] == "creditor"
    assert got["author"]["id"] == tenants.x.collector.id
    assert got["author_org_id"] == tenants.x.org.id


def test_above_the_threshold_it_waits_for_the_creditor(client, tenants, bearer, awarded):
    got = post(client, bearer(tenants.x.owner), awarded.id, "250.01").json
    assert got["status"] == "pending"
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.key == f"cost:{got['id']}:pending")
    ).all()
    assert sorted(told) == sorted([tenants.a.owner.id, tenants.a.credit.id])
    approved = decide(client, bearer(tenants.a.credit), got["id"])
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    assert approved.json["decided_by"]["id"] == tenants.a.credit.id
    assert approved.json["decided_at"]
    assert db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == tenants.x.owner.id,
            Notification.key == f"cost:{got['id']}:approved",
        )
    )
    # twice, or the other way after the fact: 409
    again = decide(client, bearer(tenants.a.owner), got["id"])
    assert again.status_code == 409
    assert decide(client, bearer(tenants.a.owner), got["id"], "reject").status_code == 409
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == awarded.id))
    assert "cost_approved" in list(kinds)


def test_a_rejected_cost_stays_rejected(client, tenants, bearer, awarded):
    got = post(client, bearer(tenants.x.owner), awarded.id, "900.00").json
    rejected = decide(client, bearer(tenants.a.owner), got["id"], "reject")
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert decide(client, bearer(tenants.a.owner), got["id"]).status_code == 409


def test_fees_billed_by_the_agency_always_wait(client, tenants, bearer, awarded):
    got = post(client, bearer(tenants.x.owner), awarded.id, "50.00", kind="fee").json
    assert got["status"] == "pending" and got["kind"] == "fee"


def test_the_creditors_own_entries_count_at_once(client, tenants, bearer, awarded):
    got = post(client, bearer(tenants.a.credit), awarded.id, "5000.00", kind="fee").json
    assert got["status"] == "approved"


def test_a_threshold_in_another_currency_sends_everything_to_approval(client, tenants, bearer):
    tenants.a.org.currency = "USD"
    tenants.a.org.expense_approval_threshold_minor = 100_000
    db.session.commit()
    awarded = make_awarded_case(tenants)
    assert post(client, bearer(tenants.x.owner), awarded.id, "1.00").json["status"] == "pending"


@pytest.mark.parametrize(
    ("user", "status"),
    [("a.sales", 404), ("a.viewer", 403), ("x.owner", 403), ("x.collector", 403)],
)
def test_only_creditor_managers_decide(client, tenants, bearer, awarded, user, status):
    cost = add_cost(db.session.get(Case, awarded.id), tenants.x.owner, "900.00")
    org, role = user.split(".")
    resp = decide(client, bearer(getattr(getattr(tenants, org), role)), cost.id)
    assert resp.status_code == status
    assert db.session.get(CaseCost, cost.id).status.value == "pending"


def test_sales_who_see_the_case_still_cannot_decide(client, tenants, bearer):
    awarded = make_awarded_case(tenants, sales_rep=tenants.a.sales)
    cost = add_cost(db.session.get(Case, awarded.id), tenants.x.owner, "900.00")
    headers = bearer(tenants.a.sales)
    assert decide(client, headers, cost.id).status_code == 403
    assert post(client, headers, awarded.id).status_code == 403
    assert client.get(url(awarded.id), headers=headers).status_code == 200


def test_other_tenants_and_losing_bidders_get_404(client, tenants, bearer, awarded):
    cost = add_cost(db.session.get(Case, awarded.id), tenants.x.owner, "900.00")
    for user in (tenants.b.owner, tenants.y.owner):
        headers = bearer(user)
        assert decide(client, headers, cost.id).status_code == 404
        assert decide(client, headers, cost.id, "reject").status_code == 404
        assert client.get(url(awarded.id), headers=headers).status_code == 404
        assert post(client, headers, awarded.id).status_code == 404
    assert db.session.get(CaseCost, cost.id).status.value == "pending"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "success_fee"}, "kind"),
        ({"kind": "platform_fee"}, "kind"),
        ({"borne_by": "nobody"}, "borne_by"),
        ({"borne_by": "debtor", "recoverable": False}, "recoverable"),
        ({"kind": "fee", "borne_by": "agency"}, "borne_by"),
        ({"description": ""}, "description"),
        ({"description": "x" * 501}, "description"),
        ({"amount": {"amount": "1.00", "currency": "USD"}}, "amount"),
        ({"amount": {"amount": "0.00", "currency": "EUR"}}, "amount"),
        ({"amount": {"amount": 1.5, "currency": "EUR"}}, "amount"),
        ({"status": "approved"}, "status"),
        ({"receipt_attachment_id": 999_999}, "receipt_attachment_id"),
    ],
)
def test_invalid_costs_are_422(client, tenants, bearer, awarded, fields, field):
    resp = post(client, bearer(tenants.x.owner), awarded.id, **fields)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"]
    assert db.session.scalar(select(func.count(CaseCost.id))) == 0


def test_recoverable_defaults_to_whether_the_debtor_bears_it(client, tenants, bearer, awarded):
    headers = bearer(tenants.a.owner)
    debtor = post(client, headers, awarded.id, borne_by="debtor", recoverable=None).json
    creditor = post(client, headers, awarded.id, borne_by="creditor", recoverable=None).json
    assert debtor["recoverable"] is True and creditor["recoverable"] is False


def test_no_costs_before_the_award(client, tenants, bearer):
    case = make_case(tenants.a.org)
    resp = post(client, bearer(tenants.a.owner), case.id)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "case_not_running"


def test_a_receipt_is_shared_with_the_creditor_who_approves(client, tenants, bearer, awarded):
    agency = bearer(tenants.x.collector)
    receipt = upload(client, agency, "receipt.pdf", PDF_BYTES).json["id"]
    got = post(client, agency, awarded.id, "400.00", receipt_attachment_id=receipt).json
    assert got["receipt_attachment_id"] == receipt and got["status"] == "pending"
    creditor = bearer(tenants.a.credit)
    assert client.get(f"/api/v1/attachments/{receipt}", headers=creditor).status_code == 200
    thread = client.get(f"/api/v1/cases/{awarded.id}/comments", headers=creditor).json
    assert [a["id"] for a in thread["items"][0]["attachments"]] == [receipt]
    assert (
        client.get(f"/api/v1/attachments/{receipt}", headers=bearer(tenants.y.owner)).status_code
        == 404
    )


def test_costs_list_newest_first_for_both_parties(client, tenants, bearer, awarded):
    post(client, bearer(tenants.x.owner), awarded.id, "10.00", description="First")
    post(client, bearer(tenants.a.owner), awarded.id, "20.00", description="Second")
    for user in (tenants.a.viewer, tenants.x.collector):
        items = client.get(url(awarded.id), headers=bearer(user)).json["items"]
        assert [c["description"] for c in items] == ["Second", "First"]


def test_descriptions_stay_raw_text_in_json(client, tenants, bearer, awarded):
    text = '<img src=x onerror=alert(1)> "quoted"'
    got = post(client, bearer(tenants.x.owner), awarded.id, description=text).json
    assert got["description"] == text
