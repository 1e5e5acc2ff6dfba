"""The dispute lifecycle as a declared table (SPEC §3); an illegal move is a 409."""

from __future__ import annotations

import enum

from core.errors import IllegalTransition


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"


class Outcome(enum.StrEnum):
    CREDIT_NOTE = "credit_note"  # books a credit note for the agreed amount
    CORRECTED_INVOICE = "corrected_invoice"
    REJECTED = "rejected"  # the debtor must pay
    WITHDRAWN = "withdrawn"


OPEN, IN_REVIEW = DisputeStatus.OPEN, DisputeStatus.IN_REVIEW
AWAITING_CUSTOMER, RESOLVED = DisputeStatus.AWAITING_CUSTOMER, DisputeStatus.RESOLVED

#: status → the statuses it may move to: open → in_review ⇄ awaiting_customer → resolved
ALLOWED: dict[DisputeStatus, frozenset[DisputeStatus]] = {
    OPEN: frozenset({IN_REVIEW}),
    IN_REVIEW: frozenset({AWAITING_CUSTOMER, RESOLVED}),
    AWAITING_CUSTOMER: frozenset({IN_REVIEW, RESOLVED}),
    RESOLVED: frozenset(),
}


def allowed_moves(current: DisputeStatus, *, resolving: bool = False) -> list[str]:
    """Moves open from `current`; `resolved` is reached only through resolve."""
    return sorted(s.value for s in ALLOWED[current] if resolving or s is not RESOLVED)


def check_transition(
    current: DisputeStatus, target: DisputeStatus, *, resolving: bool = False
) -> None:
    """Raise IllegalTransition (409, `details.allowed`) unless `current → target` is allowed.

    A plain transition never reaches `resolved` (that needs an outcome: `resolving=True`).
    """
    allowed = allowed_moves(current, resolving=resolving)
    if target.value not in allowed or (target is RESOLVED) != resolving:
        raise IllegalTransition(current.value, target.value, allowed=allowed)
