"""Flask-WTF forms (CSRF included) of the case and bid pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from core.money import Money
from ledger.clock import today
from ledger.forms import money_of
from marketplace.terms import FEE_MODELS, parse_percent


def fee_model_choices(models: list[str] | tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(m, m.capitalize()) for m in models]


FEE_MODEL_CHOICES = [SelectChoice(m, m.capitalize()) for m in FEE_MODELS]
PERCENT_HELP = 'A percentage with at most two decimals, e.g. "15" or "12.5".'
AMOUNT_HELP = "In the case's currency, e.g. 500.00."


class CheckboxList(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Chosen:
    """At least one box ticked (unlike DataRequired, no `required` on every checkbox)."""

    field_flags: dict[str, bool] = {}

    def __call__(self, form: FlaskForm, field: SelectMultipleField) -> None:
        if not field.data:
            raise StopValidation("Choose at least one.")


def percent_of(form: FlaskForm, name: str) -> int | None:
    """Read a percent field as basis points; put the reason on the field if it fails."""
    field = getattr(form, name)
    raw = (field.data or "").strip()
    if not raw:
        return None
    try:
        return parse_percent(raw)
    except ValueError as exc:
        field.errors = [*field.errors, str(exc)]
        return None


def end_of_day(day: date) -> datetime:
    """A deadline date means the end of that day (UTC), as in the API."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


class CaseForm(FlaskForm):
    invoice_ids = CheckboxList("Invoices", coerce=int, validators=[Chosen()])
    fee_models = CheckboxList(
        "Fee models accepted", choices=FEE_MODEL_CHOICES, validators=[Chosen()]
    )
    max_percent = StringField(
        "Maximum percent", validators=[Optional(), Length(max=10)], description=PERCENT_HELP
    )
    max_fixed = StringField(
        "Maximum fixed or upfront amount",
        validators=[Optional(), Length(max=30)],
        description=AMOUNT_HELP,
    )
    bidding_deadline = DateField(
        "Bidding deadline",
        validators=[DataRequired()],
        default=lambda: today() + timedelta(days=14),
        description="Bids are taken until the end of this day (UTC).",
    )
    instant_fee_model = SelectField(
        "Instant terms",
        choices=[SelectChoice("", "None (bids only)"), *FEE_MODEL_CHOICES],
        default="",
    )
    instant_percent = StringField(
        "Instant percent", validators=[Optional(), Length(max=10)], description=PERCENT_HELP
    )
    instant_fixed = StringField(
        "Instant fixed amount", validators=[Optional(), Length(max=30)], description=AMOUNT_HELP
    )
    instant_upfront = StringField(
        "Instant upfront amount", validators=[Optional(), Length(max=30)], description=AMOUNT_HELP
    )
    audience = RadioField(
        "Open to",
        choices=[
            SelectChoice("all", "All agencies"),
            SelectChoice("invited", "Invited agencies only"),
        ],
        default="all",
    )
    invited = CheckboxList("Invited agencies", coerce=int, choices=[])

    def service_fields(self, currency: str) -> dict[str, Any] | None:
        """The create service's keyword arguments, or None when a field does not parse."""
        max_percent = percent_of(self, "max_percent")
        max_fixed = money_of(self, "max_fixed", currency)
        instant: dict[str, Any] | None = None
        if self.instant_fee_model.data:
            instant = {
                "fee_model": self.instant_fee_model.data,
                "percent": percent_of(self, "instant_percent"),
                "fixed": money_of(self, "instant_fixed", currency),
                "upfront": money_of(self, "instant_upfront", currency),
            }
        invited: list[int] = []
        if self.audience.data == "invited":
            invited = list(self.invited.data or [])
            if not invited:
                self.invited.errors = [*self.invited.errors, "Invite at least one agency."]
        if any(f.errors for f in self):
            return None
        return {
            "invoice_ids": list(self.invoice_ids.data or []),
            "bidding_deadline": end_of_day(self.bidding_deadline.data),
            "terms": {
                "fee_models": list(self.fee_models.data or []),
                "max_percent": max_percent,
                "max_fixed": max_fixed,
            },
            "instant_terms": instant,
            "invited_agency_ids": invited,
        }


class BidForm(FlaskForm):
    fee_model = SelectField("Fee model", choices=FEE_MODEL_CHOICES)
    percent = StringField(
        "Percent of what is recovered",
        validators=[Optional(), Length(max=10)],
        description="Contingency and hybrid. " + PERCENT_HELP,
    )
    fixed = StringField(
        "Fixed fee", validators=[Optional(), Length(max=30)], description="Fixed model only."
    )
    upfront = StringField(
        "Upfront amount", validators=[Optional(), Length(max=30)], description="Hybrid only."
    )
    duration_days = IntegerField(
        "Expected duration (days)", default=90, validators=[NumberRange(min=1, max=3650)]
    )
    legal_action = BooleanField("Legal action included")
    message = TextAreaField("Message to the creditor", validators=[Optional(), Length(max=2000)])

    def service_fields(self, currency: str) -> dict[str, Any] | None:
        """The bid service's keyword arguments, or None when a field does not parse."""
        percent = percent_of(self, "percent")
        amounts: dict[str, Money | None] = {
            name: money_of(self, name, currency) for name in ("fixed", "upfront")
        }
        if any(f.errors for f in self):
            return None
        return {
            "fee_model": self.fee_model.data,
            "percent": percent,
            **amounts,
            "duration_days": self.duration_days.data,
            "legal_action": bool(self.legal_action.data),
            "message": self.message.data or None,
        }
