"""Shared builders for the interest tests: Money shorthands and a compact view of lines."""

from __future__ import annotations

from datetime import date

from core.money import Money
from ledger.interest import InterestResult, PrincipalEvent

D = date
inv = PrincipalEvent.invoice
pay = PrincipalEvent.payment
credit = PrincipalEvent.credit_note


def eur(amount: str) -> Money:
    """EUR from a decimal string."""
    return Money.parse(amount, "EUR")


def gbp(amount: str) -> Money:
    """GBP from a decimal string."""
    return Money.parse(amount, "GBP")


def summary(result: InterestResult) -> list[tuple[date, date, int, str, int, str]]:
    """(start, end, days, principal, rate bp, interest) per line, amounts as strings."""
    return [
        (ln.start, ln.end, ln.days, ln.principal.amount, ln.rate_bp, ln.interest.amount)
        for ln in result.lines
    ]
