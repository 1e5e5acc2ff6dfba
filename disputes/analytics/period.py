"""The reporting period: whole UTC days, `start` to `end` inclusive (default the last 12 months)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ledger.clock import today

#: longest period asked for: ten years of days
MAX_DAYS = 3660
#: dates outside these are typing mistakes (and keep day numbers positive)
EARLIEST, LATEST = date(1970, 1, 1), date(9998, 12, 31)
_IN_RANGE = validate.Range(min=EARLIEST, max=LATEST)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        """00:00 UTC on the first day."""
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def ends_at(self) -> datetime:
        """00:00 UTC on the day after the last day (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)


def last_12_months(end: date) -> Period:
    """The twelve months ending with `end`, e.g. 2025-04-01 to 2026-03-31."""
    try:
        year_before = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        year_before = end.replace(year=end.year - 1, day=28)
    return Period(year_before + timedelta(days=1), end)


class PeriodArgs(ma.Schema):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`, both inclusive; default the 12 months up to today."""

    start = fields.Date(
        data_key="from",
        validate=_IN_RANGE,
        metadata={"description": "first day (default: 12 months before `to`)"},
    )
    end = fields.Date(
        data_key="to",
        validate=_IN_RANGE,
        metadata={"description": "last day (default: today, UTC)"},
    )

    @ma.validates_schema
    def _ordered(self, data: dict[str, Any], **_kw: Any) -> None:
        period = self._period(data)
        if period.start > period.end:
            raise ma.ValidationError("Must not be before `from`.", field_name="to")
        if period.days > MAX_DAYS:
            raise ma.ValidationError("The period may span ten years at most.", field_name="from")

    @ma.post_load
    def _make(self, data: dict[str, Any], **_kw: Any) -> Period:
        return self._period(data)

    @staticmethod
    def _period(data: dict[str, Any]) -> Period:
        end = data.get("end") or today()
        start = data.get("start") or last_12_months(end).start
        return Period(start, end)
