"""UK statutory interest (rate fixed when interest starts) and the GBP 40/70/100 bands."""

from __future__ import annotations

import pytest

from core.money import Money
from ledger.interest import compute_interest, fixed_compensation

from .helpers import D, eur, gbp, inv, pay, summary


def test_uk_rate_is_fixed_when_interest_starts_and_not_split_at_half_years() -> None:
    result = compute_interest(
        [inv(D(2024, 10, 1), gbp("5000.00"))],
        due_date=D(2024, 10, 31),
        as_of=D(2025, 3, 31),
        jurisdiction="UK",
        currency="GBP",
    )
    # interest starts 1.11.2024 (H2 2024): Bank Rate on 30.6.2024 = 5.25 % + 8 = 13.25 %,
    # kept after 1.1.2025 although Bank Rate on 31.12.2024 was 4.75 % (SI 2002/1675)
    # 1.11.2024-31.3.2025 = 30 + 31 + 31 + 28 + 31 = 151 days
    #   500,000 x 1325 x 151 / 3,650,000 = 27,407.534... -> GBP 274.08
    assert summary(result) == [(D(2024, 11, 1), D(2025, 3, 31), 151, "5000.00", 1325, "274.08")]
    assert result.lines[0].reference_rate_bp == 525
    assert result.total == gbp("274.08")


def test_uk_reference_rate_is_the_day_before_the_half_year() -> None:
    starts_30_june = compute_interest(
        [inv(D(2025, 6, 1), gbp("10000.00"))],
        due_date=D(2025, 6, 29),
        as_of=D(2025, 7, 10),
        jurisdiction="UK",
        currency="GBP",
    )
    # starts 30.6.2025 (H1): Bank Rate on 31.12.2024 = 4.75 % + 8 = 12.75 %; 30.6.-10.7. = 11 days
    #   1,000,000 x 1275 x 11 / 3,650,000 = 3,842.466... -> GBP 38.42
    assert summary(starts_30_june) == [
        (D(2025, 6, 30), D(2025, 7, 10), 11, "10000.00", 1275, "38.42")
    ]
    starts_1_july = compute_interest(
        [inv(D(2025, 6, 1), gbp("10000.00"))],
        due_date=D(2025, 6, 30),
        as_of=D(2025, 7, 10),
        jurisdiction="UK",
        currency="GBP",
    )
    # starts 1.7.2025 (H2): Bank Rate on 30.6.2025 = 4.25 % + 8 = 12.25 %; 1.7.-10.7. = 10 days
    #   1,000,000 x 1225 x 10 / 3,650,000 = 3,356.164... -> GBP 33.56
    assert summary(starts_1_july) == [
        (D(2025, 7, 1), D(2025, 7, 10), 10, "10000.00", 1225, "33.56")
    ]


def test_uk_payment_still_splits_the_period() -> None:
    result = compute_interest(
        [inv(D(2025, 1, 1), gbp("2000.00")), pay(D(2025, 2, 14), gbp("500.00"))],
        due_date=D(2025, 1, 31),
        as_of=D(2025, 2, 28),
        jurisdiction="UK",
        currency="GBP",
    )
    # starts 1.2.2025: Bank Rate on 31.12.2024 = 4.75 % + 8 = 12.75 %
    # 1.2.-14.2. 14 days x 2,000: 200,000 x 1275 x 14 / 3,650,000 = 978.082 -> GBP 9.78
    # 15.2.-28.2. 14 days x 1,500: 150,000 x 1275 x 14 / 3,650,000 = 733.562 -> GBP 7.34
    assert summary(result) == [
        (D(2025, 2, 1), D(2025, 2, 14), 14, "2000.00", 1275, "9.78"),
        (D(2025, 2, 15), D(2025, 2, 28), 14, "1500.00", 1275, "7.34"),
    ]


@pytest.mark.parametrize(
    ("debt", "expected"),
    [
        ("0.01", "40.00"),
        ("999.99", "40.00"),  # below 1,000.00
        ("1000.00", "70.00"),  # 1,000.00 to 9,999.99
        ("9999.99", "70.00"),
        ("10000.00", "100.00"),  # 10,000.00 or more
        ("250000.00", "100.00"),
    ],
)
def test_uk_compensation_bands_at_the_boundaries(debt: str, expected: str) -> None:
    comp = fixed_compensation(gbp(debt), jurisdiction="UK")
    assert comp.amount == gbp(expected)
    assert "s.5A" in comp.reason


def test_uk_compensation_in_another_currency_is_none_with_reason() -> None:
    comp = fixed_compensation(eur("5000.00"), jurisdiction="UK")
    assert comp.amount is None
    assert "GBP" in comp.reason and "EUR" in comp.reason and "never converted" in comp.reason
    assert comp.to_dict()["amount"] is None


@pytest.mark.parametrize("code", ["EU", "FR", "DE"])
def test_euro_jurisdictions_pay_forty_euros_and_never_convert(code: str) -> None:
    assert fixed_compensation(eur("12.00"), jurisdiction=code).amount == eur("40.00")
    usd = fixed_compensation(Money.parse("5000.00", "USD"), jurisdiction=code)
    assert usd.amount is None and "USD" in usd.reason


def test_nothing_owed_means_no_compensation() -> None:
    assert fixed_compensation(gbp("0.00"), jurisdiction="UK").amount is None


def test_uk_band_uses_the_debt_when_interest_starts() -> None:
    result = compute_interest(
        [inv(D(2025, 1, 1), gbp("10500.00")), pay(D(2025, 1, 15), gbp("600.00"))],
        due_date=D(2025, 1, 31),
        as_of=D(2025, 2, 28),
        jurisdiction="UK",
        currency="GBP",
    )
    # 10,500.00 - 600.00 paid before the due date = 9,900.00 owed: the 70.00 band
    assert result.principal_at_due == gbp("9900.00")
    assert fixed_compensation(result.principal_at_due, jurisdiction="UK").amount == gbp("70.00")
