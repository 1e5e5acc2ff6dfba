"""Comment API schemas: whitelisted input; output carries the source and the sanitised HTML."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from disputes.threads.models import VISIBILITIES, Comment
from disputes.threads.render import render
from disputes.threads.services import MAX_BODY


class CommentCreateSchema(ma.Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_BODY))
    visibility = fields.Str(required=True, validate=validate.OneOf(VISIBILITIES))
    attachment_ids = fields.List(
        fields.Int(strict=True), load_default=list, validate=validate.Length(max=20)
    )


class CommentUpdateSchema(ma.Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_BODY))
    version = fields.Int(required=True, strict=True, metadata={"description": "the version read"})


class PersonSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()


class CommentAttachmentSchema(ma.Schema):
    id = fields.Int()
    filename = fields.Str()
    size = fields.Int()
    content_type = fields.Str()


class CommentSchema(ma.Schema):
    id = fields.Int()
    author = fields.Nested(PersonSchema, allow_none=True)
    body = fields.Method("_body", metadata={"description": "Markdown source; empty if deleted"})
    body_html = fields.Method("_body_html", metadata={"description": "sanitised HTML"})
    visibility = fields.Str()
    mentions = fields.Method("_mentions", metadata={"description": "ids of mentioned users"})
    attachments = fields.Method("_attachments")
    version = fields.Int()
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)
    deleted = fields.Bool()
    deleted_at = fields.DateTime(allow_none=True)
    deleted_by = fields.Nested(PersonSchema, allow_none=True)

    def _body(self, comment: Comment) -> str:
        return "" if comment.deleted else comment.body

    def _body_html(self, comment: Comment) -> str:
        return "" if comment.deleted else render(comment.body)

    def _mentions(self, comment: Comment) -> list[int]:
        return [] if comment.deleted else list(comment.mentions or [])

    def _attachments(self, comment: Comment) -> list[dict[str, Any]]:
        if comment.deleted:
            return []
        return CommentAttachmentSchema(many=True).dump(comment.attachments)
