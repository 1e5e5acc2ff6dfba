"""Auth API schemas: one per audience, each an explicit whitelist."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.auth.models import Role
from core.money import MoneyField

ROLE_VALUES = [r.value for r in Role]


class OrganizationRefSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()
    kind = fields.Function(lambda org: org.kind.value)


class MeSchema(ma.Schema):
    """The caller, as GET /api/v1/me shows it."""

    id = fields.Int()
    email = fields.Email()
    name = fields.Str()
    role = fields.Function(lambda u: u.role.value)
    is_admin = fields.Bool()
    organization = fields.Nested(OrganizationRefSchema)


class MemberSchema(ma.Schema):
    """A member as fellow owners/credit staff see them (no hashes, no session data)."""

    id = fields.Int()
    email = fields.Email()
    name = fields.Str()
    role = fields.Function(lambda u: u.role.value)
    active = fields.Bool()
    last_login_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()


class MemberUpdateSchema(ma.Schema):
    role = fields.Str(validate=validate.OneOf(ROLE_VALUES))
    active = fields.Bool()


class OrganizationSchema(ma.Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(dump_only=True)
    kind = fields.Function(lambda org: org.kind.value, dump_only=True)
    currency = fields.Str(dump_only=True)
    target_dso_days = fields.Int(allow_none=True, validate=validate.Range(min=1, max=365))
    sales_see_all = fields.Bool()
    expense_approval_threshold = MoneyField()


class OrganizationUpdateSchema(ma.Schema):
    """Settings an owner may change; anything else in the body is refused (422)."""

    target_dso_days = fields.Int(allow_none=True, validate=validate.Range(min=1, max=365))
    sales_see_all = fields.Bool()
    expense_approval_threshold = MoneyField()


class CredentialsSchema(ma.Schema):
    email = fields.Str(required=True, validate=validate.Length(max=320))
    password = fields.Str(required=True, validate=validate.Length(max=256))


class TokenIssuedSchema(ma.Schema):
    token = fields.Str(metadata={"description": "shown once; send as `Authorization: Bearer`"})
    user = fields.Nested(MeSchema)


class InvitationCreateSchema(ma.Schema):
    email = fields.Str(required=True, validate=validate.Length(max=320))
    role = fields.Str(required=True, validate=validate.OneOf(ROLE_VALUES))


class InvitationSchema(ma.Schema):
    id = fields.Int()
    email = fields.Email()
    role = fields.Function(lambda i: i.role.value)
    status = fields.Str()
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()


class InvitationAcceptSchema(ma.Schema):
    token = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    password = fields.Str(required=True, validate=validate.Length(max=256))


class ApiTokenCreateSchema(ma.Schema):
    name = fields.Str(load_default="API token", validate=validate.Length(min=1, max=100))


class ApiTokenSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()
    prefix = fields.Str()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime()


class ApiTokenCreatedSchema(ApiTokenSchema):
    token = fields.Str(metadata={"description": "the secret, shown only in this response"})
