"""Session lifecycle: rotation on sign-in (T13), revocation on sign-out and deactivation (T14)."""

from __future__ import annotations

from core.extensions import db
from tests.core.web.conftest import csrf_of, sign_in

COOKIE = "duebridge_session"


def replay(app, cookie_value: str):
    """A second browser that presents a captured session cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie_value)
    return other


def test_values_planted_before_sign_in_are_dropped(client, tenants):
    with client.session_transaction() as sess:
        sess["planted"] = "attacker"
        sess["_user_id"] = f"{tenants.b.owner.id}:0"
    assert sign_in(client, tenants.a.owner.email).status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == tenants.a.owner.get_id()


def test_attacker_fixed_cookie_stays_anonymous_after_victim_signs_in(app, client, tenants):
    client.get("/login")
    fixed = client.get_cookie(COOKIE).value
    assert sign_in(client, tenants.a.owner.email).status_code == 302
    assert client.get_cookie(COOKIE).value != fixed
    assert replay(app, fixed).get("/").status_code == 302


def test_cookie_captured_before_sign_out_is_rejected_after(app, client, signed_in, tenants):
    signed_in(tenants.a.credit)
    captured = client.get_cookie(COOKIE).value
    assert replay(app, captured).get("/").status_code == 200
    resp = client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/login"
    thief = replay(app, captured)
    page = thief.get("/")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login")
    assert thief.get("/api/v1/me").status_code == 401


def test_sign_out_ends_every_session_of_the_user(app, tenants):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, tenants.a.owner.email)
    sign_in(phone, tenants.a.owner.email)
    laptop.post("/logout", data={"csrf_token": csrf_of(laptop, "/")})
    assert phone.get("/").status_code == 302


def test_cookie_of_a_deactivated_member_is_rejected(app, client, signed_in, tenants):
    victim = app.test_client()
    sign_in(victim, tenants.a.sales.email)
    captured = victim.get_cookie(COOKIE).value
    signed_in(tenants.a.owner)
    resp = client.post(
        f"/team/{tenants.a.sales.id}",
        data={"csrf_token": csrf_of(client, "/team"), "role": "sales"},
    )
    assert resp.status_code == 302
    assert replay(app, captured).get("/").status_code == 302
    assert replay(app, captured).get("/api/v1/me").status_code == 401


def test_cookie_captured_before_a_password_change_is_rejected(app, client, signed_in, tenants):
    signed_in(tenants.a.viewer)
    captured = client.get_cookie(COOKIE).value
    resp = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_of(client, "/account"),
            "current_password": "correct horse battery staple",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert resp.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert replay(app, captured).get("/").status_code == 302
    assert sign_in(app.test_client(), tenants.a.viewer.email).status_code == 401
    assert (
        sign_in(app.test_client(), tenants.a.viewer.email, "a brand new passphrase").status_code
        == 302
    )


def test_password_change_needs_the_current_password(client, signed_in, tenants):
    signed_in(tenants.a.viewer)
    resp = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_of(client, "/account"),
            "current_password": "not my password!",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert resp.status_code == 422
    assert "Wrong password." in resp.get_data(as_text=True)
    db.session.refresh(tenants.a.viewer)
    assert tenants.a.viewer.session_version == 1


def test_get_logout_is_not_allowed(client, signed_in, tenants):
    signed_in(tenants.a.owner)
    resp = client.get("/logout")
    assert resp.status_code == 405
    assert "<html" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_logout_without_csrf_token_is_refused(client, signed_in, tenants):
    signed_in(tenants.a.owner)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_sign_out_with_an_ended_session_just_lands_on_the_sign_in_page(app, client, tenants):
    sign_in(client, tenants.a.owner.email)
    token = csrf_of(client, "/")
    other = app.test_client()
    sign_in(other, tenants.a.owner.email)
    other.post("/logout", data={"csrf_token": csrf_of(other, "/")})  # ends both sessions
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/login"


def test_logout_with_another_sessions_token_is_refused(app, client, signed_in, tenants):
    attacker = app.test_client()
    foreign_token = csrf_of(attacker, "/login")
    signed_in(tenants.a.owner)
    assert client.post("/logout", data={"csrf_token": foreign_token}).status_code == 400
    assert client.get("/").status_code == 200
