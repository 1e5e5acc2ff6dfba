"""Fee terms: fee models, percentages in basis points, and the checks a bid must pass.

Percentages travel as decimal strings with at most two decimals ("15", "12.5") and are
stored as integer basis points (1500, 1250): no float anywhere.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import marshmallow as ma

from core.errors import ValidationFailed
from core.money import Money

_PERCENT = re.compile(r"^(?P<int>\d{1,3})(?:\.(?P<frac>\d{1,2}))?$")
#: 100 % in basis points
FULL = 10_000


class FeeModel(enum.StrEnum):
    CONTINGENCY = "contingency"  # percent of what is recovered
    FIXED = "fixed"  # a fixed amount
    HYBRID = "hybrid"  # an upfront amount plus a percent of what is recovered


FEE_MODELS = [m.value for m in FeeModel]
#: which of percent / fixed / upfront each model needs (the others must be absent)
NEEDS: dict[FeeModel, frozenset[str]] = {
    FeeModel.CONTINGENCY: frozenset({"percent"}),
    FeeModel.FIXED: frozenset({"fixed"}),
    FeeModel.HYBRID: frozenset({"percent", "upfront"}),
}


def parse_percent(text: Any) -> int:
    """ "12.5" → 1250 basis points; 0 < percent ≤ 100, at most two decimals (ValueError)."""
    if not isinstance(text, str):
        raise ValueError('Use a decimal string such as "15" or "12.5", not a number.')
    match = _PERCENT.match(text.strip())
    if not match:
        raise ValueError('Use a decimal string with at most two decimals, such as "12.5".')
    bp = int(match["int"]) * 100 + int((match["frac"] or "").ljust(2, "0"))
    if not 0 < bp <= FULL:
        raise ValueError("Must be more than 0 and at most 100.")
    return bp


def format_percent(bp: int) -> str:
    """1500 → "15", 1250 → "12.5", 1225 → "12.25"."""
    text = f"{Decimal(bp).scaleb(-2):.2f}"
    return text.rstrip("0").rstrip(".")


class PercentField(ma.fields.Field):
    """A percentage as a decimal string ⇄ integer basis points."""

    def __init__(self, **kw: Any):
        kw.setdefault("metadata", {})
        kw["metadata"].setdefault(
            "description", 'Percent as a decimal string, at most two decimals: "15", "12.5"'
        )
        super().__init__(**kw)

    def _serialize(self, value: int | None, attr: str | None, obj: Any, **kw: Any) -> Any:
        return None if value is None else format_percent(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int:
        try:
            return parse_percent(value)
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from None


@dataclass(frozen=True)
class FeeTerms:
    """One fee offer: a bid's terms, a case's instant terms, or the accepted terms."""

    fee_model: FeeModel
    currency: str
    percent_bp: int | None = None
    fixed_minor: int | None = None
    upfront_minor: int | None = None

    @property
    def fixed(self) -> Money | None:
        return None if self.fixed_minor is None else Money(self.fixed_minor, self.currency)

    @property
    def upfront(self) -> Money | None:
        return None if self.upfront_minor is None else Money(self.upfront_minor, self.currency)

    @classmethod
    def build(
        cls,
        fee_model: str,
        currency: str,
        *,
        percent: int | None = None,
        fixed: Money | None = None,
        upfront: Money | None = None,
        field: str | None = None,
    ) -> FeeTerms:
        """Check that the model has exactly its amounts, in `currency` (422 otherwise).

        `field` nests the messages under that name (e.g. "instant_terms").
        """
        model = FeeModel(fee_model)
        given = {"percent": percent, "fixed": fixed, "upfront": upfront}
        errors: dict[str, list[str]] = {}
        for name, value in given.items():
            if name in NEEDS[model] and value is None:
                errors[name] = [f"Required for the {model.value} fee model."]
            elif name not in NEEDS[model] and value is not None:
                errors[name] = [f"Not used by the {model.value} fee model."]
            elif isinstance(value, Money) and value.currency != currency:
                errors[name] = [f"The case is in {currency}; nothing converts currencies."]
            elif isinstance(value, Money) and value.minor <= 0:
                errors[name] = ["Must be greater than zero."]
        if errors:
            raise ValidationFailed(
                "The fee terms do not fit the fee model.", details=_at(field, errors)
            )
        return cls(
            model,
            currency,
            percent_bp=percent,
            fixed_minor=fixed.minor if fixed else None,
            upfront_minor=upfront.minor if upfront else None,
        )

    def check_within(self, caps: ListingTerms, *, field: str | None = None) -> None:
        """422 unless the model is accepted by the case and every amount is within its caps."""
        errors: dict[str, list[str]] = {}
        if self.fee_model.value not in caps.fee_models:
            errors["fee_model"] = [f"This case accepts: {', '.join(caps.fee_models)}."]
        if caps.max_percent_bp is not None and (self.percent_bp or 0) > caps.max_percent_bp:
            errors["percent"] = [f"At most {format_percent(caps.max_percent_bp)} %."]
        if caps.max_fixed_minor is not None:
            cap = Money(caps.max_fixed_minor, caps.currency)
            for name, value in (("fixed", self.fixed_minor), ("upfront", self.upfront_minor)):
                if value is not None and value > cap.minor:
                    errors[name] = [f"At most {cap.amount} {cap.currency}."]
        if errors:
            raise ValidationFailed(
                "The fee terms exceed the case's terms.", details=_at(field, errors)
            )


@dataclass(frozen=True)
class AcceptedTerms(FeeTerms):
    """The winning terms as copied onto the case at award."""

    duration_days: int | None = None
    legal_action: bool | None = None


@dataclass(frozen=True)
class ListingTerms:
    """What a creditor accepts: fee models and caps (percent; fixed or upfront amount)."""

    fee_models: tuple[str, ...]
    currency: str
    max_percent_bp: int | None = None
    max_fixed_minor: int | None = None

    @property
    def max_fixed(self) -> Money | None:
        if self.max_fixed_minor is None:
            return None
        return Money(self.max_fixed_minor, self.currency)


def _at(field: str | None, errors: dict[str, list[str]]) -> dict[str, Any]:
    return {field: errors} if field else dict(errors)
