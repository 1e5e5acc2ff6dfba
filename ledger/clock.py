"""The ledger's notion of today (UTC), in one place so reports and statuses agree."""

from __future__ import annotations

from datetime import UTC, date, datetime


def today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()
