"""Money as integer minor units plus an ISO 4217 code; decimal strings at the edges.

Exponents come from the ISO 4217 table shipped by the `iso4217` package (ISO's own
published list), so JPY has 0 minor digits, EUR 2 and KWD 3 without a hand-kept list.
Codes without an exponent there (XXX, XTS, gold, ...) are not currencies we book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import marshmallow as ma
from iso4217 import Currency

#: PostgreSQL BIGINT and SQLite INTEGER both stop here
MAX_MINOR = 2**63 - 1
_AMOUNT = re.compile(r"^(?P<sign>-?)(?P<int>\d+)(?:\.(?P<frac>\d+))?$")


class MoneyError(ValueError):
    """An amount or currency that cannot be booked."""


@cache
def exponent(currency: str) -> int:
    """Minor-unit digits of `currency` (JPY 0, EUR 2, KWD 3); MoneyError if unknown."""
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise MoneyError(f"Unknown currency {currency!r}: use an ISO 4217 code such as EUR.")
    try:
        digits = Currency(currency).exponent
    except (ValueError, KeyError):
        digits = None
    if digits is None:
        raise MoneyError(f"Unknown currency {currency!r}: use an ISO 4217 code such as EUR.")
    return digits


def is_currency(code: str) -> bool:
    """True for ISO 4217 codes that carry minor units."""
    try:
        exponent(code)
    except MoneyError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: `minor` integer units of `currency`."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        exponent(self.currency)
        if isinstance(self.minor, Decimal) and self.minor == self.minor.to_integral_value():
            # SUM over a BIGINT column is NUMERIC on PostgreSQL: whole numbers are fine
            object.__setattr__(self, "minor", int(self.minor))
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError("Money.minor must be an int")
        if abs(self.minor) > MAX_MINOR:
            raise MoneyError("Amount is too large.")

    @classmethod
    def parse(cls, amount: str, currency: str, *, allow_negative: bool = False) -> Money:
        """Read a decimal string with exactly the currency's minor digits."""
        digits = exponent(currency)
        if not isinstance(amount, str):
            raise MoneyError('Amount must be a decimal string such as "1234.56", not a number.')
        match = _AMOUNT.match(amount.strip())
        if not match:
            raise MoneyError(f'Amount {amount!r} is not a decimal number such as "1234.56".')
        frac = match["frac"] or ""
        if len(frac) != digits:
            raise MoneyError(
                f"{currency} amounts have exactly {digits} decimal"
                f"{'' if digits == 1 else 's'}: got {amount!r}."
            )
        if match["sign"] and not allow_negative:
            raise MoneyError("Amount must not be negative.")
        minor = int(match["int"] + frac) * (-1 if match["sign"] else 1)
        if abs(minor) > MAX_MINOR:
            raise MoneyError("Amount is too large.")
        return cls(minor, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def amount(self) -> str:
        """The decimal string, e.g. "1234.56" (EUR), "1234" (JPY), "1.234" (KWD)."""
        digits = exponent(self.currency)
        return f"{Decimal(self.minor).scaleb(-digits):.{digits}f}"

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"Cannot mix {self.currency} and {other.currency}.")

    def to_dict(self) -> dict[str, str]:
        return {"amount": self.amount, "currency": self.currency}

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class MoneyField(ma.fields.Field):
    """`{"amount": "1234.56", "currency": "EUR"}` ⇄ Money; floats, bad digits → 422."""

    #: the shape we expect, said plainly when something else arrives
    SHAPE = 'Expected {"amount": "1234.56", "currency": "EUR"}.'

    def __init__(self, *, allow_negative: bool = False, allow_zero: bool = True, **kw: Any):
        kw.setdefault("metadata", {})
        kw["metadata"].setdefault(
            "description", 'Money: {"amount": decimal string, "currency": ISO 4217 code}'
        )
        super().__init__(**kw)
        self.allow_negative = allow_negative
        self.allow_zero = allow_zero

    def _serialize(self, value: Money | None, attr: str | None, obj: Any, **kw: Any) -> Any:
        return None if value is None else value.to_dict()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> Money:
        if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
            raise ma.ValidationError(self.SHAPE)
        try:
            money = Money.parse(
                value["amount"], value["currency"], allow_negative=self.allow_negative
            )
        except MoneyError as exc:
            raise ma.ValidationError(str(exc)) from None
        if money.minor == 0 and not self.allow_zero:
            raise ma.ValidationError("Amount must be greater than zero.")
        return money


def money_schema_component() -> dict[str, Any]:
    """OpenAPI description of a Money object."""
    return {
        "type": "object",
        "properties": {
            "amount": {"type": "string", "example": "1234.56"},
            "currency": {"type": "string", "example": "EUR"},
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    }
