"""QUALITY T5: a losing bidder, and the awarded agency once the case is closed, get 404 on the
next request for the case file; every earlier 200 carrying case data said `no-store`."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from core.extensions import db
from disputes.attachments.service import store_attachment
from marketplace import closing
from marketplace.services import award
from marketplace.states import CaseOutcome
from marketplace.workspace.comments import add_case_comment
from tests.marketplace.helpers import make_bid, make_case
from tests.marketplace.workspace.helpers import make_awarded_case

#: every GET of the JSON API that carries a case's data for one of its parties
CASE_API_READS = [
    "",
    "/bids",
    "/comments",
    "/activities",
    "/recoveries",
    "/costs",
    "/summary",
    "/promises",
    "/payment-plan",
    "/timeline",
    "/claim-package",
]
CASE_PAGES = ["/cases/{id}", "/cases/{id}/workspace"]


@pytest.fixture(autouse=True)
def store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(path))
    return path


def shared_attachment(case, author) -> int:
    """A file on a shared comment of the creditor's: both parties may download it."""
    file = store_attachment(
        author.organization, uploader=author, filename="a.pdf", data=b"%PDF-1.4\n"
    )
    add_case_comment(
        case, actor=author, body="The contract.", visibility="shared", attachment_ids=[file.id]
    )
    db.session.commit()
    return file.id


def case_urls(case_id: int, attachment_id: int) -> list[str]:
    return [f"/api/v1/cases/{case_id}{tail}" for tail in CASE_API_READS] + [
        f"/api/v1/attachments/{attachment_id}"
    ]


def assert_no_store(resp) -> None:
    assert "no-store" in resp.headers.get("Cache-Control", ""), resp.request.path


def test_a_losing_bidder_is_404_on_the_next_request(client, tenants, bearer, login_as):
    case = make_case(tenants.a.org)
    headers = bearer(tenants.y.owner)
    make_bid(case, tenants.y.owner, percent=1200)
    # while bidding, Y sees the listing and its own bids, never cached
    for url in (f"/api/v1/marketplace/listings/{case.id}", f"/api/v1/cases/{case.id}/bids"):
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200, url
        assert_no_store(resp)
    page = login_as(tenants.y.owner).get(f"/marketplace/listings/{case.id}")
    assert page.status_code == 200
    assert_no_store(page)
    # X wins
    winner = make_bid(case, tenants.x.owner, percent=1500)
    award.accept_bid(winner, actor=tenants.a.owner)
    db.session.commit()
    attachment_id = shared_attachment(case, tenants.a.owner)
    for url in [*case_urls(case.id, attachment_id), f"/api/v1/marketplace/listings/{case.id}"]:
        resp = client.get(url, headers=headers)
        assert resp.status_code == 404, url
    web = login_as(tenants.y.owner)
    for url in [p.format(id=case.id) for p in CASE_PAGES] + [f"/marketplace/listings/{case.id}"]:
        assert web.get(url).status_code == 404, url


def test_the_awarded_agency_is_404_once_the_case_is_closed(client, tenants, bearer, login_as):
    case = make_awarded_case(tenants).case
    attachment_id = shared_attachment(case, tenants.a.owner)
    headers = bearer(tenants.x.owner)
    urls = case_urls(case.id, attachment_id)
    for url in urls:
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200, url
        assert_no_store(resp)
    web = login_as(tenants.x.owner)
    for url in [p.format(id=case.id) for p in CASE_PAGES]:
        resp = web.get(url)
        assert resp.status_code == 200, url
        assert_no_store(resp)
    closing.close_case(case, actor=tenants.a.owner, outcome=CaseOutcome.WITHDRAWN_BY_CREDITOR)
    db.session.commit()
    for url in urls:
        assert client.get(url, headers=headers).status_code == 404, url
    web = login_as(tenants.x.owner)
    for url in [p.format(id=case.id) for p in CASE_PAGES]:
        assert web.get(url).status_code == 404, url


def test_the_creditor_reads_its_case_uncached_too(client, tenants, bearer):
    case = make_awarded_case(tenants).case
    for tail in [*CASE_API_READS, "/access-log", "/bids/comparison"]:
        resp = client.get(f"/api/v1/cases/{case.id}{tail}", headers=bearer(tenants.a.owner))
        assert resp.status_code == 200, tail
        assert_no_store(resp)
