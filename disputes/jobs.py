"""Disputes' periodic jobs: the hourly SLA-breach notice (SPEC §3 notifications).

A dispute breaches its SLA when it is not resolved and its due date is before today. The
dispute's owner and the organisation's credit team (roles `credit` and `owner`, the credit
manager of SPEC §1) are told once per user and due date: the notification key carries the
due date, so an hourly re-run adds nothing, while a moved SLA date that breaches again is
a new breach and notifies again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Row, or_, select

from core.auth.models import Role, User
from core.extensions import db
from core.jobs import PeriodicJob, get_job_logger, job
from core.money import Money
from core.notifications import notify
from core.notifications.models import Notification
from disputes.models import Dispute
from disputes.reasons import format_reason
from disputes.states import DisputeStatus
from ledger import clock
from ledger.models import Debtor, Invoice

log = get_job_logger(__name__)

KIND = "sla_breach"
#: organisation roles told about every breach besides the dispute's own owner
TEAM_ROLES = (Role.CREDIT, Role.OWNER)
#: disputes handled per batch (bounds the IN lists of the two look-up queries)
BATCH = 500
#: characters of the description carried in the notification body
EXCERPT = 300


def breach_key(dispute_id: int, due_date: date) -> str:
    """The notification key of one breach: the same dispute with a new due date is new."""
    return f"dispute:{dispute_id}:sla_breach:{due_date.isoformat()}"


@job("default")
def notify_sla_breaches() -> int:
    """Notify owners and credit teams of breached disputes; returns notifications handed out.

    Set-based: one query for the breached disputes, then per batch one for the recipients
    and one for the keys already notified, so a re-run costs the same for 10 or 1,000.
    """
    today = clock.today()
    rows = db.session.execute(
        select(
            Dispute.id,
            Dispute.org_id,
            Dispute.owner_id,
            Dispute.due_date,
            Dispute.reason_team,
            Dispute.reason_code,
            Dispute.amount_minor,
            Dispute.currency,
            Dispute.description,
            Invoice.number,
            Debtor.name.label("debtor_name"),
        )
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .join(Debtor, Debtor.id == Invoice.debtor_id)
        .where(
            Dispute.status != DisputeStatus.RESOLVED,
            Dispute.due_date.is_not(None),
            Dispute.due_date < today,
        )
        .order_by(Dispute.id)
    ).all()
    sent = 0
    for start in range(0, len(rows), BATCH):
        sent += _notify_batch(rows[start : start + BATCH], today)
    if sent:
        log.info("%d SLA-breach notification(s) for %d breached dispute(s)", sent, len(rows))
    return sent


def _notify_batch(rows: Sequence[Row[Any]], today: date) -> int:
    org_ids = {row.org_id for row in rows}
    owner_ids = {row.owner_id for row in rows if row.owner_id is not None}
    users = db.session.execute(
        select(User.id, User.org_id, User.role).where(
            User.active.is_(True),
            User.org_id.in_(org_ids),
            or_(User.role.in_(TEAM_ROLES), User.id.in_(owner_ids)),
        )
    ).all()
    org_of = {user.id: user.org_id for user in users}
    team: dict[int, list[int]] = {}
    for user in sorted(users, key=lambda u: u.id):
        if user.role in TEAM_ROLES:
            team.setdefault(user.org_id, []).append(user.id)
    keys = {row.id: breach_key(row.id, row.due_date) for row in rows}
    done = {
        (user_id, key)
        for user_id, key in db.session.execute(
            select(Notification.user_id, Notification.key).where(
                Notification.key.in_(set(keys.values()))
            )
        )
    }
    sent = 0
    for row in rows:
        recipients = list(team.get(row.org_id, []))
        # the owner, if still an active member of the dispute's organisation
        if row.owner_id is not None and org_of.get(row.owner_id) == row.org_id:
            recipients.insert(0, row.owner_id)
        for user_id in dict.fromkeys(recipients):
            if (user_id, keys[row.id]) in done:
                continue
            notify(
                user_id,
                org_id=row.org_id,
                kind=KIND,
                title=f"SLA breached: dispute #{row.id} on invoice {row.number} "
                f"({row.debtor_name})",
                body=_body(row, today),
                url=f"/disputes/{row.id}",
                key=keys[row.id],
            )
            sent += 1
    return sent


def _body(row: Row[Any], today: date) -> str:
    """Plain text (escaped wherever it is shown): what, how much, since when, an excerpt."""
    days = (today - row.due_date).days
    amount = Money(row.amount_minor, row.currency)
    excerpt = " ".join(row.description.split())
    if len(excerpt) > EXCERPT:
        excerpt = excerpt[: EXCERPT - 1].rstrip() + "…"
    return (
        f"{format_reason(row.reason_team, row.reason_code)}, {amount}; due "
        f"{row.due_date.isoformat()}, {days} day{'s' if days != 1 else ''} overdue.\n{excerpt}"
    )


def schedule() -> list[PeriodicJob]:
    """The disputes' periodic jobs."""
    return [PeriodicJob(notify_sla_breaches, interval=timedelta(hours=1))]


def init_app(app: Flask) -> None:
    """Put the hourly SLA-breach job on the worker's schedule."""
    from core import hooks

    hooks.register("periodic_jobs", schedule)
