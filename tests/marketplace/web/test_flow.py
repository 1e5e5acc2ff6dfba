"""The marketplace through its pages: create → publish → bid → accept; withdraw; take; 409s."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.money import Money
from ledger.clock import today
from marketplace.models import Bid, Case
from marketplace.states import BidStatus, CaseStatus
from tests.factories import make_debtor
from tests.marketplace.helpers import make_bid, make_case, overdue_invoice
from tests.marketplace.web.helpers import post


def case_form(invoices, **extra):
    data = {
        "invoice_ids": [str(i.id) for i in invoices],
        "fee_models": ["contingency", "hybrid"],
        "max_percent": "25",
        "max_fixed": "",
        "bidding_deadline": (today() + timedelta(days=10)).isoformat(),
        "instant_fee_model": "",
        "audience": "all",
    }
    data.update(extra)
    return data


def test_creditor_creates_publishes_agency_bids_creditor_accepts(tenants, login_as):
    a, x = tenants.a, tenants.x
    debtor = make_debtor(a.org, name="Acme Trading GmbH")
    inv1 = overdue_invoice(a.org, debtor, amount="1000.00", days=40, number="INV-1")
    inv2 = overdue_invoice(a.org, debtor, amount="250.00", days=90, number="INV-2")
    not_due = overdue_invoice(a.org, debtor, amount="80.00", days=-5, number="INV-FUTURE")

    client = login_as(a.users["credit"])
    page = client.get(f"/cases/new?debtor_id={debtor.id}")
    assert page.status_code == 200
    assert "INV-1" in page.text and "INV-2" in page.text
    assert "INV-FUTURE" not in page.text  # not overdue: not offered
    resp = post(client, f"/cases/new?debtor_id={debtor.id}", case_form([inv1, inv2]))
    assert resp.status_code == 302
    case = db.session.query(Case).filter_by(debtor_id=debtor.id).one()
    assert case.status is CaseStatus.DRAFT and case.claimed_minor == 125_000
    assert resp.headers["Location"].endswith(f"/cases/{case.id}")
    html = client.get(f"/cases/{case.id}").text
    assert 'data-testid="publish"' in html and "INV-1" in html and not_due.number not in html

    assert post(client, f"/cases/{case.id}/publish").status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.LISTED

    agency = login_as(x.owner)
    listing = agency.get(f"/marketplace/listings/{case.id}")
    assert listing.status_code == 200 and 'data-testid="bid-form"' in listing.text
    bid = {
        "fee_model": "contingency",
        "percent": "18",
        "duration_days": "60",
        "legal_action": "y",
        "message": "We know this sector.",
    }
    resp = post(agency, f"/marketplace/listings/{case.id}/bid", bid)
    assert resp.status_code == 302
    placed = db.session.query(Bid).filter_by(case_id=case.id).one()
    assert (placed.percent_bp, placed.legal_action, placed.status) == (1800, True, BidStatus.LIVE)
    assert f'data-bid-id="{placed.id}"' in agency.get("/marketplace/bids").text

    client = login_as(a.users["credit"])
    html = client.get(f"/cases/{case.id}").text
    assert "We know this sector." in html and "18 %" in html
    assert f'data-testid="accept-{placed.id}"' in html
    resp = post(client, f"/cases/bids/{placed.id}/accept")
    assert resp.status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.AWARDED and case.awarded_agency_org_id == x.org.id

    # the winner now sees the debtor and invoices, in "My cases" and on the case page
    agency = login_as(x.users["collector"])
    assert f'href="/cases/{case.id}"' in agency.get("/marketplace/cases").text
    html = agency.get(f"/cases/{case.id}").text
    assert "Acme Trading GmbH" in html and "INV-1" in html
    assert 'data-testid="case-bids"' not in html


def test_form_errors_go_next_to_the_fields(tenants, login_as):
    a = tenants.a
    debtor = make_debtor(a.org)
    inv = overdue_invoice(a.org, debtor)
    client = login_as(a.owner)
    resp = post(client, f"/cases/new?debtor_id={debtor.id}", case_form([], fee_models=[]))
    assert resp.status_code == 422
    assert resp.text.count("Choose at least one.") == 2
    data = case_form([inv], max_percent="abc", instant_fee_model="fixed")
    resp = post(client, f"/cases/new?debtor_id={debtor.id}", data)
    assert resp.status_code == 422
    assert "at most two decimals" in resp.text
    # the service's refusal (fixed not accepted by the case) lands on the instant fields
    data = case_form([inv], instant_fee_model="fixed", instant_fixed="100.00")
    resp = post(client, f"/cases/new?debtor_id={debtor.id}", data)
    assert resp.status_code == 422
    assert "This case accepts: contingency, hybrid." in resp.text
    assert db.session.query(Case).count() == 0


def test_bid_outside_the_caps_is_refused_on_the_field(tenants, login_as):
    case = make_case(tenants.a.org)
    client = login_as(tenants.x.owner)
    bid = {"fee_model": "contingency", "percent": "45", "duration_days": "30"}
    resp = post(client, f"/marketplace/listings/{case.id}/bid", bid)
    assert resp.status_code == 422
    assert "At most 30 %." in resp.text
    assert db.session.query(Bid).count() == 0


def test_agency_withdraws_its_bid(tenants, login_as):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    client = login_as(tenants.x.owner)
    assert f'data-testid="withdraw-{bid.id}"' in client.get("/marketplace/bids").text
    assert post(client, f"/marketplace/bids/{bid.id}/withdraw").status_code == 302
    db.session.refresh(bid)
    assert bid.status is BidStatus.WITHDRAWN
    again = post(client, f"/marketplace/bids/{bid.id}/withdraw")
    assert again.status_code == 409
    assert 'data-testid="flash"' in again.text


def test_take_at_instant_terms_and_the_late_accept_is_a_clear_409(tenants, login_as):
    instant = {"fee_model": "contingency", "percent": 2000}
    case = make_case(tenants.a.org, instant=instant)
    other = make_bid(case, tenants.y.owner)
    client = login_as(tenants.x.owner)
    html = client.get(f"/marketplace/listings/{case.id}").text
    assert 'data-testid="take"' in html and "20 %" in html
    resp = post(client, f"/marketplace/listings/{case.id}/take")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/cases/{case.id}")
    db.session.refresh(case)
    assert case.status is CaseStatus.AWARDED and case.awarded_agency_org_id == tenants.x.org.id

    creditor = login_as(tenants.a.owner)
    resp = post(creditor, f"/cases/bids/{other.id}/accept")
    assert resp.status_code == 409
    assert 'data-testid="flash"' in resp.text and "rejected" in resp.text.lower()
    db.session.refresh(case)
    assert case.awarded_agency_org_id == tenants.x.org.id


def test_no_take_button_without_instant_terms_and_collector_cannot_bid(tenants, login_as):
    case = make_case(tenants.a.org)
    html = login_as(tenants.x.owner).get(f"/marketplace/listings/{case.id}").text
    assert 'data-testid="take"' not in html
    collector = login_as(tenants.x.users["collector"])
    html = collector.get(f"/marketplace/listings/{case.id}").text
    assert 'data-testid="bid-form"' not in html
    bid = {"fee_model": "contingency", "percent": "10", "duration_days": "30"}
    assert post(collector, f"/marketplace/listings/{case.id}/bid", bid).status_code == 403


def test_creditor_withdraws_a_listed_case(tenants, login_as):
    case = make_case(tenants.a.org)
    client = login_as(tenants.a.owner)
    assert post(client, f"/cases/{case.id}/withdraw").status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.WITHDRAWN
    again = post(client, f"/cases/{case.id}/withdraw")
    assert again.status_code == 409 and 'data-testid="flash"' in again.text


def test_case_list_filters_by_status(tenants, login_as):
    listed = make_case(tenants.a.org)
    draft = make_case(tenants.a.org, publish=False)
    client = login_as(tenants.a.users["viewer"])
    html = client.get("/cases").text
    assert f'href="/cases/{listed.id}"' in html and f'href="/cases/{draft.id}"' in html
    html = client.get("/cases?status=draft").text
    assert f'href="/cases/{listed.id}"' not in html and f'href="/cases/{draft.id}"' in html
    assert client.get("/cases?page_size=101").status_code == 400


def test_bids_are_compared_by_expected_net_recovery(tenants, login_as):
    case = make_case(tenants.a.org)  # 1,500.00 EUR claimed; no closed case: the default rate
    fixed = make_bid(
        case, tenants.x.owner, fee_model="fixed", percent=None, fixed=Money(10_000, "EUR")
    )
    cheap = make_bid(case, tenants.y.owner, percent=1500)
    html = login_as(tenants.a.users["viewer"]).get(f"/cases/{case.id}").text
    # 30 % of 1,500.00 = 450.00: less 15 % → 382.50; less a 100.00 fixed fee → 350.00
    assert html.index(f'data-bid-id="{cheap.id}"') < html.index(f'data-bid-id="{fixed.id}"')
    assert "382.50 EUR" in html and "350.00 EUR" in html
    assert 'data-testid="accept-' not in html  # viewers compare, they do not accept


def test_both_parties_see_the_money_summary_once_awarded(tenants, login_as):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    creditor = login_as(tenants.a.owner)
    assert 'data-testid="case-money"' not in creditor.get(f"/cases/{case.id}").text
    assert post(creditor, f"/cases/bids/{bid.id}/accept").status_code == 302
    for user in (tenants.a.users["viewer"], tenants.x.users["collector"]):
        html = login_as(user).get(f"/cases/{case.id}").text
        money = html[html.index('data-testid="case-money"') :]
        assert "<dt>Claimed</dt><dd>1,500.00 EUR</dd>" in money
        assert "<dt>Recovered</dt><dd>0.00 EUR</dd>" in money
        assert "<dt>Still outstanding</dt><dd>1,500.00 EUR</dd>" in money
