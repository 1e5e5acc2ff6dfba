"""POST /api/v1/invitations, accept, revoke (single use, expiry, 410)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.auth.models import Invitation, User
from core.auth.services import digest
from core.db import utcnow
from core.extensions import db
from core.mail import OutgoingEmail


def invite(client, headers, email="new.person@example.com", role="credit"):
    return client.post("/api/v1/invitations", json={"email": email, "role": role}, headers=headers)


def secret_from_email(email: str) -> str:
    mail = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.to == email))
    return mail.body_text.split("/invitations/")[1].split()[0]


def test_owner_invites_and_an_email_with_a_link_is_queued(client, tenants, bearer):
    resp = invite(client, bearer(tenants.a.owner))
    assert resp.status_code == 201
    assert set(resp.json) >= {"id", "email", "role", "expires_at"}
    assert resp.json["role"] == "credit"
    secret = secret_from_email("new.person@example.com")
    row = db.session.get(Invitation, resp.json["id"])
    assert row.token_hash == digest(secret) and secret not in row.token_hash


@pytest.mark.parametrize("role", ["credit", "sales", "viewer"])
def test_only_owners_invite(client, tenants, bearer, role):
    assert invite(client, bearer(tenants.a.users[role])).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "role": "credit"},
        {"email": "a@example.com", "role": "collector"},
        {"email": "a@example.com", "role": "admin"},
        {"email": "a@example.com"},
        {"email": "a@example.com", "role": "credit", "org_id": 1},
    ],
)
def test_bad_invitations_are_422(client, tenants, bearer, body):
    resp = client.post("/api/v1/invitations", json=body, headers=bearer(tenants.a.owner))
    assert resp.status_code == 422


def test_inviting_an_existing_user_is_409(client, tenants, bearer):
    resp = invite(client, bearer(tenants.a.owner), email=tenants.b.owner.email)
    assert resp.status_code == 409


def test_accepting_creates_the_user_and_returns_a_token(client, tenants, bearer):
    invite(client, bearer(tenants.a.owner))
    secret = secret_from_email("new.person@example.com")
    resp = client.post(
        "/api/v1/invitations/accept",
        json={"token": secret, "name": "New Person", "password": "a long passphrase"},
    )
    assert resp.status_code == 201
    assert resp.json["user"]["organization"]["id"] == tenants.a.org.id
    assert resp.json["user"]["role"] == "credit"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {resp.json['token']}"})
    assert me.json["email"] == "new.person@example.com"


def test_a_link_works_once(client, tenants, bearer):
    invite(client, bearer(tenants.a.owner))
    secret = secret_from_email("new.person@example.com")
    body = {"token": secret, "name": "New Person", "password": "a long passphrase"}
    assert client.post("/api/v1/invitations/accept", json=body).status_code == 201
    again = client.post("/api/v1/invitations/accept", json=body)
    assert again.status_code == 410
    assert again.json["error"]["code"] == "invitation_accepted"


def test_an_expired_link_is_410(client, tenants, bearer):
    resp = invite(client, bearer(tenants.a.owner))
    secret = secret_from_email("new.person@example.com")
    row = db.session.get(Invitation, resp.json["id"])
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    resp = client.post(
        "/api/v1/invitations/accept",
        json={"token": secret, "name": "Late", "password": "a long passphrase"},
    )
    assert resp.status_code == 410
    assert resp.json["error"]["code"] == "invitation_expired"


def test_a_revoked_link_is_410_and_revoking_twice_is_409(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    inv_id = invite(client, headers).json["id"]
    secret = secret_from_email("new.person@example.com")
    assert client.delete(f"/api/v1/invitations/{inv_id}", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/invitations/{inv_id}", headers=headers).status_code == 409
    resp = client.post(
        "/api/v1/invitations/accept",
        json={"token": secret, "name": "X", "password": "a long passphrase"},
    )
    assert resp.status_code == 410


def test_an_unknown_link_is_404(client):
    resp = client.post(
        "/api/v1/invitations/accept",
        json={"token": "made-up", "name": "X", "password": "a long passphrase"},
    )
    assert resp.status_code == 404


def test_a_weak_password_is_422_and_the_link_stays_usable(client, tenants, bearer):
    invite(client, bearer(tenants.a.owner))
    secret = secret_from_email("new.person@example.com")
    weak = client.post(
        "/api/v1/invitations/accept", json={"token": secret, "name": "X", "password": "short"}
    )
    assert weak.status_code == 422 and "password" in weak.json["error"]["details"]
    assert db.session.scalar(select(User).where(User.email == "new.person@example.com")) is None
    ok = client.post(
        "/api/v1/invitations/accept",
        json={"token": secret, "name": "X", "password": "a long passphrase"},
    )
    assert ok.status_code == 201


def test_owner_lists_invitations_of_their_organisation_only(client, tenants, bearer):
    invite(client, bearer(tenants.a.owner), email="for-a@example.com")
    invite(client, bearer(tenants.b.owner), email="for-b@example.com")
    resp = client.get("/api/v1/invitations", headers=bearer(tenants.a.owner))
    assert [i["email"] for i in resp.json["items"]] == ["for-a@example.com"]
    assert resp.json["items"][0]["status"] == "pending"
