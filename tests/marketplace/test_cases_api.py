"""API.md "Marketplace and cases": creating, reading, editing, publishing, withdrawing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.db import utcnow
from core.extensions import db
from ledger.models import Invoice
from marketplace.models import Bid, Case, CaseEvent, CaseInvoice
from tests.disputes.helpers import make_dispute
from tests.factories import make_debtor, make_invoice
from tests.marketplace.helpers import eur, make_bid, make_case, overdue_invoice

DEADLINE = (utcnow() + timedelta(days=10)).isoformat()


def body(debtor, invoices, **change):
    return {
        "debtor_id": debtor.id,
        "invoice_ids": [i.id for i in invoices],
        "bidding_deadline": DEADLINE,
        "terms": {"fee_models": ["contingency", "hybrid"], "max_percent": "25"},
        **change,
    }


@pytest.fixture
def claim(tenants):
    debtor = make_debtor(tenants.a.org, "Acme Trading GmbH")
    invoices = [
        overdue_invoice(tenants.a.org, debtor, amount="1200.00", days=40),
        overdue_invoice(tenants.a.org, debtor, amount="300.50", days=75),
    ]
    return debtor, invoices


def test_create_a_draft_case_reserves_the_invoices(client, tenants, bearer, claim):
    debtor, invoices = claim
    headers = bearer(tenants.a.credit)
    instant = {"fee_model": "contingency", "percent": "20"}
    resp = client.post(
        "/api/v1/cases", json=body(debtor, invoices, instant_terms=instant), headers=headers
    )
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["status"] == "draft" and got["currency"] == "EUR"
    assert got["claimed"] == eur("1500.50") and got["invoice_count"] == 2
    assert got["debtor"]["name"] == "Acme Trading GmbH"
    assert [i["id"] for i in got["invoices"]] == [i.id for i in invoices]
    assert got["terms"] == {
        "fee_models": ["contingency", "hybrid"],
        "max_percent": "25",
        "max_fixed": None,
    }
    assert got["instant_terms"] == {
        "fee_model": "contingency",
        "percent": "20",
        "fixed": None,
        "upfront": None,
    }
    assert got["open_to_all"] is True and got["invited_agency_ids"] == []
    assert got["awarded_agency"] is None and got["accepted_terms"] is None
    # reserved, but not in collection before the award
    rows = db.session.scalars(select(CaseInvoice).where(CaseInvoice.case_id == got["id"])).all()
    assert {r.invoice_id for r in rows} == {i.id for i in invoices} and all(r.active for r in rows)
    inv = client.get(f"/api/v1/invoices/{invoices[0].id}", headers=headers).json
    assert inv["status"] == "overdue" and inv["case_id"] is None
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == got["id"]))
    assert event.kind == "created" and event.to_status == "draft"
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "case.created", AuditEvent.object_id == str(got["id"])
        )
    )


def test_an_invoice_on_an_active_case_cannot_go_on_another(client, tenants, bearer, claim):
    debtor, invoices = claim
    headers = bearer(tenants.a.owner)
    assert (
        client.post("/api/v1/cases", json=body(debtor, invoices), headers=headers).status_code
        == 201
    )
    again = client.post("/api/v1/cases", json=body(debtor, invoices[:1]), headers=headers)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "invoice_on_case"
    assert again.json["error"]["details"]["invoices"] == [invoices[0].number]


@pytest.mark.parametrize(
    ("make_change", "field"),
    [
        (lambda t, d, inv: {"debtor_id": make_debtor(t.b.org).id}, "debtor_id"),
        (lambda t, d, inv: {"invoice_ids": [make_invoice(t.b.org).id]}, "invoice_ids"),
        (lambda t, d, inv: {"invoice_ids": [make_invoice(t.a.org).id]}, "invoice_ids"),
        (lambda t, d, inv: {"invoice_ids": []}, "invoice_ids"),
        (
            lambda t, d, inv: {"invoice_ids": [overdue_invoice(t.a.org, make_debtor(t.a.org)).id]},
            "invoice_ids",
        ),
        (
            lambda t, d, inv: {
                "invoice_ids": [inv[0].id, overdue_invoice(t.a.org, d, currency="USD").id]
            },
            "invoice_ids",
        ),
        (lambda t, d, inv: {"bidding_deadline": "2020-01-01"}, "bidding_deadline"),
        (lambda t, d, inv: {"bidding_deadline": "2030-01-01T10:00:00"}, "bidding_deadline"),
        (lambda t, d, inv: {"terms": {"fee_models": []}}, "terms"),
        (lambda t, d, inv: {"terms": {"fee_models": ["auction"]}}, "terms"),
        (lambda t, d, inv: {"terms": {"fee_models": ["fixed"], "max_percent": 15}}, "terms"),
        (lambda t, d, inv: {"terms": {"fee_models": ["fixed"], "max_percent": "15.125"}}, "terms"),
        (
            lambda t, d, inv: {
                "terms": {"fee_models": ["fixed"], "max_fixed": {"amount": "10", "currency": "JPY"}}
            },
            "terms",
        ),
        (
            lambda t, d, inv: {"instant_terms": {"fee_model": "contingency", "percent": "30"}},
            "instant_terms",
        ),
        (
            lambda t, d, inv: {"instant_terms": {"fee_model": "fixed", "fixed": eur("100.00")}},
            "instant_terms",
        ),
        (
            lambda t, d, inv: {"instant_terms": {"fee_model": "hybrid", "percent": "5"}},
            "instant_terms",
        ),
        (lambda t, d, inv: {"invited_agency_ids": [t.b.org.id]}, "invited_agency_ids"),
        (lambda t, d, inv: {"required_countries": ["XX"]}, "required_countries"),
        (lambda t, d, inv: {"required_specialties": ["astrology"]}, "required_specialties"),
    ],
)
def test_invalid_cases_are_refused_whole(client, tenants, bearer, claim, make_change, field):
    debtor, invoices = claim
    change = make_change(tenants, debtor, invoices)
    before = db.session.scalar(select(func.count(Case.id)))
    resp = client.post(
        "/api/v1/cases", json=body(debtor, invoices, **change), headers=bearer(tenants.a.credit)
    )
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"], resp.json
    assert db.session.scalar(select(func.count(Case.id))) == before


def test_consumer_debtors_are_not_listed(client, tenants, bearer):
    debtor = make_debtor(tenants.a.org, debtor_type="consumer")
    invoice = overdue_invoice(tenants.a.org, debtor)
    resp = client.post(
        "/api/v1/cases", json=body(debtor, [invoice]), headers=bearer(tenants.a.owner)
    )
    assert resp.status_code == 422 and "debtor_id" in resp.json["error"]["details"]


def test_paid_and_not_yet_due_invoices_are_refused(client, tenants, bearer, claim):
    debtor, invoices = claim
    headers = bearer(tenants.a.owner)
    not_due = make_invoice(tenants.a.org, debtor, due_date=utcnow().date() + timedelta(days=3))
    client.post(
        f"/api/v1/invoices/{invoices[1].id}/payments",
        json={"amount": eur("300.50"), "date": utcnow().date().isoformat()},
        headers=headers,
    )
    resp = client.post("/api/v1/cases", json=body(debtor, [not_due, invoices[1]]), headers=headers)
    assert resp.status_code == 422
    problems = resp.json["error"]["details"]["invoice_ids"]
    assert problems == [f"{invoices[1].number} is paid.", f"{not_due.number} is not overdue."]


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_only_owner_and_credit_create_cases(client, tenants, bearer, claim, role):
    debtor, invoices = claim
    resp = client.post(
        "/api/v1/cases", json=body(debtor, invoices), headers=bearer(tenants.a.users[role])
    )
    assert resp.status_code == 403
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "authz_denied", AuditEvent.actor_id == tenants.a.users[role].id
        )
    )


def test_agencies_cannot_create_cases(client, tenants, bearer, claim):
    debtor, invoices = claim
    resp = client.post(
        "/api/v1/cases", json=body(debtor, invoices), headers=bearer(tenants.x.owner)
    )
    assert resp.status_code == 403


def test_unknown_fields_are_a_422_naming_them(client, tenants, bearer, claim):
    debtor, invoices = claim
    resp = client.post(
        "/api/v1/cases",
        json=body(debtor, invoices, status="awarded", tenant_id=tenants.b.org.id, org_id=1),
        headers=bearer(tenants.a.owner),
    )
    assert resp.status_code == 422
    assert {"status", "tenant_id", "org_id"} <= set(resp.json["error"]["details"])


def test_mass_assignment_on_patch_is_refused_and_changes_nothing(client, tenants, bearer):
    case = make_case(tenants.a.org, publish=False)
    payload = {
        "status": "awarded",
        "agency_id": tenants.x.org.id,
        "tenant_id": tenants.b.org.id,
        "success_fee_pct": 0,
    }
    resp = client.patch(f"/api/v1/cases/{case.id}", json=payload, headers=bearer(tenants.a.owner))
    assert resp.status_code == 422
    assert set(payload) <= set(resp.json["error"]["details"])
    db.session.refresh(case)
    assert case.status.value == "draft" and case.awarded_agency_org_id is None


def test_a_draft_can_be_edited_and_a_listed_case_cannot(client, tenants, bearer):
    case = make_case(tenants.a.org, publish=False)
    headers = bearer(tenants.a.credit)
    resp = client.patch(
        f"/api/v1/cases/{case.id}",
        json={
            "invited_agency_ids": [tenants.x.org.id],
            "instant_terms": {"fee_model": "hybrid", "percent": "10", "upfront": eur("50.00")},
            "required_countries": ["de", "AT"],
        },
        headers=headers,
    )
    assert resp.status_code == 200, resp.json
    got = resp.json
    assert got["invited_agency_ids"] == [tenants.x.org.id] and got["open_to_all"] is False
    assert got["instant_terms"]["upfront"] == eur("50.00")
    assert got["required_countries"] == ["AT", "DE"]
    reopened = client.patch(
        f"/api/v1/cases/{case.id}", json={"invited_agency_ids": []}, headers=headers
    )
    assert reopened.json["open_to_all"] is True and reopened.json["invited_agency_ids"] == []
    # caps must still hold the instant terms
    tighter = client.patch(
        f"/api/v1/cases/{case.id}",
        json={"terms": {"fee_models": ["hybrid"], "max_percent": "5"}},
        headers=headers,
    )
    assert tighter.status_code == 422 and "instant_terms" in tighter.json["error"]["details"]
    assert client.post(f"/api/v1/cases/{case.id}/publish", headers=headers).status_code == 200
    late = client.patch(
        f"/api/v1/cases/{case.id}", json={"required_countries": []}, headers=headers
    )
    assert late.status_code == 409 and late.json["error"]["code"] == "case_not_draft"


def test_publish_lists_the_case_with_its_anonymised_facts(client, tenants, bearer, claim):
    debtor, invoices = claim
    headers = bearer(tenants.a.owner)
    case_id = client.post("/api/v1/cases", json=body(debtor, invoices), headers=headers).json["id"]
    resp = client.post(f"/api/v1/cases/{case_id}/publish", headers=headers)
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "listed" and resp.json["published_at"]
    case = db.session.get(Case, case_id)
    assert case.listing_country == "DE" and case.invoice_count == 2
    assert case.oldest_due_date == invoices[1].due_date
    assert case.document_kinds == ["invoices"]
    again = client.post(f"/api/v1/cases/{case_id}/publish", headers=headers)
    assert again.status_code == 409
    assert again.json["error"]["details"]["allowed"] == ["awarded", "expired", "withdrawn"]


def test_publish_refuses_invoices_paid_meanwhile(client, tenants, bearer, claim):
    debtor, invoices = claim
    headers = bearer(tenants.a.owner)
    case_id = client.post("/api/v1/cases", json=body(debtor, invoices), headers=headers).json["id"]
    paid = client.post(
        f"/api/v1/invoices/{invoices[1].id}/payments",
        json={"amount": eur("300.50"), "date": utcnow().date().isoformat()},
        headers=headers,
    )
    assert paid.status_code == 201
    resp = client.post(f"/api/v1/cases/{case_id}/publish", headers=headers)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "invoice_not_eligible"
    assert resp.json["error"]["details"]["invoices"] == [invoices[1].number]


def test_publish_takes_the_claim_at_listing_time(client, tenants, bearer, claim):
    debtor, invoices = claim
    headers = bearer(tenants.a.owner)
    case_id = client.post("/api/v1/cases", json=body(debtor, invoices), headers=headers).json["id"]
    client.post(
        f"/api/v1/invoices/{invoices[0].id}/payments",
        json={"amount": eur("200.00"), "date": utcnow().date().isoformat()},
        headers=headers,
    )
    listed = client.post(f"/api/v1/cases/{case_id}/publish", headers=headers).json
    assert listed["claimed"] == eur("1300.50")
    assert listed["invoices"][0]["outstanding_at_listing"] == eur("1000.00")


def test_withdraw_frees_the_invoices_and_rejects_live_bids(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    headers = bearer(tenants.a.credit)
    resp = client.post(f"/api/v1/cases/{case.id}/withdraw", headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "withdrawn"
    assert resp.json["closed_at"]
    assert db.session.get(Bid, bid.id).status.value == "rejected"
    assert not any(ci.active for ci in db.session.scalars(select(CaseInvoice)))
    # the invoices may go on a new case now
    invoice_ids = [ci.invoice_id for ci in db.session.get(Case, case.id).case_invoices]
    fresh = client.post(
        "/api/v1/cases",
        json=body(
            db.session.get(Case, case.id).debtor, [db.session.get(Invoice, i) for i in invoice_ids]
        ),
        headers=headers,
    )
    assert fresh.status_code == 201
    again = client.post(f"/api/v1/cases/{case.id}/withdraw", headers=headers)
    assert again.status_code == 409 and again.json["error"]["details"]["allowed"] == []


def test_a_draft_can_be_withdrawn(client, tenants, bearer):
    case = make_case(tenants.a.org, publish=False)
    resp = client.post(f"/api/v1/cases/{case.id}/withdraw", headers=bearer(tenants.a.owner))
    assert resp.status_code == 200 and resp.json["status"] == "withdrawn"


@pytest.mark.parametrize("action", ["publish", "withdraw"])
@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_state_moves_are_for_owner_and_credit(client, tenants, bearer, action, role):
    case = make_case(tenants.a.org, publish=action == "withdraw")
    resp = client.post(f"/api/v1/cases/{case.id}/{action}", headers=bearer(tenants.a.users[role]))
    assert resp.status_code == 403
    db.session.refresh(case)
    assert case.status.value == ("listed" if action == "withdraw" else "draft")


def test_creditor_reads_its_cases_and_another_tenant_gets_404(client, tenants, bearer):
    case = make_case(tenants.a.org)
    other = make_case(tenants.b.org)
    headers = bearer(tenants.a.viewer)
    listed = client.get("/api/v1/cases", headers=headers).json
    assert [c["id"] for c in listed["items"]] == [case.id] and listed["total"] == 1
    assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
    resp = client.get(f"/api/v1/cases/{other.id}", headers=headers)
    assert resp.status_code == 404 and "Debtor" not in resp.get_data(as_text=True)
    filtered = client.get("/api/v1/cases?status=draft", headers=headers).json
    assert filtered["items"] == []


def test_sales_read_only_the_cases_of_their_debtors(client, tenants, bearer):
    sales = tenants.a.sales
    mine = make_case(tenants.a.org, sales_rep_id=sales.id)
    theirs = make_case(tenants.a.org)
    headers = bearer(sales)
    listed = client.get("/api/v1/cases", headers=headers).json
    assert [c["id"] for c in listed["items"]] == [mine.id]
    assert client.get(f"/api/v1/cases/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/cases/{theirs.id}", headers=headers).status_code == 404


def test_agencies_do_not_read_cases_they_were_not_awarded(client, tenants, bearer):
    case = make_case(tenants.a.org)
    make_bid(case, tenants.x.owner)
    headers = bearer(tenants.x.owner)
    assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/cases", headers=headers).json["items"] == []


def test_dispute_history_does_not_block_listing(client, tenants, bearer, claim):
    debtor, invoices = claim
    make_dispute(tenants.a.org, invoices[0])
    resp = client.post(
        "/api/v1/cases", json=body(debtor, invoices), headers=bearer(tenants.a.owner)
    )
    assert resp.status_code == 201
