"""The marketplace's figures for agency profiles (the `agency_statistics` hook, SPEC §4).

Three queries for any number of agencies:

1. per agency, closed cases, Σ claimed and Σ recovered. "Recovered" is the principal of
   the workspace's recovery rows (`Recovery.principal_minor`): the part booked on the
   case's invoices, the same thing the claimed amount measures (interest, compensation
   and legal costs are not part of the claim). Amounts of every currency are summed as
   minor units: the rate is a ratio, weighted by claim size.
2. per recovered case (`recovered_full` / `recovered_partial`), the award time and the day
   of its last recovery;
3. per awarded case with an activity of its agency, the award time and the day of the
   first activity.

Medians are taken in Python over the durations fetched in 2. and 3. (portable on SQLite
and PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from sqlalchemy import Select, Subquery, func, select

from agencies.statistics import CaseFigures
from core.extensions import db
from marketplace.models import Case
from marketplace.states import CaseOutcome, CaseStatus
from marketplace.workspace.models import CaseActivity, Recovery

RECOVERED_OUTCOMES = (CaseOutcome.RECOVERED_FULL, CaseOutcome.RECOVERED_PARTIAL)


def recovered_per_case() -> Subquery:
    """Subquery (case_id, recovered): Σ principal of each case's recoveries."""
    return (
        select(Recovery.case_id, func.sum(Recovery.principal_minor).label("recovered"))
        .group_by(Recovery.case_id)
        .subquery()
    )


def percent(recovered: int, claimed: int) -> Decimal | None:
    """100 * recovered / claimed, to two places; None without a claim."""
    if not claimed:
        return None
    return (Decimal(100) * Decimal(recovered) / Decimal(claimed)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def days(start: datetime | date, end: date) -> int:
    """Whole days from `start` (an award time) to `end`, never negative."""
    start_day = start.date() if isinstance(start, datetime) else start
    return max((end - start_day).days, 0)


def agency_case_figures(agency_org_ids: list[int]) -> dict[int, CaseFigures]:
    """The `agency_statistics` provider: figures for the agencies that have any."""
    ids = list(agency_org_ids)
    if not ids:
        return {}
    recovered = recovered_per_case()
    closed_rows = db.session.execute(
        select(
            Case.awarded_agency_org_id,
            func.count(Case.id),
            func.coalesce(func.sum(Case.claimed_minor), 0),
            func.coalesce(func.sum(recovered.c.recovered), 0),
        )
        .outerjoin(recovered, recovered.c.case_id == Case.id)
        .where(Case.status == CaseStatus.CLOSED, Case.awarded_agency_org_id.in_(ids))
        .group_by(Case.awarded_agency_org_id)
    ).all()
    to_recover = _durations(
        select(Case.awarded_agency_org_id, Case.awarded_at, func.max(Recovery.received_on))
        .join(Recovery, Recovery.case_id == Case.id)
        .where(
            Case.status == CaseStatus.CLOSED,
            Case.outcome.in_(RECOVERED_OUTCOMES),
            Case.awarded_agency_org_id.in_(ids),
        )
        .group_by(Case.id, Case.awarded_agency_org_id, Case.awarded_at)
    )
    to_contact = _durations(
        select(Case.awarded_agency_org_id, Case.awarded_at, func.min(CaseActivity.occurred_on))
        .join(
            CaseActivity,
            (CaseActivity.case_id == Case.id)
            & (CaseActivity.agency_org_id == Case.awarded_agency_org_id),
        )
        .where(Case.awarded_agency_org_id.in_(ids))
        .group_by(Case.id, Case.awarded_agency_org_id, Case.awarded_at)
    )
    figures: dict[int, CaseFigures] = {}
    closed = {org_id: (count, int(c), int(r)) for org_id, count, c, r in closed_rows}
    for org_id in set(closed) | set(to_recover) | set(to_contact):
        count, claimed, got = closed.get(org_id, (0, 0, 0))
        figures[org_id] = CaseFigures(
            cases_closed=count,
            recovery_rate=percent(got, claimed) if count else None,
            median_days_to_recover=_median(to_recover.get(org_id)),
            median_days_to_first_contact=_median(to_contact.get(org_id)),
        )
    return figures


def _durations(query: Select[Any]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    rows: Iterable[tuple[int, datetime | None, date | None]] = db.session.execute(query)
    for org_id, awarded_at, day in rows:
        if awarded_at is not None and day is not None:
            found[org_id].append(days(awarded_at, day))
    return found


def _median(values: list[int] | None) -> float | None:
    return float(median(values)) if values else None
