"""Money: integer minor units, ISO 4217 exponents from the iso4217 package, strict strings."""

import marshmallow as ma
import pytest

from core.money import MAX_MINOR, Money, MoneyError, MoneyField, exponent


@pytest.mark.parametrize(("code", "digits"), [("EUR", 2), ("JPY", 0), ("KWD", 3), ("CLF", 4)])
def test_exponents_come_from_iso_4217(code, digits):
    assert exponent(code) == digits


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU", "EURO", "eur", "", "E1R", None])
def test_non_currencies_and_malformed_codes_are_refused(code):
    with pytest.raises(MoneyError):
        exponent(code)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("1234.56", "EUR", 123456), ("0.01", "EUR", 1), ("1234", "JPY", 1234), ("1.234", "KWD", 1234)],
)
def test_parse_reads_exact_minor_units(amount, currency, minor):
    money = Money.parse(amount, currency)
    assert money.minor == minor
    assert money.amount == amount


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("10.001", "EUR"),  # too many decimals
        ("10.5", "JPY"),  # JPY has none
        ("10", "EUR"),  # EUR needs exactly two
        ("1.000,00", "EUR"),
        ("1e30", "EUR"),
        ("NaN", "EUR"),
        ("Infinity", "EUR"),
        ("-5.00", "EUR"),  # negative where none is allowed
        (" ", "EUR"),
        (f"{MAX_MINOR + 1}", "JPY"),  # beyond BIGINT
    ],
)
def test_parse_refuses_inexact_or_hostile_amounts(amount, currency):
    with pytest.raises(MoneyError):
        Money.parse(amount, currency)


def test_negative_amounts_only_when_allowed():
    assert Money.parse("-5.00", "EUR", allow_negative=True).minor == -500


def test_arithmetic_never_mixes_currencies():
    assert Money(150, "EUR") + Money(50, "EUR") == Money(200, "EUR")
    with pytest.raises(MoneyError):
        Money(1, "EUR") + Money(1, "USD")


class _Schema(ma.Schema):
    price = MoneyField(required=True)
    fee = MoneyField(allow_zero=False)


@pytest.mark.parametrize(
    "value",
    [
        12.5,
        "12.50",
        {"amount": 12.5, "currency": "EUR"},  # a float, even of the right value
        {"amount": "12.5", "currency": "EUR"},
        {"amount": "12.50", "currency": "XXX"},
        {"amount": "12.50"},
        {"amount": "12.50", "currency": "EUR", "extra": 1},
    ],
)
def test_money_field_answers_validation_errors(value):
    with pytest.raises(ma.ValidationError) as info:
        _Schema().load({"price": value})
    assert "price" in info.value.messages


def test_money_field_round_trips():
    loaded = _Schema().load({"price": {"amount": "1234.56", "currency": "EUR"}})
    assert loaded["price"] == Money(123456, "EUR")
    assert _Schema().dump(loaded) == {"price": {"amount": "1234.56", "currency": "EUR"}}


def test_money_field_can_refuse_zero():
    with pytest.raises(ma.ValidationError):
        _Schema().load(
            {
                "price": {"amount": "1.00", "currency": "EUR"},
                "fee": {"amount": "0.00", "currency": "EUR"},
            }
        )


def test_whole_decimals_from_sql_sums_are_accepted_fractions_are_not():
    from decimal import Decimal

    assert Money(Decimal("12345"), "EUR") == Money(12345, "EUR")
    assert type(Money(Decimal("12345"), "EUR").minor) is int
    with pytest.raises(MoneyError):
        Money(Decimal("12.5"), "EUR")
    with pytest.raises(MoneyError):
        Money(12.0, "EUR")
