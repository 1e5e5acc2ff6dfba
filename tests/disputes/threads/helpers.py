"""Comment factories for tests: real rows through the real services."""

from __future__ import annotations

from core.extensions import db
from disputes.threads import services
from tests.disputes.helpers import make_dispute


def make_comment(org, author, *, dispute=None, body: str = "Looked at it.", visibility="internal"):
    """A comment by `author` on `dispute` (a new dispute of `org` unless one is given)."""
    dispute = dispute or make_dispute(org)
    comment = services.add_comment(dispute, actor=author, body=body, visibility=visibility)
    db.session.commit()
    return comment
