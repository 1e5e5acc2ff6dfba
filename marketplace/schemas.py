"""Marketplace API schemas: one whitelist per audience; unknown input fields are a 422.

ListingSchema is everything an agency sees of a case before award (SPEC §4 staged
disclosure) and is dumped from `services.listing.Listing`, which holds nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache, partial
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from agencies.specialties import CODES as SPECIALTIES
from core.money import Money, MoneyError, MoneyField, exponent
from ledger.clock import today
from marketplace.states import CaseStatus
from marketplace.terms import FEE_MODELS, PercentField, format_percent

STATUSES = [s.value for s in CaseStatus]


class DeadlineField(fields.Field):
    """A timestamp with its timezone, or a date meaning the end of that day (UTC)."""

    def __init__(self, **kw: Any):
        kw.setdefault("metadata", {})
        kw["metadata"].setdefault(
            "description",
            'ISO 8601 timestamp with timezone, or a date ("2026-12-01": its end, UTC)',
        )
        super().__init__(**kw)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kw: Any) -> Any:
        return None if value is None else value.isoformat()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> datetime:
        if not isinstance(value, str):
            raise ma.ValidationError("Not a valid date or timestamp.")
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), time(23, 59, 59), tzinfo=UTC)
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ma.ValidationError("Not a valid date or timestamp.") from None
        if parsed.tzinfo is None:
            raise ma.ValidationError("Give the timezone, e.g. 2026-12-01T17:00:00+01:00.")
        return parsed.astimezone(UTC)


# -- input -------------------------------------------------------------------------------------


class ListingTermsSchema(ma.Schema):
    fee_models = fields.List(
        fields.Str(validate=validate.OneOf(FEE_MODELS)),
        required=True,
        validate=validate.Length(min=1, max=len(FEE_MODELS)),
    )
    max_percent = PercentField(allow_none=True)
    max_fixed = MoneyField(
        allow_none=True,
        allow_zero=False,
        metadata={"description": "cap on a fixed fee and on a hybrid's upfront amount"},
    )


class InstantTermsSchema(ma.Schema):
    fee_model = fields.Str(required=True, validate=validate.OneOf(FEE_MODELS))
    percent = PercentField(allow_none=True)
    fixed = MoneyField(allow_none=True, allow_zero=False)
    upfront = MoneyField(allow_none=True, allow_zero=False)


class CaseUpdateSchema(ma.Schema):
    """What a draft may change."""

    bidding_deadline = DeadlineField()
    terms = fields.Nested(ListingTermsSchema)
    instant_terms = fields.Nested(InstantTermsSchema, allow_none=True)
    invited_agency_ids = fields.List(
        fields.Int(),
        validate=validate.Length(max=100),
        metadata={"description": "empty: open to all agencies"},
    )
    required_countries = fields.List(
        fields.Str(validate=validate.Length(equal=2)), validate=validate.Length(max=50)
    )
    required_specialties = fields.List(
        fields.Str(validate=validate.OneOf(SPECIALTIES)), validate=validate.Length(max=20)
    )


class CaseCreateSchema(CaseUpdateSchema):
    debtor_id = fields.Int(required=True)
    invoice_ids = fields.List(fields.Int(), required=True, validate=validate.Length(min=1, max=500))
    bidding_deadline = DeadlineField(required=True)
    terms = fields.Nested(ListingTermsSchema, required=True)


class BidCreateSchema(ma.Schema):
    fee_model = fields.Str(required=True, validate=validate.OneOf(FEE_MODELS))
    percent = PercentField(allow_none=True)
    fixed = MoneyField(allow_none=True, allow_zero=False)
    upfront = MoneyField(allow_none=True, allow_zero=False)
    duration_days = fields.Int(required=True, validate=validate.Range(min=1, max=3650))
    legal_action = fields.Bool(required=True)
    message = fields.Str(allow_none=True, validate=validate.Length(max=2000))


class CaseFilterSchema(ma.Schema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    debtor_id = fields.Int()


class ListingFilterSchema(ma.Schema):
    country = fields.Str(validate=validate.Length(equal=2))
    currency = fields.Str(validate=validate.Length(equal=3))
    min_amount = fields.Str(metadata={"description": "decimal string in `currency` (required)"})
    max_amount = fields.Str(metadata={"description": "decimal string in `currency` (required)"})
    min_days_overdue = fields.Int(validate=validate.Range(min=0, max=100_000))
    sector = fields.Str(validate=validate.Length(min=1, max=100))

    @ma.post_load
    def _amounts(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        """Amount bounds become minor units of `currency`, which they need."""
        if "country" in data:
            data["country"] = data["country"].upper()
        currency = data.get("currency")
        if currency is not None:
            try:
                exponent(currency)
            except MoneyError as exc:
                raise ma.ValidationError(str(exc), "currency") from None
        for name in ("min_amount", "max_amount"):
            if name not in data:
                continue
            if currency is None:
                raise ma.ValidationError("Give the currency the amount is in.", "currency")
            data[name] = _minor(data[name], currency, name)
        return data


def _minor(text: str, currency: str, name: str) -> int:
    """A filter bound such as "5000" or "5000.50" in minor units (no more digits than allowed)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ma.ValidationError('A decimal string such as "5000.00".', name) from None
    minor = value.scaleb(exponent(currency))
    if not value.is_finite() or value < 0 or minor != minor.to_integral_value():
        raise ma.ValidationError(f"Not a {currency} amount.", name)
    return int(minor)


