"""Who may see a comment: the one predicate for the thread, its API and attached files.

A thread's owner (a dispute now, a case later) decides who are its parties. `internal`
comments stay within the author's organisation; `shared` ones go to every party, which for
disputes is only the creditor organisation until agencies join through cases.
"""

from __future__ import annotations

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from disputes import permissions as dispute_permissions
from disputes.models import Dispute
from disputes.threads.models import Comment


def can_see_thread(user: User, thread_id: int) -> bool:
    """Is `user` a party to the thread's owner who may see it?"""
    dispute = db.session.scalar(select(Dispute).where(Dispute.thread_id == thread_id))
    return dispute is not None and dispute_permissions.can_see(user, dispute)


def can_see_comment(user: User, comment: Comment) -> bool:
    if not can_see_thread(user, comment.thread_id):
        return False
    return comment.visibility == "shared" or user.org_id == comment.org_id


def can_download_from(user: User, comment_id: int) -> bool:
    """Files on a comment: for whoever may see it, and for nobody once it is deleted."""
    comment = db.session.get(Comment, comment_id)
    return comment is not None and not comment.deleted and can_see_comment(user, comment)
