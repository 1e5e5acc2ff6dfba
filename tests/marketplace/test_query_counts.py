"""P6: SQL statements per request do not grow with the rows (listing list, bid, award).

Counted with a `before_cursor_execute` listener. Bid and award are measured on an app
variant with a real Redis (a redis-server of the test's own): their notification jobs are
handed to RQ as in production instead of running inline, so the count is the request's
own work; the jobs' fan-out (one notification per bidder) is a worker's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from core.extensions import db
from tests.conftest import FreshContextClient
from tests.factories import bearer_headers, make_org, make_user
from tests.marketplace.helpers import make_bid, make_case

FEW, MANY = 3, 30


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        # the test harness's savepoints are not the request's work
        if "SAVEPOINT" not in statement:
            statements.append(statement)

    engine = db.engines[None]
    engine = getattr(engine, "engine", engine)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def agency_owners(n: int) -> list:
    return [make_user(make_org("agency"), "owner") for _ in range(n)]


def test_listing_page_statements_do_not_grow_with_cases(client, tenants, bearer):
    headers = bearer(tenants.x.collector)
    url = "/api/v1/marketplace/listings?currency=EUR&min_days_overdue=10&country=DE"
    counts = {}
    for total in (FEW, MANY):
        while _listed(client, headers) < total:
            make_case(tenants.a.org)
        client.get(url, headers=headers)  # the first call also stamps the token's last use
        with counting() as statements:
            resp = client.get(url, headers=headers)
        assert resp.status_code == 200 and resp.json["total"] == total
        counts[total] = len(statements)
    assert counts[FEW] == counts[MANY] <= 6, counts


def _listed(client, headers) -> int:
    return client.get("/api/v1/marketplace/listings", headers=headers).json["total"]


@pytest.fixture
def queued(make_app, redis_server) -> Iterator[FlaskClient]:
    """A client of an app variant whose jobs go to a real Redis instead of running inline."""
    variant: Flask = make_app(REDIS_URL=redis_server.url)
    variant.test_client_class = FreshContextClient
    with variant.app_context():
        yield variant.test_client()


def test_bid_statements_do_not_grow_with_the_bids_on_the_case(queued, tenants):
    counts = {}
    for total in (FEW, MANY):
        case = make_case(tenants.a.org)
        for owner in agency_owners(total):
            make_bid(case, owner)
        headers = bearer_headers(make_user(make_org("agency"), "owner"))
        queued.get("/api/v1/me", headers=headers)  # the first call also stamps the token
        body = {
            "fee_model": "contingency",
            "percent": "12",
            "duration_days": 60,
            "legal_action": False,
        }
        url = f"/api/v1/cases/{case.id}/bids"
        with counting() as statements:
            resp = queued.post(url, json=body, headers=headers)
        assert resp.status_code == 201, resp.json
        counts[total] = len(statements)
    print("bid statements:", counts)
    assert counts[FEW] == counts[MANY], counts


def test_award_statements_do_not_grow_with_the_bids(queued, tenants):
    headers = bearer_headers(tenants.a.credit)
    queued.get("/api/v1/me", headers=headers)
    counts = {}
    for total in (FEW, MANY):
        case = make_case(tenants.a.org)
        bids = [make_bid(case, owner) for owner in agency_owners(total)]
        url = f"/api/v1/bids/{bids[0].id}/accept"
        with counting() as statements:
            resp = queued.post(url, headers=headers)
        assert resp.status_code == 200, resp.json
        counts[total] = len(statements)
    print("award statements:", counts)
    assert counts[FEW] == counts[MANY], counts
