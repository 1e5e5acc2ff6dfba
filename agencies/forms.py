"""Flask-WTF form (CSRF included) for the agency owner's profile page."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from agencies.models import DESCRIPTION_MAX, LICENCE_MAX, WEBSITE_MAX
from agencies.specialties import SPECIALTIES


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    countries = StringField(
        "Countries",
        validators=[Optional(), Length(max=1000)],
        description="ISO codes of the countries where you collect, separated by commas: DE, FR.",
    )
    specialties = CheckboxesField(
        "Specialties", choices=[SelectChoice(code, label) for code, label in SPECIALTIES.items()]
    )
    licence_number = StringField("Licence number", validators=[Optional(), Length(max=LICENCE_MAX)])
    website = StringField(
        "Website",
        validators=[Optional(), Length(max=WEBSITE_MAX)],
        description="An http:// or https:// address.",
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
        description="Plain text: who you are, how you work, what you charge.",
    )

    def service_fields(self) -> dict[str, Any]:
        """The keyword arguments of agencies.services.update_profile."""
        raw = (self.countries.data or "").replace(";", ",").replace(" ", ",")
        return {
            "countries": [code for code in raw.split(",") if code.strip()],
            "specialties": list(self.specialties.data or []),
            "licence_number": self.licence_number.data,
            "website": self.website.data,
            "description": self.description.data,
        }
