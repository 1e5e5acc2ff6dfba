"""Every case move writes a CaseEvent (the timeline) and an audit row."""

from __future__ import annotations

from typing import Any

from core import audit
from core.auth.models import Organization, User
from core.extensions import db
from marketplace.models import Case, CaseEvent
from marketplace.states import CaseStatus


def record(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    from_status: CaseStatus | None,
    details: dict[str, Any] | None = None,
    object_type: str = "case",
    object_id: int | None = None,
) -> None:
    """Add the event and its audit row (`case.<kind>`, or `bid.<kind>` for bid moves)."""
    details = details or {}
    db.session.add(
        CaseEvent(
            org_id=case.org_id,
            case_id=case.id,
            actor_id=actor.id if actor else None,
            actor_org_id=actor.org_id if actor else None,
            kind=kind,
            from_status=from_status.value if from_status else None,
            to_status=case.status.value,
            details=details,
        )
    )
    audit.record(
        f"{object_type}.{kind.removeprefix('bid_')}",
        actor=actor,
        org=db.session.get(Organization, case.org_id),  # the creditor: its case was touched
        object_type=object_type,
        object_id=object_id if object_id is not None else case.id,
        before={"status": from_status.value} if from_status else None,
        after={"status": case.status.value, "case_id": case.id, **details},
    )
