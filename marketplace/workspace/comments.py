"""The case's shared thread, built on the disputes' threads (SPEC §3: a thread belongs to a
dispute or a case).

The thread code knows nothing of cases: `register` tells it who may see a case's thread
(its parties) and how to name and link it in notifications. Shared comments are seen by
both organisations, internal ones by the author's organisation only (threads' rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload, subqueryload

from core.auth.models import User
from core.extensions import db
from disputes.threads import services as threads
from disputes.threads.models import Comment
from disputes.threads.permissions import ThreadRef, register_thread_owner
from marketplace.models import Case
from marketplace.permissions import can_see_case


def _case_of(thread_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.thread_id == thread_id))


def can_see_case_thread(user: User, thread_id: int) -> bool | None:
    """None: not a case's thread; else whether `user` is a party to that case."""
    case = _case_of(thread_id)
    return None if case is None else can_see_case(user, case)


def case_thread_ref(thread_id: int) -> ThreadRef | None:
    case = _case_of(thread_id)
    if case is None:
        return None
    return ThreadRef(f"case #{case.id}", f"/cases/{case.id}", party_org_ids(case))


def register() -> None:
    """Make case threads known to the thread code (comments, edits, attachment downloads)."""
    register_thread_owner(can_see_case_thread, case_thread_ref)


def party_org_ids(case: Case) -> tuple[int, ...]:
    """The creditor and, once awarded, the agency."""
    if case.awarded_agency_org_id is None:
        return (case.org_id,)
    return (case.org_id, case.awarded_agency_org_id)


def visible_comments_query(case: Case, user: User, *, whole_thread: bool = False) -> Any:
    """The case's thread as `user` sees it, oldest first (threads.can_see_comment as SQL).

    `whole_thread` (no page): attachments by a subquery load, one statement however many
    comments; selectinload would run one per 500 comments (P6).
    """
    files = subqueryload if whole_thread else selectinload
    return (
        select(Comment)
        .where(
            Comment.thread_id == (case.thread_id or -1),
            (Comment.visibility == "shared") | (Comment.org_id == user.org_id),
        )
        .options(
            files(Comment.attachments),
            selectinload(Comment.author),
            selectinload(Comment.deleted_by),
        )
        .order_by(Comment.created_at, Comment.id)
    )


def add_case_comment(
    case: Case,
    *,
    actor: User,
    body: str,
    visibility: str,
    attachment_ids: Iterable[int] = (),
) -> Comment:
    """Comment on the case; a shared comment may mention users of both organisations."""
    mention_orgs = party_org_ids(case) if visibility == "shared" else (actor.org_id,)
    return threads.post_comment(
        case,
        actor=actor,
        body=body,
        visibility=visibility,
        attachment_ids=attachment_ids,
        mention_org_ids=mention_orgs,
        audit_details={"case_id": case.id},
    )
