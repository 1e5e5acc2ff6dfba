"""Agency teams use core.auth as they are: owners invite collectors, collectors cannot."""

from __future__ import annotations

from sqlalchemy import select

from core.auth.models import Role, User
from core.extensions import db
from core.mail import OutgoingEmail


def test_agency_owner_invites_a_collector_who_joins_the_agency(client, tenants, bearer):
    resp = client.post(
        "/api/v1/invitations",
        json={"email": "new.collector@example.com", "role": "collector"},
        headers=bearer(tenants.x.owner),
    )
    assert resp.status_code == 201
    mail = db.session.scalar(
        select(OutgoingEmail).where(OutgoingEmail.to == "new.collector@example.com")
    )
    secret = mail.body_text.split("/invitations/")[1].split()[0]
    resp = client.post(
        "/api/v1/invitations/accept",
        json={"token": secret, "name": "New Collector", "password": "a long passphrase"},
    )
    assert resp.status_code == 201
    user = db.session.scalar(select(User).where(User.email == "new.collector@example.com"))
    assert user.org_id == tenants.x.org.id and user.role is Role.COLLECTOR


def test_creditor_roles_do_not_exist_in_an_agency(client, tenants, bearer):
    resp = client.post(
        "/api/v1/invitations",
        json={"email": "someone@example.com", "role": "credit"},
        headers=bearer(tenants.x.owner),
    )
    assert resp.status_code == 422


def test_collectors_do_not_manage_the_team(client, tenants, bearer):
    resp = client.post(
        "/api/v1/invitations",
        json={"email": "someone@example.com", "role": "collector"},
        headers=bearer(tenants.x.collector),
    )
    assert resp.status_code == 403
