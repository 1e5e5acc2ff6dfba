"""Bids: one live bid per agency and case, within the case's terms; withdrawable until award."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.money import Money
from core.notifications.models import Notification
from marketplace.models import Bid, CaseEvent
from tests.marketplace.helpers import eur, make_bid, make_case, pass_deadline


def bid_body(**change):
    return {
        "fee_model": "contingency",
        "percent": "15",
        "duration_days": 120,
        "legal_action": True,
        **change,
    }


def post_bid(client, case_id, headers, **change):
    return client.post(f"/api/v1/cases/{case_id}/bids", json=bid_body(**change), headers=headers)


def test_an_agency_bids_and_the_creditor_hears_of_it(client, tenants, bearer):
    case = make_case(tenants.a.org)
    resp = post_bid(client, case.id, bearer(tenants.x.owner), message="We know this sector.")
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["status"] == "live" and got["fee_model"] == "contingency"
    assert got["percent"] == "15" and got["fixed"] is None and got["upfront"] is None
    assert got["agency"] == {"id": tenants.x.org.id, "name": tenants.x.org.name}
    assert got["duration_days"] == 120 and got["legal_action"] is True and got["taken"] is False
    notes = db.session.scalars(
        select(Notification).where(
            Notification.kind == "bid", Notification.org_id == tenants.a.org.id
        )
    ).all()
    assert {n.user_id for n in notes} == {tenants.a.owner.id, tenants.a.credit.id}
    assert tenants.x.org.name in notes[0].title and notes[0].url == f"/cases/{case.id}"
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "bid_placed"))
    assert event.details["bid_id"] == got["id"] and event.actor_org_id == tenants.x.org.id
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "bid.placed", AuditEvent.object_id == str(got["id"])
        )
    )


def test_a_new_bid_replaces_the_live_one(client, tenants, bearer):
    case = make_case(tenants.a.org)
    headers = bearer(tenants.x.owner)
    first = post_bid(client, case.id, headers).json
    second = post_bid(
        client, case.id, headers, fee_model="fixed", percent=None, fixed=eur("200.00")
    )
    assert second.status_code == 201 and second.json["fixed"] == eur("200.00")
    assert db.session.get(Bid, first["id"]).status.value == "replaced"
    live = db.session.scalar(
        select(func.count(Bid.id)).where(Bid.case_id == case.id, Bid.status == "live")
    )
    assert live == 1
    mine = client.get(f"/api/v1/cases/{case.id}/bids", headers=headers).json
    assert [b["status"] for b in mine] == ["live", "replaced"]


def test_hybrid_needs_upfront_and_percent(client, tenants, bearer):
    case = make_case(tenants.a.org)
    resp = post_bid(
        client, case.id, bearer(tenants.x.owner), fee_model="hybrid", upfront=eur("100.00")
    )
    assert resp.status_code == 201 and resp.json["upfront"] == eur("100.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"percent": None}, "percent"),
        ({"percent": 15}, "percent"),
        ({"percent": "15.5.1"}, "percent"),
        ({"percent": "0"}, "percent"),
        ({"percent": "100.01"}, "percent"),
        ({"percent": "31"}, "percent"),  # above the case's 30 % cap
        ({"fixed": eur("10.00")}, "fixed"),  # contingency takes no fixed amount
        ({"fee_model": "fixed", "percent": None}, "fixed"),
        (
            {"fee_model": "fixed", "percent": None, "fixed": {"amount": "10", "currency": "JPY"}},
            "fixed",
        ),
        ({"fee_model": "fixed", "percent": None, "fixed": eur("0.00")}, "fixed"),
        ({"fee_model": "hybrid"}, "upfront"),
        ({"fee_model": "barter"}, "fee_model"),
        ({"duration_days": 0}, "duration_days"),
        ({"duration_days": None}, "duration_days"),
        ({"legal_action": "perhaps"}, "legal_action"),
        ({"message": "x" * 2001}, "message"),
        ({"accepted": True, "tenant_id": 1}, "accepted"),
        ({"status": "accepted"}, "status"),
    ],
)
def test_invalid_bids_are_a_422_with_field_messages(client, tenants, bearer, change, field):
    case = make_case(tenants.a.org)
    resp = post_bid(client, case.id, bearer(tenants.x.owner), **change)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"], resp.json
    assert db.session.scalar(select(func.count(Bid.id))) == 0


def test_fee_models_and_caps_of_the_case_bind_bids(client, tenants, bearer):
    cap = Money.parse("150.00", "EUR")
    case = make_case(
        tenants.a.org, terms={"fee_models": ["fixed"], "max_fixed": cap, "max_percent": None}
    )
    headers = bearer(tenants.x.owner)
    wrong_model = post_bid(client, case.id, headers)
    assert wrong_model.status_code == 422 and "fee_model" in wrong_model.json["error"]["details"]
    over = post_bid(client, case.id, headers, fee_model="fixed", percent=None, fixed=eur("150.01"))
    assert over.status_code == 422 and "fixed" in over.json["error"]["details"]
    ok = post_bid(client, case.id, headers, fee_model="fixed", percent=None, fixed=eur("150.00"))
    assert ok.status_code == 201


@pytest.mark.parametrize("who", ["collector", "creditor"])
def test_only_agency_owners_bid(client, tenants, bearer, who):
    case = make_case(tenants.a.org)
    user = tenants.x.collector if who == "collector" else tenants.a.owner
    assert post_bid(client, case.id, bearer(user)).status_code == 403


def test_a_listing_not_open_to_the_agency_answers_404(client, tenants, bearer):
    invited = make_case(tenants.a.org, invited=[tenants.y.org.id])
    draft = make_case(tenants.a.org, publish=False)
    late = make_case(tenants.a.org)
    pass_deadline(late)
    headers = bearer(tenants.x.owner)
    for case in (invited, draft, late):
        assert post_bid(client, case.id, headers).status_code == 404
        assert client.get(f"/api/v1/cases/{case.id}/bids", headers=headers).status_code == 404
    assert post_bid(client, invited.id, bearer(tenants.y.owner)).status_code == 201


def test_the_creditor_sees_every_bid_an_agency_only_its_own(client, tenants, bearer):
    case = make_case(tenants.a.org)
    x_bid = make_bid(case, tenants.x.owner)
    y_bid = make_bid(case, tenants.y.owner, percent=1200)
    all_bids = client.get(f"/api/v1/cases/{case.id}/bids", headers=bearer(tenants.a.viewer))
    assert all_bids.status_code == 200
    assert {b["id"] for b in all_bids.json} == {x_bid.id, y_bid.id}
    mine = client.get(f"/api/v1/cases/{case.id}/bids", headers=bearer(tenants.x.collector)).json
    assert [b["id"] for b in mine] == [x_bid.id]
    other = make_case(tenants.b.org)
    resp = client.get(f"/api/v1/cases/{other.id}/bids", headers=bearer(tenants.a.owner))
    assert resp.status_code == 404


def test_withdraw_a_bid_until_award(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    headers = bearer(tenants.x.owner)
    resp = client.post(f"/api/v1/bids/{bid.id}/withdraw", headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "withdrawn"
    again = client.post(f"/api/v1/bids/{bid.id}/withdraw", headers=headers)
    assert again.status_code == 409
    assert again.json["error"]["details"] == {
        "current": "withdrawn",
        "target": "withdrawn",
        "allowed": [],
    }
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bid.withdrawn"))
    # a withdrawn bid can be followed by a fresh one
    assert post_bid(client, case.id, headers).status_code == 201


def test_only_the_bidding_agency_owner_withdraws(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    assert (
        client.post(f"/api/v1/bids/{bid.id}/withdraw", headers=bearer(tenants.y.owner)).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/bids/{bid.id}/withdraw", headers=bearer(tenants.x.collector)
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/bids/{bid.id}/withdraw", headers=bearer(tenants.a.owner)).status_code
        == 403
    )
    assert db.session.get(Bid, bid.id).status.value == "live"


def test_no_bids_once_the_case_is_awarded_or_withdrawn(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    accepted = client.post(f"/api/v1/bids/{bid.id}/accept", headers=bearer(tenants.a.owner))
    assert accepted.status_code == 200
    resp = post_bid(client, case.id, bearer(tenants.y.owner))
    assert resp.status_code == 404  # not a listing any more
    withdraw = client.post(f"/api/v1/bids/{bid.id}/withdraw", headers=bearer(tenants.x.owner))
    assert withdraw.status_code == 409
    assert withdraw.json["error"]["details"]["current"] == "accepted"
