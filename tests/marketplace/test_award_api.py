"""The award: accept a bid or take at instant terms; exactly once; losers lose access."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.jobs import OutboxMessage
from core.notifications.models import Notification
from marketplace.models import Bid, Case, CaseEvent
from tests.marketplace.helpers import eur, make_bid, make_case, pass_deadline

INSTANT = {"fee_model": "contingency", "percent": 2000}


def accept(client, bid_id, user, bearer):
    return client.post(f"/api/v1/bids/{bid_id}/accept", headers=bearer(user))


def test_accepting_a_bid_awards_the_case(client, tenants, bearer):
    case = make_case(tenants.a.org)
    winner = make_bid(
        case, tenants.x.owner, fee_model="hybrid", percent=1000, upfront=eur_money("50.00")
    )
    loser = make_bid(case, tenants.y.owner, percent=1200)
    resp = accept(client, winner.id, tenants.a.credit, bearer)
    assert resp.status_code == 200, resp.json
    got = resp.json
    assert got["status"] == "awarded" and got["awarded_at"]
    assert got["awarded_agency"] == {"id": tenants.x.org.id, "name": tenants.x.org.name}
    assert got["awarded_bid_id"] == winner.id
    assert got["accepted_terms"] == {
        "fee_model": "hybrid",
        "percent": "10",
        "fixed": None,
        "upfront": eur("50.00"),
        "duration_days": 90,
        "legal_action": False,
    }
    assert db.session.get(Bid, winner.id).status.value == "accepted"
    assert db.session.get(Bid, loser.id).status.value == "rejected"
    # the ledger shows the invoices in collection now
    headers = bearer(tenants.a.viewer)
    for inv in got["invoices"]:
        shown = client.get(f"/api/v1/invoices/{inv['id']}", headers=headers).json
        assert shown["status"] == "in_collection" and shown["case_id"] == case.id
    # one notification job; the winner's team and the loser's owner are told
    jobs = db.session.scalars(
        select(OutboxMessage.args).where(
            OutboxMessage.job == "marketplace.notifications:notify_case_event"
        )
    ).all()
    assert jobs.count([case.id, "awarded"]) == 1
    told = {
        (n.user_id, n.key)
        for n in db.session.scalars(select(Notification).where(Notification.kind == "award"))
    }
    assert told == {
        (tenants.x.owner.id, f"case:{case.id}:awarded"),
        (tenants.x.collector.id, f"case:{case.id}:awarded"),
        (tenants.y.owner.id, f"case:{case.id}:lost"),
    }
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "awarded"))
    assert event.details["rejected_bid_ids"] == [loser.id] and event.from_status == "listed"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.awarded"))


def eur_money(amount):
    from core.money import Money

    return Money.parse(amount, "EUR")


def test_a_second_award_is_a_409(client, tenants, bearer):
    case = make_case(tenants.a.org)
    first = make_bid(case, tenants.x.owner)
    second = make_bid(case, tenants.y.owner)
    assert accept(client, first.id, tenants.a.owner, bearer).status_code == 200
    for bid in (second, first):
        resp = accept(client, bid.id, tenants.a.owner, bearer)
        assert resp.status_code == 409
        assert resp.json["error"]["details"]["current"] == "awarded"
        assert resp.json["error"]["details"]["allowed"] == ["active", "closed"]
    accepted = db.session.scalar(
        select(func.count(Bid.id)).where(Bid.case_id == case.id, Bid.status == "accepted")
    )
    assert accepted == 1


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_sales_and_viewers_cannot_award(client, tenants, bearer, role):
    """T6: 403, nothing changes, an audit row names the caller."""
    case = make_case(tenants.a.org, sales_rep_id=tenants.a.sales.id)
    bid = make_bid(case, tenants.x.owner)
    resp = accept(client, bid.id, tenants.a.users[role], bearer)
    assert resp.status_code == 403
    assert db.session.get(Case, case.id).status.value == "listed"
    assert db.session.get(Bid, bid.id).status.value == "live"
    denial = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "authz_denied", AuditEvent.actor_id == tenants.a.users[role].id
        )
    )
    assert denial.details["status"] == 403


def test_other_tenants_and_agencies_cannot_accept(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    assert accept(client, bid.id, tenants.b.owner, bearer).status_code == 404
    assert accept(client, bid.id, tenants.x.owner, bearer).status_code == 403
    assert db.session.get(Case, case.id).status.value == "listed"


def test_a_withdrawn_bid_cannot_be_accepted(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    client.post(f"/api/v1/bids/{bid.id}/withdraw", headers=bearer(tenants.x.owner))
    resp = accept(client, bid.id, tenants.a.owner, bearer)
    assert resp.status_code == 409
    assert resp.json["error"]["details"]["current"] == "withdrawn"
    assert db.session.get(Case, case.id).status.value == "listed"


def test_no_award_after_the_deadline(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    pass_deadline(case)
    resp = accept(client, bid.id, tenants.a.owner, bearer)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "deadline_passed"


def test_losing_bidders_lose_access_and_the_winner_gains_it(client, tenants, bearer):
    """T5: the loser's next request answers 404; the winner sees the full case."""
    case = make_case(tenants.a.org)
    winner = make_bid(case, tenants.x.owner)
    make_bid(case, tenants.y.owner)
    loser_headers = bearer(tenants.y.owner)
    assert (
        client.get(f"/api/v1/marketplace/listings/{case.id}", headers=loser_headers).status_code
        == 200
    )
    assert accept(client, winner.id, tenants.a.owner, bearer).status_code == 200
    for path in (
        f"/api/v1/marketplace/listings/{case.id}",
        f"/api/v1/cases/{case.id}",
        f"/api/v1/cases/{case.id}/bids",
    ):
        assert client.get(path, headers=loser_headers).status_code == 404, path
    headers = bearer(tenants.x.collector)
    full = client.get(f"/api/v1/cases/{case.id}", headers=headers)
    assert full.status_code == 200 and full.headers["Cache-Control"] == "no-store"
    assert full.json["debtor"]["name"] == db.session.get(Case, case.id).debtor.name
    assert len(full.json["invoices"]) == 2 and full.json["invoices"][0]["number"]
    assert "invited_agency_ids" not in full.json and "created_by_id" not in full.json
    assert [c["id"] for c in client.get("/api/v1/cases", headers=headers).json["items"]] == [
        case.id
    ]
    viewed = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "case.viewed", AuditEvent.actor_id == tenants.x.collector.id
        )
    )
    assert viewed.org_id == tenants.a.org.id and viewed.object_id == str(case.id)
    own = client.get(f"/api/v1/cases/{case.id}/bids", headers=headers).json
    assert [b["status"] for b in own] == ["accepted"]


