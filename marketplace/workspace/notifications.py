"""Who hears about recoveries and costs: jobs run after the commit, keyed to run once."""

from __future__ import annotations

from sqlalchemy import select

from core.auth.models import Role, User
from core.extensions import db
from core.jobs import job
from core.notifications.services import notify
from marketplace.models import Case
from marketplace.workspace.models import CaseCost, Recovery

CREDITOR_MANAGERS = (Role.OWNER, Role.CREDIT)
AGENCY_WORKERS = (Role.OWNER, Role.COLLECTOR)


@job("default")
def notify_recovery(recovery_id: int) -> None:
    """Tell the other party that money came in (creditor managers, or the agency)."""
    recovery = db.session.get(Recovery, recovery_id)
    case = db.session.get(Case, recovery.case_id) if recovery else None
    if recovery is None or case is None:
        return
    by_agency = recovery.recorded_by_org_id == case.awarded_agency_org_id
    org_id = case.org_id if by_agency else case.awarded_agency_org_id
    roles = CREDITOR_MANAGERS if by_agency else AGENCY_WORKERS
    _send(
        _users(org_id, roles),
        kind="status_change",
        title=f"Recovery of {recovery.amount} recorded on case #{case.id}",
        url=f"/cases/{case.id}",
        key=f"recovery:{recovery.id}:recorded",
    )


@job("default")
def notify_cost(cost_id: int, event: str) -> None:
    """A pending cost goes to the creditor's managers; a decision goes back to its author."""
    cost = db.session.get(CaseCost, cost_id)
    case = db.session.get(Case, cost.case_id) if cost else None
    if cost is None or case is None:
        return
    if event == "pending":
        users = _users(case.org_id, CREDITOR_MANAGERS)
        title = f"{cost.kind.value.title()} of {cost.amount} on case #{case.id} awaits approval"
    else:
        author = db.session.get(User, cost.author_id) if cost.author_id else None
        users = [author] if author is not None and author.active else []
        title = f"Your {cost.kind.value} of {cost.amount} on case #{case.id} was {event}"
    _send(
        users,
        kind="status_change",
        title=title,
        url=f"/cases/{case.id}",
        key=f"cost:{cost.id}:{event}",
    )


def _users(org_id: int | None, roles: tuple[Role, ...]) -> list[User]:
    if org_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(User.org_id == org_id, User.role.in_(roles), User.active.is_(True))
            .order_by(User.id)
        )
    )


def _send(users: list[User], *, kind: str, title: str, url: str, key: str) -> None:
    for user in users:
        notify(user.id, org_id=user.org_id, kind=kind, title=title, url=url, key=key)
