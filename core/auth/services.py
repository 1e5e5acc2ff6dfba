"""Account workflows. Each takes the actor explicitly, flushes, and never commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update

from core import audit
from core.auth.models import ROLES_BY_KIND, ApiToken, Invitation, Organization, OrgKind, Role, User
from core.auth.passwords import hash_password, needs_rehash, verify_password
from core.db import utcnow
from core.errors import Conflict, DomainError, Gone, TooManyRequests, ValidationFailed
from core.extensions import db
from core.mail import queue_email

TOKEN_PREFIX = "dbt_"  # noqa: S105 - a public prefix, not a secret


class AuthenticationFailed(DomainError):
    status = 401
    code = "invalid_credentials"


class InvitationNotFound(DomainError):
    status = 404
    code = "not_found"


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (tokens, invitation links)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(raw: str, field: str = "email") -> str:
    try:
        return validate_email(raw or "", check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed("Invalid e-mail address.", details={field: [str(exc)]}) from None


def check_role(org: Organization, role: Role | str) -> Role:
    allowed = ROLES_BY_KIND[org.kind]
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value not in allowed:
        raise ValidationFailed(
            "Role not available in this organisation.",
            details={"role": [f"Must be one of: {', '.join(r.value for r in allowed)}."]},
        )
    return value


# --- organisations and users -------------------------------------------------------


def create_organization(
    name: str, kind: OrgKind | str, *, actor: User | None = None, currency: str = "EUR"
) -> Organization:
    """Create an organisation; its name is unique on the platform."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Name required.", details={"name": ["Required."]})
    try:
        kind = OrgKind(kind)
    except ValueError:
        raise ValidationFailed("Unknown kind.", details={"kind": ["creditor or agency"]}) from None
    if db.session.scalar(
        select(Organization.id).where(func.lower(Organization.name) == name.lower())
    ):
        raise Conflict(f"An organisation named {name!r} exists already.", code="duplicate")
    org = Organization(name=name, kind=kind, currency=currency)
    db.session.add(org)
    db.session.flush()
    audit.record(
        "organization.created",
        actor=actor,
        org=org,
        object_type="organization",
        object_id=org.id,
        after={"name": name, "kind": kind.value},
    )
    return org


def create_user(
    org: Organization,
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    actor: User | None = None,
) -> User:
    """Create a member of `org` (CLI, invitations)."""
    email = normalise_email(email)
    role = check_role(org, role)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("A user with this e-mail exists already.", code="duplicate")
    user = User(
        org_id=org.id,
        organization=org,
        email=email,
        name=(name or email).strip()[:200],
        role=role,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        actor=actor,
        org=org,
        object_type="user",
        object_id=user.id,
        after={"email": email, "role": role.value},
    )
    return user


def update_member(
    user: User, *, actor: User, role: Role | str | None = None, active: bool | None = None
) -> User:
    """Change a member's role or (de)activate them; deactivation ends their sessions."""
    before = {"role": user.role.value, "active": user.active}
    if user.id == actor.id and (active is False or (role is not None and Role(role) != user.role)):
        raise Conflict("You cannot demote or deactivate yourself.", code="self_change")
    if role is not None:
        user.role = check_role(user.organization, role)
    if active is not None and active != user.active:
        user.active = active
        if not active:
            end_sessions(user)
            revoke_all_tokens(user)
    db.session.flush()
    audit.record(
        "user.updated",
        actor=actor,
        object_type="user",
        object_id=user.id,
        before=before,
        after={"role": user.role.value, "active": user.active},
    )
    return user


def update_organization(org: Organization, *, actor: User, **changes: Any) -> Organization:
    """Apply settings (`target_dso_days`, `sales_see_all`, threshold) with an audit trail."""
    before = organization_settings(org)
    if "expense_approval_threshold" in changes:
        money = changes.pop("expense_approval_threshold")
        if money.currency != org.currency:
            raise ValidationFailed(
                "Threshold currency must be the organisation's currency.",
                details={"expense_approval_threshold": [f"Use {org.currency}."]},
            )
        org.expense_approval_threshold_minor = money.minor
    for key, value in changes.items():
        setattr(org, key, value)
    db.session.flush()
    audit.record(
        "organization.updated",
        actor=actor,
        org=org,
        object_type="organization",
        object_id=org.id,
        before=before,
        after=organization_settings(org),
    )
    return org


def organization_settings(org: Organization) -> dict[str, Any]:
    return {
        "target_dso_days": org.target_dso_days,
        "sales_see_all": org.sales_see_all,
        "expense_approval_threshold_minor": org.expense_approval_threshold_minor,
    }


# --- authentication and sessions -----------------------------------------------------


