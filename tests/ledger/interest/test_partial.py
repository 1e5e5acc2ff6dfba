"""Interest up to the last confirmed reference rate (`until_rates_run_out=True`).

The tables leave 2026 H2 empty for ecb_mro and de_basiszins (and Bank Rate after 30 June 2026
for boe_base): the strict calculation refuses, the lenient one stops at the gap and says so.
interest (minor units) = principal x rate in bp x days / (10,000 x 365), half-up per period.
"""

from __future__ import annotations

import pytest

from ledger.interest import RateUnavailable, compute_interest

from .helpers import D, eur, gbp, inv, pay, summary


def test_a_fully_covered_period_is_complete_and_equals_the_strict_result() -> None:
    kwargs = {"due_date": D(2024, 3, 15), "as_of": D(2024, 9, 30), "jurisdiction": "FR"}
    events = [inv(D(2024, 2, 14), eur("10000.00"))]
    lenient = compute_interest(events, currency="EUR", until_rates_run_out=True, **kwargs)
    strict = compute_interest(events, currency="EUR", **kwargs)
    assert lenient == strict  # same lines, same total (784.25, see test_calc), no gap
    assert lenient.complete and lenient.missing_from is None and lenient.reason == ""
    assert lenient.covered_until == D(2024, 9, 30)
    assert lenient.to_dict()["complete"] is True and lenient.to_dict()["gap"] is None


def test_a_period_crossing_into_the_unconfirmed_half_year_stops_on_30_june() -> None:
    events = [inv(D(2026, 2, 13), eur("10000.00"))]
    kwargs = {"due_date": D(2026, 3, 15), "as_of": D(2026, 11, 22), "currency": "EUR"}
    with pytest.raises(RateUnavailable):  # the strict function is unchanged (formal notices)
        compute_interest(events, jurisdiction="FR", **kwargs)
    result = compute_interest(events, jurisdiction="FR", until_rates_run_out=True, **kwargs)
    # H1 2026: ECB 2.15 % + 10 = 12.15 %; 16.3.-30.6. = 16 + 30 + 31 + 30 = 107 days
    #   1,000,000 x 1215 x 107 / 3,650,000 = 35,617.808... -> 35,618 = EUR 356.18
    assert summary(result) == [(D(2026, 3, 16), D(2026, 6, 30), 107, "10000.00", 1215, "356.18")]
    assert result.total == eur("356.18")
    assert not result.complete
    assert result.missing_from == D(2026, 7, 1)
    assert result.covered_until == D(2026, 6, 30)
    assert result.as_of == D(2026, 11, 22)  # what was asked; the gap says where it stopped
    assert result.gap is not None and result.gap.half_year_label == "2026 H2"
    assert result.gap.data_file == "ledger/interest/data/ecb_mro.csv"
    assert "ledger/interest/data/ecb_mro.csv" in result.reason
    assert "2026-07-01" in result.reason
    data = result.to_dict()
    assert data["complete"] is False and data["missing_from"] == "2026-07-01"
    assert data["covered_until"] == "2026-06-30" and data["gap"]["half_year"] == "2026 H2"


def test_germany_with_a_payment_stops_at_the_basiszins_gap() -> None:
    result = compute_interest(
        [
            inv(D(2026, 4, 1), eur("5000.00")),
            pay(D(2026, 6, 10), eur("2000.00")),
            pay(D(2026, 8, 1), eur("1000.00")),  # after the gap: changes nothing shown
        ],
        due_date=D(2026, 5, 1),
        as_of=D(2026, 11, 22),
        jurisdiction="DE",
        currency="EUR",
        until_rates_run_out=True,
    )
    # H1 2026: Basiszins 1.27 % + 9 = 10.27 %
    # 2.5.-10.6.  40 days x 5,000: 500,000 x 1027 x 40 / 3,650,000 = 5,627.397 -> 56.27
    # 11.6.-30.6. 20 days x 3,000: 300,000 x 1027 x 20 / 3,650,000 = 1,688.219 -> 16.88
    assert summary(result) == [
        (D(2026, 5, 2), D(2026, 6, 10), 40, "5000.00", 1027, "56.27"),
        (D(2026, 6, 11), D(2026, 6, 30), 20, "3000.00", 1027, "16.88"),
    ]
    assert result.total == eur("73.15")  # 56.27 + 16.88
    assert result.missing_from == D(2026, 7, 1)
    assert "ledger/interest/data/de_basiszins.csv" in result.reason


def test_a_period_entirely_in_the_unconfirmed_half_year_has_no_lines() -> None:
    result = compute_interest(
        [inv(D(2026, 7, 1), eur("1000.00"))],
        due_date=D(2026, 7, 31),
        as_of=D(2026, 11, 22),
        jurisdiction="EU",
        currency="EUR",
        until_rates_run_out=True,
    )
    assert result.lines == () and result.total == eur("0.00")
    assert not result.complete
    assert result.missing_from == D(2026, 8, 1)  # the day interest starts to run
    assert result.covered_until == D(2026, 7, 31)
    assert result.principal_at_due == eur("1000.00")  # compensation still has its base
    assert "ecb_mro.csv" in result.reason


def test_uk_is_unaffected_while_its_fixing_is_confirmed() -> None:
    events = [inv(D(2026, 7, 16), gbp("1000.00"))]
    kwargs = {"due_date": D(2026, 8, 15), "as_of": D(2026, 11, 22), "jurisdiction": "UK"}
    strict = compute_interest(events, currency="GBP", **kwargs)
    lenient = compute_interest(events, currency="GBP", until_rates_run_out=True, **kwargs)
    # Bank Rate on 30.6.2026 = 3.75 % + 8 = 11.75 %, fixed once; 16.8.-22.11. = 16+30+31+22 = 99
    #   100,000 x 1175 x 99 / 3,650,000 = 3,186.986 -> 3,187 = GBP 31.87
    assert summary(lenient) == [(D(2026, 8, 16), D(2026, 11, 22), 99, "1000.00", 1175, "31.87")]
    assert lenient == strict and lenient.complete


def test_uk_interest_starting_after_the_last_fixing_names_the_boe_file() -> None:
    result = compute_interest(
        [inv(D(2026, 12, 1), gbp("1000.00"))],
        due_date=D(2026, 12, 31),
        as_of=D(2027, 1, 31),
        jurisdiction="UK",
        currency="GBP",
        until_rates_run_out=True,
    )
    # the 2027 H1 rate is Bank Rate on 31.12.2026, which the table does not confirm
    assert result.lines == () and result.missing_from == D(2027, 1, 1)
    assert result.gap is not None and result.gap.half_year_label == "2027 H1"
    assert "ledger/interest/data/boe_base.csv" in result.reason


def test_other_errors_still_raise_when_lenient() -> None:
    from ledger.interest import InterestError

    with pytest.raises(InterestError, match="exceed the amount"):
        compute_interest(
            [inv(D(2026, 5, 1), eur("100.00")), pay(D(2026, 8, 1), eur("200.00"))],
            due_date=D(2026, 5, 31),
            as_of=D(2026, 11, 22),
            jurisdiction="FR",
            currency="EUR",
            until_rates_run_out=True,
        )
