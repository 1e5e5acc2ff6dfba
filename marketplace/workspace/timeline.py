"""The case timeline (SPEC §4 "timeline of every event"): one list, newest first.

Every workspace service writes a CaseEvent (activities, recoveries, costs and their
approval, promises, payment plans, moves of the case), so the timeline is the case's
events plus its thread's comments, merged in SQL and paginated there. A page then costs
a fixed number of statements: count, page, events, comments, activities, users, orgs.

Visibility: comments the caller may see (shared, and internal ones of the caller's own
organisation; deleted ones never); an agency does not see other agencies' bid events.
Summaries are plain text built here, never HTML.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import String, func, literal, select, union_all

from core.auth.models import Organization, OrgKind, User
from core.extensions import db
from core.money import Money
from disputes.threads.models import Comment
from marketplace.models import Case, CaseEvent
from marketplace.workspace.models import CaseActivity

EXCERPT = 140
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
#: detail key naming the row an event is about → its ref type
REFS = (
    ("recovery_id", "recovery"),
    ("cost_id", "cost"),
    ("activity_id", "activity"),
    ("promise_id", "promise"),
    ("plan_id", "payment_plan"),
    ("bid_id", "bid"),
)
PLAIN = {
    "created": "Case created",
    "updated": "Case updated",
    "listed": "Listed on the marketplace",
    "withdrawn": "Listing withdrawn",
    "expired": "Listing expired without an award",
    "bid_placed": "Bid placed",
    "bid_withdrawn": "Bid withdrawn",
    "awarded": "Case awarded",
    "taken": "Case taken at instant terms",
    "activated": "Work on the case started",
}


def excerpt(text: str | None, limit: int = EXCERPT) -> str:
    """One line of plain text: tags dropped, whitespace collapsed, cut at `limit`."""
    flat = _SPACE.sub(" ", _TAGS.sub(" ", text or "")).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _sources(case: Case, user: User) -> Any:
    events = select(
        literal("event", String).label("src"),
        CaseEvent.id.label("id"),
        CaseEvent.created_at.label("at"),
    ).where(CaseEvent.case_id == case.id)
    if user.kind is OrgKind.AGENCY:
        events = events.where(
            ~CaseEvent.kind.startswith("bid_", autoescape=True)
            | (CaseEvent.actor_org_id == user.org_id)
        )
    comments = select(
        literal("comment", String).label("src"),
        Comment.id.label("id"),
        Comment.created_at.label("at"),
    ).where(
        Comment.thread_id == (case.thread_id or -1),
        Comment.deleted_at.is_(None),
        (Comment.visibility == "shared") | (Comment.org_id == user.org_id),
    )
    return union_all(events, comments).subquery("timeline")


def timeline(case: Case, user: User, page: int, page_size: int) -> dict[str, Any]:
    """One page of the case's timeline as `user` may see it, newest first."""
    merged = _sources(case, user)
    total = db.session.scalar(select(func.count()).select_from(merged)) or 0
    rows = db.session.execute(
        select(merged.c.src, merged.c.id)
        .order_by(merged.c.at.desc(), merged.c.src, merged.c.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    event_ids = [r.id for r in rows if r.src == "event"]
    comment_ids = [r.id for r in rows if r.src == "comment"]
    events = _by_id(CaseEvent, event_ids)
    comments = _by_id(Comment, comment_ids)
    activity_ids = [
        e.details["activity_id"]
        for e in events.values()
        if e.kind == "activity_logged" and "activity_id" in e.details
    ]
    activities = _by_id(CaseActivity, activity_ids)
    user_ids = {e.actor_id for e in events.values()} | {c.author_id for c in comments.values()}
    org_ids = {e.actor_org_id for e in events.values()} | {c.org_id for c in comments.values()}
    users = _by_id(User, [i for i in user_ids if i is not None])
    orgs = _by_id(Organization, [i for i in org_ids if i is not None])
    items = []
    for row in rows:
        if row.src == "event":
            ev = events[row.id]
            items.append(
                _item(ev.created_at, ev.kind, ev.actor_id, ev.actor_org_id, users, orgs)
                | {"summary": _summary(ev, activities, orgs), "ref": _ref(ev)}
            )
        else:
            com = comments[row.id]
            label = "Internal comment" if com.visibility == "internal" else "Comment"
            items.append(
                _item(com.created_at, "comment", com.author_id, com.org_id, users, orgs)
                | {
                    "summary": f"{label}: {excerpt(com.body)}",
                    "ref": {"type": "comment", "id": com.id},
                    "visibility": com.visibility,
                }
            )
    return {"items": items, "page": page, "page_size": page_size, "total": total}


def _by_id(model: Any, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _item(
    at: datetime,
    kind: str,
    user_id: int | None,
    org_id: int | None,
    users: dict[int, User],
    orgs: dict[int, Organization],
) -> dict[str, Any]:
    user = users.get(user_id) if user_id is not None else None
    org = orgs.get(org_id) if org_id is not None else None
    actor = None
    if user is not None or org is not None:
        actor = {
            "id": user.id if user else None,
            "name": user.name if user else None,
            "org": {"id": org.id, "name": org.name} if org else None,
        }
    return {"at": at, "kind": kind, "actor": actor}


def _money(details: dict[str, Any], key: str) -> str:
    value = details.get(key)
    if not isinstance(value, dict):
        return ""
    return str(Money.parse(value["amount"], value["currency"]))


def _summary(
    ev: CaseEvent, activities: dict[int, CaseActivity], orgs: dict[int, Organization]
) -> str:
    d = ev.details or {}
    kind = ev.kind
    if kind == "activity_logged":
        activity = activities.get(d.get("activity_id", 0))
        label = str(d.get("kind", "activity")).replace("_", " ").capitalize()
        return f"{label}: {excerpt(activity.note)}" if activity else f"{label} logged"
    if kind == "recovery_recorded":
        return f"Recovery of {_money(d, 'amount')} recorded"
    if kind == "cost_added":
        return (
            f"{str(d.get('kind', 'cost')).replace('_', ' ').capitalize()} of "
            f"{_money(d, 'amount')} added ({d.get('status', '')})"
        )
    if kind in ("cost_approved", "cost_rejected"):
        return f"Cost of {_money(d, 'amount')} {kind.removeprefix('cost_')}"
    if kind == "promise_made":
        return f"Promise to pay {_money(d, 'amount')} by {d.get('due_on', '')}"
    if kind.startswith("promise_"):
        return f"Promise to pay {_money(d, 'amount')} {kind.removeprefix('promise_')}"
    if kind == "payment_plan_agreed":
        return f"Payment plan agreed: {d.get('instalments')} instalment(s), {_money(d, 'total')}"
    if kind == "closed":
        return f"Case closed: {str(d.get('outcome', '')).replace('_', ' ')}"
    if kind in ("bid_placed", "bid_withdrawn", "awarded", "taken") and ev.actor_org_id:
        org = orgs.get(ev.actor_org_id)
        if org is not None and kind.startswith("bid_"):
            return f"{PLAIN[kind]} by {org.name}"
    return PLAIN.get(kind, kind.replace("_", " ").capitalize())


def _ref(ev: CaseEvent) -> dict[str, Any]:
    d = ev.details or {}
    for key, ref_type in REFS:
        if isinstance(d.get(key), int):
            return {"type": ref_type, "id": d[key]}
    return {"type": "case_event", "id": ev.id}