def authenticate(email: str, password: str) -> User:
    """Check credentials with per-account throttling; every attempt is audited.

    Unknown e-mail and wrong password give the same answer (no account oracle).
    The failure audit row must be committed by the caller even though it answers an error.
    """
    subject = (email or "").strip().lower()[:320]
    cfg = current_app.config
    window = utcnow() - timedelta(seconds=cfg["LOGIN_FAILURE_WINDOW_SECONDS"])
    failures = db.session.scalar(
        select(func.count(audit.AuditEvent.id)).where(
            audit.AuditEvent.subject == subject,
            audit.AuditEvent.action == "auth.login_failed",
            audit.AuditEvent.created_at >= window,
        )
    )
    if failures >= cfg["LOGIN_FAILURES_PER_ACCOUNT"]:
        audit.record("auth.login_throttled", subject=subject)
        raise TooManyRequests("Too many failed sign-ins; try again in a few minutes.")
    user = db.session.scalar(select(User).where(User.email == subject)) if subject else None
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        audit.record(
            "auth.login_failed",
            subject=subject,
            org=user.organization if user else None,
            details={"reason": "inactive" if ok and user else "bad_credentials"},
        )
        raise AuthenticationFailed("Wrong e-mail or password.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record("auth.login", actor=user, subject=subject)
    return user


def end_sessions(user: User) -> None:
    """Invalidate every browser session of `user` (server-side revocation)."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.refresh(user)


def change_password(user: User, *, current: str, new: str) -> None:
    """Change a password after checking the current one; ends all other sessions."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(
            "Current password is wrong.", details={"current_password": ["Wrong password."]}
        )
    user.password_hash = hash_password(new)
    end_sessions(user)
    audit.record("auth.password_changed", actor=user, object_type="user", object_id=user.id)


# --- invitations ----------------------------------------------------------------------


def invite(org: Organization, *, email: str, role: Role | str, actor: User) -> Invitation:
    """Invite `email` with `role`; the link is e-mailed by a job after commit."""
    email = normalise_email(email)
    role = check_role(org, role)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("This person already has an account.", code="duplicate")
    secret = secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["INVITATION_TTL_HOURS"])
    invitation = Invitation(
        org_id=org.id,
        email=email,
        role=role,
        token_hash=digest(secret),
        invited_by_id=actor.id,
        expires_at=utcnow() + ttl,
    )
    db.session.add(invitation)
    db.session.flush()
    link = f"{current_app.config['PUBLIC_URL']}/invitations/{secret}"
    queue_email(
        key=f"invitation:{invitation.id}",
        to=email,
        org_id=org.id,
        subject=f"{actor.name} invited you to {org.name} on Duebridge",
        template="invitation",
        link=link,
        org=org,
        inviter=actor,
        role=role.value,
        expires_at=invitation.expires_at,
    )
    audit.record(
        "invitation.created",
        actor=actor,
        object_type="invitation",
        object_id=invitation.id,
        after={"email": email, "role": role.value},
    )
    return invitation


def find_invitation(secret: str) -> Invitation:
    """The invitation behind a link: 404 unknown, 410 used, revoked or expired."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(secret or ""))
    )
    if invitation is None:
        raise InvitationNotFound("This invitation link is not valid.")
    if invitation.status != "pending":
        raise Gone(
            f"This invitation link is {invitation.status}; ask for a new one.",
            code=f"invitation_{invitation.status}",
        )
    return invitation


def accept_invitation(secret: str, *, name: str, password: str) -> User:
    """Create the invited user; a link works once, even when clicked twice at once."""
    invitation = find_invitation(secret)
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Gone("This invitation link has been used already.", code="invitation_accepted")
    org = db.session.get(Organization, invitation.org_id)
    assert org is not None
    user = create_user(
        org, email=invitation.email, name=name, role=invitation.role, password=password
    )
    audit.record(
        "invitation.accepted", actor=user, object_type="invitation", object_id=invitation.id
    )
    return user


def revoke_invitation(invitation: Invitation, *, actor: User) -> None:
    if invitation.status != "pending":
        raise Conflict(f"The invitation is {invitation.status} already.", code="not_pending")
    invitation.revoked_at = utcnow()
    audit.record(
        "invitation.revoked", actor=actor, object_type="invitation", object_id=invitation.id
    )


# --- API tokens -------------------------------------------------------------------------


def issue_token(
    user: User, *, name: str = "API token", actor: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        org_id=user.org_id,
        user_id=user.id,
        name=(name or "API token")[:100],
        token_hash=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", actor=actor or user, object_type="api_token", object_id=token.id)
    return token, secret


def user_for_token(secret: str) -> tuple[User, ApiToken] | None:
    """The active user behind a bearer secret, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.active:
        return None
    return token.user, token


def revoke_token(token: ApiToken, *, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("token.revoked", actor=actor, object_type="api_token", object_id=token.id)


def revoke_all_tokens(user: User) -> None:
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
