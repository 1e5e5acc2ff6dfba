"""Background jobs: a transactional outbox relayed to RQ, or run inline without Redis.

    @job("emails")
    def deliver_email(email_id: int) -> None: ...

    jobs.enqueue_after_commit(deliver_email, email.id)   # inside a service

`enqueue_after_commit` writes an outbox row in the caller's transaction. After the
commit the row is handed to RQ (or run at once when `REDIS_URL` is unset); if Redis is
down the row waits and `relay_pending()` (the worker's beat, or `flask outbox relay`)
hands it over later. Running marks the row done in the job's own transaction, so a job
relayed twice runs once.
"""

from core.jobs.outbox import OutboxMessage, enqueue_after_commit, execute, relay_pending
from core.jobs.registry import QUEUES, PeriodicJob, get_job_logger, job, periodic_jobs

__all__ = [
    "QUEUES",
    "OutboxMessage",
    "PeriodicJob",
    "enqueue_after_commit",
    "execute",
    "get_job_logger",
    "job",
    "periodic_jobs",
    "relay_pending",
]
