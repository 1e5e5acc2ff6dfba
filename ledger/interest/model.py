"""Inputs and results of the statutory-interest calculator: frozen dataclasses, no I/O.

The results carry everything an invoice page or a formal-notice letter prints (dates, days,
principal, rates as percent strings, Money amounts), and `to_dict()` gives the JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from core.money import Money


class InterestError(ValueError):
    """A calculation that cannot be done as asked; the message says why."""


class RateUnavailable(InterestError):
    """No confirmed reference rate for the date asked: never read as zero."""


def percent(bp: int) -> str:
    """Basis points as a percent string: 1450 -> "14.50", -88 -> "-0.88"."""
    sign = "-" if bp < 0 else ""
    whole, frac = divmod(abs(bp), 100)
    return f"{sign}{whole}.{frac:02d}"


class EventKind(StrEnum):
    """What a dated principal event does to the amount owed."""

    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"


@dataclass(frozen=True, slots=True)
class PrincipalEvent:
    """A dated change of the amount owed: the invoice raises it, payments and credit notes cut it.

    A payment or credit note dated D stops interest on its amount after D: interest on it runs
    up to and including D (so paying on the due date costs nothing, one day late costs a day).
    """

    on: date
    kind: EventKind
    #: always positive; the kind gives the direction
    amount: Money

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EventKind(self.kind))
        if self.amount.minor <= 0:
            raise InterestError(f"{self.kind} of {self.amount} on {self.on}: amount must be > 0.")

    @property
    def signed_minor(self) -> int:
        """Minor units added to (invoice) or taken from (payment, credit note) the principal."""
        return self.amount.minor if self.kind is EventKind.INVOICE else -self.amount.minor

    @classmethod
    def invoice(cls, on: date, amount: Money) -> PrincipalEvent:
        """The invoiced amount (or a later debit) owed from `on`."""
        return cls(on, EventKind.INVOICE, amount)

    @classmethod
    def payment(cls, on: date, amount: Money) -> PrincipalEvent:
        """A payment received on `on`."""
        return cls(on, EventKind.PAYMENT, amount)

    @classmethod
    def credit_note(cls, on: date, amount: Money) -> PrincipalEvent:
        """A credit note issued on `on`."""
        return cls(on, EventKind.CREDIT_NOTE, amount)


@dataclass(frozen=True, slots=True)
class InterestLine:
    """One period with a constant principal and rate: start and end both count as days."""

    start: date
    end: date
    days: int
    principal: Money
    reference_rate_bp: int
    margin_bp: int
    interest: Money

    @property
    def rate_bp(self) -> int:
        """The annual rate applied: reference rate plus margin, in basis points."""
        return self.reference_rate_bp + self.margin_bp

    @property
    def rate_percent(self) -> str:
        """The annual rate applied as a percent string, e.g. "14.50"."""
        return percent(self.rate_bp)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates ISO, rates in basis points and percent strings)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "principal": self.principal.to_dict(),
            "reference_rate_bp": self.reference_rate_bp,
            "margin_bp": self.margin_bp,
            "rate_bp": self.rate_bp,
            "rate_percent": self.rate_percent,
            "interest": self.interest.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class RateGap:
    """Where a lenient calculation stopped: the first day that needs a reference rate the table
    does not confirm, the half-year that rate belongs to and the data file to fill in."""

    #: first day of interest left out (no confirmed reference rate for it)
    missing_from: date
    #: 1 January or 1 July: the half-year whose reference rate is missing
    half_year: date
    #: the rate table's data file, e.g. "ledger/interest/data/ecb_mro.csv"
    data_file: str
    #: the table's own explanation (RateUnavailable's message)
    detail: str

    @property
    def half_year_label(self) -> str:
        """ "2026 H2" for the half-year starting 1 July 2026."""
        return f"{self.half_year.year} H{1 if self.half_year.month <= 6 else 2}"

    @property
    def reason(self) -> str:
        """One sentence: what is left out and which file needs the rate."""
        return (
            f"Interest from {self.missing_from.isoformat()} is not included: no confirmed "
            f"reference rate for {self.half_year_label} in {self.data_file}."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "missing_from": self.missing_from.isoformat(),
            "half_year": self.half_year_label,
            "data_file": self.data_file,
            "detail": self.detail,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class InterestResult:
    """Statutory interest on one invoice from the day after `due_date` to `as_of` inclusive."""

    jurisdiction: str
    legal_basis: str
    currency: str
    due_date: date
    as_of: date
    day_count: str
    #: outstanding when interest starts to run (what the UK compensation bands look at)
    principal_at_due: Money
    lines: tuple[InterestLine, ...]
    total: Money
    #: only from `compute_interest(..., until_rates_run_out=True)`: where the rates ran out
    #: (the lines then cover due_date + 1 .. gap.missing_from - 1, never beyond)
    gap: RateGap | None = None

    @property
    def complete(self) -> bool:
        """True when the lines cover every day up to `as_of` (a formal notice needs this)."""
        return self.gap is None

    @property
    def missing_from(self) -> date | None:
        """The first day left out for want of a confirmed reference rate; None if complete."""
        return None if self.gap is None else self.gap.missing_from

    @property
    def reason(self) -> str:
        """Why the result stops early, naming the data file to fill in; "" if complete."""
        return "" if self.gap is None else self.gap.reason

    @property
    def covered_until(self) -> date:
        """The last day the lines account for: `as_of`, or the day before the gap."""
        return self.as_of if self.gap is None else self.gap.missing_from - timedelta(days=1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the invoice page and the formal-notice letter."""
        return {
            "jurisdiction": self.jurisdiction,
            "legal_basis": self.legal_basis,
            "currency": self.currency,
            "due_date": self.due_date.isoformat(),
            "as_of": self.as_of.isoformat(),
            "day_count": self.day_count,
            "principal_at_due": self.principal_at_due.to_dict(),
            "lines": [line.to_dict() for line in self.lines],
            "total": self.total.to_dict(),
            "complete": self.complete,
            "covered_until": self.covered_until.isoformat(),
            "missing_from": None if self.gap is None else self.gap.missing_from.isoformat(),
            "gap": None if self.gap is None else self.gap.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Compensation:
    """The fixed sum per late invoice, or None with the reason there is none."""

    jurisdiction: str
    amount: Money | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; `amount` is null when no sum applies."""
        return {
            "jurisdiction": self.jurisdiction,
            "amount": None if self.amount is None else self.amount.to_dict(),
            "reason": self.reason,
        }
