"""Who may export a case's claim package: a pure predicate on top of the marketplace's."""

from __future__ import annotations

from core.auth.models import User
from marketplace.models import Case
from marketplace.permissions import can_manage
from marketplace.workspace.permissions import works_on


def can_export(user: User, case: Case) -> bool:
    """The creditor's owner and credit users; the awarded agency while the case runs."""
    return can_manage(user, case) or works_on(user, case)
