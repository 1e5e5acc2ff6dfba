"""Optional stages of an active case (SPEC §4): payment_plan and legal, set and recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from ledger.clock import today
from marketplace.models import Case, CaseEvent, CaseStage
from marketplace.workspace.work import start_work
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import eur, make_awarded_case


@pytest.fixture
def active(tenants) -> Case:
    case = make_awarded_case(tenants, sales_rep=tenants.a.sales).case
    start_work(case, actor=tenants.x.owner)
    db.session.commit()
    return case


def set_stage(client, headers, case_id, stage):
    return client.post(f"/api/v1/cases/{case_id}/stage", json={"stage": stage}, headers=headers)


def stage_events(case: Case) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == "stage_changed")
            .order_by(CaseEvent.id)
        )
    )


def test_the_agency_and_the_creditor_set_and_clear_the_stage(client, tenants, bearer, active):
    resp = set_stage(client, bearer(tenants.x.collector), active.id, "legal")
    assert resp.status_code == 200, resp.json
    assert resp.json["stage"] == "legal"
    resp = set_stage(client, bearer(tenants.a.credit), active.id, None)
    assert resp.status_code == 200 and resp.json["stage"] is None
    assert (
        client.get(f"/api/v1/cases/{active.id}", headers=bearer(tenants.a.owner)).json["stage"]
        is None
    )
    events = stage_events(active)
    assert [(e.details["from_stage"], e.details["to_stage"]) for e in events] == [
        (None, "legal"),
        ("legal", None),
    ]
    assert events[0].actor_org_id == tenants.x.org.id
    audits = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "case.stage_changed", AuditEvent.object_id == str(active.id)
        )
    ).all()
    assert len(audits) == 2


def test_the_same_stage_again_records_nothing(client, tenants, bearer, active):
    for _ in range(2):
        assert set_stage(client, bearer(tenants.a.owner), active.id, "legal").status_code == 200
    assert len(stage_events(active)) == 1


def test_agreeing_a_payment_plan_enters_the_payment_plan_stage(client, tenants, bearer, active):
    body = {
        "instalments": [
            {"due_on": (today() + timedelta(days=5)).isoformat(), "amount": eur("10.00")}
        ]
    }
    resp = client.post(
        f"/api/v1/cases/{active.id}/payment-plan", json=body, headers=bearer(tenants.x.owner)
    )
    assert resp.status_code == 201, resp.json
    db.session.expire_all()
    assert active.stage is CaseStage.PAYMENT_PLAN
    assert stage_events(active)[0].details["to_stage"] == "payment_plan"


def test_a_plan_on_an_awarded_case_sets_no_stage(client, tenants, bearer):
    awarded = make_awarded_case(tenants).case
    body = {
        "instalments": [
            {"due_on": (today() + timedelta(days=5)).isoformat(), "amount": eur("10.00")}
        ]
    }
    resp = client.post(
        f"/api/v1/cases/{awarded.id}/payment-plan", json=body, headers=bearer(tenants.x.owner)
    )
    assert resp.status_code == 201, resp.json
    db.session.expire_all()
    assert awarded.stage is None and stage_events(awarded) == []


def test_only_an_active_case_has_a_stage(client, tenants, bearer):
    awarded = make_awarded_case(tenants).case
    listed = make_case(tenants.a.org)
    for case in (awarded, listed):
        resp = set_stage(client, bearer(tenants.a.owner), case.id, "legal")
        assert resp.status_code == 409, resp.json
        assert resp.json["error"]["code"] == "case_not_active"
        db.session.expire_all()
        assert case.stage is None


def test_roles_and_strangers(client, tenants, bearer, active):
    for user in (tenants.a.sales, tenants.a.viewer):
        assert set_stage(client, bearer(user), active.id, "legal").status_code == 403
    for user in (tenants.y.owner, tenants.b.owner):  # the loser, another creditor
        assert set_stage(client, bearer(user), active.id, "legal").status_code == 404
    db.session.expire_all()
    assert active.stage is None and stage_events(active) == []
    denied = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "authz_denied", AuditEvent.object_id == str(active.id)
        )
    ).all()
    assert len(denied) == 4


def test_an_unknown_stage_is_422(client, tenants, bearer, active):
    resp = set_stage(client, bearer(tenants.a.owner), active.id, "bailiff")
    assert resp.status_code == 422
    assert "stage" in resp.json["error"]["details"]
