"""JSON API of API.md "Disputes and threads": the dispute rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy.orm.exc import StaleDataError

from core import transactions
from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.extensions import db
from core.pagination import PageArgs, page_of, paginate
from disputes import permissions, queries, services
from disputes.loaders import load_dispute, load_invoice_field, require
from disputes.models import Dispute
from disputes.schemas import (
    DisputeCreateSchema,
    DisputeFilterSchema,
    DisputeResolveSchema,
    DisputeSchema,
    DisputeTransitionSchema,
    DisputeUpdateSchema,
)
from disputes.states import DisputeStatus, Outcome
from ledger.clock import today

blp = Blueprint("disputes_api", __name__, url_prefix="/api/v1", description="Disputes")

readers = require_kind(OrgKind.CREDITOR, *permissions.READERS)
writers = require_kind(OrgKind.CREDITOR, *permissions.WRITERS)

T = TypeVar("T")


def commit_once(work: Callable[[], T]) -> T:
    """Run the service and commit; a concurrent change to the same rows is a 409."""
    return transactions.commit_once(work, changed="this dispute or invoice")


class PageAndFilter(DisputeFilterSchema, PageArgs):
    """Dispute filters plus page arguments in one query string."""


@blp.route("/disputes")
class Disputes(MethodView):
    @blp.arguments(PageAndFilter, location="query")
    @blp.response(200, page_of(DisputeSchema))
    @readers
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Disputes the caller may see, newest first; filter by status, reason, owner, invoice."""
        page, page_size = args.pop("page"), args.pop("page_size")
        query = queries.filtered_disputes(current_user, args, today())
        return paginate(
            query.order_by(Dispute.created_at.desc(), Dispute.id.desc()), page, page_size
        )

    @blp.arguments(DisputeCreateSchema)
    @blp.response(201, DisputeSchema)
    @writers
    def post(self, args: dict[str, Any]) -> Dispute:
        """Open a dispute on (part of) an invoice's outstanding; the amount is held from dunning."""
        invoice = load_invoice_field(args.pop("invoice_id"))
        return commit_once(lambda: services.open_dispute(invoice, actor=current_user, **args))


@blp.route("/disputes/<int:dispute_id>")
class DisputeResource(MethodView):
    @blp.response(200, DisputeSchema)
    @readers
    def get(self, dispute_id: int) -> Dispute:
        """One dispute."""
        return load_dispute(dispute_id)

    @blp.arguments(DisputeUpdateSchema)
    @blp.response(200, DisputeSchema)
    @blp.alt_response(409, description="Stale `version`; `details.current` has current values")
    @writers
    def patch(self, args: dict[str, Any], dispute_id: int) -> Dispute:
        """Change the owner, SLA due date or description; send the `version` you read."""
        dispute = load_dispute(dispute_id)
        require(permissions.can_edit(current_user, dispute), dispute)
        version = args.pop("version", None)
        try:
            services.update_dispute(dispute, actor=current_user, expected_version=version, **args)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            raise services.stale_dispute(load_dispute(dispute_id)) from None
        return dispute


@blp.route("/disputes/<int:dispute_id>/transition")
class DisputeTransition(MethodView):
    @blp.arguments(DisputeTransitionSchema)
    @blp.response(200, DisputeSchema)
    @blp.alt_response(409, description="Illegal move; `details.allowed` lists the legal ones")
    @writers
    def post(self, args: dict[str, Any], dispute_id: int) -> Dispute:
        """Move the dispute along its lifecycle (resolving takes /resolve)."""
        dispute = load_dispute(dispute_id)
        require(permissions.can_act(current_user, dispute), dispute)
        target = DisputeStatus(args["to"])
        return commit_once(
            lambda: services.transition_dispute(dispute, actor=current_user, to=target)
        )


@blp.route("/disputes/<int:dispute_id>/resolve")
class DisputeResolve(MethodView):
    @blp.arguments(DisputeResolveSchema)
    @blp.response(200, DisputeSchema)
    @blp.alt_response(409, description="Not resolvable now; `details.allowed` lists the moves")
    @writers
    def post(self, args: dict[str, Any], dispute_id: int) -> Dispute:
        """Resolve with an outcome (credit_note books the credit note); the hold is freed."""
        dispute = load_dispute(dispute_id)
        require(permissions.can_act(current_user, dispute), dispute)
        outcome = Outcome(args.pop("outcome"))
        return commit_once(
            lambda: services.resolve_dispute(dispute, actor=current_user, outcome=outcome, **args)
        )
