"""Expected net recovery of each bid on a case (SPEC §4 "Comparing bids").

    net = rate * claimed * (1 - percent) - fixed or upfront fee - expected costs

`rate` is the bidding agency's recovery rate (Σ recovered principal / Σ claimed) on
*similar* closed cases: same currency and size band, same age bucket of the oldest
invoice when listed, same country. With fewer than MIN_CASES of those it falls back to
the platform's rate on similar cases, then to the platform's rate on every closed case,
then to DEFAULT_RATE. Expected costs are the average per similar closed case of the
approved costs the creditor bore and could not claim back (fees excepted: the bid's terms
are the fees). One query for every bid of the case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, null, select, true
from sqlalchemy import case as sql_case

from core.extensions import db
from core.money import Money, exponent
from ledger.clock import today
from ledger.sql import days_between
from marketplace.models import Bid, Case
from marketplace.services.listing import AGE_BUCKETS, SIZE_BANDS, age_bucket, size_band
from marketplace.states import BidStatus, CaseStatus
from marketplace.statistics import recovered_per_case
from marketplace.terms import FeeModel
from marketplace.workspace.models import CaseCost, CostBearer, CostKind, CostStatus

#: fewest closed cases a rate is taken from
MIN_CASES = 3
#: the rate when the platform has no closed case yet (a cautious industry figure)
DEFAULT_RATE = Decimal("0.30")
#: which basis a rate came from, best first
AGENCY_SIMILAR, PLATFORM_SIMILAR, PLATFORM, DEFAULT = (
    "agency_similar",
    "platform_similar",
    "platform",
    "default",
)
#: bids a creditor compares: the live ones and the accepted one
COMPARED = (BidStatus.LIVE, BidStatus.ACCEPTED)


@dataclass(frozen=True)
class Expectation:
    """A bid and what it is expected to bring the creditor; reads through to the bid."""

    bid: Bid
    rate: Decimal  # fraction 0-1
    basis: str
    expected_costs: Money
    expected_net_recovery: Money

    @property
    def expected_recovery_rate(self) -> str:
        return str((self.rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.bid, name)


@dataclass
class _Sums:
    count: int = 0
    claimed: int = 0
    recovered: int = 0
    costs: int = 0

    def add(self, count: int, claimed: int, recovered: int, costs: int) -> None:
        self.count += count
        self.claimed += claimed
        self.recovered += recovered
        self.costs += costs

    def rate(self) -> Decimal | None:
        if self.count < MIN_CASES or self.claimed <= 0:
            return None
        return min(Decimal(self.recovered) / Decimal(self.claimed), Decimal(1))


def compare_bids(case: Case) -> list[Expectation]:
    """The case's live and accepted bids with their expectations, best net first."""
    bids = list(
        db.session.scalars(
            select(Bid)
            .where(Bid.case_id == case.id, Bid.status.in_(COMPARED))
            .order_by(Bid.created_at, Bid.id)
        )
    )
    return expectations(case, bids)


def expectations(case: Case, bids: Sequence[Bid]) -> list[Expectation]:
    """Each bid's expectation, sorted by expected net recovery (highest first)."""
    agencies = sorted({b.agency_org_id for b in bids})
    per_agency, similar, everything = _history(case, agencies)
    costs_minor = _round(Decimal(similar.costs) / similar.count) if similar.count else 0
    found = []
    for bid in bids:
        rate, basis = _rate(per_agency.get(bid.agency_org_id), similar, everything)
        net = _net(case.claimed_minor, rate, bid) - costs_minor
        found.append(
            Expectation(
                bid,
                rate,
                basis,
                Money(costs_minor, case.currency),
                Money(net, case.currency),
            )
        )
    found.sort(key=lambda e: (-e.expected_net_recovery.minor, e.bid.id))
    return found


