"""Who may open which marketplace page: roles, kinds, anonymous, other tenants, CSRF."""

from __future__ import annotations

import pytest

from core.extensions import db
from marketplace.models import Bid, Case
from marketplace.states import BidStatus, CaseStatus
from tests.factories import make_debtor
from tests.marketplace.helpers import make_bid, make_case
from tests.marketplace.web.helpers import post

CREDITOR_PAGES = ["/cases"]
AGENCY_PAGES = ["/marketplace", "/marketplace/bids", "/marketplace/cases"]


@pytest.mark.parametrize("path", [*CREDITOR_PAGES, *AGENCY_PAGES, "/cases/new", "/cases/1"])
def test_anonymous_is_sent_to_the_login_page(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("role", ["owner", "credit", "sales", "viewer"])
def test_creditor_roles_read_cases_and_not_the_marketplace(tenants, login_as, role):
    client = login_as(tenants.a.users[role])
    assert client.get("/cases").status_code == 200
    for path in AGENCY_PAGES:
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", ["owner", "collector"])
def test_agency_roles_read_the_marketplace_and_not_cases(tenants, login_as, role):
    client = login_as(tenants.x.users[role])
    for path in AGENCY_PAGES:
        assert client.get(path).status_code == 200, path
    assert client.get("/cases").status_code == 403
    assert client.get("/cases/new").status_code == 403


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_only_owner_and_credit_create_publish_and_accept(tenants, login_as, role):
    a = tenants.a
    draft = make_case(a.org, publish=False)
    listed = make_case(a.org)
    bid = make_bid(listed, tenants.x.owner)
    client = login_as(a.users[role])
    assert client.get(f"/cases/new?debtor_id={draft.debtor_id}").status_code == 403
    html = client.get(f"/cases/{draft.id}").text
    if role == "viewer":  # sales see only their own debtors' cases
        assert 'data-testid="publish"' not in html
        assert f'data-testid="accept-{bid.id}"' not in client.get(f"/cases/{listed.id}").text
    assert post(client, f"/cases/{draft.id}/publish").status_code == 403
    assert post(client, f"/cases/{listed.id}/withdraw").status_code == 403
    assert post(client, f"/cases/bids/{bid.id}/accept").status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, draft.id).status is CaseStatus.DRAFT
    assert db.session.get(Bid, bid.id).status is BidStatus.LIVE


def test_another_tenants_ids_are_404_on_every_page_and_post(tenants, login_as):
    a = tenants.a
    debtor = make_debtor(a.org)
    draft = make_case(a.org, publish=False)
    listed = make_case(a.org, invited=[tenants.x.org.id])
    bid = make_bid(listed, tenants.x.owner)
    # creditor B: A's debtor, cases and bids do not exist
    b = login_as(tenants.b.owner)
    assert b.get(f"/cases/new?debtor_id={debtor.id}").status_code == 404
    assert b.get(f"/cases/{draft.id}").status_code == 404
    assert b.get(f"/cases/{listed.id}").status_code == 404
    assert post(b, f"/cases/new?debtor_id={debtor.id}", {}).status_code == 404
    assert post(b, f"/cases/{draft.id}/publish").status_code == 404
    assert post(b, f"/cases/{listed.id}/withdraw").status_code == 404
    assert post(b, f"/cases/bids/{bid.id}/accept").status_code == 404
    # agency Y: not invited, so the listing, the case and X's bid do not exist
    y = login_as(tenants.y.owner)
    assert y.get(f"/marketplace/listings/{listed.id}").status_code == 404
    assert y.get(f"/marketplace/listings/{draft.id}").status_code == 404
    assert y.get(f"/cases/{listed.id}").status_code == 404
    bid_form = {"fee_model": "contingency", "percent": "10", "duration_days": "30"}
    assert post(y, f"/marketplace/listings/{listed.id}/bid", bid_form).status_code == 404
    assert post(y, f"/marketplace/listings/{listed.id}/take").status_code == 404
    assert post(y, f"/marketplace/bids/{bid.id}/withdraw").status_code == 404
    # agency X (invited, not awarded) sees the listing but never the case file
    x = login_as(tenants.x.owner)
    assert x.get(f"/marketplace/listings/{listed.id}").status_code == 200
    assert x.get(f"/cases/{listed.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).status is BidStatus.LIVE
    assert db.session.get(Case, listed.id).status is CaseStatus.LISTED
    assert db.session.query(Case).count() == 2


def test_writes_need_the_csrf_token(tenants, login_as):
    draft = make_case(tenants.a.org, publish=False)
    listed = make_case(tenants.a.org)
    bid = make_bid(listed, tenants.x.owner)
    creditor = login_as(tenants.a.owner)
    for path in (
        f"/cases/{draft.id}/publish",
        f"/cases/{listed.id}/withdraw",
        f"/cases/bids/{bid.id}/accept",
        f"/cases/new?debtor_id={draft.debtor_id}",
    ):
        assert creditor.post(path, data={}).status_code == 400, path
    agency = login_as(tenants.x.owner)
    for path in (
        f"/marketplace/listings/{listed.id}/bid",
        f"/marketplace/listings/{listed.id}/take",
        f"/marketplace/bids/{bid.id}/withdraw",
    ):
        assert agency.post(path, data={"fee_model": "contingency"}).status_code == 400, path
    db.session.expire_all()
    assert db.session.get(Case, draft.id).status is CaseStatus.DRAFT
    assert db.session.get(Case, listed.id).status is CaseStatus.LISTED
    assert db.session.get(Bid, bid.id).status is BidStatus.LIVE


def test_menu_entries_by_kind_and_role(tenants, login_as):
    for role in ("owner", "credit", "viewer"):
        html = login_as(tenants.a.users[role]).get("/").text
        assert 'href="/cases"' in html and 'href="/marketplace"' not in html
    html = login_as(tenants.a.users["sales"]).get("/").text
    assert 'href="/cases"' not in html
    for role in ("owner", "collector"):
        html = login_as(tenants.x.users[role]).get("/").text
        assert 'href="/marketplace"' in html
        assert 'href="/marketplace/bids"' in html and 'href="/marketplace/cases"' in html
        assert 'href="/cases"' not in html


def test_debtor_page_links_to_the_create_flow_for_managers(tenants, login_as):
    case = make_case(tenants.a.org)
    consumer = make_debtor(tenants.a.org, debtor_type="consumer")
    path = f"/debtors/{case.debtor_id}"
    html = login_as(tenants.a.users["credit"]).get(path).text
    assert f'href="/cases/new?debtor_id={case.debtor_id}"' in html
    assert f'href="/cases/{case.id}"' in html
    html = login_as(tenants.a.users["viewer"]).get(path).text
    assert 'data-testid="list-for-collection"' not in html and f'href="/cases/{case.id}"' in html
    html = login_as(tenants.a.owner).get(f"/debtors/{consumer.id}").text
    assert 'data-testid="list-for-collection"' not in html
    assert "Consumer debts are not listed" in html
