"""Agency activities: the awarded agency logs its work; the first entry starts the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from ledger.clock import today
from marketplace.models import Case, CaseEvent
from marketplace.workspace.models import CaseActivity
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import make_awarded_case


@pytest.fixture
def awarded(tenants):
    return make_awarded_case(tenants)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/activities"


def log(client, headers, case_id, **fields):
    payload = {"kind": "call", "occurred_on": today().isoformat(), "note": "Reached the CFO."}
    payload.update(fields)
    return client.post(url(case_id), json=payload, headers=headers)


def test_the_first_activity_makes_the_case_active(client, tenants, bearer, awarded):
    headers = bearer(tenants.x.collector)
    resp = log(client, headers, awarded.id, kind="formal_notice", note="Sent by registered mail")
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["kind"] == "formal_notice" and got["occurred_on"] == today().isoformat()
    assert got["author"] == {"id": tenants.x.collector.id, "name": tenants.x.collector.name}
    assert got["agency_org_id"] == tenants.x.org.id and got["case_id"] == awarded.id
    assert db.session.get(Case, awarded.id).status.value == "active"
    # a second activity changes nothing more
    assert log(client, headers, awarded.id, kind="letter").status_code == 201
    moves = db.session.scalars(
        select(CaseEvent.kind).where(
            CaseEvent.case_id == awarded.id, CaseEvent.from_status.is_not(None)
        )
    ).all()
    assert moves.count("activated") == 1
    row = db.session.get(CaseActivity, got["id"])
    assert row.org_id == tenants.a.org.id  # the creditor's tenant


def test_parties_read_the_log_newest_first(client, tenants, bearer, awarded):
    headers = bearer(tenants.x.owner)
    log(client, headers, awarded.id, occurred_on=(today() - timedelta(days=3)).isoformat())
    log(client, headers, awarded.id, kind="visit", note="On site")
    for user in (tenants.a.viewer, tenants.a.credit, tenants.x.collector):
        resp = client.get(url(awarded.id), headers=bearer(user))
        assert resp.status_code == 200
        assert [a["kind"] for a in resp.json["items"]] == ["visit", "call"]
        assert resp.json["total"] == 2
    # the agency's look is in the creditor's access log; the creditor's own reads are not
    viewed = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "case.viewed", AuditEvent.object_id == str(awarded.id)
        )
    ).all()
    assert [(v.actor_id, v.org_id, v.details) for v in viewed] == [
        (tenants.x.collector.id, tenants.a.org.id, {"section": "activities"})
    ]


@pytest.mark.parametrize("role", ["owner", "credit", "sales", "viewer"])
def test_creditors_do_not_log_activities(client, tenants, bearer, awarded, role):
    resp = log(client, bearer(getattr(tenants.a, role)), awarded.id)
    assert resp.status_code == 403
    assert db.session.scalar(select(func.count(CaseActivity.id))) == 0


def test_losing_bidders_other_agencies_and_other_tenants_get_404(client, tenants, bearer, awarded):
    for user in (tenants.y.owner, tenants.y.collector, tenants.b.owner):
        headers = bearer(user)
        assert client.get(url(awarded.id), headers=headers).status_code == 404
        if user.kind.value == "agency":
            assert log(client, headers, awarded.id).status_code == 404


def test_agencies_see_nothing_before_the_award(client, tenants, bearer):
    case = make_case(tenants.a.org)
    headers = bearer(tenants.x.owner)
    assert client.get(url(case.id), headers=headers).status_code == 404
    assert log(client, headers, case.id).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "email"}, "kind"),
        ({"occurred_on": "tomorrow"}, "occurred_on"),
        ({"occurred_on": (today() + timedelta(days=1)).isoformat()}, "occurred_on"),
        ({"note": ""}, "note"),
        ({"note": " \u202e\x00 "}, "note"),
        ({"note": "x" * 4001}, "note"),
        ({"agency_org_id": 1}, "agency_org_id"),
    ],
)
def test_invalid_activities_are_422(client, tenants, bearer, awarded, fields, field):
    resp = log(client, bearer(tenants.x.owner), awarded.id, **fields)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["details"]
    assert db.session.get(Case, awarded.id).status.value == "awarded"


def test_notes_stay_raw_text_in_json(client, tenants, bearer, awarded):
    """T18: the JSON carries what was typed; pages escape it when they render it."""
    note = '<script>alert(1)</script> " onmouseover="x" <img src=x onerror=alert(1)>'
    headers = bearer(tenants.x.owner)
    assert log(client, headers, awarded.id, note=note).json["note"] == note
    resp = client.get(url(awarded.id), headers=headers)
    assert resp.mimetype == "application/json"
    assert resp.json["items"][0]["note"] == note


def test_control_and_bidi_characters_are_dropped(client, tenants, bearer, awarded):
    got = log(client, bearer(tenants.x.owner), awarded.id, note="Ca\u0301ll\u202e\x00 ok")
    assert got.json["note"] == "Cáll ok"


def test_no_activity_on_a_closed_case(client, tenants, bearer, awarded):
    case = db.session.get(Case, awarded.id)
    case.status, case.outcome = "closed", "unrecoverable"
    db.session.commit()
    # the agency is no party any more: 404, not a hint that the case exists
    assert log(client, bearer(tenants.x.owner), awarded.id).status_code == 404
