"""Reference-rate tables, jurisdictions and compensation rules, read from the CSVs in `data/`.

The files are package data (read with importlib.resources, so they work from a wheel too);
each starts with `#` comment lines naming its sources. A rate row with an empty `rate_bp`
marks "not confirmed from this date on": asking for a rate there raises RateUnavailable.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise

from core.money import Money, MoneyError

from .model import InterestError, RateUnavailable

FIXINGS = frozenset({"first_day", "day_before"})
REFIXES = frozenset({"each_half_year", "once"})
#: day-count convention -> days in the year's denominator
DAY_COUNTS = {"ACT/365": 365, "ACT/360": 360}


def _rows(filename: str) -> list[dict[str, str]]:
    """The data rows of `data/<filename>`, comment and blank lines skipped."""
    text = (resources.files("ledger.interest") / "data" / filename).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@dataclass(frozen=True, slots=True)
class RateTable:
    """A step function of dated rates: each row holds from its date until the next row."""

    name: str
    starts: tuple[date, ...]
    #: basis points; None = not confirmed from that date on
    rates: tuple[int | None, ...]
    notes: tuple[str, ...]

    def rate_on(self, day: date) -> int:
        """The rate in force on `day` in basis points; RateUnavailable outside the known range."""
        i = bisect_right(self.starts, day) - 1
        if i < 0:
            raise RateUnavailable(
                f"No {self.name} reference rate for {day.isoformat()}: the table starts on "
                f"{self.starts[0].isoformat()} (ledger/interest/data/{self.name}.csv)."
            )
        rate = self.rates[i]
        if rate is None:
            raise RateUnavailable(
                f"No confirmed {self.name} reference rate for {day.isoformat()}: "
                f"{self.notes[i] or 'not confirmed'}. Add the published rate to "
                f"ledger/interest/data/{self.name}.csv."
            )
        return rate


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """How one jurisdiction computes statutory interest (one row of jurisdictions.csv)."""

    code: str
    name: str
    rate_table: str
    margin_bp: int
    fixing: str
    refix: str
    day_count: str
    compensation: str
    legal_basis: str

    @property
    def year_days(self) -> int:
        """Denominator of the day count (365 for ACT/365)."""
        return DAY_COUNTS[self.day_count]


@dataclass(frozen=True, slots=True)
class CompensationBand:
    """Debts of at least `debt_from` (same currency) earn `amount`."""

    debt_from: Money
    amount: Money


@cache
def rate_table(name: str) -> RateTable:
    """The table in `data/<name>.csv`, checked for ascending unique dates."""
    rows = _rows(f"{name}.csv")
    starts = tuple(date.fromisoformat(r["from"]) for r in rows)
    if not starts or any(a >= b for a, b in pairwise(starts)):
        raise ValueError(f"{name}.csv: dates must be present, unique and ascending.")
    rates = tuple(int(r["rate_bp"]) if r["rate_bp"] else None for r in rows)
    return RateTable(name, starts, rates, tuple(r.get("note", "") for r in rows))


@cache
def jurisdictions() -> dict[str, Jurisdiction]:
    """Every configured jurisdiction by code, validated against the known rules."""
    found: dict[str, Jurisdiction] = {}
    for r in _rows("jurisdictions.csv"):
        j = Jurisdiction(
            code=r["code"],
            name=r["name"],
            rate_table=r["rate_table"],
            margin_bp=int(r["margin_bp"]),
            fixing=r["fixing"],
            refix=r["refix"],
            day_count=r["day_count"],
            compensation=r["compensation"],
            legal_basis=r["legal_basis"],
        )
        if j.fixing not in FIXINGS or j.refix not in REFIXES or j.day_count not in DAY_COUNTS:
            raise ValueError(f"jurisdictions.csv: bad fixing/refix/day_count for {j.code}.")
        found[j.code] = j
    return found


def get_jurisdiction(code: str) -> Jurisdiction:
    """The jurisdiction `code` (EU, FR, DE, UK); InterestError if unknown."""
    try:
        return jurisdictions()[code]
    except KeyError:
        known = ", ".join(sorted(jurisdictions()))
        raise InterestError(f"Unknown jurisdiction {code!r}: use one of {known}.") from None


@cache
def compensation_bands(rule: str) -> tuple[CompensationBand, ...]:
    """The bands of compensation `rule`, lowest first; all in one currency."""
    bands: list[CompensationBand] = []
    for r in _rows("compensation.csv"):
        if r["rule"] != rule:
            continue
        try:
            band = CompensationBand(
                Money.parse(r["debt_from"], r["currency"]), Money.parse(r["amount"], r["currency"])
            )
        except MoneyError as exc:
            raise ValueError(f"compensation.csv, rule {rule}: {exc}") from None
        bands.append(band)
    bands.sort(key=lambda b: b.debt_from.minor)
    if not bands or len({b.amount.currency for b in bands}) != 1:
        raise ValueError(f"compensation.csv: rule {rule} needs rows in exactly one currency.")
    return tuple(bands)
