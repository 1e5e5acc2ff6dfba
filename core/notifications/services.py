"""Creating notifications, reading preferences, marking read. Flushes, never commits."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.auth.models import User
from core.db import utcnow
from core.extensions import db
from core.mail import queue_email
from core.notifications.models import KINDS, Notification, NotificationPreference

_KIND = re.compile(r"^[a-z][a-z_]{0,39}$")


def notify(
    user_id: int, *, org_id: int, kind: str, title: str, url: str, key: str, body: str = ""
) -> None:
    """Notify `user_id` in-app and, unless they opted out of `kind`, by e-mail.

    `key` is unique per user: a second call with the same key does nothing. `url` must be
    a local path. The rows are flushed into the caller's transaction, which commits them;
    the e-mail is sent by a job after that commit.
    """
    if not _KIND.match(kind):
        raise ValueError(f"bad notification kind {kind!r}")
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        raise ValueError(f"notification url must be a local path, got {url!r}")
    exists = select(Notification.id).where(Notification.user_id == user_id, Notification.key == key)
    if db.session.scalar(exists) is not None:
        return
    title = " ".join(title.split())[:300]  # one line: it is also an e-mail subject
    row = Notification(
        org_id=org_id, user_id=user_id, kind=kind, title=title, body=body, url=url, key=key
    )
    try:
        with db.session.begin_nested():  # a concurrent twin wins the unique key; we do nothing
            db.session.add(row)
    except IntegrityError:
        return
    user = db.session.get(User, user_id)
    if user is None or not user.active or not wants_email(user_id, kind):
        return
    queue_email(
        key=f"notification:{row.id}",
        to=user.email,
        subject=f"Duebridge: {title}",
        template="notification",
        org_id=org_id,
        user=user,
        title=title,
        body=body,
        link=current_app.config["PUBLIC_URL"] + url,
    )


def wants_email(user_id: int, kind: str) -> bool:
    """The user's e-mail preference for `kind` (default: yes)."""
    stored = db.session.scalar(
        select(NotificationPreference.email).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
        )
    )
    return True if stored is None else stored


def email_preferences(user_id: int) -> dict[str, bool]:
    """`{kind: wants e-mail}` for every known kind."""
    stored = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.email).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: stored.get(kind, True) for kind in KINDS}


def set_email_preferences(user_id: int, changes: dict[str, bool]) -> dict[str, bool]:
    """Store the given kinds' e-mail choices (others stay as they are)."""
    rows = {
        p.kind: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    for kind, email in changes.items():
        if kind in rows:
            rows[kind].email = email
        else:
            db.session.add(NotificationPreference(user_id=user_id, kind=kind, email=email))
    db.session.flush()
    return email_preferences(user_id)


def unread_count(user_id: int) -> int:
    """One COUNT over the user's unread rows (the navigation badge)."""
    query = select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def mark_read(user_id: int, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all, or those of `ids`); return the unread count.

    Only `user_id`'s rows are touched: ids of other users' notifications are ignored.
    """
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    db.session.execute(query.values(read_at=utcnow()))
    return unread_count(user_id)
