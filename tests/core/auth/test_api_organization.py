"""GET/PATCH /api/v1/organization."""

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db


def test_any_member_reads_the_settings(client, tenants, bearer):
    resp = client.get("/api/v1/organization", headers=bearer(tenants.a.viewer))
    assert resp.status_code == 200
    assert resp.json == {
        "id": tenants.a.org.id,
        "name": tenants.a.org.name,
        "kind": "creditor",
        "currency": "EUR",
        "target_dso_days": None,
        "sales_see_all": False,
        "expense_approval_threshold": {"amount": "0.00", "currency": "EUR"},
    }


def test_owner_changes_settings_with_an_audit_trail(client, tenants, bearer):
    resp = client.patch(
        "/api/v1/organization",
        headers=bearer(tenants.a.owner),
        json={
            "target_dso_days": 45,
            "sales_see_all": True,
            "expense_approval_threshold": {"amount": "250.00", "currency": "EUR"},
        },
    )
    assert resp.status_code == 200
    assert resp.json["target_dso_days"] == 45
    assert resp.json["sales_see_all"] is True
    assert resp.json["expense_approval_threshold"] == {"amount": "250.00", "currency": "EUR"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organization.updated"))
    assert event.before["target_dso_days"] is None and event.after["target_dso_days"] == 45
    assert event.actor_id == tenants.a.owner.id


@pytest.mark.parametrize("role", ["credit", "sales", "viewer"])
def test_other_roles_cannot_change_settings(client, tenants, bearer, role):
    resp = client.patch(
        "/api/v1/organization", headers=bearer(tenants.a.users[role]), json={"sales_see_all": True}
    )
    assert resp.status_code == 403
    db.session.refresh(tenants.a.org)
    assert tenants.a.org.sales_see_all is False


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Renamed"},  # not a setting
        {"kind": "agency"},
        {"id": 99},
        {"target_dso_days": 0},
        {"target_dso_days": "soon"},
        {"expense_approval_threshold": {"amount": 250, "currency": "EUR"}},
        {"expense_approval_threshold": {"amount": "250.00", "currency": "USD"}},
    ],
)
def test_bad_or_forbidden_fields_are_422_and_change_nothing(client, tenants, bearer, body):
    resp = client.patch("/api/v1/organization", headers=bearer(tenants.a.owner), json=body)
    assert resp.status_code == 422
    assert resp.json["error"]["details"]
    db.session.refresh(tenants.a.org)
    assert tenants.a.org.kind.value == "creditor" and tenants.a.org.target_dso_days is None
