"""Dispute lists: all disputes with filters, and "my disputes"."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy import Select, case, select
from werkzeug.datastructures import MultiDict

from core.auth.models import User
from core.extensions import db
from core.pagination import paginate
from disputes import permissions, queries
from disputes.models import Dispute
from disputes.reasons import REASONS, TEAMS
from disputes.schemas import STATUSES, DisputeFilterSchema
from disputes.services import OWNER_ROLES
from disputes.states import DisputeStatus
from disputes.views import bp, readers
from ledger.clock import today
from ledger.permissions import can_see_debtor

#: the HTML list shows at most this many rows per page, whatever is asked
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
_ID = validate.Range(min=1, max=2**31 - 1)


class ListFilterSchema(DisputeFilterSchema):
    """The API's dispute filters plus the page's own: SLA breached and debtor."""

    owner_id = fields.Int(validate=_ID)
    invoice_id = fields.Int(validate=_ID)
    debtor_id = fields.Int(validate=_ID)
    sla_breached = fields.Bool()


class BadListArguments(Exception):
    """A filter or page argument outside its allowlist; the page answers 400 with the message."""


def list_filters(args: MultiDict[str, str]) -> dict[str, Any]:
    """The filters given in a query string (empty values ignored); unknown values raise."""
    schema = ListFilterSchema()
    given = {k: v.strip() for k, v in args.items() if k in schema.fields}
    try:
        return schema.load({k: v for k, v in given.items() if v})
    except ma.ValidationError as exc:
        names = ", ".join(sorted(exc.messages))  # type: ignore[arg-type]
        raise BadListArguments(f"Invalid filter: {names}.") from None


def page_args(args: MultiDict[str, str]) -> tuple[int, int]:
    """`?page=&page_size=`: non-numbers read as the defaults; size capped at MAX_PAGE_SIZE."""
    page = args.get("page", default=1, type=int)
    size = args.get("page_size", default=DEFAULT_PAGE_SIZE, type=int)
    if not 1 <= page <= 10**9 or size < 1:
        raise BadListArguments("Invalid page.")
    return page, min(size, MAX_PAGE_SIZE)


def dispute_query(user: User, filters: dict[str, Any], now: date) -> Select[Any]:
    """Disputes of `user`'s organisation that `user` may see, filtered, most urgent first."""
    query = queries.filtered_disputes(user, filters, now)
    # unresolved first, by SLA due date (none last); then the newest
    return query.order_by(
        case((Dispute.status == DisputeStatus.RESOLVED, 1), else_=0),
        case((Dispute.due_date.is_(None), 1), else_=0),
        Dispute.due_date,
        Dispute.id.desc(),
    )


def _members(org_id: int) -> list[tuple[int, str, bool]]:
    """(id, name, may own a dispute now) for every member of the organisation, by name."""
    rows = db.session.execute(
        select(User.id, User.name, User.role, User.active)
        .where(User.org_id == org_id)
        .order_by(User.name, User.id)
    )
    return [(uid, name, active and role in OWNER_ROLES) for uid, name, role, active in rows]


def _render_list(*, mine: bool) -> ResponseReturnValue:
    endpoint = "disputes.mine" if mine else "disputes.index"
    now = today()
    error, status = None, 200
    try:
        filters = list_filters(request.args)
        page, size = page_args(request.args)
    except BadListArguments as exc:
        error, status = str(exc), 400
        filters, page, size = {}, 1, DEFAULT_PAGE_SIZE
    if mine:
        filters.pop("owner_id", None)
    result: dict[str, Any] = {"items": [], "page": page, "page_size": size, "total": 0}
    if error is None:
        query = dispute_query(current_user, filters, now)
        if mine:
            query = query.where(Dispute.owner_id == current_user.id)
        result = paginate(query, page, size)
    members = _members(current_user.org_id)
    return render_template(
        "disputes/list.html",
        endpoint=endpoint,
        mine=mine,
        error=error,
        page=result,
        filters=filters,
        page_size=size,
        pages=max(1, -(-result["total"] // size)),
        names={uid: name for uid, name, _ in members},
        owner_choices=[(uid, name) for uid, name, can_own in members if can_own],
        statuses=STATUSES,
        teams=TEAMS,
        reasons=REASONS,
        today=now,
        sees_debtor=lambda debtor: can_see_debtor(current_user, debtor),
        show_analytics=current_user.role in permissions.MANAGERS,
    ), status


@bp.get("/disputes")
@readers
def index() -> ResponseReturnValue:
    """Disputes the caller may see: filters by reason, team, owner, status, SLA; pages."""
    return _render_list(mine=False)


@bp.get("/disputes/mine")
@readers
def mine() -> ResponseReturnValue:
    """The disputes the caller owns, with the same filters."""
    return _render_list(mine=True)
