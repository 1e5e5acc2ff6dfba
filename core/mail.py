"""Outgoing e-mail: a row per message (rendered at queue time), sent over SMTP by a job.

`queue_email(..., key=...)` is idempotent on `key`, and the job skips a row already
sent, so a retried or duplicated job sends one e-mail.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from sqlalchemy import ForeignKey, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow
from core.extensions import db
from core.jobs import enqueue_after_commit, get_job_logger, job

log = get_job_logger(__name__)


class OutgoingEmail(Base):
    """An e-mail we decided to send; `sent_at` is set once SMTP accepted it."""

    __tablename__ = "outgoing_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: dedupe key, e.g. "invitation:12"; the same key never queues a second e-mail
    key: Mapped[str] = mapped_column(String(200), unique=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


def queue_email(
    *, key: str, to: str, subject: str, template: str, org_id: int | None = None, **context: object
) -> OutgoingEmail:
    """Render `emails/<template>.txt` now and send it after the transaction commits."""
    existing = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.key == key))
    if existing is not None:
        return existing
    body = render_template(f"emails/{template}.txt", **context)
    email = OutgoingEmail(key=key, to=to, subject=subject, body_text=body, org_id=org_id)
    db.session.add(email)
    db.session.flush()
    enqueue_after_commit(deliver_email, email.id)
    return email


@job("emails", retries=5, intervals=(10, 30, 60, 300, 900))
def deliver_email(email_id: int) -> None:
    """Send one queued e-mail unless it has been sent already."""
    # Claim the row before talking to SMTP: a concurrent second delivery waits on the row
    # lock (PostgreSQL) and then finds it sent. If sending fails, the rollback un-claims it.
    claimed = db.session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id, OutgoingEmail.sent_at.is_(None))
        .values(sent_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return
    email = db.session.get(OutgoingEmail, email_id)
    assert email is not None
    send_smtp(email.to, email.subject, email.body_text)
    log.info("sent e-mail %s to %s", email.key, email.to)


def send_smtp(to: str, subject: str, body: str) -> None:
    """Deliver through the configured SMTP server; without one, log it (demo mode)."""
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="duebridge")
    msg.set_content(body)
    if not cfg.get("MAIL_SERVER"):
        logging.getLogger(__name__).warning("MAIL_SERVER unset; e-mail not sent:\n%s", msg)
        return
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
    try:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(msg)
    finally:
        _close_quietly(smtp)


def _close_quietly(smtp: smtplib.SMTP) -> None:
    """QUIT and close; once the message is accepted, a failed QUIT must not fail the job."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
