"""Page arguments and the `{items, page, page_size, total}` envelope of API.md."""

from __future__ import annotations

from functools import cache
from typing import Any

import marshmallow as ma
from sqlalchemy import Select, func, select

from core.extensions import db

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class PageArgs(ma.Schema):
    """`?page=1&page_size=50`; page_size above 200 is capped, not refused."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10**9))
    page_size = ma.fields.Integer(load_default=DEFAULT_PAGE_SIZE, validate=ma.validate.Range(min=1))

    @ma.post_load
    def _cap(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        data["page_size"] = min(data["page_size"], MAX_PAGE_SIZE)
        return data


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope schema for a list of `item_schema` (one class per item schema)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "page": ma.fields.Integer(),
            "page_size": ma.fields.Integer(),
            "total": ma.fields.Integer(),
        },
    )


def paginate(query: Select[Any], page: int, page_size: int) -> dict[str, Any]:
    """Run `query` for one page plus its total count: two statements, whatever the size."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(page_size).offset((page - 1) * page_size)).all()
    return {"items": items, "page": page, "page_size": page_size, "total": total or 0}
