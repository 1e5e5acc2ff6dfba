"""Payment plans on a case: an instalment schedule and its tracking. Flush only.

Rules: instalment dates strictly increasing, none in the past; every amount positive and
in the case's currency; the total at most what the case still owes (invoices' outstanding
plus open recoverable costs) — a plan may cover part of the debt, never more than all of
it. A new plan replaces the current one, which stays as history. Agreeing a plan on an
active case also puts it in the `payment_plan` stage (services.stages).

Tracking: recoveries received from the day the plan was agreed pay its instalments in
date order; an instalment is `paid`, `partly_paid`, or else `overdue` (date passed) or
`due`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from core.auth.models import User
from core.db import utcnow
from core.errors import ValidationFailed
from core.extensions import db
from core.money import Money
from ledger.clock import today
from marketplace.models import Case
from marketplace.services.events import record
from marketplace.services.stages import plan_agreed
from marketplace.workspace import recoveries
from marketplace.workspace.models import PaymentPlan, PlanInstalment, Recovery
from marketplace.workspace.work import clean_text, require_running

MAX_NOTE = 1000
MAX_INSTALMENTS = 120


def owed_on_case(case: Case) -> Money:
    """What the case still owes: open invoices' outstanding plus open recoverable costs."""
    principal = sum(i.outstanding_minor for i in recoveries.open_invoices(case))
    return Money(principal + recoveries.legal_costs_open(case), case.currency)


def agree_plan(
    case: Case,
    *,
    actor: User,
    instalments: list[dict[str, Any]],
    note: str | None = None,
) -> PaymentPlan:
    """Record a plan (the agency, or the creditor's owner/credit); it replaces the current."""
    require_running(case)
    _check(case, instalments)
    now = utcnow()
    replaced = db.session.execute(
        update(PaymentPlan)
        .where(PaymentPlan.case_id == case.id, PaymentPlan.replaced_at.is_(None))
        .values(replaced_at=now)
        .returning(PaymentPlan.id),
        execution_options={"synchronize_session": False},
    ).scalar()
    plan = PaymentPlan(
        org_id=case.org_id,
        case_id=case.id,
        currency=case.currency,
        total_minor=sum(i["amount"].minor for i in instalments),
        agreed_on=today(),
        note=clean_text(note, field="note", limit=MAX_NOTE, required=False),
        created_by_id=actor.id,
        created_by_org_id=actor.org_id,
        instalments=[
            PlanInstalment(org_id=case.org_id, due_on=i["due_on"], amount_minor=i["amount"].minor)
            for i in instalments
        ],
    )
    db.session.add(plan)
    db.session.flush()
    record(
        case,
        "payment_plan_agreed",
        actor=actor,
        from_status=None,
        details={
            "plan_id": plan.id,
            "total": plan.total.to_dict(),
            "instalments": len(instalments),
            "replaced_plan_id": replaced,
        },
    )
    plan_agreed(case, actor=actor)
    return plan


def _check(case: Case, instalments: list[dict[str, Any]]) -> None:
    errors: dict[str, list[str]] = {}
    if not instalments:
        errors["instalments"] = ["At least one instalment."]
    elif len(instalments) > MAX_INSTALMENTS:
        errors["instalments"] = [f"At most {MAX_INSTALMENTS} instalments."]
    else:
        for n, item in enumerate(instalments):
            amount: Money = item["amount"]
            if amount.currency != case.currency:
                errors[f"instalments.{n}.amount"] = [f"The case is in {case.currency}."]
            elif amount.minor <= 0:
                errors[f"instalments.{n}.amount"] = ["Must be greater than zero."]
            if item["due_on"] < today():
                errors[f"instalments.{n}.due_on"] = ["Must be today or later."]
            elif n and item["due_on"] <= instalments[n - 1]["due_on"]:
                errors[f"instalments.{n}.due_on"] = ["Must be after the previous instalment."]
        if not errors:
            owed = owed_on_case(case)
            total = sum(i["amount"].minor for i in instalments)
            if total > owed.minor:
                errors["instalments"] = [
                    f"The instalments add up to more than the {owed.amount} {owed.currency}"
                    " the case still owes."
                ]
    if errors:
        raise ValidationFailed("The payment plan is not valid.", details=errors)


@dataclass(frozen=True)
class InstalmentView:
    id: int
    due_on: date
    amount: Money
    paid: Money
    status: str


def track(plan: PaymentPlan, received_minor: int, on: date) -> list[InstalmentView]:
    """Each instalment's status: `received_minor` pays them in date order."""
    left = received_minor
    out = []
    for item in plan.instalments:
        paid = min(left, item.amount_minor)
        left -= paid
        if paid == item.amount_minor:
            status = "paid"
        elif paid:
            status = "partly_paid"
        elif item.due_on < on:
            status = "overdue"
        else:
            status = "due"
        out.append(
            InstalmentView(
                item.id,
                item.due_on,
                Money(item.amount_minor, plan.currency),
                Money(paid, plan.currency),
                status,
            )
        )
    return out


def plans_of(case: Case) -> dict[str, Any]:
    """The current plan (or None) and the replaced ones, newest first, with tracking.

    Three statements whatever the number of plans: plans, instalments, received sums.
    """
    plans = list(
        db.session.scalars(
            select(PaymentPlan)
            .where(PaymentPlan.case_id == case.id)
            .order_by(PaymentPlan.created_at.desc(), PaymentPlan.id.desc())
        )
    )
    received = _received_since(case, {p.agreed_on for p in plans})
    on = today()
    for plan in plans:
        plan.received = Money(received.get(plan.agreed_on, 0), plan.currency)
        plan.schedule = track(plan, plan.received.minor, on)
    current = next((p for p in plans if p.replaced_at is None), None)
    return {"current": current, "history": [p for p in plans if p is not current]}


def _received_since(case: Case, days: set[date]) -> dict[date, int]:
    """For each day, what the case's recoveries received on or after it add up to."""
    if not days:
        return {}
    rows = db.session.execute(
        select(Recovery.received_on, func.sum(Recovery.amount_minor))
        .where(Recovery.case_id == case.id, Recovery.received_on >= min(days))
        .group_by(Recovery.received_on)
    ).all()
    return {day: sum(int(total) for on, total in rows if on >= day) for day in days}
