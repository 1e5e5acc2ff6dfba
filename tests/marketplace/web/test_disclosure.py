"""Staged disclosure on the pages (QUALITY T4), escaping (T18) and statement counts."""

from __future__ import annotations

from core.extensions import db
from marketplace.models import Case
from marketplace.states import CaseStatus
from tests.factories import make_debtor
from tests.marketplace.helpers import make_bid, make_case, overdue_invoice
from tests.marketplace.web.helpers import SCRIPT, post
from tests.statements import count_statements

SECRETS = ("Zyxwv Secret Holdings", "DE999888777", "HRB-424242", "ZX-INV-0001", "ZX-INV-0002")


def secret_case(org, **kw):
    debtor = make_debtor(
        org,
        name="Zyxwv Secret Holdings",
        vat_id="DE999888777",
        legal_id="HRB-424242",
        sector="Wholesale",
        emails=["ap@zyxwv.example"],
        phone="+49 30 1234567",
        address="Geheimstrasse 1, Berlin",
    )
    invoices = [
        overdue_invoice(org, debtor, amount="1000.00", days=45, number="ZX-INV-0001"),
        overdue_invoice(org, debtor, amount="500.00", days=100, number="ZX-INV-0002"),
    ]
    return make_case(org, debtor=debtor, invoices=invoices, **kw)


def assert_anonymous(html: str) -> None:
    for secret in (*SECRETS, "ap@zyxwv.example", "1234567", "Geheimstrasse"):
        assert secret not in html, secret


def test_marketplace_and_listing_pages_show_no_debtor_data(tenants, login_as):
    instant = {"fee_model": "contingency", "percent": 2000}
    case = secret_case(tenants.a.org, instant=instant)
    make_bid(case, tenants.x.owner, message="Ready to start.")
    client = login_as(tenants.x.owner)
    html = client.get("/marketplace").text
    assert f'href="/marketplace/listings/{case.id}"' in html and "1,500.00 EUR" in html
    assert "Wholesale" in html and "DE" in html
    assert_anonymous(html)
    html = client.get(f"/marketplace/listings/{case.id}").text
    assert 'data-testid="listing-facts"' in html and "Wholesale" in html
    assert_anonymous(html)
    assert_anonymous(client.get("/marketplace/bids").text)
    # a failed bid re-renders the listing: still anonymous
    bad = post(client, f"/marketplace/listings/{case.id}/bid", {"fee_model": "contingency"})
    assert bad.status_code == 422
    assert_anonymous(bad.text)


def test_the_winner_sees_the_debtor_and_losers_gain_nothing(tenants, login_as):
    case = secret_case(tenants.a.org)
    winner = make_bid(case, tenants.x.owner)
    make_bid(case, tenants.y.owner, percent=1000)
    creditor = login_as(tenants.a.owner)
    assert post(creditor, f"/cases/bids/{winner.id}/accept").status_code == 302
    html = login_as(tenants.x.users["collector"]).get(f"/cases/{case.id}").text
    for secret in SECRETS:
        assert secret in html
    loser = login_as(tenants.y.owner)
    assert loser.get(f"/cases/{case.id}").status_code == 404
    assert_anonymous(loser.get("/marketplace/bids").text)
    assert_anonymous(loser.get("/marketplace").text)


def test_bid_message_and_debtor_name_are_escaped(tenants, login_as):
    debtor = make_debtor(tenants.a.org, name=f"Evil {SCRIPT} Ltd")
    case = make_case(tenants.a.org, debtor=debtor)
    bid = make_bid(case, tenants.x.owner, message=f"Hi {SCRIPT}")
    for path in (f"/cases/{case.id}", "/cases", f"/debtors/{debtor.id}"):
        html = login_as(tenants.a.owner).get(path).text
        assert SCRIPT not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    assert f'data-bid-id="{bid.id}"' in login_as(tenants.a.owner).get(f"/cases/{case.id}").text
    creditor = login_as(tenants.a.owner)
    assert post(creditor, f"/cases/bids/{bid.id}/accept").status_code == 302
    for path in (f"/cases/{case.id}", "/marketplace/cases"):
        html = login_as(tenants.x.owner).get(path).text
        assert SCRIPT not in html and "&lt;script&gt;" in html, path


def test_marketplace_page_statements_do_not_grow_with_listings(tenants, login_as):
    org = tenants.a.org
    for _ in range(3):
        make_case(org)
    client = login_as(tenants.x.owner)
    few = count_statements(client, "/marketplace")
    for _ in range(27):
        make_case(org)
    many = count_statements(client, "/marketplace")
    assert client.get("/marketplace").text.count('data-testid="listing-row"') == 30
    assert many == few


def test_case_pages_statements_do_not_grow_with_rows(tenants, login_as):
    org = tenants.a.org
    first = make_case(org)
    make_bid(first, tenants.x.owner)
    client = login_as(tenants.a.owner)
    few = {p: count_statements(client, p) for p in ("/cases", f"/cases/{first.id}")}
    for _ in range(5):
        make_case(org)
    make_bid(first, tenants.y.owner)
    many = {p: count_statements(client, p) for p in ("/cases", f"/cases/{first.id}")}
    assert many == few
    agency = login_as(tenants.x.owner)
    few_bids = count_statements(agency, "/marketplace/bids")
    listed = db.session.query(Case).filter_by(org_id=org.id, status=CaseStatus.LISTED)
    for case in listed.limit(4):
        make_bid(case, tenants.x.owner)
    assert count_statements(agency, "/marketplace/bids") == few_bids
