"""notify(): one row and one e-mail per key, preferences respected, flush only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.mail import OutgoingEmail
from core.notifications import notify
from core.notifications.models import Notification
from core.notifications.services import set_email_preferences, unread_count

SCRIPT = "<script>alert(1)</script>"


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _notify(user, key="k1", kind="mention", **extra):
    notify(
        user.id,
        org_id=user.org_id,
        kind=kind,
        title=extra.pop("title", "Anna mentioned you on dispute 7"),
        url=extra.pop("url", "/disputes/7"),
        key=key,
        **extra,
    )


def test_notify_creates_one_row_and_one_email_idempotent_on_key(tenants):
    user = tenants.a.sales
    _notify(user, body="Can you check the delivery note?")
    _notify(user)  # same key: nothing
    db.session.commit()
    _notify(user)  # same key, after the commit too
    db.session.commit()

    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.org_id, row.kind, row.url, row.read_at) == (
        user.org_id,
        "mention",
        "/disputes/7",
        None,
    )
    emails = db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.to == user.email)).all()
    assert len(emails) == 1
    email = emails[0]
    assert email.key == f"notification:{row.id}"
    assert email.subject == "Duebridge: Anna mentioned you on dispute 7"
    assert "Can you check the delivery note?" in email.body_text
    assert "http://localhost/disputes/7" in email.body_text
    assert email.sent_at is not None  # the job ran after the commit (inline mode)


def test_the_same_key_for_another_user_is_another_notification(tenants):
    _notify(tenants.a.sales)
    _notify(tenants.a.credit)
    db.session.commit()
    assert _count(Notification, Notification.key == "k1") == 2


def test_notify_only_flushes_the_caller_commits(tenants):
    user = tenants.a.sales
    _notify(user)
    assert _count(Notification, Notification.user_id == user.id) == 1
    db.session.rollback()
    assert _count(Notification, Notification.user_id == user.id) == 0
    assert _count(OutgoingEmail, OutgoingEmail.to == user.email) == 0


def test_preference_off_means_no_email_but_still_in_app(tenants):
    user = tenants.a.sales
    set_email_preferences(user.id, {"mention": False})
    _notify(user, key="m", kind="mention")
    _notify(user, key="a", kind="assignment")  # other kinds still e-mail
    db.session.commit()
    assert unread_count(user.id) == 2
    emails = db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.to == user.email)).all()
    assert len(emails) == 1


def test_email_body_is_plain_text_and_subject_one_line(tenants):
    user = tenants.a.sales
    _notify(user, title=f"Line one\r\nBcc: x@evil.example {SCRIPT}", body=SCRIPT)
    db.session.commit()
    email = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.to == user.email))
    assert "\n" not in email.subject and "\r" not in email.subject
    assert SCRIPT in email.body_text  # text/plain: shown literally, never rendered as HTML
    assert "&lt;" not in email.body_text


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "disputes/7"])
def test_urls_must_be_local_paths(tenants, url):
    with pytest.raises(ValueError):
        _notify(tenants.a.sales, url=url)


def test_kind_must_look_like_a_kind(tenants):
    with pytest.raises(ValueError):
        _notify(tenants.a.sales, kind="Not A Kind")
