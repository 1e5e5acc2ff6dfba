"""GET /api/v1/notifications, POST /api/v1/notifications/read, preferences."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.notifications import notify
from core.notifications.models import Notification


def _seed(user, n: int, prefix: str = "n") -> list[int]:
    for i in range(n):
        notify(
            user.id,
            org_id=user.org_id,
            kind="status_change",
            title=f"{prefix} {i}",
            url=f"/disputes/{i}",
            key=f"{prefix}:{i}",
        )
    db.session.commit()
    rows = db.session.scalars(
        select(Notification.id).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return list(rows)


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/notifications").status_code == 401
    # no session and no token: authentication answers, not the CSRF check
    assert client.post("/api/v1/notifications/read", json={}).status_code == 401
    bogus = {"Authorization": "Bearer not-a-token"}
    assert client.post("/api/v1/notifications/read", json={}, headers=bogus).status_code == 401
    assert (
        client.put(
            "/api/v1/notifications/preferences", json={"email": {}}, headers=bogus
        ).status_code
        == 401
    )
    assert client.get("/api/v1/notifications/preferences").status_code == 401


def test_list_is_own_newest_first_paginated_with_unread_count(client, tenants, bearer):
    ids = _seed(tenants.a.sales, 3)
    _seed(tenants.a.credit, 2, prefix="other")
    resp = client.get("/api/v1/notifications?page_size=2", headers=bearer(tenants.a.sales))
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["total"] == 3 and data["unread"] == 3 and data["page"] == 1
    assert [item["id"] for item in data["items"]] == [ids[2], ids[1]]
    assert data["items"][0]["title"] == "n 2" and data["items"][0]["read"] is False
    assert set(data["items"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
        "read",
    }


def test_mark_some_read_then_unread_filter(client, tenants, bearer):
    ids = _seed(tenants.a.sales, 3)
    headers = bearer(tenants.a.sales)
    resp = client.post("/api/v1/notifications/read", json={"ids": [ids[0]]}, headers=headers)
    assert resp.status_code == 200 and resp.get_json() == {"unread": 2}
    data = client.get("/api/v1/notifications?unread=true", headers=headers).get_json()
    assert data["total"] == 2 and data["unread"] == 2
    assert ids[0] not in [item["id"] for item in data["items"]]
    full = client.get("/api/v1/notifications", headers=headers).get_json()
    assert [i["read"] for i in full["items"]] == [False, False, True]


def test_mark_all_read(client, tenants, bearer):
    _seed(tenants.a.sales, 3)
    headers = bearer(tenants.a.sales)
    resp = client.post("/api/v1/notifications/read", json={}, headers=headers)
    assert resp.status_code == 200 and resp.get_json() == {"unread": 0}
    assert client.get("/api/v1/notifications", headers=headers).get_json()["unread"] == 0


def test_other_users_ids_are_ignored_and_untouched(client, tenants, bearer):
    mine = _seed(tenants.a.sales, 1)
    colleague = _seed(tenants.a.credit, 1, prefix="c")
    foreign = _seed(tenants.b.owner, 1, prefix="b")
    headers = bearer(tenants.a.sales)
    resp = client.post(
        "/api/v1/notifications/read", json={"ids": colleague + foreign + [10**9]}, headers=headers
    )
    assert resp.status_code == 200 and resp.get_json() == {"unread": 1}
    untouched = db.session.scalars(
        select(Notification).where(Notification.id.in_(mine + colleague + foreign))
    ).all()
    assert all(n.read_at is None for n in untouched)
    # mark-all as well touches only the caller's rows
    client.post("/api/v1/notifications/read", json={}, headers=headers)
    db.session.expire_all()
    states = {n.id: n.read_at is not None for n in db.session.scalars(select(Notification))}
    assert states[mine[0]] and not states[colleague[0]] and not states[foreign[0]]


def test_bad_ids_are_422(client, tenants, bearer):
    resp = client.post(
        "/api/v1/notifications/read", json={"ids": ["x"]}, headers=bearer(tenants.a.sales)
    )
    assert resp.status_code == 422


def test_preferences_default_on_and_partial_update(client, tenants, bearer):
    headers = bearer(tenants.a.sales)
    prefs = client.get("/api/v1/notifications/preferences", headers=headers).get_json()["email"]
    assert prefs["mention"] is True and all(prefs.values())
    resp = client.put(
        "/api/v1/notifications/preferences", json={"email": {"mention": False}}, headers=headers
    )
    assert resp.status_code == 200
    assert resp.get_json()["email"]["mention"] is False
    assert resp.get_json()["email"]["assignment"] is True
    again = client.get("/api/v1/notifications/preferences", headers=headers).get_json()["email"]
    assert again["mention"] is False
    # someone else's preferences are their own
    other = client.get(
        "/api/v1/notifications/preferences", headers=bearer(tenants.a.credit)
    ).get_json()["email"]
    assert other["mention"] is True


def test_unknown_preference_kind_is_422(client, tenants, bearer):
    resp = client.put(
        "/api/v1/notifications/preferences",
        json={"email": {"nonsense": False}},
        headers=bearer(tenants.a.sales),
    )
    assert resp.status_code == 422
