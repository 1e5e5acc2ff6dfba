"""Attachment API schemas: the multipart upload and what the API tells about a stored file."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields


class AttachmentUploadSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "PDF, image, text/CSV, DOCX, XLSX"})


class AttachmentSchema(ma.Schema):
    id = fields.Int()
    filename = fields.Str(metadata={"description": "sanitised display/download name"})
    size = fields.Int(metadata={"description": "bytes"})
    content_type = fields.Str(metadata={"description": "sniffed from the content"})
    sha256 = fields.Str()
