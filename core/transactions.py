"""One request, one transaction: run a service, commit, and turn a lost race into a 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm.exc import StaleDataError

from core.errors import Conflict
from core.extensions import db

T = TypeVar("T")


def commit_once(work: Callable[[], T], *, changed: str = "these records") -> T:
    """Run `work` and commit; a concurrent change (stale version) rolls back and is a 409.

    `changed` names what moved under the caller in the message, e.g. "this case".
    """
    try:
        result = work()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            f"Someone else changed {changed} meanwhile; reload and try again.", code="stale"
        ) from None
    return result
