"""Dispute analytics for a period, per currency, team and reason (SPEC §8), in two statements.

Which disputes count where (opened = created_at, resolved = resolved_at, UTC days):
- opened: opened within the period; `disputed` is their amount.
- resolved: resolved within the period, with the outcome; the median time to resolve is
  over these (resolved_at - created_at, in days with the fraction).
- open now: still unresolved today, among those opened by the period's end;
  `open_amount` is their amount.
- cash blocked: amount x whole days held within the period, held from the day opened to
  the day resolved (still open: to today), cut at both ends of the period. In
  currency-days, e.g. 100.00 EUR held 12 days = 1,200.00 EUR-days.

Amounts are never added across currencies. Medians are SQL too, portable: window
functions number each group's durations and the middle one (odd count) or the average
of the middle two (even count) is kept; no percentile_cont, which SQLite lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    null,
    or_,
    select,
    union_all,
)

from core.auth.models import User
from core.extensions import db
from core.money import Money
from disputes.analytics.period import Period
from disputes.analytics.sql import analytics_elapsed_days, analytics_utc_day, day_number
from disputes.labels import reason_label, team_label
from disputes.models import Dispute
from disputes.permissions import visible_disputes
from disputes.reasons import TEAMS
from disputes.states import DisputeStatus, Outcome
from ledger.models import Debtor, Invoice
from ledger.reports.common import inline, larger, smaller

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
#: the groups a median is computed for: (currency, team, reason), (currency, team),
#: (currency), (team) across currencies, and everything
MEDIAN_LEVELS: tuple[tuple[str, ...], ...] = (
    ("currency", "reason_team", "reason_code"),
    ("currency", "reason_team"),
    ("currency",),
    ("reason_team",),
    (),
)
_KEYS = ("currency", "reason_team", "reason_code")


@dataclass(kw_only=True)
class Figures:
    """Counts for a group of disputes; amounts too when the group has one currency."""

    currency: str | None = None
    opened: int = 0
    open_now: int = 0
    resolved: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    median_days_to_resolve: float | None = None
    disputed_minor: int = 0
    open_minor: int = 0
    #: Σ amount x days held within the period, in minor units x days
    blocked_minor_days: int = 0

    def add(self, other: Figures) -> None:
        """Add `other`'s counts (and its amounts, which must be in the same currency)."""
        self.opened += other.opened
        self.open_now += other.open_now
        self.resolved += other.resolved
        for outcome, count in other.outcomes.items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + count
        if self.currency is not None:
            if other.currency != self.currency:
                raise ValueError(f"cannot add {other.currency} to {self.currency}")
            self.disputed_minor += other.disputed_minor
            self.open_minor += other.open_minor
            self.blocked_minor_days += other.blocked_minor_days

    def _money(self, minor: int) -> Money | None:
        return None if self.currency is None else Money(minor, self.currency)

    @property
    def disputed(self) -> Money | None:
        return self._money(self.disputed_minor)

    @property
    def open_amount(self) -> Money | None:
        return self._money(self.open_minor)

    @property
    def cash_blocked(self) -> Money | None:
        """Currency-days: amount x days, written as an amount of the currency."""
        return self._money(self.blocked_minor_days)


@dataclass(kw_only=True)
class TeamLine(Figures):
    team: str

    @property
    def label(self) -> str:
        return team_label(self.team)


@dataclass(kw_only=True)
class ReasonLine(Figures):
    team: str
    code: str
    #: the debtor with the most cash blocked in this group (None when nothing was blocked)
    top_debtor_id: int | None = None
    top_debtor_name: str | None = None

    @property
    def reason(self) -> str:
        return f"{self.team}.{self.code}"

    @property
    def reason_team(self) -> str:
        return self.team

    @property
    def label(self) -> str:
        return reason_label(self.team, self.code)

    @property
    def team_label(self) -> str:
        return team_label(self.team)

    @property
    def top_debtor(self) -> dict[str, Any] | None:
        if self.top_debtor_id is None:
            return None
        return {"id": self.top_debtor_id, "name": self.top_debtor_name}


@dataclass
class CurrencySection:
    currency: str
    totals: Figures
    #: every team, in SPEC order, zeros included
    teams: list[TeamLine]
    #: reasons with disputes in the period, by team then cash blocked
    reasons: list[ReasonLine]


