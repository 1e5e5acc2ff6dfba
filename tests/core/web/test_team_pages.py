"""The Team page: who sees it, what owners can do there, and tenancy of its forms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.auth import services
from core.auth.models import Invitation, Role, User
from core.extensions import db
from core.mail import OutgoingEmail
from tests.core.web.conftest import sign_in


def page(client, path: str = "/team") -> str:
    """GET a page that must render, and return its HTML."""
    resp = client.get(path)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_owner_sees_invite_form_and_role_controls(signed_in, tenants):
    html = page(signed_in(tenants.a.owner))
    assert 'data-testid="invite-form"' in html
    assert f'data-testid="member-form-{tenants.a.sales.id}"' in html
    assert f'data-testid="member-form-{tenants.a.owner.id}"' not in html  # not on yourself
    for user in tenants.a.users.values():
        assert user.email in html
    assert tenants.b.owner.email not in html


def test_credit_sees_the_list_without_controls(signed_in, tenants):
    html = page(signed_in(tenants.a.credit))
    assert tenants.a.viewer.email in html
    assert "invite-form" not in html
    assert "member-form-" not in html
    assert "revoke-invitation" not in html


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_sales_and_viewer_are_refused_and_have_no_team_link(client, signed_in, tenants, role):
    signed_in(tenants.a.users[role])
    assert 'href="/team"' not in page(client, "/")
    resp = client.get("/team")
    assert resp.status_code == 403
    assert "Not allowed" in resp.get_data(as_text=True)


def test_agency_collector_has_no_team_link_but_agency_owner_does(client, signed_in, tenants):
    signed_in(tenants.x.collector)
    assert 'href="/team"' not in page(client, "/")
    assert client.get("/team").status_code == 403
    owner = client.application.test_client()
    sign_in(owner, tenants.x.owner.email)
    assert 'href="/team"' in page(owner, "/")
    assert "Collector" in page(owner)


def test_owner_invites_a_colleague(client, post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    resp = post_form("/team", "/team/invitations", email="New.Person@Example.com", role="sales")
    assert resp.status_code == 302
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "new.person@example.com")
    )
    assert invitation is not None
    assert invitation.org_id == tenants.a.org.id
    assert invitation.role is Role.SALES
    email = db.session.scalar(
        select(OutgoingEmail).where(OutgoingEmail.key == f"invitation:{invitation.id}")
    )
    assert email is not None
    assert email.to == "new.person@example.com"
    assert "/invitations/" in email.body_text
    html = page(client)
    assert "Invitation sent to New.Person@Example.com." in html
    assert "new.person@example.com" in html


def test_inviting_a_role_of_the_other_kind_is_refused(client, post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    resp = post_form("/team", "/team/invitations", email="c@example.com", role="collector")
    assert resp.status_code == 302
    assert "Check the e-mail address and role." in page(client)
    assert db.session.scalar(select(Invitation).where(Invitation.email == "c@example.com")) is None


def test_inviting_an_existing_user_explains_why_not(client, post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    post_form("/team", "/team/invitations", email=tenants.b.viewer.email, role="viewer")
    assert "already has an account" in page(client)


def test_owner_revokes_a_pending_invitation(client, post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    post_form("/team", "/team/invitations", email="later@example.com", role="viewer")
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "later@example.com")
    )
    resp = post_form("/team", f"/team/invitations/{invitation.id}/revoke")
    assert resp.status_code == 302
    db.session.refresh(invitation)
    assert invitation.status == "revoked"
    assert "Invitation for later@example.com revoked." in page(client)
    # a second revoke explains itself instead of failing
    post_form("/team", f"/team/invitations/{invitation.id}/revoke")
    assert "revoked already" in page(client)


def test_owner_changes_a_role(client, post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    resp = post_form("/team", f"/team/{tenants.a.viewer.id}", role="credit", active="y")
    assert resp.status_code == 302
    db.session.refresh(tenants.a.viewer)
    assert tenants.a.viewer.role is Role.CREDIT
    assert tenants.a.viewer.active
    assert "is now credit &amp; collections." in page(client)


def test_owner_deactivates_and_reactivates_a_member(client, post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    post_form("/team", f"/team/{tenants.a.sales.id}", role="sales")
    db.session.refresh(tenants.a.sales)
    assert not tenants.a.sales.active
    assert "Deactivated" in page(client)
    post_form("/team", f"/team/{tenants.a.sales.id}", role="sales", active="y")
    db.session.refresh(tenants.a.sales)
    assert tenants.a.sales.active


def test_role_from_the_other_kind_is_refused_for_a_member(post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    resp = post_form("/team", f"/team/{tenants.a.viewer.id}", role="collector", active="y")
    assert resp.status_code == 400
    db.session.refresh(tenants.a.viewer)
    assert tenants.a.viewer.role is Role.VIEWER


def test_credit_cannot_change_members(post_form, signed_in, tenants):
    signed_in(tenants.a.credit)
    resp = post_form("/", f"/team/{tenants.a.viewer.id}", role="owner", active="y")
    assert resp.status_code == 403
    db.session.refresh(tenants.a.viewer)
    assert tenants.a.viewer.role is Role.VIEWER


def test_other_tenants_member_answers_404(post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    resp = post_form("/team", f"/team/{tenants.b.viewer.id}", role="credit", active="y")
    assert resp.status_code == 404
    victim = db.session.get(User, tenants.b.viewer.id)
    db.session.refresh(victim)
    assert victim.role is Role.VIEWER and victim.active


def test_other_tenants_invitation_answers_404(post_form, signed_in, tenants):
    theirs = services.invite(
        tenants.b.org, email="theirs@example.com", role="viewer", actor=tenants.b.owner
    )
    db.session.commit()
    signed_in(tenants.a.owner)
    resp = post_form("/team", f"/team/invitations/{theirs.id}/revoke")
    assert resp.status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == "pending"


def test_owner_cannot_deactivate_themselves(client, post_form, signed_in, tenants):
    signed_in(tenants.a.owner)
    post_form("/team", f"/team/{tenants.a.owner.id}", role="owner")
    assert "You cannot demote or deactivate yourself." in page(client)
    db.session.refresh(tenants.a.owner)
    assert tenants.a.owner.active
