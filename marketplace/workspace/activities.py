"""The agency's work log on a case. Flush, never commit."""

from __future__ import annotations

from datetime import date

from core.auth.models import User
from core.errors import ValidationFailed
from core.extensions import db
from ledger.clock import today
from marketplace.models import Case
from marketplace.services.events import record
from marketplace.workspace.models import ActivityKind, CaseActivity
from marketplace.workspace.work import clean_text, require_running, start_work

MAX_NOTE = 4000


def log_activity(
    case: Case, *, actor: User, kind: str, occurred_on: date, note: str
) -> CaseActivity:
    """Record a call, letter, formal notice...; the first one makes an awarded case active."""
    require_running(case)
    if occurred_on > today():
        raise ValidationFailed(
            "An activity cannot happen in the future.",
            details={"occurred_on": ["Must be today or earlier."]},
        )
    text = clean_text(note, field="note", limit=MAX_NOTE)
    activity = CaseActivity(
        org_id=case.org_id,
        case_id=case.id,
        agency_org_id=actor.org_id,
        kind=ActivityKind(kind),
        occurred_on=occurred_on,
        note=text,
        author_id=actor.id,
    )
    db.session.add(activity)
    db.session.flush()
    start_work(case, actor=actor)
    record(
        case,
        "activity_logged",
        actor=actor,
        from_status=None,
        details={"activity_id": activity.id, "kind": activity.kind.value},
    )
    return activity
