"""Statutory interest against hand calculations (ACT/365, rounded half-up once per period).

Every expected figure is worked out in the comment above it:
interest (minor units) = principal x rate in bp x days / (10,000 x 365).
"""

from __future__ import annotations

from core.money import Money
from ledger.interest import compute_interest

from .helpers import D, credit, eur, inv, pay, summary


def test_france_unpaid_invoice_splits_at_the_half_year() -> None:
    result = compute_interest(
        [inv(D(2024, 2, 14), eur("10000.00"))],
        due_date=D(2024, 3, 15),
        as_of=D(2024, 9, 30),
        jurisdiction="FR",
        currency="EUR",
    )
    # H1 2024: ECB 4.50 % + 10 = 14.50 %; 16.3.-30.6. = 16 + 30 + 31 + 30 = 107 days
    #   1,000,000 x 1450 x 107 / 3,650,000 = 42,506.849... -> 42,507 = EUR 425.07
    # H2 2024: ECB 4.25 % + 10 = 14.25 %; 1.7.-30.9. = 31 + 31 + 30 = 92 days
    #   1,000,000 x 1425 x 92 / 3,650,000 = 35,917.808... -> 35,918 = EUR 359.18
    assert summary(result) == [
        (D(2024, 3, 16), D(2024, 6, 30), 107, "10000.00", 1450, "425.07"),
        (D(2024, 7, 1), D(2024, 9, 30), 92, "10000.00", 1425, "359.18"),
    ]
    # 425.07 + 359.18 = 784.25
    assert result.total == eur("784.25")
    assert result.principal_at_due == eur("10000.00")
    assert result.lines[0].reference_rate_bp == 450 and result.lines[0].margin_bp == 1000


def test_partial_payment_mid_period_splits_the_period() -> None:
    result = compute_interest(
        [inv(D(2024, 2, 14), eur("10000.00")), pay(D(2024, 5, 10), eur("4000.00"))],
        due_date=D(2024, 3, 15),
        as_of=D(2024, 6, 30),
        jurisdiction="FR",
        currency="EUR",
    )
    # 16.3.-10.5. (the payment day still bears interest) = 16 + 30 + 10 = 56 days on 10,000.00
    #   1,000,000 x 1450 x 56 / 3,650,000 = 22,246.575... -> EUR 222.47
    # 11.5.-30.6. = 21 + 30 = 51 days on 6,000.00
    #   600,000 x 1450 x 51 / 3,650,000 = 12,156.164... -> EUR 121.56
    assert summary(result) == [
        (D(2024, 3, 16), D(2024, 5, 10), 56, "10000.00", 1450, "222.47"),
        (D(2024, 5, 11), D(2024, 6, 30), 51, "6000.00", 1450, "121.56"),
    ]
    assert result.total == eur("344.03")  # 222.47 + 121.56


def test_eu_credit_note_and_payment_around_a_half_year() -> None:
    result = compute_interest(
        [
            inv(D(2023, 5, 1), eur("5000.00")),
            credit(D(2023, 6, 20), eur("1000.00")),
            pay(D(2023, 8, 15), eur("2000.00")),
        ],
        due_date=D(2023, 5, 31),
        as_of=D(2023, 9, 30),
        jurisdiction="EU",
        currency="EUR",
    )
    # H1 2023: ECB 2.50 + 8 = 10.50 %; H2 2023: ECB 4.00 + 8 = 12.00 %
    # 1.6.-20.6.  20 days x 5,000: 500,000 x 1050 x 20 / 3,650,000 = 2,876.712 -> 28.77
    # 21.6.-30.6. 10 days x 4,000: 400,000 x 1050 x 10 / 3,650,000 = 1,150.685 -> 11.51
    # 1.7.-15.8.  46 days x 4,000: 400,000 x 1200 x 46 / 3,650,000 = 6,049.315 -> 60.49
    # 16.8.-30.9. 46 days x 2,000: 200,000 x 1200 x 46 / 3,650,000 = 3,024.658 -> 30.25
    assert summary(result) == [
        (D(2023, 6, 1), D(2023, 6, 20), 20, "5000.00", 1050, "28.77"),
        (D(2023, 6, 21), D(2023, 6, 30), 10, "4000.00", 1050, "11.51"),
        (D(2023, 7, 1), D(2023, 8, 15), 46, "4000.00", 1200, "60.49"),
        (D(2023, 8, 16), D(2023, 9, 30), 46, "2000.00", 1200, "30.25"),
    ]
    assert result.total == eur("131.02")  # 28.77 + 11.51 + 60.49 + 30.25


