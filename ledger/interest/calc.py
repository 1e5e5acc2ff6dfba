"""Statutory late-payment interest and fixed compensation: pure functions over the data tables.

Interest is simple interest on the outstanding principal from the day after the due date up
to and including `as_of`, split into periods wherever the principal or the rate changes.
Each period's interest is

    principal (minor units) x (reference rate + margin) in bp x days / (10,000 x year days)

computed exactly with Decimal and rounded ONCE per period, half-up, to whole minor units.
Half-up is the commercial rounding letters and courts use; rounding per period (not per day,
not only the total) keeps the error under one minor unit per line while every printed line
still adds up exactly to the printed total.

A missing reference rate is an error (RateUnavailable) by default: a formal notice must claim
every day or none. `until_rates_run_out=True` instead stops at the first day without a
confirmed rate and says so in `result.gap` (`complete`, `missing_from`, `reason`), for pages
that show what is owed so far.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from core.money import Money, MoneyError

from .model import (
    Compensation,
    InterestError,
    InterestLine,
    InterestResult,
    PrincipalEvent,
    RateGap,
    RateUnavailable,
)
from .tables import Jurisdiction, compensation_bands, get_jurisdiction, rate_table

_DAY = timedelta(days=1)


def half_year_start(day: date) -> date:
    """1 January or 1 July of the half-year containing `day`."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def reference_rate_bp(code: str, half_year: date) -> int:
    """The reference rate (bp) `code` applies for the half-year starting `half_year`."""
    return _reference_rate(get_jurisdiction(code), half_year_start(half_year))


def _reference_rate(j: Jurisdiction, half_year: date) -> int:
    # "first_day": rate in force on 1 Jan / 1 Jul; "day_before": on 31 Dec / 30 Jun (UK)
    fixing_day = half_year if j.fixing == "first_day" else half_year - _DAY
    return rate_table(j.rate_table).rate_on(fixing_day)


def _interest_minor(principal: int, rate_bp: int, days: int, year_days: int) -> int:
    # 80 digits hold any product of a BIGINT principal, a rate and a day count exactly, so the
    # one rounding below sees the true quotient (a repeating 1/365 never looks like .5)
    with localcontext() as ctx:
        ctx.prec = 80
        exact = Decimal(principal * rate_bp * days) / Decimal(10_000 * year_days)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _check_balances(events: list[PrincipalEvent], until: date) -> None:
    """Refuse payments and credits that would make the amount owed negative on any day."""
    running = 0
    for i, event in enumerate(events):
        if event.on > until:
            break
        running += event.signed_minor
        last_of_day = i + 1 == len(events) or events[i + 1].on != event.on
        if last_of_day and running < 0:
            raise InterestError(
                f"Payments and credit notes up to {event.on.isoformat()} exceed the amount "
                f"invoiced by {Money(-running, event.amount.currency)}: "
                "book the excess as unapplied credit, not against this invoice."
            )


def compute_interest(
    principal_events: Iterable[PrincipalEvent],
    *,
    due_date: date,
    as_of: date,
    jurisdiction: str,
    currency: str,
    until_rates_run_out: bool = False,
) -> InterestResult:
    """Statutory interest on one invoice, per period, from the day after `due_date` to `as_of`.

    A period without a confirmed reference rate raises RateUnavailable, unless
    `until_rates_run_out`: then the result stops the day before the first such period and
    `result.gap` names that day, the half-year and the data file to fill in (other errors
    still raise).
    """
    j = get_jurisdiction(jurisdiction)
    try:
        zero = Money.zero(currency)
    except MoneyError as exc:
        raise InterestError(str(exc)) from None
    events = sorted(principal_events, key=lambda e: (e.on, e.signed_minor < 0))
    for event in events:
        if event.amount.currency != currency:
            raise InterestError(
                f"{event.kind} on {event.on.isoformat()} is in {event.amount.currency}, "
                f"the invoice in {currency}: amounts are never converted."
            )
    _check_balances(events, max(as_of, due_date))
    start = due_date + _DAY
    opening = sum(e.signed_minor for e in events if e.on <= due_date)
    lines: list[InterestLine] = []
    gap: RateGap | None = None
    for seg_start, seg_end in _segments(j, events, start, as_of):
        principal = sum(e.signed_minor for e in events if e.on < seg_start)
        if principal == 0:
            continue  # nothing owed in this stretch: no line on the letter
        rate_half_year = half_year_start(seg_start if j.refix == "each_half_year" else start)
        try:
            ref_bp = _reference_rate(j, rate_half_year)
        except RateUnavailable as exc:
            if not until_rates_run_out:
                raise
            # stop here: the lines stay one unbroken stretch from the start, never skip a gap
            data_file = f"ledger/interest/data/{j.rate_table}.csv"
            gap = RateGap(seg_start, rate_half_year, data_file, str(exc))
            break
        days = (seg_end - seg_start).days + 1
        minor = _interest_minor(principal, ref_bp + j.margin_bp, days, j.year_days)
        lines.append(
            InterestLine(
                start=seg_start,
                end=seg_end,
                days=days,
                principal=Money(principal, currency),
                reference_rate_bp=ref_bp,
                margin_bp=j.margin_bp,
                interest=Money(minor, currency),
            )
        )
    return InterestResult(
        jurisdiction=j.code,
        legal_basis=j.legal_basis,
        currency=currency,
        due_date=due_date,
        as_of=as_of,
        day_count=j.day_count,
        principal_at_due=Money(opening, currency),
        lines=tuple(lines),
        total=sum((line.interest for line in lines), zero),
        gap=gap,
    )


def _segments(
    j: Jurisdiction, events: list[PrincipalEvent], start: date, as_of: date
) -> list[tuple[date, date]]:
    """[start, end] day ranges with constant principal and rate, covering start..as_of."""
    if as_of < start:
        return []
    # an event dated D changes the principal from D + 1 (interest runs through its own day)
    cuts = {e.on + _DAY for e in events if start <= e.on < as_of}
    if j.refix == "each_half_year":
        boundary = _next_half_year(half_year_start(start))
        while boundary <= as_of:
            cuts.add(boundary)
            boundary = _next_half_year(boundary)
    starts = [start, *sorted(cuts)]
    ends = [s - _DAY for s in starts[1:]] + [as_of]
    return list(zip(starts, ends, strict=True))


def fixed_compensation(debt: Money, *, jurisdiction: str) -> Compensation:
    """The fixed compensation for one late invoice of `debt`, or None with the reason."""
    j = get_jurisdiction(jurisdiction)
    bands = compensation_bands(j.compensation)
    rule_currency = bands[0].amount.currency
    if debt.currency != rule_currency:
        amounts = " / ".join(str(b.amount) for b in bands)
        return Compensation(
            j.code,
            None,
            f"{j.code} fixed compensation is set in {rule_currency} ({amounts}); this invoice "
            f"is in {debt.currency} and amounts are never converted between currencies.",
        )
    if debt.minor <= 0:
        return Compensation(j.code, None, "Nothing is owed, so no fixed compensation is due.")
    band = [b for b in bands if b.debt_from.minor <= debt.minor][-1]
    return Compensation(
        j.code, band.amount, f"Fixed compensation for a debt of {debt} ({j.legal_basis})."
    )
