"""flask-smorest Api with Duebridge's error shape and a Swagger UI served from a package."""

from __future__ import annotations

from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask, Response

from core import errors
from core.money import MoneyField, money_schema_component


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "snake_case error code"})
    message = ma.fields.String(metadata={"description": "human sentence"})
    details = ma.fields.Dict(metadata={"description": "field → messages, allowed moves, ..."})


class ErrorSchema(ma.Schema):
    """What every error response looks like (documentation only)."""

    error = ma.fields.Nested(ErrorBodySchema)


def money_to_openapi(_converter: Any, field: ma.fields.Field, **_kw: Any) -> dict[str, Any]:
    """Describe MoneyField as the `{"amount", "currency"}` object it reads and writes."""
    return money_schema_component() if isinstance(field, MoneyField) else {}


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def handle_http_exception(self, error: Any) -> Response:  # type: ignore[override]
        return errors.handle_http_exception(error)

    def init_app(self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        spec_kwargs = spec_kwargs or {}
        spec_kwargs.setdefault(
            "info",
            {"description": "Receivables ledger, disputes and collections marketplace."},
        )
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.ma_plugin.converter.add_attribute_function(money_to_openapi)
        self.spec.components.security_scheme(
            "bearer", {"type": "http", "scheme": "bearer", "description": "API token"}
        )
        self.spec.components.security_scheme(
            "session", {"type": "apiKey", "in": "cookie", "name": "duebridge_session"}
        )
        self.spec.options["security"] = [{"bearer": []}, {"session": []}]
