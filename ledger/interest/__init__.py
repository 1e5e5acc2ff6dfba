"""Statutory late-payment interest and fixed compensation (SPEC §2): a pure library.

No database and no Flask: rate tables, margins and compensation rules are CSV files in
`data/` (each citing its sources), read by `tables`; `calc` does the arithmetic.

    result = compute_interest(
        [PrincipalEvent.invoice(date(2024, 2, 14), Money(1_000_000, "EUR"))],
        due_date=date(2024, 3, 15), as_of=date(2024, 9, 30), jurisdiction="FR", currency="EUR",
    )
    fixed_compensation(result.principal_at_due, jurisdiction="FR")   # EUR 40.00

A missing reference rate raises RateUnavailable (what a formal notice needs); pass
`until_rates_run_out=True` for the interest up to the last confirmed rate, with
`result.complete`, `result.missing_from` and `result.reason` (naming the data file to fill in).
"""

from __future__ import annotations

from .calc import compute_interest, fixed_compensation, half_year_start, reference_rate_bp
from .model import (
    Compensation,
    EventKind,
    InterestError,
    InterestLine,
    InterestResult,
    PrincipalEvent,
    RateGap,
    RateUnavailable,
    percent,
)
from .tables import Jurisdiction, get_jurisdiction, jurisdictions, rate_table

__all__ = [
    "Compensation",
    "EventKind",
    "InterestError",
    "InterestLine",
    "InterestResult",
    "Jurisdiction",
    "PrincipalEvent",
    "RateGap",
    "RateUnavailable",
    "compute_interest",
    "fixed_compensation",
    "get_jurisdiction",
    "half_year_start",
    "jurisdictions",
    "percent",
    "rate_table",
    "reference_rate_bp",
]
