"""Flask-WTF forms (CSRF included) of the dispute page and the open-dispute page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from core.auth.models import User
from core.extensions import db
from disputes import labels
from disputes.reasons import REASONS
from disputes.services import OWNER_ROLES
from disputes.states import DisputeStatus, Outcome
from disputes.threads.models import VISIBILITIES
from disputes.threads.services import MAX_BODY

AMOUNT_HELP = "A decimal number with the currency's decimals, e.g. 1234.56."
#: outcome → label in the resolution form (rejected says what it means for the debtor)
OUTCOME_LABELS = {Outcome(value): label for value, label in labels.OUTCOME_LABELS.items()} | {
    Outcome.REJECTED: "Rejected (the debtor must pay)"
}
VISIBILITY_LABELS = {
    "internal": "Internal (my organisation only)",
    "shared": "Shared (every party to the dispute)",
}


def reason_choices() -> list[SelectChoice]:
    """SPEC §3's two levels as option groups: team → its "<team>.<code>" reasons."""
    return [
        SelectChoice(
            f"{team}.{code}", labels.reason_label(team, code), optgroup=labels.team_label(team)
        )
        for team, codes in REASONS.items()
        for code in codes
    ]


def owner_choices(
    org_id: int, *, blank: bool = False, current: int | None = None
) -> list[SelectChoice]:
    """Active sales, credit and owner members of `org_id` who can own a dispute.

    `current`, the dispute's present owner, stays a choice even once deactivated, so saving
    the form without touching the owner keeps them instead of silently clearing it.
    """
    eligible = (User.active.is_(True)) & User.role.in_(OWNER_ROLES)
    if current is not None:
        eligible = eligible | (User.id == current)
    members = db.session.scalars(
        select(User).where(User.org_id == org_id, eligible).order_by(User.name, User.id)
    )
    choices = [
        SelectChoice(u.id, f"{u.name} ({u.role.value}{'' if u.active else ', inactive'})")
        for u in members
    ]
    return [SelectChoice(0, "— nobody —"), *choices] if blank else choices


class OpenDisputeForm(FlaskForm):
    reason = SelectField("Reason", choices=reason_choices(), validators=[DataRequired()])
    amount = StringField(
        "Disputed amount", validators=[DataRequired(), Length(max=30)], description=AMOUNT_HELP
    )
    description = TextAreaField(
        "Description",
        validators=[DataRequired(), Length(max=5000)],
        description="What is wrong, as the debtor or the sales rep reported it.",
    )
    owner_id = SelectField("Owner", coerce=int, choices=[], validate_choice=True)
    due_date = DateField(
        "SLA due date", validators=[Optional()], description="The day it should be settled by."
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Comment",
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description="Markdown. Type @ to mention a colleague.",
    )
    visibility = SelectField(
        "Visible to",
        choices=[SelectChoice(v, VISIBILITY_LABELS[v]) for v in VISIBILITIES],
        default="internal",
    )
    attachment = FileField("Attachment", description="Optional: PDF, image, text/CSV, DOCX, XLSX.")


class TransitionForm(FlaskForm):
    to = HiddenField(validators=[DataRequired(), AnyOf([s.value for s in DisputeStatus])])


class ResolveForm(FlaskForm):
    outcome = SelectField(
        "Outcome", choices=[SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()]
    )
    credit_amount = StringField(
        "Credit amount",
        validators=[Optional(), Length(max=30)],
        description="Only for a credit note; at most the disputed amount.",
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])


class EditDisputeForm(FlaskForm):
    owner_id = SelectField("Owner", coerce=int, choices=[], validate_choice=True)
    due_date = DateField("SLA due date", validators=[Optional()])
    description = TextAreaField("Description", validators=[DataRequired(), Length(max=5000)])
