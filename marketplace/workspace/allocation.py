"""Money allocation (SPEC §4): the order a recovery repays what the debtor owes, and the
split of a recovery between the agency's fee and the creditor. Pure functions, no I/O.

    BUCKETS / DEFAULT_ORDER   the buckets and the default order, as data
    allocate(amount, open_by_bucket, order) -> {bucket: minor units}
    success_fee(base_minor, percent_bp) -> minor units (half-up)

What each bucket holds today (marketplace.workspace.recoveries fills `open_by_bucket`):
`legal_costs` = approved costs borne by the debtor (recoverable) not yet repaid;
`statutory_interest` and `compensation` are not claimed per case yet, so they hold 0 and
a recovery passes through them; `principal` = the outstanding of the case's invoices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.errors import ValidationFailed
from marketplace.terms import FULL

LEGAL_COSTS = "legal_costs"
STATUTORY_INTEREST = "statutory_interest"
COMPENSATION = "compensation"
PRINCIPAL = "principal"

#: every bucket a recovery can repay
BUCKETS: tuple[str, ...] = (LEGAL_COSTS, STATUTORY_INTEREST, COMPENSATION, PRINCIPAL)
#: SPEC §4's default: legal costs → statutory interest → compensation → principal
DEFAULT_ORDER: tuple[str, ...] = BUCKETS


def check_order(order: Sequence[str], *, field: str = "allocation_order") -> tuple[str, ...]:
    """The order as a tuple; 422 unless it names every bucket exactly once."""
    if sorted(order) != sorted(BUCKETS):
        raise ValidationFailed(
            "The allocation order must name every bucket once.",
            details={field: [f"Give each of {', '.join(BUCKETS)} exactly once."]},
        )
    return tuple(order)


def allocate(
    amount_minor: int, open_by_bucket: Mapping[str, int], order: Sequence[str]
) -> dict[str, int]:
    """Fill the buckets in `order`, each up to what is open in it; every bucket is returned.

    The caller makes sure `amount_minor` is at most the sum of the open amounts: what
    would be left over is a ValueError, never silently dropped.
    """
    left = amount_minor
    parts = dict.fromkeys(BUCKETS, 0)
    for bucket in order:
        take = min(left, max(0, open_by_bucket.get(bucket, 0)))
        parts[bucket] = take
        left -= take
    if left:
        raise ValueError(f"{left} minor units left after every bucket")
    return parts


def fee_base(parts: Mapping[str, int]) -> int:
    """What the agency's percent applies to: the recovery less the costs it repays.

    Repaid legal costs go back to whoever advanced them; they are not the creditor's
    claim, so no success fee is taken on them.
    """
    return sum(minor for bucket, minor in parts.items() if bucket != LEGAL_COSTS)


def success_fee(base_minor: int, percent_bp: int | None) -> int:
    """`percent_bp` basis points of `base_minor`, rounded half-up to a whole minor unit.

    15 % of 1,000.00 EUR: success_fee(100_000, 1500) == 15_000 (150.00 EUR).
    """
    if not percent_bp or base_minor <= 0:
        return 0
    return (base_minor * percent_bp * 2 + FULL) // (2 * FULL)
