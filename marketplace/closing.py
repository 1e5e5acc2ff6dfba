"""Closing an awarded or active case with an outcome (SPEC §4). Flush, never commit.

One conditional UPDATE (`status IN ('awarded', 'active')`) decides a race between two
closes: on PostgreSQL the loser blocks on the row lock, re-checks the condition, updates
nothing and gets a 409. The invoices leave the case through the ledger: those not fully
paid are ordinary overdue invoices of the creditor again.
"""

from __future__ import annotations

from sqlalchemy import select, update

from core.auth.models import OrgKind, Role, User
from core.db import utcnow
from core.errors import Conflict
from core.extensions import db
from core.jobs import enqueue_after_commit, job
from core.notifications.services import notify
from ledger import services as ledger
from marketplace import notifications, permissions, states
from marketplace.models import Case
from marketplace.services.cases import release_reservations
from marketplace.services.events import record
from marketplace.states import AWARDED_STATES, CaseOutcome, CaseStatus

#: the outcome the awarded agency may close with; the creditor may choose every other one
AGENCY_OUTCOMES = frozenset({CaseOutcome.RETURNED_BY_AGENCY})
CREDITOR_OUTCOMES = frozenset(CaseOutcome) - AGENCY_OUTCOMES
#: agency users who may hand a case back
AGENCY_CLOSERS = (Role.OWNER,)


def may_close(user: User, case: Case) -> bool:
    """The creditor's owner and credit users, or the awarded agency's owner."""
    if user.kind is OrgKind.CREDITOR:
        return permissions.can_manage(user, case)
    return permissions.agency_works_on(user, case) and user.role in AGENCY_CLOSERS


def outcomes_for(user: User) -> frozenset[CaseOutcome]:
    return CREDITOR_OUTCOMES if user.kind is OrgKind.CREDITOR else AGENCY_OUTCOMES


def close_case(case: Case, *, actor: User, outcome: CaseOutcome) -> Case:
    """Close `case` with `outcome`; its invoices go back to the creditor's ledger.

    The caller checked `may_close` and that `outcome` is in `outcomes_for(actor)`.
    Illegal state or a lost race: 409 (`details.allowed`).
    """
    before = case.status
    states.check_transition(before, CaseStatus.CLOSED)
    now = utcnow()
    moved = db.session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status.in_(AWARDED_STATES))
        .values(
            status=CaseStatus.CLOSED,
            outcome=outcome,
            closed_at=now,
            updated_at=now,
            version=Case.version + 1,
        ),
        execution_options={"synchronize_session": "evaluate"},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(case, ["status", "outcome", "closed_at", "version"])
        states.check_transition(case.status, CaseStatus.CLOSED)
        raise Conflict("The case was closed meanwhile.", code="already_closed")
    release_reservations([case.id])
    released = ledger.release_from_case(case.org_id, case.id)
    record(
        case,
        "closed",
        actor=actor,
        from_status=before,
        details={"outcome": outcome.value, "released_invoices": released},
    )
    enqueue_after_commit(notify_closed, case.id)
    return case


@job("default")
def notify_closed(case_id: int) -> None:
    """Tell the other party: the agency hears of the creditor's close and vice versa."""
    case = db.session.get(Case, case_id)
    if case is None or case.outcome is None or case.awarded_agency_org_id is None:
        return
    outcome = case.outcome.value.replace("_", " ")
    if case.outcome in AGENCY_OUTCOMES:
        org_ids, roles = [case.org_id], notifications.CREDITOR_ROLES
    else:
        org_ids, roles = [case.awarded_agency_org_id], notifications.AGENCY_WORKERS
    users = db.session.scalars(
        select(User)
        .where(User.org_id.in_(org_ids), User.role.in_(roles), User.active.is_(True))
        .order_by(User.id)
    )
    for user in users:
        notify(
            user.id,
            org_id=user.org_id,
            kind="status_change",
            title=f"Case #{case.id} was closed: {outcome}",
            url=f"/cases/{case.id}",
            key=f"case:{case.id}:closed",
        )
