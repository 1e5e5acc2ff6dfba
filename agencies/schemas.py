"""Agency API schemas: whitelists. Profiles and figures are public; reviewers are not."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from agencies.countries import is_country
from agencies.models import COMMENT_MAX, DESCRIPTION_MAX, LICENCE_MAX, WEBSITE_MAX
from agencies.specialties import CODES


def _country(code: str) -> None:
    if not is_country(code.upper()):
        raise ma.ValidationError("Not an ISO 3166-1 alpha-2 code.")


def percent_text(value: Decimal | None) -> str | None:
    """87.456 → "87.46", 87.50 → "87.5", 100 → "100" (API.md's percentages); None stays."""
    if value is None:
        return None
    text = f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class PercentField(fields.String):
    """A percentage as a decimal string with at most two decimals ("87.5"), or null."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return percent_text(value)


class AgencyFilterSchema(ma.Schema):
    country = fields.Str(
        validate=_country,
        metadata={"description": "ISO 3166-1 alpha-2, e.g. DE"},
    )
    specialty = fields.Str(validate=validate.OneOf(CODES))
    q = fields.Str(validate=validate.Length(max=100), metadata={"description": "part of the name"})


class ProfileUpdateSchema(ma.Schema):
    """What an agency owner may change; anything else in the body is refused (422)."""

    countries = fields.List(
        fields.Str(validate=validate.Length(max=10)),
        validate=validate.Length(max=250),
        metadata={"description": "ISO 3166-1 alpha-2 codes where the agency collects"},
    )
    specialties = fields.List(
        fields.Str(validate=validate.OneOf(CODES)), validate=validate.Length(max=len(CODES))
    )
    licence_number = fields.Str(allow_none=True, validate=validate.Length(max=LICENCE_MAX))
    description = fields.Str(
        allow_none=True,
        validate=validate.Length(max=DESCRIPTION_MAX),
        metadata={"description": "plain text"},
    )
    website = fields.Str(
        allow_none=True,
        validate=validate.Length(max=WEBSITE_MAX),
        metadata={"description": "http:// or https:// address"},
    )


class RatingSchema(ma.Schema):
    average = fields.Float(allow_none=True, metadata={"description": "1-5; null before a review"})
    count = fields.Int()


class StatisticsSchema(ma.Schema):
    """Computed from platform events; null where there is no data yet."""

    cases_closed = fields.Int()
    recovery_rate = PercentField(
        allow_none=True, metadata={"description": "percent of the claimed amount recovered"}
    )
    median_days_to_recover = fields.Float(allow_none=True)
    median_days_to_first_contact = fields.Float(allow_none=True)
    rating = fields.Nested(RatingSchema)
    has_data = fields.Bool(metadata={"description": "false: not enough data yet"})


class AgencySchema(ma.Schema):
    """An agency in the directory: its own words plus its computed statistics."""

    id = fields.Int(metadata={"description": "the agency organisation's id"})
    name = fields.Str()
    countries = fields.List(fields.Str())
    specialties = fields.List(fields.Str())
    licence_number = fields.Str(allow_none=True)
    description = fields.Str(allow_none=True)
    website = fields.Str(allow_none=True)
    statistics = fields.Nested(StatisticsSchema)
    updated_at = fields.AwareDateTime(allow_none=True)


class ReviewSchema(ma.Schema):
    """A review as everyone sees it: no creditor, author or case (data minimisation)."""

    rating = fields.Int()
    comment = fields.Str(allow_none=True, validate=validate.Length(max=COMMENT_MAX))
    created_at = fields.AwareDateTime()


class AgencyDetailSchema(AgencySchema):
    recent_reviews = fields.List(fields.Nested(ReviewSchema))
