"""API.md "Disputes and threads", dispute rows: /api/v1/disputes and its actions."""

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from disputes.models import Dispute, DisputeEvent
from ledger.models import CreditNote
from tests.disputes.helpers import make_dispute
from tests.factories import make_debtor, make_invoice


def eur(amount):
    return {"amount": amount, "currency": "EUR"}


def body(invoice_id, **change):
    return {
        "invoice_id": invoice_id,
        "reason": "delivery.damaged",
        "amount": eur("300.00"),
        "description": "Two pallets arrived crushed.",
        **change,
    }


def move(client, dispute_id, to, headers):
    return client.post(
        f"/api/v1/disputes/{dispute_id}/transition", json={"to": to}, headers=headers
    )


def resolve(client, dispute_id, headers, **payload):
    return client.post(f"/api/v1/disputes/{dispute_id}/resolve", json=payload, headers=headers)


def invoice_json(client, invoice_id, headers):
    return client.get(f"/api/v1/invoices/{invoice_id}", headers=headers).json


def test_open_a_partial_dispute_and_the_invoice_shows_it(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org, amount="1000.00")
    headers = bearer(tenants.a.credit)
    resp = client.post("/api/v1/disputes", json=body(invoice.id), headers=headers)
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["reason"] == "delivery.damaged" and got["reason_team"] == "delivery"
    assert got["amount"] == eur("300.00") and got["status"] == "open" and got["outcome"] is None
    assert got["owner_id"] == tenants.a.credit.id and got["raised_by_id"] == tenants.a.credit.id
    assert got["source"] == "manual" and got["due_date"] and got["sla_breached"] is False
    inv = invoice_json(client, invoice.id, headers)
    assert inv["status"] == "disputed"
    assert inv["disputed"] == eur("300.00") and inv["outstanding"] == eur("1000.00")
    # the undisputed 700.00 can take a second dispute, but not a cent more
    second = client.post(
        "/api/v1/disputes", json=body(invoice.id, amount=eur("700.00")), headers=headers
    )
    assert second.status_code == 201
    third = client.post(
        "/api/v1/disputes", json=body(invoice.id, amount=eur("0.01")), headers=headers
    )
    assert third.status_code == 422 and "amount" in third.json["error"]["details"]
    event = db.session.scalar(select(DisputeEvent).where(DisputeEvent.dispute_id == got["id"]))
    assert event.kind == "opened" and event.to_status == "open" and event.from_status is None
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "dispute.opened", AuditEvent.object_id == str(got["id"])
        )
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": eur("1000.01")}, "amount"),
        ({"amount": {"amount": "10", "currency": "JPY"}}, "amount"),
        ({"amount": eur("0.00")}, "amount"),
        ({"reason": "delivery.price"}, "reason"),
        ({"reason": "hardship"}, "reason"),
        ({"description": ""}, "description"),
    ],
)
def test_create_refuses_bad_fields(client, tenants, bearer, change, field):
    invoice = make_invoice(tenants.a.org, amount="1000.00")
    resp = client.post(
        "/api/v1/disputes", json=body(invoice.id, **change), headers=bearer(tenants.a.owner)
    )
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"]
    assert db.session.scalar(select(Dispute).where(Dispute.invoice_id == invoice.id)) is None


def test_currency_mismatch_is_422(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org, amount="1000.00", currency="USD")
    resp = client.post("/api/v1/disputes", json=body(invoice.id), headers=bearer(tenants.a.owner))
    assert resp.status_code == 422 and "amount" in resp.json["error"]["details"]
    db.session.refresh(invoice)
    assert invoice.disputed_minor == 0


def test_foreign_ids_in_the_body_are_field_errors(client, tenants, bearer):
    foreign = make_invoice(tenants.b.org)
    headers = bearer(tenants.a.credit)
    resp = client.post("/api/v1/disputes", json=body(foreign.id), headers=headers)
    assert resp.status_code == 422
    assert resp.json["error"]["details"] == {"invoice_id": ["No such invoice."]}
    own = make_invoice(tenants.a.org)
    resp = client.post(
        "/api/v1/disputes", json=body(own.id, owner_id=tenants.b.credit.id), headers=headers
    )
    assert resp.status_code == 422 and "owner_id" in resp.json["error"]["details"]
    resp = client.post(
        "/api/v1/disputes", json=body(own.id, owner_id=tenants.a.viewer.id), headers=headers
    )
    assert resp.status_code == 422 and "owner_id" in resp.json["error"]["details"]
    db.session.refresh(foreign)
    assert foreign.disputed_minor == 0


