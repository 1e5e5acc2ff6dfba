"""GET /api/v1/agencies, /agencies/{id}; GET and PATCH /api/v1/agency/profile."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agencies.models import AgencyProfile
from core.audit import AuditEvent
from core.extensions import db
from tests import factories
from tests.agencies.helpers import make_profile, make_review

PROFILE = "/api/v1/agency/profile"


def test_directory_lists_agencies_only_with_profile_and_statistics(client, tenants, bearer):
    make_profile(
        tenants.x.org,
        countries=["DE", "AT"],
        specialties=["construction"],
        licence_number="HRB 1234",
        description="Collections in DACH.",
        website="https://x.example",
    )
    resp = client.get("/api/v1/agencies?page_size=200", headers=bearer(tenants.a.credit))
    assert resp.status_code == 200
    by_id = {item["id"]: item for item in resp.json["items"]}
    assert tenants.x.org.id in by_id and tenants.y.org.id in by_id
    assert tenants.a.org.id not in by_id and tenants.b.org.id not in by_id
    x = by_id[tenants.x.org.id]
    assert x["name"] == tenants.x.org.name
    assert x["countries"] == ["AT", "DE"]
    assert x["specialties"] == ["construction"]
    assert x["licence_number"] == "HRB 1234"
    assert x["website"] == "https://x.example"
    assert x["statistics"]["rating"] == {"average": None, "count": 0}
    # Y never wrote a profile: it is listed, empty
    y = by_id[tenants.y.org.id]
    assert y["countries"] == [] and y["description"] is None and y["updated_at"] is None
    assert resp.json["page"] == 1 and resp.json["total"] == len(by_id)


def test_directory_is_open_to_every_role_of_both_kinds(client, tenants, bearer):
    for user in (tenants.a.sales, tenants.a.viewer, tenants.x.collector, tenants.y.owner):
        assert client.get("/api/v1/agencies", headers=bearer(user)).status_code == 200


def test_anonymous_callers_get_401(client, tenants):
    assert client.get("/api/v1/agencies").status_code == 401
    assert client.get(f"/api/v1/agencies/{tenants.x.org.id}").status_code == 401
    assert client.patch(PROFILE, json={}).status_code == 401


def test_directory_filters_by_country_specialty_and_name(client, tenants, bearer):
    make_profile(tenants.x.org, countries=["DE", "FR"], specialties=["it_services"])
    make_profile(tenants.y.org, countries=["FR"], specialties=["construction", "healthcare"])
    headers = bearer(tenants.a.owner)

    def ids(query: str) -> set[int]:
        resp = client.get(f"/api/v1/agencies?{query}", headers=headers)
        assert resp.status_code == 200, resp.json
        return {item["id"] for item in resp.json["items"]}

    x, y = tenants.x.org.id, tenants.y.org.id
    assert ids("country=DE") == {x}
    assert ids("country=fr") == {x, y}
    assert ids("specialty=construction") == {y}
    assert ids("specialty=it_services&country=FR") == {x}
    assert ids("specialty=logistics") == set()
    assert ids(f"q={tenants.y.org.name.split()[-1].lower()}") == {y}  # "y<n>"
    # "_" and "%" are literal in the name search, not wildcards
    assert ids("q=%25") == set() and ids("q=_") == set()


@pytest.mark.parametrize(
    "query", ["country=XX", "country=DEU", "country=1", "specialty=plumbing", "page=0"]
)
def test_bad_filters_are_422(client, tenants, bearer, query):
    resp = client.get(f"/api/v1/agencies?{query}", headers=bearer(tenants.a.owner))
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "validation_error"


def test_directory_pages(client, tenants, bearer):
    for n in range(3):
        factories.make_org("agency", f"Zeta Agency {n}")
    headers = bearer(tenants.a.owner)
    first = client.get("/api/v1/agencies?q=zeta+agency&page_size=2", headers=headers).json
    second = client.get("/api/v1/agencies?q=zeta+agency&page_size=2&page=2", headers=headers).json
    assert first["total"] == second["total"] == 3
    assert [i["name"] for i in first["items"] + second["items"]] == [
        "Zeta Agency 0",
        "Zeta Agency 1",
        "Zeta Agency 2",
    ]


def test_one_agency_with_its_recent_reviews_without_reviewers(client, tenants, bearer):
    make_profile(tenants.x.org, description="We call first.")
    make_review(tenants.x.org, tenants.a.owner, rating=5, comment="Quick and polite.")
    make_review(tenants.x.org, tenants.b.credit, rating=2)
    resp = client.get(f"/api/v1/agencies/{tenants.x.org.id}", headers=bearer(tenants.y.collector))
    assert resp.status_code == 200
    body = resp.json
    assert body["id"] == tenants.x.org.id and body["description"] == "We call first."
    assert body["statistics"]["rating"] == {"average": 3.5, "count": 2}
    assert [r["rating"] for r in body["recent_reviews"]] == [2, 5]
    for review in body["recent_reviews"]:
        assert set(review) == {"rating", "comment", "created_at"}
    text = resp.get_data(as_text=True)
    assert tenants.a.org.name not in text and tenants.b.org.name not in text


def test_an_id_that_is_not_an_agency_is_404_and_audited(client, tenants, bearer):
    headers = bearer(tenants.x.owner)
    for wrong in (tenants.a.org.id, tenants.b.org.id, 10**9):
        resp = client.get(f"/api/v1/agencies/{wrong}", headers=headers)
        assert resp.status_code == 404
        assert resp.json["error"]["code"] == "not_found"
        assert tenants.a.org.name not in resp.get_data(as_text=True)
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "authz_denied")).all()
    assert {e.object_id for e in denied} >= {str(tenants.a.org.id), str(10**9)}


def test_owner_writes_the_profile_and_it_is_audited(client, tenants, bearer):
    body = {
        "countries": ["de", "FR", "DE"],
        "specialties": ["legal_enforcement", "b2b_commercial"],
        "licence_number": "  Reg.\u200b 42  ",
        "description": "Cafe\u0301 owners' favourite.\nSecond line.",
        "website": "https://agency.example/about?x=1",
    }
    resp = client.patch(PROFILE, json=body, headers=bearer(tenants.x.owner))
    assert resp.status_code == 200, resp.json
    assert resp.json["countries"] == ["DE", "FR"]
    assert resp.json["specialties"] == ["b2b_commercial", "legal_enforcement"]
    assert resp.json["licence_number"] == "Reg. 42"
    assert resp.json["description"] == "Caf\u00e9 owners' favourite.\nSecond line."
    assert resp.json["statistics"]["cases_closed"] == 0
    profile = db.session.scalar(
        select(AgencyProfile).where(AgencyProfile.org_id == tenants.x.org.id)
    )
    assert profile.website == "https://agency.example/about?x=1"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "agency_profile.updated")
    )
    assert event.actor_id == tenants.x.owner.id and event.org_id == tenants.x.org.id
    assert event.after["countries"] == ["DE", "FR"]
    # a partial PATCH keeps the rest; null clears a text field
    resp = client.patch(PROFILE, json={"website": None}, headers=bearer(tenants.x.owner))
    assert resp.json["website"] is None and resp.json["countries"] == ["DE", "FR"]
    assert (
        db.session.scalar(
            select(db.func.count(AgencyProfile.id)).where(AgencyProfile.org_id == tenants.x.org.id)
        )
        == 1
    )


def test_agency_members_read_their_own_profile(client, tenants, bearer):
    make_profile(tenants.x.org, countries=["BE"])
    resp = client.get(PROFILE, headers=bearer(tenants.x.collector))
    assert resp.status_code == 200 and resp.json["countries"] == ["BE"]
    assert client.get(PROFILE, headers=bearer(tenants.a.owner)).status_code == 403


@pytest.mark.parametrize(("tenant", "role"), [("x", "collector"), ("a", "owner"), ("a", "credit")])
def test_only_the_agency_owner_edits_the_profile(client, tenants, bearer, tenant, role):
    user = getattr(tenants, tenant).users[role]
    resp = client.patch(PROFILE, json={"countries": ["DE"]}, headers=bearer(user))
    assert resp.status_code == 403
    assert db.session.scalar(select(AgencyProfile.id)) is None
    denied = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "authz_denied"))
    assert denied.actor_id == user.id and denied.details["status"] == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"countries": ["XX"]}, "countries"),
        ({"countries": ["Germany"]}, "countries"),
        ({"countries": "DE"}, "countries"),
        ({"countries": ["DE"] * 251}, "countries"),
        ({"specialties": ["plumbing"]}, "specialties"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "ftp://files.example"}, "website"),
        ({"website": "https://user:pw@evil.example"}, "website"),
        ({"website": "example.com"}, "website"),
        ({"website": 'https://x.example/"onmouseover="alert(1)'}, "website"),
        ({"website": "https://x.example/<script>"}, "website"),
        ({"website": "https://" + "a" * 300 + ".example"}, "website"),
        ({"description": "x" * 5001}, "description"),
        ({"licence_number": "x" * 101}, "licence_number"),
        ({"licence_number": 42}, "licence_number"),
    ],
)
def test_invalid_profiles_are_422_naming_the_field(client, tenants, bearer, body, field):
    resp = client.patch(PROFILE, json=body, headers=bearer(tenants.x.owner))
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"]
    assert db.session.scalar(select(AgencyProfile.id)) is None


@pytest.mark.parametrize(
    "extra",
    [
        {"org_id": 1},
        {"statistics": {"cases_closed": 99}},
        {"cases_closed": 99},
        {"recovery_rate": "100"},
        {"rating": 5},
        {"id": 7},
        {"name": "Renamed"},
    ],
)
def test_unknown_and_computed_fields_are_refused(client, tenants, bearer, extra):
    """T7: mass assignment of statistics, ids or the tenant is a 422 listing the field."""
    body = {"countries": ["DE"], **extra}
    resp = client.patch(PROFILE, json=body, headers=bearer(tenants.x.owner))
    assert resp.status_code == 422
    assert set(extra) <= set(resp.json["error"]["details"])
    assert db.session.scalar(select(AgencyProfile.id)) is None


def test_the_openapi_document_describes_the_agency_routes(client):
    spec = client.get("/api/openapi.json").json
    assert {"get"} <= set(spec["paths"]["/api/v1/agencies/{agency_id}"])
    assert {"get", "patch"} <= set(spec["paths"]["/api/v1/agency/profile"])
    stats = spec["components"]["schemas"]["Statistics"]["properties"]
    assert stats["recovery_rate"]["type"] == "string"
