"""API tokens page: the secret is shown once, works as a Bearer token, and can be revoked."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.auth import services
from core.auth.models import ApiToken
from core.extensions import db
from tests.core.web.conftest import csrf_of


def create_token(client, name: str = "ERP") -> str:
    """Create a token through the page and return the secret it shows."""
    resp = client.post("/tokens", data={"csrf_token": csrf_of(client, "/tokens"), "name": name})
    assert resp.status_code == 200
    found = re.search(r'value="(dbt_[^"]+)"', resp.get_data(as_text=True))
    assert found, "the new secret is on the page"
    return found.group(1)


def test_new_token_is_shown_once_and_works_as_bearer(client, signed_in, tenants):
    signed_in(tenants.a.credit)
    secret = create_token(client, "ERP credit check")
    me = client.application.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert me.status_code == 200
    assert me.json["email"] == tenants.a.credit.email
    listing = client.get("/tokens").get_data(as_text=True)
    assert "ERP credit check" in listing
    assert secret not in listing
    assert secret[:10] in listing  # recognisable by its prefix


def test_token_name_is_required(client, signed_in, tenants):
    signed_in(tenants.a.credit)
    resp = client.post("/tokens", data={"csrf_token": csrf_of(client, "/tokens"), "name": ""})
    assert resp.status_code == 422
    assert "dbt_" not in resp.get_data(as_text=True)
    assert (
        db.session.scalar(select(ApiToken).where(ApiToken.user_id == tenants.a.credit.id)) is None
    )


def test_revoked_token_stops_working(client, signed_in, tenants):
    signed_in(tenants.a.owner)
    secret = create_token(client)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == tenants.a.owner.id))
    resp = client.post(
        f"/tokens/{token.id}/revoke", data={"csrf_token": csrf_of(client, "/tokens")}
    )
    assert resp.status_code == 302
    assert "revoked." in client.get("/tokens").get_data(as_text=True)
    api = client.application.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_revoking_needs_the_csrf_token(client, signed_in, tenants):
    signed_in(tenants.a.owner)
    create_token(client)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == tenants.a.owner.id))
    assert client.post(f"/tokens/{token.id}/revoke").status_code == 400
    db.session.refresh(token)
    assert token.revoked_at is None


def test_someone_elses_token_answers_404(client, signed_in, tenants):
    colleague, _ = services.issue_token(tenants.a.credit, name="colleague")
    stranger, _ = services.issue_token(tenants.b.owner, name="stranger")
    db.session.commit()
    signed_in(tenants.a.owner)
    for token in (colleague, stranger):
        resp = client.post(
            f"/tokens/{token.id}/revoke", data={"csrf_token": csrf_of(client, "/tokens")}
        )
        assert resp.status_code == 404
        db.session.refresh(token)
        assert token.revoked_at is None
    page = client.get("/tokens").get_data(as_text=True)
    assert "colleague" not in page and "stranger" not in page