def test_legal_and_illegal_transitions(client, tenants, bearer):
    dispute = make_dispute(tenants.a.org)
    headers = bearer(tenants.a.credit)
    resp = move(client, dispute.id, "awaiting_customer", headers)
    assert resp.status_code == 409
    err = resp.json["error"]
    assert err["code"] == "illegal_transition" and err["details"]["allowed"] == ["in_review"]
    assert move(client, dispute.id, "in_review", headers).json["status"] == "in_review"
    assert (
        move(client, dispute.id, "awaiting_customer", headers).json["status"] == "awaiting_customer"
    )
    assert move(client, dispute.id, "in_review", headers).status_code == 200
    # resolving needs an outcome: /transition never reaches it
    resp = move(client, dispute.id, "resolved", headers)
    assert resp.status_code == 409 and resp.json["error"]["details"]["allowed"] == [
        "awaiting_customer"
    ]
    assert move(client, dispute.id, "nonsense", headers).status_code == 422
    kinds = db.session.scalars(
        select(DisputeEvent.to_status)
        .where(DisputeEvent.dispute_id == dispute.id)
        .order_by(DisputeEvent.id)
    ).all()
    assert kinds == ["open", "in_review", "awaiting_customer", "in_review"]


def test_resolving_an_open_dispute_is_illegal(client, tenants, bearer):
    dispute = make_dispute(tenants.a.org)
    resp = resolve(client, dispute.id, bearer(tenants.a.credit), outcome="withdrawn")
    assert resp.status_code == 409 and resp.json["error"]["details"]["allowed"] == ["in_review"]


def test_resolve_with_a_credit_note_drops_outstanding_and_releases_the_hold(
    client, tenants, bearer
):
    invoice = make_invoice(tenants.a.org, amount="1000.00")
    other = make_dispute(tenants.a.org, invoice, amount="200.00")
    dispute = make_dispute(tenants.a.org, invoice, amount="300.00")
    headers = bearer(tenants.a.credit)
    move(client, dispute.id, "in_review", headers)
    too_much = resolve(
        client, dispute.id, headers, outcome="credit_note", credit_amount=eur("300.01")
    )
    assert too_much.status_code == 422 and "credit_amount" in too_much.json["error"]["details"]
    missing = resolve(client, dispute.id, headers, outcome="credit_note")
    assert missing.status_code == 422 and "credit_amount" in missing.json["error"]["details"]
    resp = resolve(
        client, dispute.id, headers, outcome="credit_note", credit_amount=eur("250.00"), note="ok"
    )
    assert resp.status_code == 200, resp.json
    got = resp.json
    assert got["status"] == "resolved" and got["outcome"] == "credit_note" and got["resolved_at"]
    note = db.session.get(CreditNote, got["credit_note_id"])
    assert note.amount_minor == 25000 and note.invoice_id == invoice.id
    inv = invoice_json(client, invoice.id, headers)
    assert inv["outstanding"] == eur("750.00")
    assert (
        inv["disputed"] == eur("200.00") and inv["status"] == "disputed"
    )  # the other one holds on
    again = resolve(client, dispute.id, headers, outcome="withdrawn")
    assert again.status_code == 409 and again.json["error"]["details"]["allowed"] == []
    db.session.refresh(other)
    assert other.status.value == "open"


@pytest.mark.parametrize("outcome", ["rejected", "withdrawn", "corrected_invoice"])
def test_other_outcomes_release_the_hold(client, tenants, bearer, outcome):
    invoice = make_invoice(tenants.a.org, amount="1000.00")
    dispute = make_dispute(tenants.a.org, invoice, amount="1000.00")
    headers = bearer(tenants.a.owner)
    move(client, dispute.id, "in_review", headers)
    bad = resolve(client, dispute.id, headers, outcome=outcome, credit_amount=eur("1.00"))
    assert bad.status_code == 422
    resp = resolve(client, dispute.id, headers, outcome=outcome)
    assert resp.status_code == 200 and resp.json["outcome"] == outcome
    assert resp.json["credit_note_id"] is None
    inv = invoice_json(client, invoice.id, headers)
    assert inv["disputed"] == eur("0.00") and inv["outstanding"] == eur("1000.00")
    assert inv["status"] != "disputed"


