"""HTML pages: sign in/out, accept an invitation, account, team and API token management."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from core.auth import services
from core.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    EmptyForm,
    InviteForm,
    LoginForm,
    MemberForm,
    TokenForm,
    role_label,
)
from core.auth.models import ROLES_BY_KIND, ApiToken, Invitation, Organization, Role, User
from core.auth.permissions import can_manage_members, can_see_members
from core.auth.session import safe_next
from core.errors import DomainError, handle_http_exception
from core.extensions import db, limiter
from core.tenancy import current_org, deny, load_for_org_or_404

bp = Blueprint("auth", __name__, template_folder="templates")


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def start_session(user: User) -> None:
    """Rotate the session (no fixation) and sign `user` in."""
    session.clear()
    login_user(user)
    session.permanent = True


def _show_errors(form: FlaskForm, error: DomainError, aliases: dict[str, str]) -> None:
    """Put a service's field messages next to the form's fields (`aliases`: service → form)."""
    placed = False
    for name, messages in error.details.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None:
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        flash(error.message, "error")


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """A stale or missing token on the sign-in form: show the form again, not a bare 400."""
    if request.endpoint != "auth.login":
        return handle_http_exception(error)
    flash("The sign-in form expired. Please sign in again.", "error")
    form = LoginForm(formdata=None, next=request.form.get("next", ""))
    return render_template("auth/login.html", form=form), 400


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign-in form; `next` is honoured only for local paths."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("web.index"))
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    try:
        user = services.authenticate(form.email.data or "", form.password.data or "")
    except DomainError as exc:
        db.session.commit()  # the failed attempt is audited and counted
        flash(exc.message, "error")
        headers = {"Retry-After": "60"} if exc.status == 429 else {}
        return render_template("auth/login.html", form=form), exc.status, headers
    db.session.commit()
    start_session(user)
    return redirect(safe_next(form.next.data) or url_for("web.index"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out everywhere: the session version moves on, so old cookies stop working."""
    # no login_required: an ended session would go to /login?next=/logout, then GET → 405
    if current_user.is_authenticated:
        services.end_sessions(current_user._get_current_object())
        db.session.commit()
        logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
def accept_invitation(secret: str) -> ResponseReturnValue:
    """Join an organisation from an e-mailed link (404 unknown, 410 used or expired)."""
    invitation = services.find_invitation(secret)
    org = db.session.get(Organization, invitation.org_id)
    form = AcceptInvitationForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                secret, name=form.name.data or "", password=form.password.data or ""
            )
        except DomainError as exc:
            if exc.status == 410:
                raise
            db.session.rollback()
            _show_errors(form, exc, {})
            status = exc.status
        else:
            db.session.commit()
            start_session(user)
            flash(f"Welcome to {user.organization.name}.", "success")
            return redirect(url_for("web.index"))
    elif request.method == "POST":
        status = 422
    page = render_template("auth/accept_invitation.html", form=form, invitation=invitation, org=org)
    return page, status


@bp.get("/account")
@login_required
def account() -> ResponseReturnValue:
    """The caller's profile and the password form."""
    return render_template("auth/account.html", form=ChangePasswordForm())


@bp.post("/account/password")
@login_required
@limiter.limit(_login_limit)
def change_password() -> ResponseReturnValue:
    """Change the password; every other session ends, this browser gets a fresh one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(
                user, current=form.current_password.data or "", new=form.new_password.data or ""
            )
        except DomainError as exc:
            db.session.rollback()
            _show_errors(form, exc, {"password": "new_password"})
        else:
            db.session.commit()
            start_session(user)
            flash("Password changed. Your other sessions have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), 422


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, role_label(r)) for r in ROLES_BY_KIND[current_org.kind]]


@bp.get("/team")
@login_required
def members() -> ResponseReturnValue:
    """Members and invitations; owners can invite, change roles and deactivate."""
    if not can_see_members(current_user):
        abort(403)
    users = db.session.scalars(
        select(User).where(User.org_id == current_org.id).order_by(User.active.desc(), User.name)
    ).all()
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.org_id == current_org.id)
        .order_by(Invitation.id.desc())
        .limit(50)
    ).all()
    invite_form = InviteForm()
    invite_form.role.choices = _role_choices()
    # preselect the first role below owner: handing out "owner" must be a deliberate choice
    invite_form.role.data = invite_form.role.data or ROLES_BY_KIND[current_org.kind][1].value
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
    """Invite someone by e-mail with a role (owners)."""
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
    """Withdraw a pending invitation: its link stops working (owners)."""
    if not can_manage_members(current_user):
        abort(403)
    invitation = load_for_org_or_404(Invitation, invitation_id)
    try:
        services.revoke_invitation(invitation, actor=current_user)
        db.session.commit()
        flash(f"Invitation for {invitation.email} revoked.", "info")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("auth.members"))


@bp.post("/team/<int:user_id>")
@login_required
def update_member(user_id: int) -> ResponseReturnValue:
    """Change a member's role or (de)activate them (owners)."""
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
        state = "" if user.active else " and deactivated"
        flash(f"{user.name} is now {role_label(user.role).lower()}{state}.", "success")
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
    status = 200
    if form.validate_on_submit():
        _token, secret = services.issue_token(current_user, name=form.name.data or "")
        db.session.commit()
        form = TokenForm(formdata=None)
    elif request.method == "POST":
        status = 422
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    page = render_template(
        "auth/tokens.html", form=form, tokens=rows, secret=secret, empty_form=EmptyForm()
    )
    return page, status


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the caller's tokens; someone else's answers 404."""
    token = load_for_org_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        deny("api_tokens", token_id)
    services.revoke_token(token, actor=current_user)
    db.session.commit()
    flash(f"Token “{token.name}” revoked.", "info")
    return redirect(url_for("auth.tokens"))
