"""Who opened a case file (SPEC §4 "the creditor can see who looked at what").

Read from the audit log: `case.viewed` rows (written when an agency reads the case) and
`case.claim_package_exported` rows, with the user's name and organisation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.audit import AuditEvent
from core.auth.models import Organization, User
from core.extensions import db
from marketplace.models import Case

ACTIONS = ("case.viewed", "case.claim_package_exported")


def access_log(case: Case, page: int, page_size: int) -> dict[str, Any]:
    """The case's access rows, newest first (two statements per page)."""
    org = aliased(Organization)
    query = (
        select(AuditEvent, User, org)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(org, org.id == User.org_id)
        .where(
            AuditEvent.org_id == case.org_id,
            AuditEvent.object_type == "case",
            AuditEvent.object_id == str(case.id),
            AuditEvent.action.in_(ACTIONS),
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    items = [_row(*row) for row in rows]
    return {"items": items, "page": page, "page_size": page_size, "total": total or 0}


def _row(event: AuditEvent, user: User | None, org: Organization | None) -> dict[str, Any]:
    details = event.details or {}
    return {
        "at": event.created_at,
        "action": event.action.removeprefix("case."),
        "section": details.get("section"),
        "user": {"id": user.id, "name": user.name} if user else None,
        "organisation": ({"id": org.id, "name": org.name, "kind": org.kind.value} if org else None),
    }
