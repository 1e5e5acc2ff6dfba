"""Agency statistics computed from platform events, never typed in (SPEC §4).

The rating comes from this package's reviews. The case figures come from whoever knows
about cases (the marketplace, a higher layer) through the `agency_statistics` hook:

    def provider(agency_org_ids: list[int]) -> Mapping[int, CaseFigures | Mapping[str, Any]]:
        ...  # {org_id: CaseFigures(...) or {"cases_closed": 4, ...}} for the ids it knows
    hooks.register("agency_statistics", provider)

A provider is called once per page of agencies (never per agency) and returns partial
figures: keys it leaves out keep their defaults, a later provider's keys win, and an
unknown key is a TypeError. Without any provider the case figures are 0 and None.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

from agencies.models import Review
from core import hooks
from core.extensions import db


@dataclass(frozen=True)
class CaseFigures:
    """What the platform's closed cases say about one agency."""

    #: cases the agency worked that reached `closed`
    cases_closed: int = 0
    #: percent (0-100) of the claimed amount recovered on those cases; None: no data
    recovery_rate: Decimal | None = None
    #: median days from award to the last recovery of fully or partly recovered cases
    median_days_to_recover: float | None = None
    #: median days from award to the agency's first activity with the debtor
    median_days_to_first_contact: float | None = None


@dataclass(frozen=True)
class Rating:
    """Average of the creditors' 1-5 reviews (None before the first one) and their count."""

    average: Decimal | None = None
    count: int = 0


@dataclass(frozen=True)
class AgencyStatistics:
    """Everything the profile shows as "track record"."""

    cases_closed: int = 0
    recovery_rate: Decimal | None = None
    median_days_to_recover: float | None = None
    median_days_to_first_contact: float | None = None
    rating: Rating = field(default_factory=Rating)

    @property
    def has_data(self) -> bool:
        """False while there is nothing to show ("not enough data yet")."""
        return bool(self.cases_closed or self.rating.count)


_CASE_FIELDS = frozenset(f.name for f in fields(CaseFigures))


def statistics_for(agency_org_ids: Collection[int]) -> dict[int, AgencyStatistics]:
    """Statistics of each agency in `agency_org_ids`: one query plus one call per provider."""
    ids = sorted(set(agency_org_ids))
    if not ids:
        return {}
    ratings = ratings_for(ids)
    figures = case_figures_for(ids)
    return {
        org_id: AgencyStatistics(
            **{name: getattr(figures.get(org_id, CaseFigures()), name) for name in _CASE_FIELDS},
            rating=ratings.get(org_id, Rating()),
        )
        for org_id in ids
    }


def ratings_for(agency_org_ids: Collection[int]) -> dict[int, Rating]:
    """Average rating and count per agency, in one grouped query."""
    rows = db.session.execute(
        select(Review.agency_org_id, func.sum(Review.rating), func.count(Review.id))
        .where(Review.agency_org_id.in_(list(agency_org_ids)))
        .group_by(Review.agency_org_id)
    )
    # sum and count, not AVG: exact decimals on every database (SQLite's AVG is a float)
    return {
        org_id: Rating(
            (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), count
        )
        for org_id, total, count in rows
    }


def case_figures_for(agency_org_ids: Collection[int]) -> dict[int, CaseFigures]:
    """Case figures from every registered provider, merged (later providers win per key)."""
    wanted = set(agency_org_ids)
    merged: dict[int, CaseFigures] = {}
    for answer in hooks.collect("agency_statistics", sorted(wanted)):
        for org_id, partial in (answer or {}).items():
            if org_id in wanted:
                merged[org_id] = _merge(merged.get(org_id, CaseFigures()), partial)
    return merged


def _merge(base: CaseFigures, partial: CaseFigures | Mapping[str, Any]) -> CaseFigures:
    if isinstance(partial, CaseFigures):
        return partial
    unknown = set(partial) - _CASE_FIELDS
    if unknown:
        raise TypeError(f"agency_statistics provider sent unknown figures: {sorted(unknown)}")
    values = dict(partial)
    if values.get("recovery_rate") is not None:
        values["recovery_rate"] = Decimal(str(values["recovery_rate"]))
    return replace(base, **values)
