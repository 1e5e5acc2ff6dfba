"""RQ plumbing: the Redis connection, queues, and pushing an outbox row as an RQ job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

from core.jobs.registry import QUEUES, resolve

if TYPE_CHECKING:
    from core.jobs.outbox import OutboxMessage

#: the RQ function every outbox row runs through
EXECUTE = "core.jobs.worker.run_outbox_message"


def redis_connection() -> Redis:
    """One client per app; short timeouts so an outage fails fast instead of hanging."""
    ext = current_app.extensions
    conn = ext.get("duebridge.redis")
    if conn is None:
        conn = Redis.from_url(
            current_app.config["REDIS_URL"], socket_timeout=5, socket_connect_timeout=2
        )
        ext["duebridge.redis"] = conn
    return conn


def queue(name: str) -> Queue:
    """The RQ queue `name` (one of QUEUES) on the app's Redis."""
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=redis_connection())


def enqueue_outbox(row: OutboxMessage) -> bool:
    """Push one row as RQ job `outbox-<id>`; False when RQ still holds that job.

    `unique` makes the check atomic: re-offering a row that is queued, waiting for a retry
    or failed neither queues it twice nor resets its retries; a job Redis lost is queued.
    A finished job is deleted at once (`result_ttl=0`: the outbox row is the record), so
    its id never blocks a row that reuses it (a restored or recreated database).
    """
    _fn, spec = resolve(row.job)
    retry = Retry(max=spec.retries, interval=list(spec.intervals)) if spec.retries else None
    try:
        queue(spec.queue).enqueue(
            EXECUTE,
            row.id,
            job_id=f"outbox-{row.id}",
            retry=retry,
            job_timeout=spec.timeout,
            description=f"{row.job} (outbox {row.id})",
            result_ttl=0,
            unique=True,
        )
    except DuplicateJobError:
        return False
    return True
