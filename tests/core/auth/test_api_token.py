"""POST/DELETE /api/v1/auth/token, GET /api/v1/me (API.md "Auth and organisation")."""

from sqlalchemy import select

from core.audit import AuditEvent
from core.auth.models import ApiToken
from core.extensions import db
from tests.factories import PASSWORD


def test_credentials_give_a_token_and_the_user(client, tenants):
    resp = client.post(
        "/api/v1/auth/token", json={"email": tenants.a.owner.email, "password": PASSWORD}
    )
    assert resp.status_code == 201
    body = resp.json
    assert body["token"].startswith("dbt_")
    assert body["user"]["email"] == tenants.a.owner.email
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json == {
        "id": tenants.a.owner.id,
        "email": tenants.a.owner.email,
        "name": tenants.a.owner.name,
        "role": "owner",
        "is_admin": False,
        "organization": {"id": tenants.a.org.id, "name": tenants.a.org.name, "kind": "creditor"},
    }


def test_token_is_stored_only_as_a_hash(client, tenants):
    secret = client.post(
        "/api/v1/auth/token", json={"email": tenants.a.owner.email, "password": PASSWORD}
    ).json["token"]
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert secret not in stored and all(len(h) == 64 for h in stored)


def test_email_is_matched_case_insensitively(client, tenants):
    resp = client.post(
        "/api/v1/auth/token", json={"email": tenants.a.owner.email.upper(), "password": PASSWORD}
    )
    assert resp.status_code == 201


def test_wrong_password_and_unknown_user_answer_the_same_401(client, tenants):
    wrong = client.post(
        "/api/v1/auth/token", json={"email": tenants.a.owner.email, "password": "nope-nope-nope"}
    )
    unknown = client.post(
        "/api/v1/auth/token", json={"email": "ghost@example.com", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["error"]["code"] == "invalid_credentials"


def test_failed_attempts_are_audited(client, tenants):
    client.post("/api/v1/auth/token", json={"email": "ghost@example.com", "password": "x" * 12})
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert row is not None and row.subject == "ghost@example.com" and row.ip == "127.0.0.1"


def test_repeated_failures_on_one_account_answer_429_even_with_the_right_password(
    app, client, tenants
):
    email = tenants.a.owner.email
    for _ in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"]):
        assert (
            client.post(
                "/api/v1/auth/token", json={"email": email, "password": "wrong-password!"}
            ).status_code
            == 401
        )
    resp = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert resp.status_code == 429
    assert resp.json["error"]["code"] == "rate_limited"
    assert resp.headers["Retry-After"]


def test_many_attempts_from_one_address_are_rate_limited(app, client, tenants):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [
        client.post(
            "/api/v1/auth/token",
            json={"email": f"user{i}@example.com", "password": "wrong-password!"},
        ).status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429


def test_deactivated_user_gets_no_token(client, tenants):
    tenants.a.credit.active = False
    db.session.commit()
    resp = client.post(
        "/api/v1/auth/token", json={"email": tenants.a.credit.email, "password": PASSWORD}
    )
    assert resp.status_code == 401


def test_missing_fields_and_unknown_fields_are_422(client):
    assert client.post("/api/v1/auth/token", json={"email": "a@b.c"}).status_code == 422
    resp = client.post(
        "/api/v1/auth/token", json={"email": "a@b.c", "password": "x", "role": "owner"}
    )
    assert resp.status_code == 422
    assert resp.json["error"]["details"] == {"role": ["Unknown field."]}


def test_malformed_json_is_400_or_422_with_the_error_shape(client):
    resp = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert resp.status_code in (400, 422)
    assert set(resp.json["error"]) == {"code", "message", "details"}


def test_delete_revokes_the_token_used(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_delete_without_a_bearer_token_is_refused(client, tenants, login_as, csrf_token):
    login_as(tenants.a.owner)
    resp = client.delete("/api/v1/auth/token", headers={"X-CSRFToken": csrf_token("/tokens")})
    assert resp.status_code == 400
    assert resp.json["error"]["code"] == "no_bearer_token"


def test_me_without_credentials_is_401(client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.json["error"]["code"] == "unauthorized"


def test_a_garbage_or_revoked_token_is_401(client, tenants, bearer):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer dbt_nope"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_tokens_of_a_deactivated_user_stop_working(client, tenants, bearer):
    headers = bearer(tenants.a.credit)
    owner = bearer(tenants.a.owner)
    resp = client.patch(
        f"/api/v1/users/{tenants.a.credit.id}", json={"active": False}, headers=owner
    )
    assert resp.status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_session_cookie_api_writes_need_the_csrf_token(client, tenants, login_as):
    login_as(tenants.a.owner)
    resp = client.post("/api/v1/tokens", json={"name": "x"})
    assert resp.status_code == 400
    assert "CSRF" in resp.json["error"]["message"]
