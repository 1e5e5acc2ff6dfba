"""Staged disclosure (SPEC §4, QUALITY T4): agencies see the anonymised listing only."""

from __future__ import annotations

import json

import pytest

from marketplace.schemas import LISTING_FIELDS
from tests.disputes.helpers import make_dispute
from tests.factories import make_debtor
from tests.marketplace.helpers import make_case, overdue_invoice, pass_deadline

#: what an agency may see before award (SPEC §4); a new key needs a decision, not a diff
ALLOWLIST = {
    "id",
    "sector",
    "country",
    "size_band",
    "debtor_type",
    "claimed",
    "days_overdue_bucket",
    "invoice_count",
    "dispute_summary",
    "dunning_steps",
    "document_kinds",
    "terms",
    "instant_terms",
    "bidding_deadline",
    "published_at",
    "by_invitation",
    "required_countries",
    "required_specialties",
}
SECRET = "Zyxwv Secret Holding"


def secret_case(org):
    """A listed case whose debtor name is planted in every free-text and id field."""
    debtor = make_debtor(
        org,
        SECRET,
        debtor_type="sole_trader",
        country="FR",
        sector="Construction",
        vat_id="FR-ZYXWV-VAT-4711",
        legal_id="ZYXWV-LEGAL-0815",
        emails=["zyxwv@secret.example"],
        phone="+33 1 ZYXWV",
        address=f"1 rue {SECRET}, Paris",
        notes=f"Internal: {SECRET} is slow",
    )
    invoices = [
        overdue_invoice(org, debtor, number=f"ZYXWV-INV-{n}", po_number=f"PO {SECRET}", days=days)
        for n, days in ((1, 20), (2, 95))
    ]
    dispute = make_dispute(org, invoices[0], reason="delivery.damaged")
    dispute.description = f"{SECRET} says pallets broke"
    make_dispute(org, invoices[1], reason="invoicing.price")
    return make_case(org, debtor=debtor, invoices=invoices), debtor, invoices


def test_a_listing_holds_exactly_the_allowlist_and_no_debtor_data(client, tenants, bearer):
    assert ALLOWLIST == LISTING_FIELDS
    case, debtor, invoices = secret_case(tenants.a.org)
    headers = bearer(tenants.x.collector)
    page = client.get("/api/v1/marketplace/listings", headers=headers)
    one = client.get(f"/api/v1/marketplace/listings/{case.id}", headers=headers)
    assert page.status_code == 200 and one.status_code == 200
    [item] = page.json["items"]
    assert set(item) == ALLOWLIST and set(one.json) == ALLOWLIST
    assert item == one.json
    for resp in (page, one):
        text = resp.get_data(as_text=True)
        for secret in ("Zyxwv", "ZYXWV", "zyxwv", "Secret Holding", "Paris", "+33", "slow"):
            assert secret not in text
        for value in (debtor.id, *(i.id for i in invoices)):
            assert f'"debtor_id": {value}' not in text and f'"invoice_id": {value}' not in text
        assert resp.headers["Cache-Control"] == "no-store"
    assert item["country"] == "FR" and item["sector"] == "Construction"
    assert item["debtor_type"] == "sole_trader" and item["claimed"]["amount"] == "2000.00"
    assert item["size_band"] == "1k_5k" and item["days_overdue_bucket"] == "d91_120"
    assert item["invoice_count"] == 2 and item["dunning_steps"] == []
    assert item["dispute_summary"] == {
        "count": 2,
        "open_count": 2,
        "by_reason": {"delivery.damaged": 1, "invoicing.price": 1},
    }
    assert item["document_kinds"] == ["invoices"]
    assert item["by_invitation"] is False
    # nothing nested carries an id either: only the listing's own id is a number named "id"
    assert json.dumps(item).count('"id"') == 1


def test_document_kinds_say_what_exists_and_show_none_of_it(client, tenants, bearer):
    from core.extensions import db
    from disputes.attachments.service import store_attachment
    from disputes.threads import services as threads

    org, owner = tenants.a.org, tenants.a.owner
    debtor = make_debtor(org)
    invoice = overdue_invoice(org, debtor)
    dispute = make_dispute(org, invoice)
    pdf = store_attachment(org, uploader=owner, filename="zyxwv-pod.pdf", data=b"%PDF-1.4\n")
    threads.add_comment(
        dispute,
        actor=owner,
        body="Zyxwv signed the POD",
        visibility="shared",
        attachment_ids=[pdf.id],
    )
    db.session.commit()
    case = make_case(org, debtor=debtor, invoices=[invoice])
    resp = client.get(f"/api/v1/marketplace/listings/{case.id}", headers=bearer(tenants.x.owner))
    assert resp.json["document_kinds"] == [
        "dispute_attachments",
        "dispute_correspondence",
        "invoices",
    ]
    assert "zyxwv" not in resp.get_data(as_text=True).lower()


def test_the_dispute_summary_is_live(client, tenants, bearer):
    case, _debtor, invoices = secret_case(tenants.a.org)
    from core.extensions import db
    from disputes import services
    from disputes.models import Dispute
    from disputes.states import DisputeStatus, Outcome

    dispute = db.session.query(Dispute).filter_by(invoice_id=invoices[1].id).one()
    services.transition_dispute(dispute, actor=None, to=DisputeStatus.IN_REVIEW)
    services.resolve_dispute(dispute, actor=None, outcome=Outcome.REJECTED)
    db.session.commit()
    got = client.get(
        f"/api/v1/marketplace/listings/{case.id}", headers=bearer(tenants.x.owner)
    ).json
    assert got["dispute_summary"]["count"] == 2 and got["dispute_summary"]["open_count"] == 1


