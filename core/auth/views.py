"""HTML pages: sign in/out, accept an invitation, team and API token management."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from core.auth import services
from core.auth.forms import (
    AcceptInvitationForm,
    EmptyForm,
    InviteForm,
    LoginForm,
    MemberForm,
    TokenForm,
)
from core.auth.models import ROLES_BY_KIND, ApiToken, Invitation, Role, User
from core.auth.permissions import can_manage_members, can_see_members
from core.auth.session import safe_next
from core.errors import DomainError
from core.extensions import db, limiter
from core.tenancy import current_org, deny, load_for_org_or_404

bp = Blueprint("auth", __name__, template_folder="templates")


def _login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


def start_session(user: User) -> None:
    """Rotate the session (no fixation) and sign `user` in."""
    session.clear()
    login_user(user)
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign-in form; `next` is honoured only for local paths."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("web.index"))
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except DomainError as exc:
            db.session.commit()  # the failed attempt is audited and counted
            flash(exc.message, "error")
            status = exc.status
        else:
            db.session.commit()
            start_session(user)
            return redirect(safe_next(form.next.data) or url_for("web.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out everywhere: the session version moves on, so old cookies stop working."""
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
def accept_invitation(secret: str) -> ResponseReturnValue:
    """Join an organisation from an e-mailed link."""
    invitation = services.find_invitation(secret)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = services.accept_invitation(
            secret, name=form.name.data or "", password=form.password.data or ""
        )
        db.session.commit()
        start_session(user)
        flash(f"Welcome to {user.organization.name}.", "success")
        return redirect(url_for("web.index"))
    return render_template(
        "auth/accept_invitation.html",
        form=form,
        invitation=invitation,
        org=invitation_org(invitation),
    )


def invitation_org(invitation: Invitation) -> object:
    from core.auth.models import Organization

    return db.session.get(Organization, invitation.org_id)


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, r.value.title()) for r in ROLES_BY_KIND[current_org.kind]]


@bp.get("/team")
@login_required
def members() -> ResponseReturnValue:
    """Members and invitations; owners can invite, change roles and deactivate."""
    if not can_see_members(current_user):
        abort(403)
    users = db.session.scalars(
        select(User).where(User.org_id == current_org.id).order_by(User.name)
    ).all()
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.org_id == current_org.id)
        .order_by(Invitation.id.desc())
        .limit(50)
    ).all()
    invite_form = InviteForm()
    invite_form.role.choices = _role_choices()
    return render_template(
        "auth/members.html",
        users=users,
        invitations=invitations,
        invite_form=invite_form,
        role_choices=_role_choices(),
        can_manage=can_manage_members(current_user),
        empty_form=EmptyForm(),
    )


@bp.post("/team/invitations")
@login_required
def invite() -> ResponseReturnValue:
    if not can_manage_members(current_user):
        abort(403)
    form = InviteForm()
    form.role.choices = _role_choices()
    if not form.validate_on_submit():
        flash("Check the e-mail address and role.", "error")
        return redirect(url_for("auth.members"))
    try:
        services.invite(
            current_org, email=form.email.data or "", role=form.role.data, actor=current_user
        )
        db.session.commit()
        flash(f"Invitation sent to {form.email.data}.", "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("auth.members"))


@bp.post("/team/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int) -> ResponseReturnValue:
    if not can_manage_members(current_user):
        abort(403)
    invitation = load_for_org_or_404(Invitation, invitation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.revoke_invitation(invitation, actor=current_user)
    db.session.commit()
    flash("Invitation revoked.", "info")
    return redirect(url_for("auth.members"))


@bp.post("/team/<int:user_id>")
@login_required
def update_member(user_id: int) -> ResponseReturnValue:
    if not can_manage_members(current_user):
        abort(403)
    user = load_for_org_or_404(User, user_id)
    form = MemberForm()
    form.role.choices = _role_choices()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.update_member(
            user, actor=current_user, role=Role(form.role.data), active=bool(form.active.data)
        )
        db.session.commit()
        flash(f"{user.name} updated.", "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("auth.members"))


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> ResponseReturnValue:
    """The caller's API tokens; a new secret is shown once, on this page."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        _token, secret = services.issue_token(current_user, name=form.name.data or "")
        db.session.commit()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "auth/tokens.html", form=form, tokens=rows, secret=secret, empty_form=EmptyForm()
    )


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    token = load_for_org_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        deny("api_tokens", token_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.revoke_token(token, actor=current_user)
    db.session.commit()
    flash("Token revoked.", "info")
    return redirect(url_for("auth.tokens"))
