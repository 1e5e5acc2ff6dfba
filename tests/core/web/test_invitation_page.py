"""Accepting an invitation from the e-mailed link."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.auth import services
from core.auth.models import Invitation, Role, User
from core.db import utcnow
from core.extensions import db
from core.mail import OutgoingEmail
from tests.core.web.conftest import csrf_of

NEW_PASSWORD = "a long and new passphrase"


def invite(tenants, email: str = "joiner@example.com", role: str = "sales") -> tuple[str, int]:
    """Invite through the service and read the secret link from the queued e-mail."""
    invitation = services.invite(tenants.a.org, email=email, role=role, actor=tenants.a.owner)
    db.session.commit()
    body = db.session.scalar(
        select(OutgoingEmail.body_text).where(OutgoingEmail.key == f"invitation:{invitation.id}")
    )
    path = re.search(r"https?://[^/\s]+(/invitations/\S+)", body).group(1)
    return path, invitation.id


def accept(client, path: str, name: str = "Jo Iner", password: str = NEW_PASSWORD):
    """Submit the acceptance form behind `path`."""
    return client.post(
        path, data={"csrf_token": csrf_of(client, path), "name": name, "password": password}
    )


def test_valid_link_shows_the_organisation_and_role(client, tenants):
    path, _ = invite(tenants)
    html = client.get(path).get_data(as_text=True)
    assert tenants.a.org.name in html
    assert "joiner@example.com" in html
    assert "sales rep" in html


def test_accepting_creates_the_account_and_signs_in(client, tenants):
    path, invitation_id = invite(tenants)
    resp = accept(client, path)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    user = db.session.scalar(select(User).where(User.email == "joiner@example.com"))
    assert user.org_id == tenants.a.org.id
    assert user.role is Role.SALES
    dashboard = client.get("/").get_data(as_text=True)
    assert f"Welcome to {tenants.a.org.name}." in dashboard
    assert "Jo Iner" in dashboard
    assert db.session.get(Invitation, invitation_id).status == "accepted"


def test_used_link_answers_410(client, tenants):
    path, _ = invite(tenants)
    accept(client, path)
    again = client.application.test_client().get(path)
    assert again.status_code == 410
    assert "This link no longer works" in again.get_data(as_text=True)


def test_expired_link_answers_410(client, tenants):
    path, invitation_id = invite(tenants)
    db.session.get(Invitation, invitation_id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    resp = client.get(path)
    assert resp.status_code == 410
    assert "expired" in resp.get_data(as_text=True)


def test_revoked_link_answers_410(client, tenants):
    path, invitation_id = invite(tenants)
    services.revoke_invitation(db.session.get(Invitation, invitation_id), actor=tenants.a.owner)
    db.session.commit()
    assert client.get(path).status_code == 410


def test_unknown_link_answers_404(client, tenants):
    resp = client.get("/invitations/not-a-real-secret")
    assert resp.status_code == 404
    assert "<html" in resp.get_data(as_text=True)


def test_short_password_keeps_the_form_and_creates_nobody(client, tenants):
    path, invitation_id = invite(tenants)
    resp = accept(client, path, password="short")
    assert resp.status_code == 422
    assert "Use at least 12 characters." in resp.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "joiner@example.com")) is None
    assert db.session.get(Invitation, invitation_id).status == "pending"


def test_taken_address_explains_itself_and_keeps_the_link(client, tenants):
    path, invitation_id = invite(tenants)
    # someone created the account another way (CLI) after the invitation was sent
    services.create_user(
        tenants.a.org, email="joiner@example.com", name="Jo", role="viewer", password=NEW_PASSWORD
    )
    db.session.commit()
    resp = accept(client, path)
    assert resp.status_code == 409
    assert "exists already" in resp.get_data(as_text=True)
    assert db.session.get(Invitation, invitation_id).status == "pending"
