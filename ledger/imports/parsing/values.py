"""Cleaning and strict conversion of single values (text, amounts, dates, codes).

Every converter raises `ValueProblem(code, message)`; callers turn it into a RowError with the
file, row and field they know about.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from core.money import MAX_MINOR, Money, MoneyError, exponent


class ValueProblem(ValueError):
    """A value that cannot be imported; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


#: zero-width characters, LRM/RLM, bidi embeddings/overrides/isolates, BOM, soft hyphen
_INVISIBLE = frozenset(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x00AD]
)
#: in names ZWNJ/ZWJ shape Persian and Indic scripts, so only the dangerous ones go
_NAME_INVISIBLE = _INVISIBLE - {0x200C, 0x200D}
_CONTROL = frozenset([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
_ID_DROP = {cp: None for cp in _INVISIBLE | _CONTROL}
_NAME_DROP = {cp: None for cp in _NAME_INVISIBLE | (_CONTROL - {0x09, 0x0A, 0x0D})}
_SPACES = re.compile(r"\s+")

#: longest value accepted per kind of field (characters, after cleaning)
MAX_LENGTH = {"identifier": 100, "name": 300, "email": 254, "text": 1_000, "amount": 40}


def _check_length(value: str, kind: str) -> str:
    limit = MAX_LENGTH[kind]
    if len(value) > limit:
        raise ValueProblem("too_long", f"Value is {len(value)} characters long; at most {limit}.")
    return value


def clean_identifier(raw: str | None) -> str | None:
    """NFC, without zero-width/bidi/control characters, trimmed; None when empty."""
    if raw is None:
        return None
    value = unicodedata.normalize("NFC", raw).translate(_ID_DROP).strip()
    return _check_length(value, "identifier") if value else None


def clean_name(raw: str | None, kind: str = "name") -> str | None:
    """NFC text for display: bidi overrides and controls dropped, whitespace collapsed."""
    if raw is None:
        return None
    value = _SPACES.sub(" ", unicodedata.normalize("NFC", raw).translate(_NAME_DROP)).strip()
    return _check_length(value, kind) if value else None


_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]+$")


def clean_vat(raw: str | None) -> str | None:
    """A VAT id without spaces, dots or dashes, upper case ("de 123.456" -> "DE123456")."""
    value = clean_identifier(raw)
    if value is None:
        return None
    return re.sub(r"[\s.\-]", "", value).upper() or None


def clean_email(raw: str | None) -> str | None:
    """A plausible single e-mail address (syntax only, no DNS), or None when empty."""
    value = clean_identifier(raw)
    if value is None:
        return None
    value = value.removeprefix("mailto:")
    if not _EMAIL.match(value):
        raise ValueProblem("invalid_email", f"{value!r} is not an e-mail address.")
    return _check_length(value, "email")


def clean_country(raw: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code in upper case, or None when empty."""
    value = clean_identifier(raw)
    if value is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ValueProblem(
            "invalid_country", f"{value!r} is not a two-letter ISO 3166 country code (e.g. DE)."
        )
    return value.upper()


def clean_currency(raw: str | None) -> str:
    """An ISO 4217 code with minor units; lower case is normalised, XXX/EURO/empty refused."""
    value = clean_identifier(raw)
    if value is None:
        raise ValueProblem("missing_value", "Currency is missing: use an ISO 4217 code (EUR).")
    code = value.upper() if re.fullmatch(r"[A-Za-z]{3}", value) else value
    try:
        exponent(code)
    except MoneyError as exc:
        raise ValueProblem("invalid_currency", str(exc)) from None
    return code


# --- amounts ---------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def parse_decimal(raw: str, *, decimal_sep: str = ".", thousands_sep: str | None = None) -> Decimal:
    """A finite decimal from text written with the file's separators; no exponents, no words."""
    text = _check_length(raw.strip().replace("\u00a0", " "), "amount")
    if not text:
        raise ValueProblem("missing_value", "Amount is missing.")
    if re.fullmatch(r"[+-]?(nan|s?nan|inf|infinity)", text, re.IGNORECASE):
        raise ValueProblem("invalid_amount", f"{text!r} is not a finite number.")
    if re.search(r"\d[eE][+-]?\d", text):
        raise ValueProblem(
            "invalid_amount", f"{text!r} uses exponent notation; write the amount out in full."
        )
    body = text
    if thousands_sep:
        pattern = (
            rf"[+-]?\d{{1,3}}(?:{re.escape(thousands_sep)}\d{{3}})+(?:{re.escape(decimal_sep)}\d*)?"
        )
        if re.fullmatch(pattern, body):
            body = body.replace(thousands_sep, "")
    if decimal_sep != ".":
        if "." in body:
            raise ValueProblem(
                "invalid_amount",
                f"{text!r}: this file uses {decimal_sep!r} as decimal separator, not '.'.",
            )
        body = body.replace(decimal_sep, ".")
    if not _PLAIN.match(body):
        if re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+,\d*", text):
            hint = "it looks like '1.000,00' style; this file uses '.' as decimal separator"
        elif re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", text):
            hint = "thousands separators are not accepted here; write 1000.00"
        else:
            hint = "expected a decimal number such as 1234.56"
        raise ValueProblem("invalid_amount", f"{text!r} is not an amount: {hint}.")
    try:
        return Decimal(body)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
        raise ValueProblem("invalid_amount", f"{text!r} is not a decimal number.") from None


def to_money(value: Decimal, currency: str, *, text: str | None = None) -> Money:
    """Exact conversion to minor units; ValueProblem if digits would be lost or it is too big."""
    shown = text if text is not None else str(value)
    if not value.is_finite():
        raise ValueProblem("invalid_amount", f"{shown!r} is not a finite number.")
    digits = exponent(currency)
    if value != 0 and value.adjusted() + digits > 19:
        raise ValueProblem("amount_too_large", f"{shown} is too large an amount.")
    sign, mantissa_digits, exp = value.as_tuple()
    mantissa = int("".join(map(str, mantissa_digits)) or "0")
    shift = int(exp) + digits
    if shift >= 0:
        minor = mantissa * 10**shift
    else:
        divisor = 10**-shift
        if mantissa % divisor:
            raise ValueProblem(
                "too_many_decimals",
                f"{shown} has more decimals than {currency} allows ({digits}).",
            )
        minor = mantissa // divisor
    minor = -minor if sign else minor
    if abs(minor) > MAX_MINOR:
        raise ValueProblem("amount_too_large", f"{shown} is too large an amount.")
    return Money(minor, currency)


def parse_money(
    raw: str,
    currency: str,
    *,
    decimal_sep: str = ".",
    thousands_sep: str | None = None,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> Money:
    """Text to Money with the strict rules of the import (positive, exact, bounded)."""
    value = parse_decimal(raw, decimal_sep=decimal_sep, thousands_sep=thousands_sep)
    money = to_money(value, currency, text=raw.strip())
    if money.minor < 0 and not allow_negative:
        raise ValueProblem("negative_amount", f"{raw.strip()} is negative; amounts must be > 0.")
    if money.minor == 0 and not allow_zero:
        raise ValueProblem("zero_amount", "Amount is 0; it must be greater than zero.")
    return money


# --- dates -----------------------------------------------------------------------------------

#: supported date layouts -> (pattern, order of the groups)
DATE_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "YYYY-MM-DD": (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    "YYYYMMDD": (re.compile(r"(\d{4})(\d{2})(\d{2})"), "ymd"),
    "DD/MM/YYYY": (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), "dmy"),
    "MM/DD/YYYY": (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), "mdy"),
    "DD.MM.YYYY": (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), "dmy"),
}


def parse_date(raw: str | None, formats: tuple[str, ...] = ("YYYY-MM-DD",)) -> date:
    """A calendar date in one of `formats` (tried in order); impossible days are refused."""
    text = (raw or "").strip()
    if not text:
        raise ValueProblem("missing_value", "Date is missing.")
    for name in formats:
        pattern, order = DATE_FORMATS[name]
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
        try:
            return date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            raise ValueProblem(
                "invalid_date", f"{text} is not a real date (read as {name})."
            ) from None
    raise ValueProblem(
        "invalid_date", f"{text!r} is not a date in the expected format ({' or '.join(formats)})."
    )
