"""The two-level dispute reasons of SPEC §3: the first level names the team that must fix it."""

from __future__ import annotations

from core.errors import ValidationFailed
from ledger.imports.parsing import DISPUTE_REASONS

#: team → reason codes; a reason is written "<team>.<code>", e.g. "delivery.damaged"
REASONS: dict[str, tuple[str, ...]] = DISPUTE_REASONS

TEAMS: tuple[str, ...] = tuple(REASONS)
#: every valid "<team>.<code>"
REASON_CODES: tuple[str, ...] = tuple(
    f"{team}.{code}" for team, codes in REASONS.items() for code in codes
)


def parse_reason(reason: str, *, field: str = "reason") -> tuple[str, str]:
    """Split "<team>.<code>" into (team, code); anything not in SPEC §3 is a 422 on `field`."""
    team, _, code = (reason or "").strip().partition(".")
    if code not in REASONS.get(team, ()):
        raise ValidationFailed(
            "Unknown dispute reason.",
            details={field: ['Use "<team>.<code>" from the reason list, e.g. "delivery.damaged".']},
        )
    return team, code


def format_reason(team: str, code: str) -> str:
    return f"{team}.{code}"
