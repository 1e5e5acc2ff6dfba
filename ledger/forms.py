"""Flask-WTF forms (CSRF included) for the ledger pages: debtors, payments, credit notes."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from core.money import Money, MoneyError
from ledger.models import DebtorType

DEBTOR_TYPE_CHOICES = [
    SelectChoice(DebtorType.COMPANY.value, "Company"),
    SelectChoice(DebtorType.SOLE_TRADER.value, "Sole trader"),
    SelectChoice(DebtorType.CONSUMER.value, "Consumer"),
]
CURRENCY = [DataRequired(), Regexp(r"^[A-Za-z]{3}$", message="Use an ISO 4217 code such as EUR.")]
AMOUNT_HELP = "A decimal number with the currency's decimals, e.g. 1234.56."


def money_of(form: FlaskForm, amount_field: str, currency: str) -> Money | None:
    """Read `amount_field` as Money in `currency`; put the reason on the field if it fails."""
    field = getattr(form, amount_field)
    raw = (field.data or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        return Money.parse(raw, currency.strip().upper())
    except MoneyError as exc:
        field.errors = [*field.errors, str(exc)]
        return None


class DebtorForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    debtor_type = SelectField("Type", choices=DEBTOR_TYPE_CHOICES, default="company")
    country = StringField(
        "Country",
        validators=[DataRequired(), Length(min=2, max=2)],
        description="ISO 3166 code, e.g. DE.",
    )
    vat_id = StringField("VAT id", validators=[Optional(), Length(max=40)])
    legal_id = StringField("Legal id", validators=[Optional(), Length(max=60)])
    sector = StringField("Sector", validators=[Optional(), Length(max=100)])
    emails = StringField(
        "Contact e-mails",
        validators=[Optional(), Length(max=2000)],
        description="Separate several addresses with commas.",
    )
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    address = TextAreaField("Address", validators=[Optional(), Length(max=1000)])
    sales_rep_id = SelectField("Sales rep", coerce=int, choices=[], default=0)
    payment_terms_days = IntegerField(
        "Payment terms (days)", default=30, validators=[NumberRange(min=0, max=365)]
    )
    currency = StringField("Currency", default="EUR", validators=CURRENCY)
    credit_limit = StringField(
        "Credit limit",
        validators=[Optional(), Length(max=30)],
        description="In the debtor's currency; empty for no limit.",
    )
    on_hold = BooleanField("Credit hold (block new orders)")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def service_fields(self, currency: str) -> dict[str, Any] | None:
        """The service's keyword arguments, or None when the credit limit does not parse."""
        limit = money_of(self, "credit_limit", currency)
        if self.credit_limit.errors:
            return None
        emails = [e.strip() for e in (self.emails.data or "").split(",") if e.strip()]
        for email in emails:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError:
                self.emails.errors = [*self.emails.errors, f"{email!r} is not an e-mail address."]
        if self.emails.errors or len(emails) > 20:
            self.emails.errors = self.emails.errors or ["At most 20 addresses."]
            return None
        return {
            "name": self.name.data,
            "debtor_type": self.debtor_type.data,
            "country": self.country.data,
            "vat_id": self.vat_id.data,
            "legal_id": self.legal_id.data,
            "sector": self.sector.data,
            "emails": emails,
            "phone": self.phone.data,
            "address": self.address.data,
            "sales_rep_id": self.sales_rep_id.data or None,
            "payment_terms_days": self.payment_terms_days.data,
            "credit_limit": limit,
            "notes": self.notes.data,
        }


class PaymentForm(FlaskForm):
    amount = StringField(
        "Amount", validators=[DataRequired(), Length(max=30)], description=AMOUNT_HELP
    )
    currency = StringField("Currency", validators=CURRENCY)
    received_on = DateField("Received on", validators=[DataRequired()])
    reference = StringField("Reference", validators=[Optional(), Length(max=140)])


class CreditNoteForm(FlaskForm):
    amount = StringField(
        "Amount", validators=[DataRequired(), Length(max=30)], description=AMOUNT_HELP
    )
    currency = StringField("Currency", validators=CURRENCY)
    issued_on = DateField("Issued on", validators=[DataRequired()])
    number = StringField("Credit note number", validators=[Optional(), Length(max=100)])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500)])
