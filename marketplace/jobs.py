"""Marketplace periodic work: listings past their deadline expire."""

from __future__ import annotations

from datetime import timedelta

from core.jobs import PeriodicJob, get_job_logger, job
from marketplace.services import cases

log = get_job_logger(__name__)


@job("default")
def expire_listings() -> None:
    """Expire listed cases whose bidding deadline passed without an award (idempotent)."""
    expired = cases.expire_due_listings()
    if expired:
        log.info("expired %d listing(s): %s", len(expired), expired[:50])


def schedule() -> list[PeriodicJob]:
    """The marketplace's periodic jobs."""
    return [PeriodicJob(expire_listings, interval=timedelta(hours=1))]