@dataclass
class DisputeAnalytics:
    period: Period
    #: counts and median over every currency
    overall: Figures
    #: counts and median per team over every currency, every team included
    teams: list[TeamLine]
    currencies: list[CurrencySection]

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end


def _scoped(org_id: int, user: User, *columns: Any) -> Select[Any]:
    """SELECT `columns` over the organisation's disputes that `user` may see."""
    return (
        select(*columns)
        .select_from(Dispute)
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .join(Debtor, Debtor.id == Invoice.debtor_id)
        .where(Dispute.org_id == inline(org_id), visible_disputes(user))
    )


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _bigint_sum(column: Any) -> Any:
    # PostgreSQL's SUM(bigint) is NUMERIC: cast back, as the ledger reports do
    return cast(func.sum(column), BigInteger)


def _lines_statement(org_id: int, user: User, period: Period, today: date) -> Select[Any]:
    """One row per (currency, team, reason): counts, amounts and the top debtor."""
    starts, ends = period.starts_at, period.ends_at
    opened_in = Dispute.created_at >= starts
    resolved_in = and_(Dispute.resolved_at >= starts, Dispute.resolved_at < ends)
    is_open = Dispute.status != DisputeStatus.RESOLVED
    opened_day = analytics_utc_day(Dispute.created_at)
    held_from = larger(opened_day, inline(day_number(period.start)))
    held_until = smaller(
        case(
            (Dispute.resolved_at.is_not(None), analytics_utc_day(Dispute.resolved_at)),
            (is_open, inline(day_number(today))),
            else_=opened_day,  # resolved without a date (old imports): nothing to count
        ),
        inline(day_number(period.end) + 1),
    )
    held_days = case((held_until > held_from, held_until - held_from), else_=0)
    per_debtor = (
        _scoped(
            org_id,
            user,
            Dispute.currency,
            Dispute.reason_team,
            Dispute.reason_code,
            Invoice.debtor_id,
            _count(opened_in).label("opened"),
            _count(is_open).label("open_now"),
            _count(resolved_in).label("resolved"),
            *(_count(and_(resolved_in, Dispute.outcome == Outcome(o))).label(o) for o in OUTCOMES),
            _bigint_sum(case((opened_in, Dispute.amount_minor), else_=0)).label("disputed"),
            _bigint_sum(case((is_open, Dispute.amount_minor), else_=0)).label("open_amount"),
            _bigint_sum(Dispute.amount_minor * held_days).label("blocked"),
        )
        .where(
            Dispute.created_at < ends,
            or_(
                Dispute.resolved_at >= starts,
                and_(Dispute.resolved_at.is_(None), or_(is_open, opened_in)),
            ),
        )
        .group_by(Dispute.currency, Dispute.reason_team, Dispute.reason_code, Invoice.debtor_id)
        .cte("per_debtor")
    )
    group = [per_debtor.c[key] for key in _KEYS]
    place = func.row_number().over(
        partition_by=group, order_by=[per_debtor.c.blocked.desc(), per_debtor.c.debtor_id]
    )
    ranked = select(per_debtor, place.label("place")).subquery("ranked")
    figures = ("opened", "open_now", "resolved", *OUTCOMES, "disputed", "open_amount", "blocked")
    top = case((and_(ranked.c.place == 1, ranked.c.blocked > 0), ranked.c.debtor_id))
    lines = (
        select(
            *(ranked.c[key] for key in _KEYS),
            *(_bigint_sum(ranked.c[name]).label(name) for name in figures),
            func.max(top).label("top_debtor_id"),
        )
        .group_by(*(ranked.c[key] for key in _KEYS))
        .subquery("lines")
    )
    return select(lines, Debtor.name.label("top_debtor_name")).outerjoin(
        Debtor, Debtor.id == lines.c.top_debtor_id
    )


