"""The /notifications page, the unread badge in the navigation, escaping (T18), CSRF."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.notifications import notify
from core.notifications.models import Notification
from core.notifications.services import email_preferences
from tests.core.web.conftest import csrf_of

SCRIPT = "<script>alert(1)</script>"


def _notify(user, key: str, title: str = "Dispute 7 moved to in review", body: str = "") -> None:
    notify(
        user.id,
        org_id=user.org_id,
        kind="status_change",
        title=title,
        url="/disputes/7",
        key=key,
        body=body,
    )


def test_anonymous_is_redirected_to_login(client):
    resp = client.get("/notifications")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.post("/notifications/read").status_code in (302, 400)


def test_page_lists_notifications_and_nav_shows_badge(client, tenants, login_as):
    user = tenants.a.sales
    _notify(user, "a")
    _notify(user, "b", title="Second one")
    _notify(tenants.a.credit, "c", title="Not for sales")
    db.session.commit()
    login_as(user)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Second one" in html and "Dispute 7 moved to in review" in html
    assert "Not for sales" not in html
    assert 'data-testid="unread-badge" aria-label="2 unread">2</span>' in html
    assert '/open"' in html
    dashboard = client.get("/").get_data(as_text=True)
    assert 'aria-label="2 unread">2</span>' in dashboard


def test_no_badge_when_nothing_unread(client, tenants, login_as):
    login_as(tenants.a.sales)
    html = client.get("/").get_data(as_text=True)
    assert "Notifications" in html and "unread-badge" not in html


def test_mark_all_read_form(client, tenants, login_as):
    user = tenants.a.sales
    _notify(user, "a")
    _notify(tenants.a.credit, "c")
    db.session.commit()
    login_as(user)
    token = csrf_of(client, "/notifications")
    resp = client.post("/notifications/read", data={"csrf_token": token})
    assert resp.status_code == 302
    html = client.get("/notifications").get_data(as_text=True)
    assert "unread-badge" not in html
    rows = db.session.scalars(select(Notification)).all()
    assert {n.user_id: n.read_at is not None for n in rows} == {
        user.id: True,
        tenants.a.credit.id: False,
    }


def test_mark_all_read_without_csrf_is_refused(client, tenants, login_as):
    user = tenants.a.sales
    _notify(user, "a")
    db.session.commit()
    login_as(user)
    assert client.post("/notifications/read").status_code == 400
    assert db.session.scalar(select(Notification.read_at)) is None


def test_preferences_form(client, tenants, login_as):
    user = tenants.a.sales
    login_as(user)
    token = csrf_of(client, "/notifications")
    resp = client.post(
        "/notifications/preferences", data={"csrf_token": token, "email": ["assignment"]}
    )
    assert resp.status_code == 302
    prefs = email_preferences(user.id)
    assert prefs["assignment"] is True and prefs["mention"] is False


def test_hostile_title_and_body_are_escaped(client, tenants, login_as):
    user = tenants.a.sales
    _notify(user, "x", title=f"Evil {SCRIPT}", body=f'" onmouseover="alert(1) {SCRIPT}')
    db.session.commit()
    login_as(user)
    html = client.get("/notifications").get_data(as_text=True)
    assert "<script" not in html
    assert 'onmouseover="alert' not in html
    assert "&lt;script&gt;" in html


def test_following_a_notification_marks_it_read_and_goes_where_it_points(client, tenants, login_as):
    user = tenants.a.sales
    _notify(user, "a")
    _notify(user, "b", title="Still unread")
    db.session.commit()
    first = db.session.scalar(select(Notification).where(Notification.key == "a"))
    client = login_as(user)
    page = client.get("/notifications").text
    assert f"/notifications/{first.id}/open" in page
    resp = client.get(f"/notifications/{first.id}/open")
    assert resp.status_code == 302 and resp.headers["Location"] == "/disputes/7"
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    assert {n.key: n.read_at is not None for n in rows} == {"a": True, "b": False}


def test_nobody_opens_another_users_notification(client, tenants, login_as):
    _notify(tenants.a.credit, "theirs")
    db.session.commit()
    theirs = db.session.scalar(select(Notification).where(Notification.key == "theirs"))
    resp = login_as(tenants.a.sales).get(f"/notifications/{theirs.id}/open")
    assert resp.status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None