def test_patch_owner_due_date_and_description(client, tenants, bearer):
    dispute = make_dispute(tenants.a.org)
    headers = bearer(tenants.a.credit)
    url = f"/api/v1/disputes/{dispute.id}"
    resp = client.patch(
        url,
        json={"owner_id": tenants.a.sales.id, "due_date": "2030-01-31", "description": "New text"},
        headers=headers,
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["owner_id"] == tenants.a.sales.id and resp.json["due_date"] == "2030-01-31"
    assert resp.json["description"] == "New text"
    assert (
        client.patch(url, json={"owner_id": tenants.b.sales.id}, headers=headers).status_code == 422
    )
    assert client.patch(url, json={"status": "resolved"}, headers=headers).status_code == 422
    event = db.session.scalars(
        select(DisputeEvent).where(
            DisputeEvent.dispute_id == dispute.id, DisputeEvent.kind == "updated"
        )
    ).one()
    assert event.details["owner_id"]["to"] == tenants.a.sales.id


def test_list_filters_and_pages(client, tenants, bearer):
    first = make_dispute(tenants.a.org, reason="invoicing.price")
    second = make_dispute(tenants.a.org, reason="delivery.late")
    make_dispute(tenants.b.org)
    headers = bearer(tenants.a.credit)
    page = client.get("/api/v1/disputes?page_size=1", headers=headers).json
    assert page["total"] == 2 and len(page["items"]) == 1 and page["page_size"] == 1

    def ids(q):
        return [d["id"] for d in client.get(f"/api/v1/disputes?{q}", headers=headers).json["items"]]

    assert ids("reason_team=invoicing") == [first.id]
    assert ids("reason=delivery.late") == [second.id]
    assert ids(f"invoice_id={first.invoice_id}") == [first.id]
    assert ids("status=resolved") == []
    client.patch(
        f"/api/v1/disputes/{second.id}", json={"owner_id": tenants.a.sales.id}, headers=headers
    )
    assert ids(f"owner_id={tenants.a.sales.id}") == [second.id]
    assert client.get("/api/v1/disputes?reason_team=hr", headers=headers).status_code == 422


def test_role_matrix(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org)
    dispute = make_dispute(tenants.a.org, invoice)
    url = f"/api/v1/disputes/{dispute.id}"
    viewer = bearer(tenants.a.viewer)
    assert client.get(url, headers=viewer).status_code == 200
    assert client.get("/api/v1/disputes", headers=viewer).status_code == 200
    assert client.post("/api/v1/disputes", json=body(invoice.id), headers=viewer).status_code == 403
    assert client.patch(url, json={"description": "x"}, headers=viewer).status_code == 403
    assert move(client, dispute.id, "in_review", viewer).status_code == 403
    agency = bearer(tenants.x.owner)
    assert client.get("/api/v1/disputes", headers=agency).status_code == 403
    assert client.get(url, headers=agency).status_code == 403
    assert client.get("/api/v1/disputes").status_code == 401
    for role in ("owner", "credit"):
        headers = bearer(getattr(tenants.a, role))
        assert (
            client.post(
                "/api/v1/disputes", json=body(invoice.id, amount=eur("1.00")), headers=headers
            ).status_code
            == 201
        )


def test_sales_see_their_debtors_and_own_disputes_and_act_only_on_owned(client, tenants, bearer):
    sales = tenants.a.sales
    mine = make_invoice(tenants.a.org, make_debtor(tenants.a.org, sales_rep_id=sales.id))
    theirs = make_invoice(tenants.a.org)
    on_mine = make_dispute(tenants.a.org, mine)
    on_theirs = make_dispute(tenants.a.org, theirs)
    assigned = make_dispute(tenants.a.org, theirs)
    credit = bearer(tenants.a.credit)
    client.patch(f"/api/v1/disputes/{assigned.id}", json={"owner_id": sales.id}, headers=credit)
    headers = bearer(sales)
    listed = {d["id"] for d in client.get("/api/v1/disputes", headers=headers).json["items"]}
    assert listed == {on_mine.id, assigned.id}
    assert client.get(f"/api/v1/disputes/{on_theirs.id}", headers=headers).status_code == 404
    # a sales rep opens disputes on their own debtors' invoices only
    assert (
        client.post(
            "/api/v1/disputes", json=body(mine.id, amount=eur("1.00")), headers=headers
        ).status_code
        == 201
    )
    resp = client.post(
        "/api/v1/disputes", json=body(theirs.id, amount=eur("1.00")), headers=headers
    )
    assert resp.status_code == 422 and "invoice_id" in resp.json["error"]["details"]
    # acting: only on disputes they own
    assert move(client, on_mine.id, "in_review", headers).status_code == 403
    assert move(client, assigned.id, "in_review", headers).status_code == 200
    assert resolve(client, assigned.id, headers, outcome="rejected").status_code == 200


def test_sales_see_all_when_the_organisation_allows_it(client, tenants, bearer):
    tenants.a.org.sales_see_all = True
    db.session.commit()
    dispute = make_dispute(tenants.a.org)
    assert (
        client.get(f"/api/v1/disputes/{dispute.id}", headers=bearer(tenants.a.sales)).status_code
        == 200
    )


def test_another_tenants_dispute_is_404(client, tenants, bearer):
    dispute = make_dispute(tenants.b.org)
    headers = bearer(tenants.a.owner)
    url = f"/api/v1/disputes/{dispute.id}"
    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"description": "x"}, headers=headers).status_code == 404
    assert move(client, dispute.id, "in_review", headers).status_code == 404
    assert resolve(client, dispute.id, headers, outcome="withdrawn").status_code == 404
    assert client.get("/api/v1/disputes", headers=headers).json["total"] == 0


def test_dispute_events_are_append_only(tenants):
    dispute = make_dispute(tenants.a.org)
    event = db.session.scalar(select(DisputeEvent).where(DisputeEvent.dispute_id == dispute.id))
    event.details = {"changed": True}
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_the_invoice_lists_its_disputes(client, tenants, bearer):
    from disputes.models import Dispute
    from tests.disputes.helpers import make_dispute

    dispute = make_dispute(tenants.a.org)
    assert isinstance(dispute, Dispute)
    body = client.get(
        f"/api/v1/invoices/{dispute.invoice_id}", headers=bearer(tenants.a.viewer)
    ).json
    assert body["status"] == "disputed"
    assert body["disputes"] == [
        {
            "id": dispute.id,
            "status": "open",
            "reason": dispute.reason,
            "reason_team": dispute.reason_team,
            "amount": dispute.amount.to_dict(),
        }
    ]
