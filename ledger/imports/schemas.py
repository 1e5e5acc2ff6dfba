"""Import API schemas: the upload (multipart file + form fields) and the import's report."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from ledger.imports.parsing import PRESETS

COUNT_KEYS = ("created", "updated", "unchanged", "rejected")


class ImportFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "CSV, UBL/CII XML, Factur-X PDF, zip"})


class ImportFormSchema(ma.Schema):
    dry_run = fields.Bool(load_default=False)
    preset = fields.Str(
        load_default=None, allow_none=True, validate=validate.OneOf(sorted(PRESETS))
    )

    @ma.pre_load
    def _blank_preset(self, data: Any, **_kw: Any) -> Any:
        """An HTML select's empty option means no preset."""
        if hasattr(data, "get") and data.get("preset") == "":
            data = {k: v for k, v in data.items() if k != "preset"}
        return data


class ImportRowErrorSchema(ma.Schema):
    file = fields.Str()
    row = fields.Int(allow_none=True, metadata={"description": "CSV line (header = 1) or XML line"})
    field = fields.Str(allow_none=True)
    code = fields.Str()
    message = fields.Str()


class ImportCountsSchema(ma.Schema):
    created = fields.Int()
    updated = fields.Int()
    unchanged = fields.Int()
    rejected = fields.Int()


class ImportSchema(ma.Schema):
    id = fields.Int()
    status = fields.Function(lambda b: b.status.value)
    progress = fields.Float()
    counts = fields.Function(lambda b: {k: (b.counts or {}).get(k, 0) for k in COUNT_KEYS})
    errors = fields.Function(
        lambda b: [e for e in b.errors or [] if e.get("severity") != "warning"],
        metadata={"description": "every problem of a refused file"},
    )
    warnings = fields.Function(
        lambda b: [e for e in b.errors or [] if e.get("severity") == "warning"],
        metadata={"description": "seller mismatch, skipped rows: reported, not refused"},
    )
    filename = fields.Str()
    dry_run = fields.Bool()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