def _medians_statement(org_id: int, user: User, period: Period) -> Select[Any]:
    """Median days to resolve per MEDIAN_LEVELS group, over disputes resolved in the period."""
    durations = (
        _scoped(
            org_id,
            user,
            *(getattr(Dispute, key) for key in _KEYS),
            analytics_elapsed_days(Dispute.resolved_at, Dispute.created_at).label("days"),
        )
        .where(Dispute.resolved_at >= period.starts_at, Dispute.resolved_at < period.ends_at)
        .cte("durations")
    )
    parts = []
    for level, keys in enumerate(MEDIAN_LEVELS):
        columns = [
            durations.c[key] if key in keys else cast(null(), String).label(key) for key in _KEYS
        ]
        parts.append(select(inline(level).label("level"), *columns, durations.c.days))
    grouped = union_all(*parts).subquery("grouped")
    group = [grouped.c.level, *(grouped.c[key] for key in _KEYS)]
    ranked = select(
        grouped,
        func.row_number().over(partition_by=group, order_by=grouped.c.days).label("seq"),
        func.count().over(partition_by=group).label("group_size"),
    ).subquery("ranked")
    # the middle row (odd size) or the middle two (even size): size <= 2·seq <= size + 2
    twice, size = ranked.c.seq * 2, ranked.c.group_size
    middle = and_(twice >= size, twice <= size + 2)
    group = [ranked.c.level, *(ranked.c[key] for key in _KEYS)]
    return select(*group, func.avg(ranked.c.days).label("median")).where(middle).group_by(*group)


def _figures_of(row: Any) -> dict[str, Any]:
    return {
        "opened": int(row.opened or 0),
        "open_now": int(row.open_now or 0),
        "resolved": int(row.resolved or 0),
        "outcomes": {o: int(getattr(row, o) or 0) for o in OUTCOMES},
        "disputed_minor": int(row.disputed or 0),
        "open_minor": int(row.open_amount or 0),
        "blocked_minor_days": int(row.blocked or 0),
    }


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def dispute_analytics(org_id: int, user: User, period: Period, *, today: date) -> DisputeAnalytics:
    """Every figure of the analytics for `period`, as `user` may see them (two statements)."""
    rows = db.session.execute(_lines_statement(org_id, user, period, today)).all()
    medians = {
        (row.level, row.currency, row.reason_team, row.reason_code): _rounded(row.median)
        for row in db.session.execute(_medians_statement(org_id, user, period))
    }

    def median(
        level: int, currency: str | None, team: str | None = None, code: str | None = None
    ) -> float | None:
        return medians.get((level, currency, team, code))

    reasons = [
        ReasonLine(
            currency=row.currency,
            team=row.reason_team,
            code=row.reason_code,
            top_debtor_id=row.top_debtor_id,
            top_debtor_name=row.top_debtor_name,
            median_days_to_resolve=median(0, row.currency, row.reason_team, row.reason_code),
            **_figures_of(row),
        )
        for row in rows
    ]
    currencies = [
        _currency_section(currency, [r for r in reasons if r.currency == currency], median)
        for currency in sorted({r.currency for r in reasons if r.currency})
    ]
    teams = _team_lines(None, reasons, lambda team: median(3, None, team))
    overall = Figures(median_days_to_resolve=median(4, None))
    for line in teams:
        overall.add(line)
    return DisputeAnalytics(period=period, overall=overall, teams=teams, currencies=currencies)


def _team_lines(currency: str | None, reasons: Iterable[ReasonLine], median: Any) -> list[TeamLine]:
    """Every team (SPEC order, then any other stored team), each the sum of its reasons."""
    reasons = list(reasons)
    names = list(TEAMS) + sorted({r.team for r in reasons} - set(TEAMS))
    lines = []
    for team in names:
        line = TeamLine(currency=currency, team=team, median_days_to_resolve=median(team))
        for reason in reasons:
            if reason.team == team:
                line.add(reason)
        lines.append(line)
    return lines


def _currency_section(currency: str, reasons: list[ReasonLine], median: Any) -> CurrencySection:
    teams = _team_lines(currency, reasons, lambda team: median(1, currency, team))
    totals = Figures(currency=currency, median_days_to_resolve=median(2, currency))
    for line in teams:
        totals.add(line)
    order = {team: n for n, team in enumerate(line.team for line in teams)}
    reasons.sort(key=lambda r: (order[r.team], -r.blocked_minor_days, -r.opened, r.code))
    return CurrencySection(currency=currency, totals=totals, teams=teams, reasons=reasons)
