"""Thread workflows: post, edit (history + optimistic lock), soft delete. Flush, never commit."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import update

from core import audit
from core.auth.models import User
from core.db import utcnow
from core.errors import Conflict, DomainError, ValidationFailed
from core.extensions import db
from core.notifications import notify
from disputes.attachments.models import Attachment
from disputes.models import Dispute
from disputes.threads.mentions import parse_mentions
from disputes.threads.models import VISIBILITIES, Comment, CommentRevision, Thread
from disputes.threads.permissions import can_see_comment, thread_ref

MAX_BODY = 20_000
#: NUL and other C0/C1 controls (tab and newlines kept) and bidi overrides/isolates (T40)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


def clean_body(body: str) -> str:
    """NFC, without control or bidi-override characters; 422 when empty or too long."""
    text = _UNSAFE.sub("", unicodedata.normalize("NFC", body or "")).strip()
    if not text:
        raise ValidationFailed("The comment is empty.", details={"body": ["Required."]})
    if len(text) > MAX_BODY:
        raise ValidationFailed(
            "The comment is too long.",
            details={"body": [f"At most {MAX_BODY} characters."]},
        )
    return text


class ThreadOwner(Protocol):
    """Anything that holds a thread: a dispute, a marketplace case (`org_id`: its tenant)."""

    org_id: int
    thread_id: int | None


def thread_for_owner(owner: ThreadOwner) -> Thread:
    """The owner's thread, created (in the owner's organisation) on its first comment."""
    if owner.thread_id is not None:
        thread = db.session.get(Thread, owner.thread_id)
        if thread is not None:
            return thread
    thread = Thread(org_id=owner.org_id)
    db.session.add(thread)
    db.session.flush()
    owner.thread_id = thread.id
    return thread


def thread_for(dispute: Dispute) -> Thread:
    """The dispute's thread, created on its first comment."""
    return thread_for_owner(dispute)


def _attach(comment: Comment, actor: User, attachment_ids: Iterable[int]) -> None:
    """Attach the actor's own unattached uploads; any other id is a 422 (race-safe)."""
    ids = sorted(set(attachment_ids))
    if not ids:
        return
    result = db.session.execute(
        update(Attachment)
        .where(
            Attachment.id.in_(ids),
            Attachment.org_id == actor.org_id,
            Attachment.uploader_id == actor.id,
            Attachment.comment_id.is_(None),
        )
        .values(comment_id=comment.id)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != len(ids):  # type: ignore[attr-defined]
        raise ValidationFailed(
            "Unknown attachment.",
            details={"attachment_ids": ["Attach only your own new uploads."]},
        )


def _audit(action: str, comment: Comment, actor: User, **details: Any) -> None:
    audit.record(
        f"comment.{action}",
        actor=actor,
        object_type="comment",
        object_id=comment.id,
        details={"thread_id": comment.thread_id, **details},
    )


def _notify_mentions(comment: Comment, actor: User) -> None:
    """Tell each mentioned user who may see the comment (idempotent: once per comment)."""
    if not comment.mentions:
        return
    ref = thread_ref(comment.thread_id)
    if ref is None:
        return
    for user_id in comment.mentions:
        user = db.session.get(User, user_id)
        if user is None or user.id == actor.id or not can_see_comment(user, comment):
            continue
        notify(
            user.id,
            org_id=user.org_id,
            kind="mention",
            title=f"{actor.name} mentioned you on {ref.label}",
            url=f"{ref.url}#comment-{comment.id}",
            key=f"comment:{comment.id}:mention",
        )


def add_comment(
    dispute: Dispute,
    *,
    actor: User,
    body: str,
    visibility: str,
    attachment_ids: Iterable[int] = (),
) -> Comment:
    """Comment on a dispute; mentions resolve within the author's organisation."""
    return post_comment(
        dispute,
        actor=actor,
        body=body,
        visibility=visibility,
        attachment_ids=attachment_ids,
        audit_details={"dispute_id": dispute.id},
    )


def post_comment(
    owner: ThreadOwner,
    *,
    actor: User,
    body: str,
    visibility: str,
    attachment_ids: Iterable[int] = (),
    mention_org_ids: Iterable[int] | None = None,
    audit_details: dict[str, Any] | None = None,
) -> Comment:
    """Comment on any thread owner (dispute, case); the caller has checked the actor may.

    `mention_org_ids`: organisations whose members may be mentioned (default: the
    author's); `audit_details` names the owner in the audit row.
    """
    if visibility not in VISIBILITIES:
        raise ValidationFailed("Unknown visibility.", details={"visibility": ["internal/shared"]})
    text = clean_body(body)
    thread = thread_for_owner(owner)
    comment = Comment(
        org_id=actor.org_id,
        thread_id=thread.id,
        author_id=actor.id,
        body=text,
        visibility=visibility,
        mentions=parse_mentions(text, org_id=actor.org_id, org_ids=mention_org_ids),
    )
    db.session.add(comment)
    db.session.flush()
    _attach(comment, actor, attachment_ids)
    _notify_mentions(comment, actor)
    _audit("created", comment, actor, **(audit_details or {}), visibility=visibility)
    return comment


def stale(comment: Comment) -> Conflict:
    """409 carrying the text the caller should merge with (T22)."""
    return Conflict(
        "Someone else changed this comment; here is the current text.",
        code="stale",
        details={"current": {"body": comment.body, "version": comment.version}},
    )


def _require_author(comment: Comment, actor: User) -> None:
    if comment.author_id != actor.id:
        raise Forbidden("Only the author can change this comment.")
    if comment.deleted:
        raise Conflict("This comment was deleted.", code="deleted")


def edit_comment(comment: Comment, *, actor: User, body: str, expected_version: int) -> Comment:
    _require_author(comment, actor)
    text = clean_body(body)
    if comment.version != expected_version:
        raise stale(comment)
    if text == comment.body:
        return comment
    ref = thread_ref(comment.thread_id)  # queries: before any change
    # a shared comment may mention every party of the thread; an internal one, colleagues
    scope = ref.org_ids if ref and comment.visibility == "shared" else (comment.org_id,)
    mentions = parse_mentions(text, org_id=comment.org_id, org_ids=scope)
    _keep_revision(comment, actor)
    comment.body = text
    comment.mentions = mentions
    comment.edited_at = utcnow()
    db.session.flush()
    _notify_mentions(comment, actor)
    _audit("edited", comment, actor, version=comment.version)
    return comment


def _keep_revision(comment: Comment, actor: User) -> None:
    """Store the comment's current text as a revision before it changes."""
    db.session.add(
        CommentRevision(
            org_id=comment.org_id,
            comment_id=comment.id,
            version=comment.version,
            body=comment.body,
            edited_by_id=actor.id,
        )
    )


def delete_comment(comment: Comment, *, actor: User) -> None:
    """Soft delete: the row stays as a trace (who, when); the text stays in the history."""
    _require_author(comment, actor)
    _keep_revision(comment, actor)
    comment.body = ""
    comment.mentions = []
    comment.deleted_at = utcnow()
    comment.deleted_by_id = actor.id
    db.session.flush()
    _audit("deleted", comment, actor)
