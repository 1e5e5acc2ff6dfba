"""Payer score: amount-weighted days beyond terms over the last 12 months, grade and trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from core.extensions import db
from ledger.models import Allocation, Debtor, Invoice
from ledger.sql import days_between

#: upper bound of average days beyond terms for each grade (E is everything above D)
GRADE_BOUNDS = (("A", 5), ("B", 15), ("C", 30), ("D", 60))
#: a change of more than this many days between half-years counts as a trend
TREND_DAYS = 5


@dataclass(frozen=True)
class Score:
    grade: str | None
    avg_days_beyond_terms: float | None
    trend: str
    paid_invoices: int


def grade_for(avg_days: float | None) -> str | None:
    if avg_days is None:
        return None
    for grade, bound in GRADE_BOUNDS:
        if avg_days <= bound:
            return grade
    return "E"


def _weighted_days(debtor_id: int, start: date, end: date) -> tuple[float | None, int]:
    """Amount-weighted days late of payments applied in [start, end), and invoices paid."""
    days = days_between(Allocation.applied_on, Invoice.due_date)
    late_days = (days + func.abs(days)) / 2  # max(days, 0), in portable SQL
    row = db.session.execute(
        select(
            func.sum(Allocation.amount_minor * late_days),
            func.sum(Allocation.amount_minor),
            func.count(func.distinct(Allocation.invoice_id)),
        )
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            Invoice.debtor_id == debtor_id,
            # the tenant column lets the (org_id, debtor_id) index serve this query
            Invoice.org_id == select(Debtor.org_id).where(Debtor.id == debtor_id).scalar_subquery(),
            Allocation.org_id == Invoice.org_id,
            Allocation.payment_id.is_not(None),
            Allocation.applied_on >= start,
            Allocation.applied_on < end,
        )
    ).one()
    weighted, total, count = row
    if not total:
        return None, 0
    return float(weighted) / float(total), int(count)


def _trend(recent: float | None, earlier: float | None) -> str:
    if recent is None or earlier is None:
        return "unknown"
    if recent > earlier + TREND_DAYS:
        return "deteriorating"
    if recent < earlier - TREND_DAYS:
        return "improving"
    return "stable"


def score_for(debtor_id: int, as_of: date) -> Score:
    """The score of one debtor as of a date (three aggregate queries)."""
    end = as_of + timedelta(days=1)
    avg, count = _weighted_days(debtor_id, end - timedelta(days=365), end)
    recent, _ = _weighted_days(debtor_id, end - timedelta(days=182), end)
    earlier, _ = _weighted_days(debtor_id, end - timedelta(days=365), end - timedelta(days=182))
    trend = _trend(recent, earlier)
    return Score(grade_for(avg), None if avg is None else round(avg, 1), trend, count)


def _ratio(weighted: Any, total: Any) -> float | None:
    return float(weighted) / float(total) if total else None


def scores_for_org(
    org_id: int, as_of: date, *, where: ColumnElement[bool] | None = None
) -> dict[int, Score]:
    """Scores of every debtor of `org_id` with payments in the last 12 months (one query).

    `where` narrows the invoices (e.g. a sales rep's debtors); figures equal `score_for`.
    """
    end = as_of + timedelta(days=1)
    start, middle = end - timedelta(days=365), end - timedelta(days=182)
    days = days_between(Allocation.applied_on, Invoice.due_date)
    late = Allocation.amount_minor * (days + func.abs(days)) / 2
    recent = Allocation.applied_on >= middle

    def part(cond: ColumnElement[bool], value: Any) -> Any:
        return func.sum(case((cond, value), else_=0))

    query = (
        select(
            Invoice.debtor_id,
            func.sum(late),
            func.sum(Allocation.amount_minor),
            func.count(func.distinct(Allocation.invoice_id)),
            part(recent, late),
            part(recent, Allocation.amount_minor),
            part(~recent, late),
            part(~recent, Allocation.amount_minor),
        )
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            Allocation.org_id == org_id,
            Invoice.org_id == org_id,
            Allocation.payment_id.is_not(None),
            Allocation.applied_on >= start,
            Allocation.applied_on < end,
        )
        .group_by(Invoice.debtor_id)
    )
    if where is not None:
        query = query.where(where)
    scores = {}
    for debtor_id, weighted, total, count, r_w, r_t, e_w, e_t in db.session.execute(query):
        avg = _ratio(weighted, total)
        trend = _trend(_ratio(r_w, r_t), _ratio(e_w, e_t))
        scores[debtor_id] = Score(
            grade_for(avg), None if avg is None else round(avg, 1), trend, count
        )
    return scores
