"""Required countries/specialties (SPEC §4): only an agency covering all of them bids or takes."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from marketplace.models import Bid, Case
from marketplace.states import CaseStatus
from tests.agencies.helpers import make_profile
from tests.marketplace.helpers import make_case

BID = {"fee_model": "contingency", "percent": "15", "duration_days": 90, "legal_action": False}
INSTANT = {"fee_model": "contingency", "percent": 2000}


def require(case: Case, countries: list[str], specialties: list[str]) -> Case:
    case.required_countries, case.required_specialties = countries, specialties
    db.session.commit()
    return case


def bids_on(case: Case) -> int:
    return db.session.scalar(select(func.count(Bid.id)).where(Bid.case_id == case.id))


def test_an_agency_covering_every_requirement_bids(client, tenants, bearer):
    make_profile(tenants.x.org, countries=["DE", "FR", "IT"], specialties=["b2b_commercial"])
    case = require(make_case(tenants.a.org), ["DE", "FR"], ["b2b_commercial"])
    resp = client.post(f"/api/v1/cases/{case.id}/bids", json=BID, headers=bearer(tenants.x.owner))
    assert resp.status_code == 201, resp.json


def test_a_bid_missing_a_country_or_specialty_is_403_naming_them(client, tenants, bearer):
    make_profile(tenants.x.org, countries=["DE"], specialties=["b2b_commercial"])
    case = require(make_case(tenants.a.org), ["DE", "FR"], ["b2b_commercial", "construction"])
    resp = client.post(f"/api/v1/cases/{case.id}/bids", json=BID, headers=bearer(tenants.x.owner))
    assert resp.status_code == 403, resp.json
    assert resp.json["error"]["code"] == "requirements_not_met"
    assert resp.json["error"]["details"] == {
        "missing_countries": ["FR"],
        "missing_specialties": ["construction"],
    }
    assert "FR" in resp.json["error"]["message"] and "construction" in resp.json["error"]["message"]
    assert bids_on(case) == 0


def test_every_required_country_is_needed_not_just_one(client, tenants, bearer):
    make_profile(tenants.x.org, countries=["FR"], specialties=[])
    case = require(make_case(tenants.a.org), ["DE", "FR"], [])
    resp = client.post(f"/api/v1/cases/{case.id}/bids", json=BID, headers=bearer(tenants.x.owner))
    assert resp.status_code == 403
    assert resp.json["error"]["details"] == {"missing_countries": ["DE"]}


def test_an_agency_without_a_profile_covers_nothing(client, tenants, bearer):
    case = require(make_case(tenants.a.org), [], ["bailiff"])
    resp = client.post(f"/api/v1/cases/{case.id}/bids", json=BID, headers=bearer(tenants.x.owner))
    assert resp.status_code == 403
    assert resp.json["error"]["details"] == {"missing_specialties": ["bailiff"]}
    # no requirements: no profile needed
    plain = make_case(tenants.a.org)
    resp = client.post(f"/api/v1/cases/{plain.id}/bids", json=BID, headers=bearer(tenants.x.owner))
    assert resp.status_code == 201, resp.json


def test_take_checks_the_requirements_too(client, tenants, bearer):
    make_profile(tenants.x.org, countries=["DE"], specialties=["b2b_commercial"])
    make_profile(tenants.y.org, countries=["AT", "DE"], specialties=["b2b_commercial"])
    case = require(make_case(tenants.a.org, instant=INSTANT), ["AT", "DE"], ["b2b_commercial"])
    resp = client.post(f"/api/v1/cases/{case.id}/take", headers=bearer(tenants.x.owner))
    assert resp.status_code == 403, resp.json
    assert resp.json["error"]["details"] == {"missing_countries": ["AT"]}
    db.session.expire_all()
    assert case.status is CaseStatus.LISTED and case.awarded_agency_org_id is None
    assert bids_on(case) == 0
    resp = client.post(f"/api/v1/cases/{case.id}/take", headers=bearer(tenants.y.owner))
    assert resp.status_code == 200, resp.json
    assert resp.json["awarded_agency"]["id"] == tenants.y.org.id
