"""Who may see a comment: the one predicate for the thread, its API and attached files.

A thread's owner (a dispute, or a case) decides who are its parties. `internal` comments
stay within the author's organisation; `shared` ones go to every party, which for disputes
is only the creditor organisation. Disputes are resolved here; higher layers that own
threads (marketplace cases) register an owner with `register_thread_owner` (STYLE §2c: no
upward import, and a Thread holds no pointer back to its owner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from disputes import permissions as dispute_permissions
from disputes.models import Dispute
from disputes.threads.models import Comment


@dataclass(frozen=True)
class ThreadRef:
    """What the thread code needs to know of a thread's owner."""

    #: how notifications name the owner, e.g. "dispute #12", "case #7"
    label: str
    #: local path of the owner's page (mention notifications link there)
    url: str
    #: organisations whose members may be @mentioned in the thread
    org_ids: tuple[int, ...]


#: (user, thread_id) → True/False when the checker owns the thread, None when it does not
OwnerCheck = Callable[[User, int], bool | None]
#: thread_id → the owner's ThreadRef, None when the resolver does not own the thread
OwnerRef = Callable[[int], ThreadRef | None]
_owners: list[tuple[OwnerCheck, OwnerRef | None]] = []


def register_thread_owner(check: OwnerCheck, ref: OwnerRef | None = None) -> None:
    """Let a feature that owns threads decide who sees them (idempotent; its init_app)."""
    if all(existing is not check for existing, _ref in _owners):
        _owners.append((check, ref))


def can_see_thread(user: User, thread_id: int) -> bool:
    """Is `user` a party to the thread's owner who may see it?"""
    dispute = db.session.scalar(select(Dispute).where(Dispute.thread_id == thread_id))
    if dispute is not None:
        return dispute_permissions.can_see(user, dispute)
    for check, _ref in _owners:
        verdict = check(user, thread_id)
        if verdict is not None:
            return verdict
    return False


def thread_ref(thread_id: int) -> ThreadRef | None:
    """Label, link and mentionable organisations of the thread's owner (None: unknown)."""
    dispute = db.session.scalar(select(Dispute).where(Dispute.thread_id == thread_id))
    if dispute is not None:
        return ThreadRef(f"dispute #{dispute.id}", f"/disputes/{dispute.id}", (dispute.org_id,))
    for _check, ref in _owners:
        found = ref(thread_id) if ref is not None else None
        if found is not None:
            return found
    return None


def can_see_comment(user: User, comment: Comment) -> bool:
    if not can_see_thread(user, comment.thread_id):
        return False
    return comment.visibility == "shared" or user.org_id == comment.org_id


def can_download_from(user: User, comment_id: int) -> bool:
    """Files on a comment: for whoever may see it, and for nobody once it is deleted."""
    comment = db.session.get(Comment, comment_id)
    return comment is not None and not comment.deleted and can_see_comment(user, comment)
