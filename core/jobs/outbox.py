"""Transactional outbox: a job is a row committed with the change that caused it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import JSON, Index, String, delete, event, func, inspect, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, utcnow
from core.extensions import db
from core.jobs.registry import job, resolve, spec_for

log = logging.getLogger(__name__)

_PENDING = "duebridge_outbox"


class OutboxMessage(Base):
    """A job waiting to run; `done_at` is set in the same transaction as the job's work."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "done_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "module:function" of a function declared with @job
    job: Mapped[str] = mapped_column(String(200))
    queue: Mapped[str] = mapped_column(String(32))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: last time the relay offered the row to RQ; None while Redis was unreachable
    enqueued_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]


def enqueue_after_commit(fn: Any, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Queue `fn(*args, **kwargs)` to run once the current transaction commits."""
    spec = spec_for(fn)
    row = OutboxMessage(job=spec.name, queue=spec.queue, args=list(args), kwargs=dict(kwargs))
    db.session.add(row)
    db.session.info.setdefault(_PENDING, []).append(row)
    return row


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    # Releasing a savepoint fires after_commit too; only the outermost commit is durable.
    if session.in_nested_transaction():
        return
    rows = session.info.pop(_PENDING, [])
    # Rows added inside a rolled-back savepoint are transient again: no identity, skipped.
    ids = [ident[0] for ident in (inspect(r).identity for r in rows) if ident is not None]
    if ids:
        dispatch(current_app._get_current_object(), ids)  # type: ignore[attr-defined]


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    # A savepoint rollback must not drop jobs queued earlier in the enclosing transaction.
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


def dispatch(app: Flask, ids: list[int]) -> None:
    """Hand committed outbox rows to RQ, or run them now when no Redis is configured.

    Runs in a fresh app context: the committing session may not emit SQL any more. Never
    raises: the caller has committed, and whatever failed here stays pending for the relay.
    """
    with app.app_context():
        try:
            if app.config.get("REDIS_URL"):
                _enqueue_rows(ids)
            else:
                for outbox_id in ids:
                    _run_inline(outbox_id)
        except Exception:
            log.exception("dispatch of outbox rows %s failed; the relay will retry", ids)
        finally:
            db.session.remove()


def _run_inline(outbox_id: int) -> None:
    try:
        execute(outbox_id)
    except Exception:
        # The request has committed; the row stays pending and `flask outbox relay` retries it.
        log.exception("inline job for outbox row %s failed", outbox_id)


def _enqueue_rows(ids: list[int]) -> int:
    """Push rows to RQ and stamp `enqueued_at`; on a Redis error leave them for the relay.

    Returns how many were newly queued (a row whose job RQ still holds is only stamped).
    """
    from redis.exceptions import RedisError

    from core.jobs.queues import enqueue_outbox

    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    handed, queued = [], 0
    try:
        for row in rows:
            try:
                queued += enqueue_outbox(row)
            except LookupError:
                # Not a declared job (tampered or renamed): never queued; stamped like the
                # others so it waits `stale_after` instead of heading every relay batch.
                log.error("outbox row %s names an undeclared job %r; not queued", row.id, row.job)
            handed.append(row.id)
    except RedisError as exc:
        log.warning(
            "Redis unavailable, %d job(s) left in the outbox: %s", len(rows) - len(handed), exc
        )
    if handed:
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(handed)).values(enqueued_at=utcnow())
        )
    db.session.commit()
    return queued


def execute(outbox_id: int) -> bool:
    """Run outbox row `outbox_id` once: mark it done and do its work in one transaction.

    Returns False when it had already run (a duplicate delivery). On PostgreSQL a second
    runner blocks on the row lock until the first commits, then sees it done. A row naming
    a function not declared with @job raises LookupError and nothing runs.
    """
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.done_at.is_(None))
        .values(done_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    try:
        row = db.session.get(OutboxMessage, outbox_id)
        assert row is not None
        fn, _spec = resolve(row.job)
        fn(*list(row.args), **dict(row.kwargs))
        db.session.commit()
    except BaseException:
        # The done mark goes with the work: a failed (or refused) job stays pending.
        db.session.rollback()
        raise
    return True


def relay_pending(
    *,
    min_age: timedelta = timedelta(seconds=5),
    stale_after: timedelta = timedelta(seconds=30),
    limit: int = 500,
) -> int:
    """Hand over rows that missed their after-commit dispatch (Redis down, lost queue).

    Rows younger than `min_age` are left to the committing process; rows enqueued longer
    than `stale_after` ago and still not done are offered again: RQ refuses a job id it
    still holds (queued, retrying, failed), so only jobs Redis lost are queued twice.
    """
    now = utcnow()
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.done_at.is_(None),
            OutboxMessage.created_at <= now - min_age,
            or_(
                OutboxMessage.enqueued_at.is_(None), OutboxMessage.enqueued_at <= now - stale_after
            ),
        )
        # never-queued rows first, then the longest unchecked, so old failures cannot hog it
        .order_by(OutboxMessage.enqueued_at.asc().nulls_first(), OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.rollback()
    if not ids:
        return 0
    if current_app.config.get("REDIS_URL"):
        return _enqueue_rows(list(ids))
    for outbox_id in ids:
        _run_inline(outbox_id)
    return len(ids)


def pending_count() -> int:
    """Rows not yet run (for health checks and tests)."""
    count = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.done_at.is_(None))
    )
    return int(count or 0)


@job("default")
def purge_done(days: int = 7) -> None:
    """Delete outbox rows that ran more than `days` ago."""
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.done_at <= utcnow() - timedelta(days=days))
    )
