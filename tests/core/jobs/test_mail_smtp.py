"""E-mail over real SMTP (aiosmtpd on loopback), jobs inline."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.auth import services
from core.extensions import db
from core.jobs import OutboxMessage, enqueue_after_commit, execute, relay_pending
from core.mail import OutgoingEmail, deliver_email
from tests.core.jobs.conftest import SmtpSink, free_port, make_owner

LINK = re.compile(r"http://localhost/invitations/([A-Za-z0-9_-]{20,})")


def invitation_email(address: str) -> OutgoingEmail:
    email = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.to == address))
    assert email is not None
    return email


def outbox_rows_for(email: OutgoingEmail) -> list[OutboxMessage]:
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [r for r in rows if r.job == "core.mail:deliver_email" and r.args == [email.id]]


def test_invitation_sends_one_email_with_a_working_link(make_app, smtp: SmtpSink) -> None:
    variant = make_app(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    with variant.app_context():
        owner = make_owner()

        resp = owner.invite(variant.test_client(), "new.person@example.com")

        assert resp.status_code == 201, resp.json
        [message] = smtp.messages
        assert message["To"] == "new.person@example.com"
        assert "invited you to" in message["Subject"]
        match = LINK.search(message.get_content())
        assert match, message.get_content()
        invitation = services.find_invitation(match.group(1))
        assert invitation.email == "new.person@example.com"
        assert invitation_email("new.person@example.com").sent_at is not None


def test_delivering_the_same_email_twice_sends_it_once(make_app, smtp: SmtpSink) -> None:
    variant = make_app(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    with variant.app_context():
        owner = make_owner()
        assert owner.invite(variant.test_client(), "twice@example.com").status_code == 201
        email = invitation_email("twice@example.com")
        [row] = outbox_rows_for(email)

        assert execute(row.id) is False  # the same outbox row delivered again
        enqueue_after_commit(deliver_email, email.id)  # a second job for the same e-mail
        db.session.commit()

        assert len(smtp.to("twice@example.com")) == 1
        assert all(r.done_at is not None for r in outbox_rows_for(email))


def test_email_waits_while_smtp_is_down_and_is_sent_once_by_the_relay(
    make_app, smtp: SmtpSink
) -> None:
    variant = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens
    with variant.app_context():
        owner = make_owner()

        resp = owner.invite(variant.test_client(), "later@example.com")

        assert resp.status_code == 201  # committed; the failed send is the job's problem
        email = invitation_email("later@example.com")
        assert email.sent_at is None
        [row] = outbox_rows_for(email)
        assert row.done_at is None

        variant.config["MAIL_PORT"] = smtp.port  # the mail server is back
        relay_pending(min_age=timedelta(0))
        relay_pending(min_age=timedelta(0))

        assert len(smtp.to("later@example.com")) == 1
        db.session.refresh(email)
        assert email.sent_at is not None