# -- output ------------------------------------------------------------------------------------


class ListingTermsOutSchema(ma.Schema):
    fee_models = fields.List(fields.Str())
    max_percent = PercentField(attribute="max_percent_bp")
    max_fixed = MoneyField()


class FeeTermsSchema(ma.Schema):
    fee_model = fields.Function(lambda t: t.fee_model.value)
    percent = PercentField(attribute="percent_bp")
    fixed = MoneyField()
    upfront = MoneyField()


class AcceptedTermsSchema(FeeTermsSchema):
    duration_days = fields.Int()
    legal_action = fields.Bool()


class DisputeSummarySchema(ma.Schema):
    count = fields.Int()
    open_count = fields.Int()
    by_reason = fields.Dict(
        keys=fields.Str(), values=fields.Int(), metadata={"description": '"<team>.<code>" → count'}
    )


class ListingSchema(ma.Schema):
    """The anonymised listing (SPEC §4): no debtor name, ids, contacts, address or numbers."""

    id = fields.Int(metadata={"description": "the case id"})
    sector = fields.Str()
    country = fields.Str()
    size_band = fields.Str(metadata={"description": "claim size in major units of its currency"})
    debtor_type = fields.Str()
    claimed = MoneyField()
    days_overdue_bucket = fields.Str(metadata={"description": "age of the oldest invoice"})
    invoice_count = fields.Int()
    dispute_summary = fields.Nested(DisputeSummarySchema)
    dunning_steps = fields.List(fields.Str())
    document_kinds = fields.List(fields.Str())
    terms = fields.Nested(ListingTermsOutSchema)
    instant_terms = fields.Nested(FeeTermsSchema, allow_none=True)
    bidding_deadline = fields.AwareDateTime()
    published_at = fields.AwareDateTime()
    by_invitation = fields.Bool()
    required_countries = fields.List(fields.Str())
    required_specialties = fields.List(fields.Str())


#: the listing's keys, for tests and reviews: nothing may be added without a decision
LISTING_FIELDS = frozenset(ListingSchema._declared_fields)


# -- lean dumping of ListingSchema -------------------------------------------------------------
#
# A listing page dumps 50 listings of ~30 values each; marshmallow's per-field machinery costs
# more than the database. `compile_dumper` turns a schema into one function that produces the
# same dict as `schema.dump(obj)`, from the schema's own fields (which keys, in which order,
# how each value is written): ListingSchema stays the one allowlist. Plain fields become
# direct conversions; any other field is serialised by the field itself.

Dumper = Callable[[Any], dict[str, Any]]
Convert = Callable[[Any], Any]


def _converter(field: fields.Field) -> Convert | None:
    """A direct conversion of a (non-None) value, or None to let the field serialise."""
    kind = type(field)
    if kind is fields.Nested:
        plain = isinstance(field.nested, type) and not (field.many or field.only or field.exclude)
        return compile_dumper(field.nested) if plain else None
    if kind is fields.List:
        inner = _converter(field.inner)
        if inner is None:
            return None
        return lambda values: [None if v is None else inner(v) for v in values]
    if kind is fields.Dict:
        keys = _converter(field.key_field) if field.key_field else _same
        values = _converter(field.value_field) if field.value_field else _same
        if keys is None or values is None:
            return None
        return lambda mapping: {
            None if k is None else keys(k): None if v is None else values(v)
            for k, v in mapping.items()
        }
    if kind is fields.Integer and not field.as_string and not field.strict:
        return int
    if kind is fields.String:
        return str
    if kind is fields.Boolean:
        return bool
    if kind is fields.AwareDateTime and (field.format or "iso") == "iso":
        return datetime.isoformat
    if kind is MoneyField:
        return Money.to_dict
    if kind is PercentField:
        return format_percent
    return None


def _same(value: Any) -> Any:
    return value


