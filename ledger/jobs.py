"""Ledger jobs: the daily credit-hold pass."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.auth.models import Organization, OrgKind
from core.extensions import db
from core.jobs import PeriodicJob, get_job_logger, job
from ledger.clock import today
from ledger.reports.credit import apply_credit_hold_policy

log = get_job_logger(__name__)


@job("default")
def apply_credit_holds() -> None:
    """Apply every creditor's credit-hold policy (safe to run twice: holds are only set)."""
    creditors = db.session.scalars(
        select(Organization).where(Organization.kind == OrgKind.CREDITOR)
    )
    for org in creditors:
        held = apply_credit_hold_policy(org, today=today())
        if held:
            log.info("%s: %d debtor(s) put on credit hold", org.name, len(held))


def schedule() -> list[PeriodicJob]:
    """The ledger's periodic jobs."""
    return [PeriodicJob(apply_credit_holds, interval=timedelta(hours=24))]
