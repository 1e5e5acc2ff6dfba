"""Promises to pay on a case (SPEC §2, §4): dated amounts the debtor promised. Flush only.

A promise is `kept` when the recoveries received from the day it was made up to its due
date cover its amount (promises whose windows overlap count the same recoveries),
`broken` when its due date passed without that, and `expired` when the case stopped
running (closed) while it was still open and not yet due. Reads derive `kept` at once;
the daily job (`settle_promises`) writes every settled state and tells both parties once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from core.auth.models import User
from core.db import utcnow
from core.errors import ValidationFailed
from core.extensions import db
from core.jobs import get_job_logger, job
from core.money import Money
from ledger.clock import today
from marketplace.models import Case
from marketplace.services.events import record
from marketplace.states import AWARDED_STATES
from marketplace.workspace import notifications
from marketplace.workspace.models import CasePromise, PromiseState, Recovery
from marketplace.workspace.plans import owed_on_case
from marketplace.workspace.work import clean_text, require_running

MAX_NOTE = 1000
log = get_job_logger(__name__)


def covered_minor() -> ColumnElement[Any]:
    """SQL: what the case's recoveries paid within a promise's window (correlated)."""
    return (
        select(func.coalesce(func.sum(Recovery.amount_minor), 0))
        .where(
            Recovery.case_id == CasePromise.case_id,
            Recovery.received_on >= CasePromise.made_on,
            Recovery.received_on <= CasePromise.due_on,
        )
        .correlate(CasePromise)
        .scalar_subquery()
    )


def derive(
    stored: PromiseState, amount: int, covered: int, due_on: date, running: bool, on: date
) -> PromiseState:
    """A promise's state on day `on` (a settled state never changes)."""
    if stored is not PromiseState.OPEN:
        return stored
    if covered >= amount:
        return PromiseState.KEPT
    if due_on < on:
        return PromiseState.BROKEN
    if not running:
        return PromiseState.EXPIRED
    return PromiseState.OPEN


def promises_query(case: Case) -> Any:
    """(promise, covered minor units) rows of the case, latest due date first."""
    return (
        select(CasePromise, covered_minor().label("covered"))
        .where(CasePromise.case_id == case.id)
        .order_by(CasePromise.due_on.desc(), CasePromise.id.desc())
    )


def page(case: Case, page: int, page_size: int) -> dict[str, Any]:
    """One page of the case's promises with their state (two statements)."""
    query = promises_query(case)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    items = present(list(rows), case)
    return {"items": items, "page": page, "page_size": page_size, "total": total or 0}


def one(case: Case, promise_id: int) -> CasePromise:
    """One promise of the case with its state."""
    rows = db.session.execute(promises_query(case).where(CasePromise.id == promise_id)).all()
    return present(list(rows), case)[0]


def present(rows: list[Any], case: Case) -> list[CasePromise]:
    """Attach `covered` and the derived `state` to each promise of a page."""
    running = case.status in AWARDED_STATES
    on = today()
    out = []
    for promise, covered in rows:
        promise.covered = Money(int(covered), promise.currency)
        promise.state = derive(
            promise.status, promise.amount_minor, int(covered), promise.due_on, running, on
        )
        out.append(promise)
    return out


def make_promise(
    case: Case, *, actor: User, amount: Money, due_on: date, note: str | None = None
) -> CasePromise:
    """Record the debtor's promise (the agency, or the creditor's owner/credit)."""
    require_running(case)
    errors: dict[str, list[str]] = {}
    if amount.currency != case.currency:
        errors["amount"] = [f"The case is in {case.currency}; nothing converts currencies."]
    elif amount.minor <= 0:
        errors["amount"] = ["Must be greater than zero."]
    else:
        owed = owed_on_case(case)
        if amount.minor > owed.minor:
            errors["amount"] = [f"At most {owed.amount} {owed.currency} is owed."]
    if due_on < today():
        errors["due_on"] = ["Must be today or later."]
    if errors:
        raise ValidationFailed("The promise is not valid.", details=errors)
    promise = CasePromise(
        org_id=case.org_id,
        case_id=case.id,
        currency=case.currency,
        amount_minor=amount.minor,
        made_on=today(),
        due_on=due_on,
        note=clean_text(note, field="note", limit=MAX_NOTE, required=False),
        created_by_id=actor.id,
        created_by_org_id=actor.org_id,
    )
    db.session.add(promise)
    db.session.flush()
    record(
        case,
        "promise_made",
        actor=actor,
        from_status=None,
        details={
            "promise_id": promise.id,
            "amount": promise.amount.to_dict(),
            "due_on": due_on.isoformat(),
        },
    )
    return promise


def settle_due_promises(*, on: date | None = None, batch: int = 500) -> list[tuple[int, str]]:
    """Write the settled state of every open promise that is kept, broken or expired.

    Conditional updates (`status = 'open'`): a second run, or a twin worker, settles
    nothing twice. Returns (promise id, new state) pairs.
    """
    on = on or today()
    settled: list[tuple[int, str]] = []
    last_id = 0
    while True:
        rows = db.session.execute(
            select(CasePromise, covered_minor(), Case.status)
            .join(Case, Case.id == CasePromise.case_id)
            .where(CasePromise.status == PromiseState.OPEN, CasePromise.id > last_id)
            .order_by(CasePromise.id)
            .limit(batch)
        ).all()
        if not rows:
            return settled
        last_id = rows[-1][0].id
        for promise, covered, status in rows:
            state = derive(
                PromiseState.OPEN,
                promise.amount_minor,
                int(covered),
                promise.due_on,
                status in AWARDED_STATES,
                on,
            )
            if state is not PromiseState.OPEN and _settle(promise, state):
                settled.append((promise.id, state.value))


def _settle(promise: CasePromise, state: PromiseState) -> bool:
    moved = db.session.execute(
        update(CasePromise)
        .where(CasePromise.id == promise.id, CasePromise.status == PromiseState.OPEN)
        .values(status=state, settled_at=utcnow()),
        execution_options={"synchronize_session": "evaluate"},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    case = db.session.get(Case, promise.case_id)
    assert case is not None
    record(
        case,
        f"promise_{state.value}",
        actor=None,
        from_status=None,
        details={"promise_id": promise.id, "amount": promise.amount.to_dict()},
    )
    _notify(case, promise, state)
    return True


def _notify(case: Case, promise: CasePromise, state: PromiseState) -> None:
    """Both parties hear of it once (notification key per promise and state)."""
    users = notifications._users(case.org_id, notifications.CREDITOR_MANAGERS)
    if case.status in AWARDED_STATES:
        users += notifications._users(case.awarded_agency_org_id, notifications.AGENCY_WORKERS)
    notifications._send(
        users,
        kind="status_change",
        title=f"Promise to pay {promise.amount} by {promise.due_on} on case #{case.id}"
        f" was {state.value}",
        url=f"/cases/{case.id}",
        key=f"promise:{promise.id}:{state.value}",
    )


@job("default")
def settle_promises() -> None:
    """Daily: settle kept, broken and expired promises (idempotent)."""
    settled = settle_due_promises()
    if settled:
        log.info("settled %d promise(s): %s", len(settled), settled[:50])
