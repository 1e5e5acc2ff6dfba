"""Flask-WTF forms (CSRF included) for the auth pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        "Choose a password", validators=[DataRequired(), Length(min=12, max=256)]
    )


class InviteForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=320)])
    role = SelectField("Role", choices=[])


class MemberForm(FlaskForm):
    role = SelectField("Role", choices=[])
    active = BooleanField("Active")


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token: logout, revoke buttons."""
