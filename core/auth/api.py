"""JSON API of API.md "Auth and organisation" (plus member, invitation and token management)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from core.auth import services
from core.auth.models import ApiToken, Invitation, Role, User
from core.auth.permissions import require_login, require_role
from core.auth.schemas import (
    ApiTokenCreatedSchema,
    ApiTokenCreateSchema,
    ApiTokenSchema,
    CredentialsSchema,
    InvitationAcceptSchema,
    InvitationCreateSchema,
    InvitationSchema,
    MemberSchema,
    MemberUpdateSchema,
    MeSchema,
    OrganizationSchema,
    OrganizationUpdateSchema,
    TokenIssuedSchema,
)
from core.errors import DomainError
from core.extensions import db, limiter
from core.pagination import PageArgs, page_of, paginate
from core.tenancy import current_org, deny, load_for_org_or_404

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Sign-in, members, tokens")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


class NotATokenRequest(DomainError):
    status = 400
    code = "no_bearer_token"


@blp.route("/auth/token")
class Token(MethodView):
    decorators = [limiter.limit(_login_limit, methods=["POST"])]

    @blp.arguments(CredentialsSchema)
    @blp.response(201, TokenIssuedSchema)
    @blp.alt_response(401, description="Wrong e-mail or password")
    @blp.alt_response(429, description="Too many attempts")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Exchange e-mail and password for an API token."""
        try:
            user = services.authenticate(args["email"], args["password"])
        except DomainError:
            db.session.commit()  # keep the failed-attempt audit row that throttling counts
            raise
        _token, secret = services.issue_token(user, name="Sign-in token")
        db.session.commit()
        return {"token": secret, "user": user}

    @blp.response(204)
    @require_login
    def delete(self) -> None:
        """Revoke the bearer token this request was made with."""
        token = g.get("api_token")
        if token is None:
            raise NotATokenRequest("This request carries no bearer token to revoke.")
        services.revoke_token(token, actor=current_user)
        db.session.commit()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @require_login
    def get(self) -> User:
        """The caller and their organisation."""
        return current_user


@blp.route("/organization")
class OrganizationResource(MethodView):
    @blp.response(200, OrganizationSchema)
    @require_login
    def get(self) -> Any:
        """The caller's organisation and its settings."""
        return current_org

    @blp.arguments(OrganizationUpdateSchema)
    @blp.response(200, OrganizationSchema)
    @require_role(Role.OWNER)
    def patch(self, args: dict[str, Any]) -> Any:
        """Change settings (owner)."""
        services.update_organization(current_org, actor=current_user, **args)
        db.session.commit()
        return current_org


@blp.route("/users")
class Members(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(MemberSchema))
    @require_role(Role.OWNER, Role.CREDIT)
    def get(self, page: dict[str, int]) -> dict[str, Any]:
        """Members of the caller's organisation."""
        query = select(User).where(User.org_id == current_org.id).order_by(User.name, User.id)
        return paginate(query, **page)


@blp.route("/users/<int:user_id>")
class Member(MethodView):
    @blp.response(200, MemberSchema)
    @require_role(Role.OWNER, Role.CREDIT)
    def get(self, user_id: int) -> User:
        """One member."""
        return load_for_org_or_404(User, user_id)

    @blp.arguments(MemberUpdateSchema)
    @blp.response(200, MemberSchema)
    @require_role(Role.OWNER)
    def patch(self, args: dict[str, Any], user_id: int) -> User:
        """Change a member's role or deactivate them (owner)."""
        user = load_for_org_or_404(User, user_id)
        services.update_member(user, actor=current_user, **args)
        db.session.commit()
        return user


@blp.route("/invitations")
class Invitations(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(InvitationSchema))
    @require_role(Role.OWNER)
    def get(self, page: dict[str, int]) -> dict[str, Any]:
        """Invitations of the caller's organisation, newest first."""
        query = (
            select(Invitation)
            .where(Invitation.org_id == current_org.id)
            .order_by(Invitation.id.desc())
        )
        return paginate(query, **page)

    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationSchema)
    @require_role(Role.OWNER)
    def post(self, args: dict[str, Any]) -> Invitation:
        """Invite someone by e-mail (owner); the link is e-mailed and expires."""
        invitation = services.invite(
            current_org, email=args["email"], role=args["role"], actor=current_user
        )
        db.session.commit()
        return invitation


@blp.route("/invitations/<int:invitation_id>")
class InvitationResource(MethodView):
    @blp.response(204)
    @require_role(Role.OWNER)
    def delete(self, invitation_id: int) -> None:
        """Revoke a pending invitation (owner)."""
        invitation = load_for_org_or_404(Invitation, invitation_id)
        services.revoke_invitation(invitation, actor=current_user)
        db.session.commit()


@blp.route("/invitations/accept")
class InvitationAccept(MethodView):
    decorators = [limiter.limit(_login_limit, methods=["POST"])]

    @blp.arguments(InvitationAcceptSchema)
    @blp.response(201, TokenIssuedSchema)
    @blp.alt_response(410, description="Link used, revoked or expired")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Accept an invitation: create the account and return an API token."""
        user = services.accept_invitation(
            args["token"], name=args["name"], password=args["password"]
        )
        _token, secret = services.issue_token(user, name="Sign-in token")
        db.session.commit()
        return {"token": secret, "user": user}


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ApiTokenSchema))
    @require_login
    def get(self, page: dict[str, int]) -> dict[str, Any]:
        """The caller's own API tokens (secrets are never shown again)."""
        query = (
            select(ApiToken)
            .where(ApiToken.user_id == current_user.id, ApiToken.org_id == current_org.id)
            .order_by(ApiToken.id.desc())
        )
        return paginate(query, **page)

    @blp.arguments(ApiTokenCreateSchema)
    @blp.response(201, ApiTokenCreatedSchema)
    @require_login
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Create an API token for the caller; the secret is in this response only."""
        token, secret = services.issue_token(current_user, name=args["name"])
        db.session.commit()
        return {
            "id": token.id,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "token": secret,
        }


@blp.route("/tokens/<int:token_id>")
class TokenResource(MethodView):
    @blp.response(204)
    @require_login
    def delete(self, token_id: int) -> None:
        """Revoke one of the caller's tokens (an owner may revoke any in the organisation)."""
        token = load_for_org_or_404(ApiToken, token_id)
        if token.user_id != current_user.id and current_user.role is not Role.OWNER:
            deny("api_tokens", token_id)  # someone else's token: same answer as a foreign one
        services.revoke_token(token, actor=current_user)
        db.session.commit()
