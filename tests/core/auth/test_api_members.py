"""GET /api/v1/users, GET/PATCH /api/v1/users/{id}."""

import pytest

from core.extensions import db


@pytest.mark.parametrize("role", ["owner", "credit"])
def test_owner_and_credit_list_their_members_only(client, tenants, bearer, role):
    resp = client.get("/api/v1/users", headers=bearer(tenants.a.users[role]))
    assert resp.status_code == 200
    emails = {item["email"] for item in resp.json["items"]}
    assert emails == {u.email for u in tenants.a.users.values()}
    assert resp.json["total"] == 4 and resp.json["page"] == 1 and resp.json["page_size"] == 50
    assert "password_hash" not in resp.json["items"][0]
    assert set(resp.json["items"][0]) == {
        "id",
        "email",
        "name",
        "role",
        "active",
        "last_login_at",
        "created_at",
    }


@pytest.mark.parametrize(("tenant", "role"), [("a", "sales"), ("a", "viewer"), ("x", "collector")])
def test_other_roles_cannot_list_members(client, tenants, bearer, tenant, role):
    user = getattr(tenants, tenant).users[role]
    assert client.get("/api/v1/users", headers=bearer(user)).status_code == 403


def test_pagination_caps_page_size_and_pages_past_the_end_are_empty(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    resp = client.get("/api/v1/users?page_size=100000", headers=headers)
    assert resp.json["page_size"] == 200
    resp = client.get("/api/v1/users?page=1000000&page_size=2", headers=headers)
    assert resp.status_code == 200 and resp.json["items"] == [] and resp.json["total"] == 4
    resp = client.get("/api/v1/users?page=2&page_size=3", headers=headers)
    assert len(resp.json["items"]) == 1


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page_size=0", "page=abc"])
def test_bad_page_arguments_are_422(client, tenants, bearer, query):
    resp = client.get(f"/api/v1/users?{query}", headers=bearer(tenants.a.owner))
    assert resp.status_code == 422


def test_owner_changes_a_role_and_deactivates(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    member = tenants.a.viewer
    resp = client.patch(f"/api/v1/users/{member.id}", json={"role": "credit"}, headers=headers)
    assert resp.status_code == 200 and resp.json["role"] == "credit"
    resp = client.patch(f"/api/v1/users/{member.id}", json={"active": False}, headers=headers)
    assert resp.status_code == 200 and resp.json["active"] is False


def test_agency_roles_do_not_exist_in_a_creditor(client, tenants, bearer):
    resp = client.patch(
        f"/api/v1/users/{tenants.a.viewer.id}",
        json={"role": "collector"},
        headers=bearer(tenants.a.owner),
    )
    assert resp.status_code == 422
    assert "role" in resp.json["error"]["details"]


def test_owner_cannot_lock_themselves_out(client, tenants, bearer):
    owner = tenants.a.owner
    resp = client.patch(f"/api/v1/users/{owner.id}", json={"active": False}, headers=bearer(owner))
    assert resp.status_code == 409
    db.session.refresh(owner)
    assert owner.active


@pytest.mark.parametrize(
    "body",
    [
        {"is_admin": True},
        {"org_id": 1},
        {"email": "x@y.z"},
        {"role": "operator"},
        {"password_hash": "x"},
    ],
)
def test_mass_assignment_is_refused(client, tenants, bearer, body):
    resp = client.patch(
        f"/api/v1/users/{tenants.a.viewer.id}", json=body, headers=bearer(tenants.a.owner)
    )
    assert resp.status_code == 422
    db.session.refresh(tenants.a.viewer)
    assert tenants.a.viewer.role.value == "viewer" and not tenants.a.viewer.is_admin


def test_credit_cannot_change_members(client, tenants, bearer):
    resp = client.patch(
        f"/api/v1/users/{tenants.a.viewer.id}",
        json={"role": "owner"},
        headers=bearer(tenants.a.credit),
    )
    assert resp.status_code == 403


def test_another_tenants_member_is_404(client, tenants, bearer):
    resp = client.get(f"/api/v1/users/{tenants.b.owner.id}", headers=bearer(tenants.a.owner))
    assert resp.status_code == 404
    assert tenants.b.owner.email not in resp.get_data(as_text=True)
