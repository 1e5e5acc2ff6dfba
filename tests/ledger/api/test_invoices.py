"""GET/POST /api/v1/invoices, GET/PATCH /api/v1/invoices/{id}."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from core.extensions import db
from ledger.clock import today
from ledger.models import Invoice
from tests.factories import make_debtor, make_invoice


def new_invoice(debtor_id, **change):
    return {
        "number": "INV-1",
        "debtor_id": debtor_id,
        "issue_date": "2026-10-01",
        "due_date": "2026-10-31",
        "amount": {"amount": "1234.56", "currency": "EUR"},
        **change,
    }


def test_create_and_read_an_invoice(client, tenants, bearer):
    debtor = make_debtor(tenants.a.org)
    headers = bearer(tenants.a.credit)
    resp = client.post("/api/v1/invoices", json=new_invoice(debtor.id), headers=headers)
    assert resp.status_code == 201, resp.json
    got = client.get(f"/api/v1/invoices/{resp.json['id']}", headers=headers).json
    assert got["amount"] == got["outstanding"] == {"amount": "1234.56", "currency": "EUR"}
    assert got["debtor"] == {"id": debtor.id, "name": debtor.name}
    assert got["status"] in {"open", "overdue"} and got["disputes"] == [] and got["case_id"] is None
    assert set(got) >= {
        "id",
        "number",
        "debtor",
        "issue_date",
        "due_date",
        "amount",
        "outstanding",
        "status",
        "days_overdue",
        "disputes",
        "case_id",
    }


def test_duplicate_numbers_are_409_including_unicode_twins(client, tenants, bearer):
    debtor = make_debtor(tenants.a.org)
    headers = bearer(tenants.a.credit)
    assert (
        client.post(
            "/api/v1/invoices", json=new_invoice(debtor.id, number="Ré-1"), headers=headers
        ).status_code
        == 201
    )
    nfd = "Re\u0301-1"  # same text, decomposed
    resp = client.post("/api/v1/invoices", json=new_invoice(debtor.id, number=nfd), headers=headers)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "duplicate"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": {"amount": 12.5, "currency": "EUR"}}, "amount"),
        ({"amount": {"amount": "10.001", "currency": "EUR"}}, "amount"),
        ({"amount": {"amount": "10.5", "currency": "JPY"}}, "amount"),
        ({"amount": {"amount": "0.00", "currency": "EUR"}}, "amount"),
        ({"amount": {"amount": "-5.00", "currency": "EUR"}}, "amount"),
        ({"amount": {"amount": "5.00", "currency": "XXX"}}, "amount"),
        ({"issue_date": "2026-02-31"}, "issue_date"),
        ({"due_date": "2026-09-01"}, "due_date"),
        ({"status": "paid"}, "status"),
        ({"outstanding": "0"}, "outstanding"),
    ],
)
def test_bad_invoices_are_422_and_write_nothing(client, tenants, bearer, change, field):
    debtor = make_debtor(tenants.a.org)
    resp = client.post(
        "/api/v1/invoices", json=new_invoice(debtor.id, **change), headers=bearer(tenants.a.credit)
    )
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"]
    assert db.session.scalar(select(func.count(Invoice.id))) == 0


def test_another_tenants_debtor_in_the_body_is_refused(client, tenants, bearer):
    foreign = make_debtor(tenants.b.org)
    resp = client.post(
        "/api/v1/invoices", json=new_invoice(foreign.id), headers=bearer(tenants.a.credit)
    )
    assert resp.status_code == 422 and "debtor_id" in resp.json["error"]["details"]
    assert foreign.name not in resp.get_data(as_text=True)


def test_filters_sort_and_pagination(client, tenants, bearer):
    debtor = make_debtor(tenants.a.org, "Filter GmbH")
    now = today()
    make_invoice(
        tenants.a.org,
        debtor,
        number="OLD",
        issue_date=now - timedelta(days=200),
        due_date=now - timedelta(days=170),
    )
    make_invoice(
        tenants.a.org, debtor, number="NEW", issue_date=now, due_date=now + timedelta(days=30)
    )
    make_invoice(
        tenants.a.org,
        debtor,
        number="USD-1",
        currency="USD",
        amount="10.00",
        issue_date=now,
        due_date=now + timedelta(days=30),
    )
    make_invoice(tenants.b.org, number="B-ONLY")
    headers = bearer(tenants.a.viewer)

    def numbers(query):
        return [
            i["number"]
            for i in client.get(f"/api/v1/invoices?{query}", headers=headers).json["items"]
        ]

    assert numbers("status=overdue") == ["OLD"]
    assert numbers("min_days_overdue=100") == ["OLD"]
    assert numbers("currency=USD") == ["USD-1"]
    assert numbers("q=old") == ["OLD"]
    assert numbers("sort=number") == ["NEW", "OLD", "USD-1"]
    assert numbers("sort=-number&page_size=1&page=2") == ["OLD"]
    assert client.get("/api/v1/invoices?sort=amount;drop table", headers=headers).status_code == 422


def test_patch_changes_due_date_and_refuses_status(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org)
    headers = bearer(tenants.a.credit)
    new_due = (invoice.issue_date + timedelta(days=90)).isoformat()
    assert (
        client.patch(
            f"/api/v1/invoices/{invoice.id}", json={"due_date": new_due}, headers=headers
        ).json["due_date"]
        == new_due
    )
    assert (
        client.patch(
            f"/api/v1/invoices/{invoice.id}", json={"status": "paid"}, headers=headers
        ).status_code
        == 422
    )


def test_sales_rep_sees_invoices_of_own_debtors_only(client, tenants, bearer):
    mine = make_invoice(tenants.a.org, make_debtor(tenants.a.org, sales_rep_id=tenants.a.sales.id))
    other = make_invoice(tenants.a.org)
    headers = bearer(tenants.a.sales)
    assert [i["id"] for i in client.get("/api/v1/invoices", headers=headers).json["items"]] == [
        mine.id
    ]
    assert client.get(f"/api/v1/invoices/{other.id}", headers=headers).status_code == 404


def test_list_queries_do_not_grow_with_rows(app, client, tenants, bearer):
    headers = bearer(tenants.a.viewer)
    debtor = make_debtor(tenants.a.org)

    def count_statements():
        seen = []

        def listener(*_args):
            seen.append(1)

        engine = db.engines[None]
        engine = getattr(engine, "engine", engine)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/api/v1/invoices", headers=headers).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    make_invoice(tenants.a.org, debtor)
    count_statements()  # the first call also stamps the token's last use
    few = count_statements()
    for _ in range(20):
        make_invoice(tenants.a.org, debtor)
    assert count_statements() == few <= 6


def test_search_text_is_not_a_wildcard(client, tenants, bearer):
    make_invoice(tenants.a.org, number="100%-OFF")
    make_invoice(tenants.a.org, number="PLAIN")
    headers = bearer(tenants.a.viewer)
    found = client.get("/api/v1/invoices?q=%25", headers=headers).json["items"]
    assert [i["number"] for i in found] == ["100%-OFF"]
    assert client.get("/api/v1/invoices?q=_", headers=headers).json["items"] == []
