"""Closed cases for the closing, review, statistics and comparison tests (real services)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.db import utcnow
from core.extensions import db
from ledger.clock import today
from marketplace import closing
from marketplace.models import Case
from marketplace.states import CaseOutcome
from marketplace.workspace import activities
from tests.marketplace.workspace.helpers import (
    Awarded,
    add_cost,
    add_recovery,
    make_awarded_case,
)


def backdate_award(case: Case, days: int) -> None:
    """Move the award `days` into the past (as time would)."""
    db.session.execute(
        update(Case).where(Case.id == case.id).values(awarded_at=utcnow() - timedelta(days=days)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    db.session.expire_all()


def close(case: Case, actor, outcome: str = "recovered_full") -> Case:
    closed = closing.close_case(case, actor=actor, outcome=CaseOutcome(outcome))
    db.session.commit()
    return closed


def closed_case(
    tenants,
    *,
    agency=None,
    outcome: str = "recovered_full",
    recovered: str | None = None,
    awarded_days_ago: int = 0,
    contact_after_days: int | None = None,
    creditor_cost: str | None = None,
    **kw,
) -> Awarded:
    """Creditor A's 1500.00 EUR case, awarded to `agency` (X), worked and closed.

    `recovered`: one recovery today; `contact_after_days`: a call that many days after
    the award; `creditor_cost`: an expense the creditor bears and cannot claim back.
    """
    agency = agency or tenants.x
    awarded = make_awarded_case(tenants, agency=agency, loser=False, **kw)
    if awarded_days_ago:
        backdate_award(awarded.case, awarded_days_ago)
    case = db.session.get(Case, awarded.id)
    if contact_after_days is not None:
        day = today() - timedelta(days=awarded_days_ago - contact_after_days)
        activities.log_activity(
            case, actor=agency.owner, kind="call", occurred_on=day, note="Called the debtor"
        )
        db.session.commit()
    if recovered:
        add_recovery(case, agency.owner, recovered)
    if creditor_cost:
        add_cost(db.session.get(Case, awarded.id), tenants.a.owner, creditor_cost)
    close(db.session.get(Case, awarded.id), tenants.a.owner, outcome)
    return awarded