def test_germany_uses_basiszins_plus_nine() -> None:
    result = compute_interest(
        [inv(D(2025, 4, 20), eur("20000.00"))],
        due_date=D(2025, 5, 20),
        as_of=D(2025, 8, 31),
        jurisdiction="DE",
        currency="EUR",
    )
    # H1 2025: Basiszins 2.27 + 9 = 11.27 %; 21.5.-30.6. = 11 + 30 = 41 days
    #   2,000,000 x 1127 x 41 / 3,650,000 = 25,318.904... -> EUR 253.19
    # H2 2025: Basiszins 1.27 + 9 = 10.27 %; 1.7.-31.8. = 62 days
    #   2,000,000 x 1027 x 62 / 3,650,000 = 34,889.863... -> EUR 348.90
    assert summary(result) == [
        (D(2025, 5, 21), D(2025, 6, 30), 41, "20000.00", 1127, "253.19"),
        (D(2025, 7, 1), D(2025, 8, 31), 62, "20000.00", 1027, "348.90"),
    ]
    assert result.total == eur("602.09")
    assert result.lines[0].reference_rate_bp == 227


def test_germany_with_a_negative_basiszins() -> None:
    result = compute_interest(
        [inv(D(2022, 1, 1), eur("1000.00"))],
        due_date=D(2022, 1, 31),
        as_of=D(2022, 3, 2),
        jurisdiction="DE",
        currency="EUR",
    )
    # H1 2022: Basiszins -0.88 + 9 = 8.12 %; 1.2.-2.3. = 28 + 2 = 30 days
    #   100,000 x 812 x 30 / 3,650,000 = 667.397... -> EUR 6.67
    assert summary(result) == [(D(2022, 2, 1), D(2022, 3, 2), 30, "1000.00", 812, "6.67")]
    assert result.lines[0].reference_rate_bp == -88
    assert result.lines[0].rate_percent == "8.12"


def test_rounding_is_half_up_once_per_period() -> None:
    result = compute_interest(
        [inv(D(2017, 2, 1), eur("18.25"))],
        due_date=D(2017, 3, 1),
        as_of=D(2017, 3, 2),
        jurisdiction="FR",
        currency="EUR",
    )
    # H1 2017: ECB 0.00 + 10 = 10 %; 1,825 x 1000 x 1 / 3,650,000 = exactly 0.5 -> 1 (half-up;
    # half-even or truncation would give 0)
    assert result.total == eur("0.01")


def test_zero_decimal_currency_rounds_to_whole_units() -> None:
    result = compute_interest(
        [inv(D(2024, 2, 1), Money(1_000_000, "JPY"))],
        due_date=D(2024, 3, 15),
        as_of=D(2024, 3, 25),
        jurisdiction="EU",
        currency="JPY",
    )
    # ECB 4.50 + 8 = 12.50 %; 10 days: 1,000,000 x 1250 x 10 / 3,650,000 = 3,424.657 -> JPY 3425
    assert result.total == Money(3425, "JPY")


def test_result_is_json_ready_for_page_and_letter() -> None:
    result = compute_interest(
        [inv(D(2024, 2, 14), eur("10000.00"))],
        due_date=D(2024, 3, 15),
        as_of=D(2024, 9, 30),
        jurisdiction="FR",
        currency="EUR",
    )
    data = result.to_dict()
    assert data["total"] == {"amount": "784.25", "currency": "EUR"}
    assert data["legal_basis"].startswith("Code de commerce L441-10")
    assert data["lines"][0] == {
        "start": "2024-03-16",
        "end": "2024-06-30",
        "days": 107,
        "principal": {"amount": "10000.00", "currency": "EUR"},
        "reference_rate_bp": 450,
        "margin_bp": 1000,
        "rate_bp": 1450,
        "rate_percent": "14.50",
        "interest": {"amount": "425.07", "currency": "EUR"},
    }