def test_an_agency_takes_the_case_at_instant_terms(client, tenants, bearer):
    case = make_case(tenants.a.org, instant=INSTANT)
    own_earlier = make_bid(case, tenants.x.owner, percent=1000)
    other = make_bid(case, tenants.y.owner)
    resp = client.post(f"/api/v1/cases/{case.id}/take", headers=bearer(tenants.x.owner))
    assert resp.status_code == 200, resp.json
    got = resp.json
    assert got["status"] == "awarded" and got["awarded_agency"]["id"] == tenants.x.org.id
    assert (
        got["accepted_terms"]["percent"] == "20" and got["accepted_terms"]["duration_days"] is None
    )
    assert "invited_agency_ids" not in got
    taken = db.session.get(Bid, got["awarded_bid_id"])
    assert taken.taken and taken.status.value == "accepted"
    assert db.session.get(Bid, own_earlier.id).status.value == "replaced"
    assert db.session.get(Bid, other.id).status.value == "rejected"
    creditor_told = db.session.scalar(
        select(Notification).where(
            Notification.user_id == tenants.a.owner.id, Notification.kind == "award"
        )
    )
    assert tenants.x.org.name in creditor_told.title
    again = client.post(f"/api/v1/cases/{case.id}/take", headers=bearer(tenants.y.owner))
    assert again.status_code == 404  # no longer a listing for anyone


def test_take_needs_instant_terms_and_an_agency_owner(client, tenants, bearer):
    case = make_case(tenants.a.org)
    resp = client.post(f"/api/v1/cases/{case.id}/take", headers=bearer(tenants.x.owner))
    assert resp.status_code == 409 and resp.json["error"]["code"] == "no_instant_terms"
    instant = make_case(tenants.a.org, instant=INSTANT)
    assert (
        client.post(
            f"/api/v1/cases/{instant.id}/take", headers=bearer(tenants.x.collector)
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/cases/{instant.id}/take", headers=bearer(tenants.a.owner)).status_code
        == 403
    )
    invited = make_case(tenants.a.org, instant=INSTANT, invited=[tenants.y.org.id])
    assert (
        client.post(f"/api/v1/cases/{invited.id}/take", headers=bearer(tenants.x.owner)).status_code
        == 404
    )


def test_accept_after_a_take_is_a_409(client, tenants, bearer):
    case = make_case(tenants.a.org, instant=INSTANT)
    bid = make_bid(case, tenants.y.owner)
    assert (
        client.post(f"/api/v1/cases/{case.id}/take", headers=bearer(tenants.x.owner)).status_code
        == 200
    )
    resp = accept(client, bid.id, tenants.a.owner, bearer)
    assert resp.status_code == 409 and resp.json["error"]["details"]["current"] == "awarded"


def test_an_awarded_case_cannot_be_withdrawn_from_the_marketplace(client, tenants, bearer):
    case = make_case(tenants.a.org)
    bid = make_bid(case, tenants.x.owner)
    accept(client, bid.id, tenants.a.owner, bearer)
    resp = client.post(f"/api/v1/cases/{case.id}/withdraw", headers=bearer(tenants.a.owner))
    assert resp.status_code == 409
    assert resp.json["error"]["details"] == {
        "current": "awarded",
        "target": "withdrawn",
        "allowed": ["active", "closed"],
    }
