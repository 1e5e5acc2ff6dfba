"""DSO: standard, countback, best possible, average days delinquent and a 12-month trend.

Receivables at any past date come from one grouped statement of daily changes (issued,
allocated, closed), so the trend costs one query whatever the number of invoices.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, case, cast, func, literal, or_, select, union_all

from core.auth.models import User
from core.extensions import db
from core.money import Money
from ledger.models import Allocation, Invoice
from ledger.reports.aging import receivables_by_currency
from ledger.reports.common import inline, larger, visible_invoices

TREND_MONTHS = 12


@dataclass
class DsoReport:
    as_of: date
    currency: str
    period_days: int
    receivables: Money
    current_receivables: Money
    sales: Money
    standard: float | None
    countback: float | None
    best_possible: float | None
    average_days_delinquent: float | None
    target_dso_days: int | None
    trend: list[dict[str, Any]]
    currencies: list[str]


def ratio_days(receivables: int, sales: int, days: int) -> float | None:
    """(receivables / sales) x days, None without sales."""
    return None if sales <= 0 else receivables / sales * days


def countback(receivables: int, months: Sequence[tuple[int, int]]) -> float | None:
    """Countback DSO: `months` are (sales, days) from the latest back; None without sales.

    Whole months are counted while receivables exceed their sales; the rest is the
    month's fraction. Receivables beyond every month given count all their days.
    """
    if receivables <= 0:
        return 0.0
    if not any(sales for sales, _days in months):
        return None
    left, total = receivables, 0.0
    for sales, days in months:
        if left <= sales:
            return total + left / sales * days
        left -= sales
        total += days
    return total


class DailyLedger:
    """Receivables and sales changes per day, with everything before `start` in one row."""

    def __init__(self, start: date, rows: Sequence[Any]) -> None:
        self.start = start
        self.days = sorted((_as_date(r.day), int(r.ar or 0), int(r.sales or 0)) for r in rows)

    def receivables_at(self, day: date) -> int:
        return sum(ar for d, ar, _s in self.days if d <= day)

    def sales_between(self, after: date, through: date) -> int:
        """Sales issued in (after, through]; `after` must not be before `start`."""
        return sum(s for d, _ar, s in self.days if after < d <= through)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def daily_ledger(org_id: int, user: User | None, currency: str, start: date, end: date) -> Any:
    """Receivables and sales per day up to `end` (one statement).

    Receivables at D = outstanding + allocations applied after D, over invoices issued by D
    and not closed by D (the aging's definition), written as dated changes.
    """
    org, last = inline(org_id), inline(end)
    base = (
        Invoice.org_id == org,
        Invoice.currency == currency,
        Invoice.issue_date <= last,
        visible_invoices(user, org_id),
    )
    closed_on = func.coalesce(Invoice.cancelled_on, Invoice.written_off_on)
    # written as the partial index ix_invoices_org_id_closed is, so the planner can use it
    closed = or_(Invoice.cancelled_on.is_not(None), Invoice.written_off_on.is_not(None))
    applied = larger(Allocation.applied_on, Invoice.issue_date)
    # every allocation counts on the issue day (as one sum per invoice, no second join) and
    # comes off on the day it was applied
    paid = (
        select(
            Allocation.invoice_id,
            cast(func.sum(Allocation.amount_minor), BigInteger).label("minor"),
        )
        .where(Allocation.org_id == org)
        .group_by(Allocation.invoice_id)
        .subquery("paid")
    )
    events = union_all(
        select(
            Invoice.issue_date.label("day"),
            (Invoice.outstanding_minor + func.coalesce(paid.c.minor, 0)).label("ar"),
            case((Invoice.cancelled_on.is_(None), Invoice.amount_minor), else_=0).label("sales"),
        )
        .outerjoin(paid, paid.c.invoice_id == Invoice.id)
        .where(*base),
        select(larger(closed_on, Invoice.issue_date), -Invoice.outstanding_minor, literal(0)).where(
            *base, closed, closed_on <= last
        ),
        select(applied, -Allocation.amount_minor, literal(0))
        .select_from(Allocation)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(*base, Allocation.org_id == org, applied <= last),
    ).subquery("events")
    # group on a derived column: PostgreSQL would see two bind parameters as two expressions
    before = inline(start - timedelta(days=1))
    dated = select(
        case((events.c.day < inline(start), before), else_=events.c.day).label("day"),
        events.c.ar,
        events.c.sales,
    ).subquery("dated")
    rows = db.session.execute(
        select(
            dated.c.day, func.sum(dated.c.ar).label("ar"), func.sum(dated.c.sales).label("sales")
        ).group_by(dated.c.day)
    ).all()
    return DailyLedger(start, rows)


def _month_start(day: date, back: int) -> date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(start: date) -> date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def dso_report(
    org_id: int,
    user: User | None,
    as_of: date,
    currency: str,
    *,
    period_days: int = 90,
    target_dso_days: int | None = None,
) -> DsoReport:
    """Every DSO figure for `currency` as of `as_of` (two statements)."""
    totals = receivables_by_currency(org_id, user, as_of)
    earliest = _month_start(as_of, TREND_MONTHS - 1)
    start = min(earliest - timedelta(days=period_days), _month_start(as_of, TREND_MONTHS))
    ledger = daily_ledger(org_id, user, currency, start, as_of)
    receivables, current = totals.get(currency, (0, 0))
    sales = ledger.sales_between(as_of - timedelta(days=period_days), as_of)
    standard = ratio_days(receivables, sales, period_days)
    best = ratio_days(current, sales, period_days)
    months = []
    for back in range(TREND_MONTHS):
        first = _month_start(as_of, back)
        last = min(_month_end(first), as_of)
        months.append((ledger.sales_between(first - timedelta(days=1), last), last.day))
    trend = []
    for back in reversed(range(TREND_MONTHS)):
        first = _month_start(as_of, back)
        point = min(_month_end(first), as_of)
        window = ledger.sales_between(point - timedelta(days=period_days), point)
        dso = ratio_days(ledger.receivables_at(point), window, period_days)
        trend.append({"month": first.strftime("%Y-%m"), "dso": _round(dso)})
    return DsoReport(
        as_of=as_of,
        currency=currency,
        period_days=period_days,
        receivables=Money(receivables, currency),
        current_receivables=Money(current, currency),
        sales=Money(sales, currency),
        standard=_round(standard),
        countback=_round(countback(receivables, months)),
        best_possible=_round(best),
        average_days_delinquent=(
            None if standard is None or best is None else _round(standard - best)
        ),
        target_dso_days=target_dso_days,
        trend=trend,
        currencies=sorted(c for c in totals if c != currency),
    )
