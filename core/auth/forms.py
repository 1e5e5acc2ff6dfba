"""Flask-WTF forms (CSRF included) for the auth pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from core.auth.models import OrgKind, Role
from core.auth.passwords import MAX_LENGTH, MIN_LENGTH

#: the password policy of core.auth.passwords, checked in the form for a friendly message
NEW_PASSWORD = [
    DataRequired(),
    Length(min=MIN_LENGTH, message=f"Use at least {MIN_LENGTH} characters."),
    Length(max=MAX_LENGTH, message=f"Use at most {MAX_LENGTH} characters."),
]

#: how roles and organisation kinds read on pages (the API keeps the enum values)
ROLE_LABELS = {
    Role.OWNER: "Owner",
    Role.CREDIT: "Credit & collections",
    Role.SALES: "Sales rep",
    Role.VIEWER: "Viewer",
    Role.COLLECTOR: "Collector",
}
KIND_LABELS = {OrgKind.CREDITOR: "Creditor", OrgKind.AGENCY: "Collection agency"}


def role_label(role: Role | str) -> str:
    """Human name of a role, e.g. "Sales rep"."""
    return ROLE_LABELS.get(Role(role), str(role))


def kind_label(kind: OrgKind | str) -> str:
    """Human name of an organisation kind."""
    return KIND_LABELS.get(OrgKind(kind), str(kind))


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail",
        validators=[DataRequired(), Length(max=320)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        "Choose a password",
        validators=NEW_PASSWORD,
        description=f"At least {MIN_LENGTH} characters; a few unrelated words work well.",
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=NEW_PASSWORD,
        description=f"At least {MIN_LENGTH} characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The two entries differ.")],
        render_kw={"autocomplete": "new-password"},
    )


class InviteForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=320)])
    role = SelectField("Role", choices=[])


class MemberForm(FlaskForm):
    role = SelectField("Role", choices=[])
    active = BooleanField("Active")


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=100)],
        description="What will use it, e.g. “ERP credit check”.",
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token: logout, revoke buttons."""
