"""Payments around the due date, dates before it, and calculations that must refuse."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.interest import InterestError, RateUnavailable, compute_interest

from .helpers import D, credit, eur, gbp, inv, pay, summary


def test_payment_before_due_date_leaves_no_interest() -> None:
    result = compute_interest(
        [inv(D(2024, 1, 1), eur("1000.00")), pay(D(2024, 1, 20), eur("1000.00"))],
        due_date=D(2024, 1, 31),
        as_of=D(2024, 6, 30),
        jurisdiction="FR",
        currency="EUR",
    )
    assert result.lines == ()
    assert result.total == eur("0.00")
    assert result.principal_at_due == eur("0.00")


def test_part_payment_before_due_date_lowers_the_principal() -> None:
    result = compute_interest(
        [inv(D(2024, 1, 1), eur("1000.00")), pay(D(2024, 1, 20), eur("400.00"))],
        due_date=D(2024, 1, 31),
        as_of=D(2024, 3, 1),
        jurisdiction="FR",
        currency="EUR",
    )
    # 1.2.-1.3.2024 = 29 + 1 = 30 days on 600.00 at 14.50 %
    #   60,000 x 1450 x 30 / 3,650,000 = 715.068... -> EUR 7.15
    assert summary(result) == [(D(2024, 2, 1), D(2024, 3, 1), 30, "600.00", 1450, "7.15")]


def test_paid_on_due_date_costs_nothing_and_a_day_late_costs_one_day() -> None:
    def settled_on(day: date):
        return compute_interest(
            [inv(D(2024, 1, 1), eur("1000.00")), pay(day, eur("1000.00"))],
            due_date=D(2024, 1, 31),
            as_of=D(2024, 6, 30),
            jurisdiction="FR",
            currency="EUR",
        )

    assert settled_on(D(2024, 1, 31)).total == eur("0.00")
    # one day at 14.50 % on 1,000.00: 100,000 x 1450 x 1 / 3,650,000 = 39.726 -> EUR 0.40
    assert summary(settled_on(D(2024, 2, 1))) == [
        (D(2024, 2, 1), D(2024, 2, 1), 1, "1000.00", 1450, "0.40")
    ]


def test_as_of_on_or_before_due_date_is_zero() -> None:
    for as_of in (D(2024, 3, 1), D(2024, 3, 15)):
        result = compute_interest(
            [inv(D(2024, 2, 14), eur("10000.00"))],
            due_date=D(2024, 3, 15),
            as_of=as_of,
            jurisdiction="FR",
            currency="EUR",
        )
        assert result.lines == () and result.total == eur("0.00")


def test_events_after_as_of_are_ignored() -> None:
    result = compute_interest(
        [inv(D(2024, 2, 14), eur("10000.00")), pay(D(2024, 8, 1), eur("10000.00"))],
        due_date=D(2024, 3, 15),
        as_of=D(2024, 6, 30),
        jurisdiction="FR",
        currency="EUR",
    )
    assert result.total == eur("425.07")  # the 107-day H1 line of the first test


def test_date_before_the_table_is_a_clear_error_not_zero() -> None:
    with pytest.raises(RateUnavailable, match=r"ecb_mro .*2012-07-01.*starts on 2013-01-01"):
        compute_interest(
            [inv(D(2012, 6, 1), eur("1000.00"))],
            due_date=D(2012, 6, 30),
            as_of=D(2013, 2, 1),
            jurisdiction="FR",
            currency="EUR",
        )


def test_unconfirmed_half_year_is_a_clear_error_not_zero() -> None:
    # the MRO rate in force on 1 July 2026 could not be confirmed, so the table leaves it empty
    with pytest.raises(RateUnavailable, match=r"No confirmed ecb_mro .*2026-07-01"):
        compute_interest(
            [inv(D(2026, 5, 1), eur("1000.00"))],
            due_date=D(2026, 6, 15),
            as_of=D(2026, 7, 15),
            jurisdiction="FR",
            currency="EUR",
        )
    with pytest.raises(RateUnavailable, match=r"de_basiszins"):
        compute_interest(
            [inv(D(2026, 5, 1), eur("1000.00"))],
            due_date=D(2026, 6, 15),
            as_of=D(2026, 7, 15),
            jurisdiction="DE",
            currency="EUR",
        )


def test_uk_after_the_last_confirmed_fixing_is_an_error() -> None:
    # interest starting 1.1.2027 needs Bank Rate on 31.12.2026, which the table does not confirm
    with pytest.raises(RateUnavailable, match=r"boe_base .*2026-12-31"):
        compute_interest(
            [inv(D(2026, 12, 1), gbp("1000.00"))],
            due_date=D(2026, 12, 31),
            as_of=D(2027, 1, 31),
            jurisdiction="UK",
            currency="GBP",
        )


def test_event_in_another_currency_is_refused() -> None:
    with pytest.raises(InterestError, match="never converted"):
        compute_interest(
            [inv(D(2024, 1, 1), eur("1000.00")), pay(D(2024, 2, 1), gbp("100.00"))],
            due_date=D(2024, 1, 31),
            as_of=D(2024, 3, 1),
            jurisdiction="FR",
            currency="EUR",
        )


def test_payments_above_the_invoice_are_refused() -> None:
    with pytest.raises(InterestError, match=r"exceed the amount invoiced by 50.00 EUR"):
        compute_interest(
            [inv(D(2024, 1, 1), eur("1000.00")), credit(D(2024, 2, 1), eur("1050.00"))],
            due_date=D(2024, 1, 31),
            as_of=D(2024, 3, 1),
            jurisdiction="FR",
            currency="EUR",
        )


def test_unknown_jurisdiction_and_currency_are_refused() -> None:
    with pytest.raises(InterestError, match=r"Unknown jurisdiction 'US'.*DE, EU, FR, UK"):
        compute_interest(
            [], due_date=D(2024, 1, 31), as_of=D(2024, 3, 1), jurisdiction="US", currency="USD"
        )
    with pytest.raises(InterestError, match="Unknown currency"):
        compute_interest(
            [], due_date=D(2024, 1, 31), as_of=D(2024, 3, 1), jurisdiction="FR", currency="EURO"
        )


def test_event_amount_must_be_positive() -> None:
    with pytest.raises(InterestError, match="must be > 0"):
        pay(D(2024, 1, 1), eur("0.00"))
