"""Credit hold (SPEC §2): the policy, a debtor's credit status, and the daily hold pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select

from core import audit
from core.auth.models import Organization, User
from core.extensions import db
from core.money import Money
from ledger.clock import today as utc_today
from ledger.models import Debtor, Invoice

#: defaults until organisations carry their own policy columns (see `policy_for`)
DEFAULT_MAX_DAYS_OVERDUE = 60
DEFAULT_BLOCK_OVER_LIMIT = True


@dataclass(frozen=True)
class CreditPolicy:
    """Block new orders past `max_days_overdue` or, if set, above the credit limit."""

    max_days_overdue: int | None = DEFAULT_MAX_DAYS_OVERDUE
    block_over_limit: bool = DEFAULT_BLOCK_OVER_LIMIT


@dataclass
class CreditStatus:
    block_new_orders: bool
    reasons: list[dict[str, str]]
    exposure: Money
    credit_limit: Money | None
    overdue: Money
    max_days_overdue: int
    on_hold: bool
    policy: CreditPolicy = field(default_factory=CreditPolicy)


def policy_for(org: Organization) -> CreditPolicy:
    """The organisation's policy; optional columns override the defaults once they exist."""
    return CreditPolicy(
        max_days_overdue=getattr(org, "credit_hold_days_overdue", DEFAULT_MAX_DAYS_OVERDUE),
        block_over_limit=getattr(org, "credit_hold_over_limit", DEFAULT_BLOCK_OVER_LIMIT),
    )


def exposure_query(org_id: int, today: date) -> Select[Any]:
    """Per debtor, in the debtor's own currency: exposure, overdue and the oldest due date."""
    overdue = Invoice.due_date < today
    return (
        select(
            Invoice.debtor_id,
            func.coalesce(func.sum(Invoice.outstanding_minor), 0).label("exposure"),
            func.coalesce(func.sum(case((overdue, Invoice.outstanding_minor), else_=0)), 0).label(
                "overdue"
            ),
            func.min(case((overdue, Invoice.due_date))).label("oldest_due"),
        )
        .join(Debtor, Debtor.id == Invoice.debtor_id)
        .where(
            Invoice.org_id == org_id,
            Invoice.currency == Debtor.currency,
            Invoice.outstanding_minor > 0,
            Invoice.cancelled_on.is_(None),
            Invoice.written_off_on.is_(None),
        )
        .group_by(Invoice.debtor_id)
    )


def _reasons(
    policy: CreditPolicy,
    *,
    on_hold: bool,
    days_overdue: int,
    exposure: Money,
    limit: Money | None,
) -> list[dict[str, str]]:
    reasons = []
    if on_hold:
        reasons.append({"code": "on_hold", "message": "The debtor is on credit hold."})
    if policy.max_days_overdue is not None and days_overdue > policy.max_days_overdue:
        reasons.append(
            {
                "code": "overdue",
                "message": f"An invoice is {days_overdue} days overdue "
                f"(policy: more than {policy.max_days_overdue}).",
            }
        )
    if policy.block_over_limit and limit is not None and exposure.minor > limit.minor:
        reasons.append(
            {
                "code": "over_credit_limit",
                "message": f"Exposure {exposure} is above the credit limit {limit}.",
            }
        )
    return reasons


def _days(oldest_due: Any, today: date) -> int:
    if oldest_due is None:
        return 0
    due = oldest_due if isinstance(oldest_due, date) else date.fromisoformat(str(oldest_due))
    return (today - due).days


def credit_status(debtor: Debtor, org: Organization, today: date | None = None) -> CreditStatus:
    """Whether to block a new order for `debtor`, and why (one statement)."""
    today = today or utc_today()
    policy = policy_for(org)
    row = db.session.execute(
        exposure_query(debtor.org_id, today).where(Invoice.debtor_id == debtor.id)
    ).one_or_none()
    exposure = Money(int(row.exposure) if row else 0, debtor.currency)
    overdue = Money(int(row.overdue) if row else 0, debtor.currency)
    days = _days(row.oldest_due if row else None, today)
    reasons = _reasons(
        policy,
        on_hold=debtor.on_hold,
        days_overdue=days,
        exposure=exposure,
        limit=debtor.credit_limit,
    )
    return CreditStatus(
        block_new_orders=bool(reasons),
        reasons=reasons,
        exposure=exposure,
        credit_limit=debtor.credit_limit,
        overdue=overdue,
        max_days_overdue=days,
        on_hold=debtor.on_hold,
        policy=policy,
    )


def apply_credit_hold_policy(
    org: Organization, *, actor: User | None = None, today: date | None = None
) -> list[Debtor]:
    """Put on hold every debtor of `org` the policy blocks; an audit row per change.

    Holds are only set, never lifted: a hold set by hand looks the same as one set here.
    """
    today = today or utc_today()
    policy = policy_for(org)
    figures = exposure_query(org.id, today).subquery("figures")
    rows = db.session.execute(
        select(Debtor, figures.c.exposure, figures.c.oldest_due)
        .join(figures, figures.c.debtor_id == Debtor.id)
        .where(Debtor.org_id == org.id, Debtor.on_hold.is_(False))
    ).all()
    changed = []
    for debtor, exposure_minor, oldest_due in rows:
        reasons = _reasons(
            policy,
            on_hold=False,
            days_overdue=_days(oldest_due, today),
            exposure=Money(int(exposure_minor), debtor.currency),
            limit=debtor.credit_limit,
        )
        if not reasons:
            continue
        debtor.on_hold = True
        changed.append(debtor)
        audit.record(
            "debtor.credit_hold_set",
            actor=actor,
            org=org,
            object_type="debtor",
            object_id=debtor.id,
            before={"on_hold": False},
            after={"on_hold": True},
            details={"reasons": [r["code"] for r in reasons], "as_of": today.isoformat()},
        )
    db.session.flush()
    return changed