def similar_to(case: Case) -> ColumnElement[bool]:
    """SQL condition on Case: same currency, size band, age bucket at listing, country."""
    scale = 10 ** exponent(case.currency)
    band = size_band(case.claimed)
    lower = 0
    for bound, label in SIZE_BANDS:
        if label == band:
            break
        lower = bound or 0
    conditions = [Case.currency == case.currency, Case.claimed_minor >= lower * scale]
    upper = dict((label, bound) for bound, label in SIZE_BANDS)[band]
    if upper is not None:
        conditions.append(Case.claimed_minor < upper * scale)
    bucket = age_bucket(case.oldest_due_date, listed_on(case))
    age = func.coalesce(days_between(Case.published_at, Case.oldest_due_date), 0)
    previous: int | None = None
    for bound, label in AGE_BUCKETS:
        if label == bucket:
            if previous is not None:
                conditions.append(age > previous)
            if bound is not None:
                conditions.append(age <= bound)
            break
        previous = bound
    if case.listing_country is None:
        conditions.append(Case.listing_country.is_(None))
    else:
        conditions.append(Case.listing_country == case.listing_country)
    return and_(true(), *conditions)


def _history(case: Case, agencies: list[int]) -> tuple[dict[int, _Sums], _Sums, _Sums]:
    """One grouped query over closed cases: (bidding agency or NULL, similar) → sums."""
    recovered = recovered_per_case()
    costs = (
        select(CaseCost.case_id, func.sum(CaseCost.amount_minor).label("costs"))
        .where(
            CaseCost.borne_by == CostBearer.CREDITOR,
            CaseCost.recoverable.is_(False),
            CaseCost.status == CostStatus.APPROVED,
            CaseCost.kind.not_in([CostKind.FEE, CostKind.SUCCESS_FEE]),
        )
        .group_by(CaseCost.case_id)
        .subquery()
    )
    agency = (
        sql_case((Case.awarded_agency_org_id.in_(agencies), Case.awarded_agency_org_id))
        if agencies
        else null()
    )
    similar = sql_case((similar_to(case), literal(1)), else_=literal(0))
    # grouped through a subquery: PostgreSQL does not match bound parameters across clauses
    closed = (
        select(
            agency.label("agency"),
            similar.label("similar"),
            Case.claimed_minor.label("claimed"),
            func.coalesce(recovered.c.recovered, 0).label("recovered"),
            func.coalesce(costs.c.costs, 0).label("costs"),
        )
        .outerjoin(recovered, recovered.c.case_id == Case.id)
        .outerjoin(costs, costs.c.case_id == Case.id)
        .where(Case.status == CaseStatus.CLOSED, Case.id != case.id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            closed.c.agency,
            closed.c.similar,
            func.count(),
            func.coalesce(func.sum(closed.c.claimed), 0),
            func.coalesce(func.sum(closed.c.recovered), 0),
            func.coalesce(func.sum(closed.c.costs), 0),
        ).group_by(closed.c.agency, closed.c.similar)
    )
    per_agency: dict[int, _Sums] = {}
    similar_sums, all_sums = _Sums(), _Sums()
    for agency_id, is_similar, count, claimed, got, spent in rows:
        values = (int(count), int(claimed), int(got), int(spent))
        all_sums.add(*values)
        if is_similar:
            similar_sums.add(*values)
            if agency_id is not None:
                per_agency.setdefault(agency_id, _Sums()).add(*values)
    return per_agency, similar_sums, all_sums


def _rate(agency: _Sums | None, similar: _Sums, everything: _Sums) -> tuple[Decimal, str]:
    for sums, basis in ((agency, AGENCY_SIMILAR), (similar, PLATFORM_SIMILAR)):
        rate = sums.rate() if sums else None
        if rate is not None:
            return rate, basis
    rate = everything.rate()
    return (rate, PLATFORM) if rate is not None else (DEFAULT_RATE, DEFAULT)


def _net(claimed_minor: int, rate: Decimal, bid: Bid) -> int:
    """Expected recovery after the bid's fees (costs apart), in minor units."""
    gross = Decimal(claimed_minor) * rate
    if bid.fee_model is FeeModel.FIXED:
        return _round(gross) - (bid.fixed_minor or 0)
    share = Decimal(10_000 - (bid.percent_bp or 0)) / 10_000
    return _round(gross * share) - (bid.upfront_minor or 0)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def listed_on(case: Case) -> date:
    """The day the case's age bucket is measured on (its listing day)."""
    return case.published_at.date() if case.published_at else today()