@cache
def compile_dumper(schema: type[ma.Schema]) -> Dumper:
    """`schema().dump(obj)` for one object, as one function built from the schema's fields."""
    instance = schema()
    if any(instance._hooks.values()):  # pre/post-dump hooks: let marshmallow run them
        return instance.dump  # type: ignore[return-value]
    steps: list[tuple[str, Callable[[Any], Any]]] = []
    for name, field in instance.dump_fields.items():
        key = field.data_key or name
        attr = field.attribute or name
        convert = _converter(field)
        if convert is None or "." in attr or isinstance(field, fields.Function):
            steps.append((key, partial(field.serialize, name)))
        else:
            steps.append((key, _step(convert, attr)))
    return lambda obj: {key: step(obj) for key, step in steps}


def _step(convert: Convert, attr: str) -> Callable[[Any], Any]:
    """Read `attr` (a key of a dict, else an attribute) and convert it unless it is None."""

    def step(obj: Any) -> Any:
        value = obj[attr] if type(obj) is dict else getattr(obj, attr)
        return None if value is None else convert(value)

    return step


def dump_listings(listings: Sequence[Any]) -> list[dict[str, Any]]:
    """`ListingSchema(many=True).dump(listings)`, without marshmallow's per-field overhead."""
    dump = compile_dumper(ListingSchema)
    return [dump(listing) for listing in listings]


class CaseAgencyRefSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()


class CaseDebtorRefSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()


class CaseDebtorSchema(ma.Schema):
    """The debtor as the case's parties see it (no internal notes, no sales rep)."""

    id = fields.Int()
    name = fields.Str()
    debtor_type = fields.Function(lambda d: d.debtor_type.value)
    vat_id = fields.Str()
    legal_id = fields.Str()
    country = fields.Str()
    sector = fields.Str()
    emails = fields.List(fields.Str())
    phone = fields.Str()
    address = fields.Str()


class CaseInvoiceSchema(ma.Schema):
    id = fields.Int(attribute="invoice_id")
    number = fields.Str(attribute="invoice.number")
    issue_date = fields.Date(attribute="invoice.issue_date")
    due_date = fields.Date(attribute="invoice.due_date")
    amount = MoneyField(attribute="invoice.amount")
    outstanding = MoneyField(attribute="invoice.outstanding")
    outstanding_at_listing = MoneyField()
    status = fields.Function(lambda ci: ci.invoice.status_on(today()).value)
    days_overdue = fields.Function(lambda ci: ci.invoice.days_overdue(today()))


class CaseSummarySchema(ma.Schema):
    """A row of the case list."""

    id = fields.Int()
    status = fields.Function(lambda c: c.status.value)
    debtor = fields.Nested(CaseDebtorRefSchema)
    currency = fields.Str()
    claimed = MoneyField()
    invoice_count = fields.Int()
    bidding_deadline = fields.AwareDateTime()
    published_at = fields.AwareDateTime()
    awarded_at = fields.AwareDateTime()
    awarded_agency = fields.Nested(CaseAgencyRefSchema, allow_none=True)
    created_at = fields.AwareDateTime()


class CaseSchema(CaseSummarySchema):
    """The full case for the awarded agency: debtor and invoices in full."""

    outcome = fields.Function(lambda c: c.outcome.value if c.outcome else None)
    stage = fields.Function(
        lambda c: c.stage.value if c.stage else None,
        metadata={"description": "payment_plan, legal or null (active cases only)"},
    )
    debtor = fields.Nested(CaseDebtorSchema)
    invoices = fields.List(fields.Nested(CaseInvoiceSchema), attribute="case_invoices")
    terms = fields.Nested(ListingTermsOutSchema)
    instant_terms = fields.Nested(FeeTermsSchema, allow_none=True)
    required_countries = fields.List(fields.Str())
    required_specialties = fields.List(fields.Str())
    open_to_all = fields.Bool()
    awarded_bid_id = fields.Int()
    accepted_terms = fields.Nested(AcceptedTermsSchema, allow_none=True)
    closed_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Int()


class CreditorCaseSchema(CaseSchema):
    """The full case for its creditor: also whom it invited and who created it."""

    invited_agency_ids = fields.List(fields.Int())
    created_by_id = fields.Int()


class BidSchema(ma.Schema):
    id = fields.Int()
    case_id = fields.Int()
    agency = fields.Nested(CaseAgencyRefSchema)
    fee_model = fields.Function(lambda b: b.fee_model.value)
    percent = PercentField(attribute="percent_bp")
    fixed = MoneyField(attribute="terms.fixed")
    upfront = MoneyField(attribute="terms.upfront")
    duration_days = fields.Int()
    legal_action = fields.Bool()
    message = fields.Str()
    status = fields.Function(lambda b: b.status.value)
    taken = fields.Bool()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
