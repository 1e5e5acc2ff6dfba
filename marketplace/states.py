"""Case and bid lifecycles as declared tables (SPEC §4); an illegal move is a 409."""

from __future__ import annotations

import enum

from core.errors import IllegalTransition


class CaseStatus(enum.StrEnum):
    DRAFT = "draft"
    LISTED = "listed"
    AWARDED = "awarded"
    ACTIVE = "active"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # taken off the marketplace before any award
    EXPIRED = "expired"  # bidding deadline passed without an award


class CaseOutcome(enum.StrEnum):
    """Why a case closed (only `closed` cases have one)."""

    RECOVERED_FULL = "recovered_full"
    RECOVERED_PARTIAL = "recovered_partial"
    UNRECOVERABLE = "unrecoverable"
    WITHDRAWN_BY_CREDITOR = "withdrawn_by_creditor"
    RETURNED_BY_AGENCY = "returned_by_agency"


class BidStatus(enum.StrEnum):
    LIVE = "live"
    WITHDRAWN = "withdrawn"  # by the agency, before award
    ACCEPTED = "accepted"  # the award (one per case)
    REJECTED = "rejected"  # another bid won, or the listing was withdrawn or expired
    REPLACED = "replaced"  # the same agency bid again (or took the case)


DRAFT, LISTED, AWARDED = CaseStatus.DRAFT, CaseStatus.LISTED, CaseStatus.AWARDED
ACTIVE, CLOSED = CaseStatus.ACTIVE, CaseStatus.CLOSED
WITHDRAWN, EXPIRED = CaseStatus.WITHDRAWN, CaseStatus.EXPIRED

#: draft → listed → awarded → active → closed; listed → withdrawn | expired. A draft can be
#: withdrawn too (it already reserves its invoices); an awarded case can close before work
#: starts (returned by the agency, withdrawn by the creditor).
ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    DRAFT: frozenset({LISTED, WITHDRAWN}),
    LISTED: frozenset({AWARDED, WITHDRAWN, EXPIRED}),
    AWARDED: frozenset({ACTIVE, CLOSED}),
    ACTIVE: frozenset({CLOSED}),
    CLOSED: frozenset(),
    WITHDRAWN: frozenset(),
    EXPIRED: frozenset(),
}

#: statuses in which a case holds its invoices (no other case may take them)
RESERVING = frozenset({DRAFT, LISTED, AWARDED, ACTIVE})
#: statuses in which the awarded agency works the case and may open it
AWARDED_STATES = frozenset({AWARDED, ACTIVE})

BID_ALLOWED: dict[BidStatus, frozenset[BidStatus]] = {
    BidStatus.LIVE: frozenset(
        {BidStatus.WITHDRAWN, BidStatus.ACCEPTED, BidStatus.REJECTED, BidStatus.REPLACED}
    ),
    BidStatus.WITHDRAWN: frozenset(),
    BidStatus.ACCEPTED: frozenset(),
    BidStatus.REJECTED: frozenset(),
    BidStatus.REPLACED: frozenset(),
}


def allowed_moves(current: CaseStatus) -> list[str]:
    return sorted(s.value for s in ALLOWED[current])


def check_transition(current: CaseStatus, target: CaseStatus) -> None:
    """Raise IllegalTransition (409, `details.allowed`) unless `current → target` is allowed."""
    if target not in ALLOWED[current]:
        raise IllegalTransition(current.value, target.value, allowed=allowed_moves(current))


def check_bid_transition(current: BidStatus, target: BidStatus) -> None:
    """The same rule for a bid: only a live bid moves, and only once."""
    if target not in BID_ALLOWED[current]:
        allowed = sorted(s.value for s in BID_ALLOWED[current])
        raise IllegalTransition(current.value, target.value, allowed=allowed)
