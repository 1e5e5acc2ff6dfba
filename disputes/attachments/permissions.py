"""Who may download an attachment (pure predicates; tenancy is checked by the loader)."""

from __future__ import annotations

from collections.abc import Callable

from core.auth.models import User
from disputes.attachments.models import Attachment

#: threads plug in here: (user, comment_id) → may the user see that comment?
CommentVisible = Callable[[User, int], bool]
_comment_visible: CommentVisible | None = None


def set_comment_visibility(check: CommentVisible) -> None:
    """Called by the thread feature's init_app to decide downloads of attached files."""
    global _comment_visible
    _comment_visible = check


def can_download(user: User, attachment: Attachment) -> bool:
    """Before it is attached, only the uploader; afterwards, whoever may see the comment."""
    if attachment.comment_id is None:
        return attachment.uploader_id == user.id
    return _comment_visible is not None and _comment_visible(user, attachment.comment_id)