def test_invited_listings_are_seen_by_the_invited_only(client, tenants, bearer):
    invited = make_case(tenants.a.org, invited=[tenants.y.org.id])
    open_case = make_case(tenants.b.org)
    for agency, expected in ((tenants.x, [open_case.id]), (tenants.y, [open_case.id, invited.id])):
        headers = bearer(agency.owner)
        ids = [
            i["id"]
            for i in client.get("/api/v1/marketplace/listings", headers=headers).json["items"]
        ]
        assert sorted(ids) == sorted(expected)
    resp = client.get(f"/api/v1/marketplace/listings/{invited.id}", headers=bearer(tenants.x.owner))
    assert resp.status_code == 404
    got = client.get(f"/api/v1/marketplace/listings/{invited.id}", headers=bearer(tenants.y.owner))
    assert got.status_code == 200 and got.json["by_invitation"] is True


def test_drafts_withdrawn_and_past_deadline_cases_are_not_listed(client, tenants, bearer):
    from core.extensions import db
    from marketplace.services import cases

    draft = make_case(tenants.a.org, publish=False)
    late = make_case(tenants.a.org)
    pass_deadline(late)
    gone = make_case(tenants.a.org)
    cases.withdraw_case(gone, actor=None)
    db.session.commit()
    headers = bearer(tenants.x.owner)
    assert client.get("/api/v1/marketplace/listings", headers=headers).json["total"] == 0
    for case in (draft, late, gone):
        assert (
            client.get(f"/api/v1/marketplace/listings/{case.id}", headers=headers).status_code
            == 404
        )


def test_creditors_do_not_use_the_listing_endpoints(client, tenants, bearer):
    case = make_case(tenants.a.org)
    headers = bearer(tenants.a.owner)
    assert client.get("/api/v1/marketplace/listings", headers=headers).status_code == 403
    assert client.get(f"/api/v1/marketplace/listings/{case.id}", headers=headers).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=DE", ["de_small", "de_big"]),
        ("country=at", ["at_usd"]),
        ("currency=USD", ["at_usd"]),
        ("currency=EUR&min_amount=2000", ["de_big"]),
        ("currency=EUR&max_amount=1999.99", ["de_small"]),
        ("currency=EUR&min_amount=1500.00&max_amount=1500", ["de_small"]),
        ("min_days_overdue=150", ["de_big"]),
        ("sector=logistics", ["de_big"]),
        ("sector=Logistics&country=AT", []),
    ],
)
def test_listing_filters(client, tenants, bearer, query, expected):
    org = tenants.a.org
    made = {}
    made["de_small"] = make_case(org, country="DE", sector="Retail")
    big_debtor = make_debtor(org, country="DE", sector="Logistics")
    made["de_big"] = make_case(
        org,
        debtor=big_debtor,
        invoices=[overdue_invoice(org, big_debtor, amount="30000.00", days=200)],
    )
    usd_debtor = make_debtor(org, country="AT")
    made["at_usd"] = make_case(
        org, debtor=usd_debtor, invoices=[overdue_invoice(org, usd_debtor, currency="USD")]
    )
    names = {case.id: name for name, case in made.items()}
    resp = client.get(f"/api/v1/marketplace/listings?{query}", headers=bearer(tenants.x.owner))
    assert resp.status_code == 200, resp.json
    assert sorted(names[i["id"]] for i in resp.json["items"]) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_amount=100", "currency"),
        ("currency=EURO", "currency"),
        ("currency=XXX&min_amount=1", "currency"),
        ("currency=EUR&min_amount=1.001", "min_amount"),
        ("currency=EUR&max_amount=-5", "max_amount"),
        ("currency=JPY&min_amount=1.5", "min_amount"),
        ("min_days_overdue=-1", "min_days_overdue"),
        ("country=DEU", "country"),
    ],
)
def test_bad_listing_filters_are_a_422(client, tenants, bearer, query, field):
    resp = client.get(f"/api/v1/marketplace/listings?{query}", headers=bearer(tenants.x.owner))
    assert resp.status_code == 422 and field in resp.json["error"]["details"], resp.json


def test_foreign_tenant_parameters_change_nothing(client, tenants, bearer):
    """T9: unknown query parameters are ignored; results stay the caller's."""
    invited = make_case(tenants.a.org, invited=[tenants.y.org.id])
    headers = bearer(tenants.x.owner)
    for query in (f"tenant_id={tenants.y.org.id}", f"agency_org_id={tenants.y.org.id}"):
        resp = client.get(f"/api/v1/marketplace/listings?{query}", headers=headers)
        assert resp.status_code == 200 and resp.json["total"] == 0, invited.id


def test_listing_pages(client, tenants, bearer):
    for _ in range(3):
        make_case(tenants.a.org)
    headers = bearer(tenants.x.owner)
    page = client.get("/api/v1/marketplace/listings?page=2&page_size=2", headers=headers).json
    assert page["total"] == 3 and page["page"] == 2 and len(page["items"]) == 1
