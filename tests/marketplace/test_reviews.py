"""POST /api/v1/cases/{id}/review: the creditor rates the agency once a case is closed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from agencies.models import Review
from core.extensions import db
from tests.marketplace.closing_helpers import close
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import make_awarded_case


@pytest.fixture
def closed(tenants):
    awarded = make_awarded_case(tenants, loser=False)
    close(awarded.case, tenants.a.owner, "recovered_full")
    return awarded


def review(client, headers, case_id, **body):
    body.setdefault("rating", 4)
    return client.post(f"/api/v1/cases/{case_id}/review", json=body, headers=headers)


def reviews() -> list[Review]:
    return list(db.session.scalars(select(Review)))


def test_creditor_reviews_a_closed_case_once(client, tenants, bearer, closed):
    resp = review(client, bearer(tenants.a.credit), closed.id, rating=5, comment=" Fast ")
    assert resp.status_code == 201, resp.json
    assert resp.json["rating"] == 5 and resp.json["comment"] == "Fast"
    [row] = reviews()
    assert (row.agency_org_id, row.creditor_org_id, row.case_id, row.author_id) == (
        tenants.x.org.id,
        tenants.a.org.id,
        closed.id,
        tenants.a.credit.id,
    )
    again = review(client, bearer(tenants.a.owner), closed.id, rating=1)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_reviewed"
    assert len(reviews()) == 1
    profile = client.get(f"/api/v1/agencies/{tenants.x.org.id}", headers=bearer(tenants.a.viewer))
    assert profile.json["statistics"]["rating"]["count"] == 1


def test_the_comment_is_optional(client, tenants, bearer, closed):
    resp = review(client, bearer(tenants.a.owner), closed.id, rating=3)
    assert resp.status_code == 201 and resp.json["comment"] is None


def test_an_open_case_cannot_be_reviewed(client, tenants, bearer):
    awarded = make_awarded_case(tenants, loser=False)
    resp = review(client, bearer(tenants.a.owner), awarded.id)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "not_closed"
    listed = make_case(tenants.a.org)
    assert review(client, bearer(tenants.a.owner), listed.id).status_code == 409
    assert reviews() == []


@pytest.mark.parametrize(
    "body", [{"rating": 0}, {"rating": 6}, {"rating": "5"}, {"rating": 2.5}, {"comment": "x"}]
)
def test_bad_ratings_are_422(client, tenants, bearer, closed, body):
    body.setdefault("rating", None)
    if body["rating"] is None:
        body.pop("rating")
    resp = client.post(
        f"/api/v1/cases/{closed.id}/review", json=body, headers=bearer(tenants.a.owner)
    )
    assert resp.status_code == 422
    assert reviews() == []


def test_a_too_long_comment_is_422(client, tenants, bearer, closed):
    resp = review(client, bearer(tenants.a.owner), closed.id, comment="x" * 5001)
    assert resp.status_code == 422 and "comment" in resp.json["error"]["details"]


@pytest.mark.parametrize("who", [("a", "viewer"), ("x", "owner"), ("x", "collector")])
def test_other_roles_and_the_agency_get_403(client, tenants, bearer, closed, who):
    tenant, role = who
    user = getattr(getattr(tenants, tenant), role)
    assert review(client, bearer(user), closed.id).status_code == 403
    assert reviews() == []


def test_another_creditor_gets_404(client, tenants, bearer, closed):
    assert review(client, bearer(tenants.b.owner), closed.id).status_code == 404
    assert review(client, bearer(tenants.a.owner), 999_999).status_code == 404
    assert db.session.scalar(select(func.count(Review.id))) == 0
