"""Notification API schemas (explicit whitelists)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.notifications.models import KINDS
from core.pagination import PageArgs, page_of


class NotificationSchema(ma.Schema):
    id = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    body = fields.Str()
    url = fields.Str()
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)
    read = fields.Function(lambda n: n.read_at is not None)


class NotificationListArgs(PageArgs):
    unread = fields.Bool(load_default=False)


class NotificationPageSchema(page_of(NotificationSchema)):  # type: ignore[misc]
    unread = fields.Int(metadata={"description": "the caller's unread count (all pages)"})


class MarkReadSchema(ma.Schema):
    ids = fields.List(fields.Int(), validate=validate.Length(max=1000))


class UnreadSchema(ma.Schema):
    unread = fields.Int()


class PreferencesSchema(ma.Schema):
    """`{"email": {"mention": true, ...}}`; on PUT, kinds left out stay as they are."""

    email = fields.Dict(
        keys=fields.Str(validate=validate.OneOf(KINDS)), values=fields.Bool(), required=True
    )
