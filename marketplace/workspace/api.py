"""JSON API of the case workspace (API.md "Marketplace and cases"): comments, activities,
recoveries, costs and their approval, the money summary, and the workspace settings.

Every route loads the case through the parties' gate first (404 for anyone who is not a
party), then checks the role (403), then calls the service and commits once.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, after_this_request, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.auth.models import OrgKind, Role
from core.auth.permissions import require_kind, require_login
from core.errors import ValidationFailed
from core.extensions import db
from core.pagination import PageArgs, page_of, paginate
from core.tenancy import current_org, deny
from disputes.threads.models import Comment
from disputes.threads.schemas import CommentCreateSchema, CommentSchema
from marketplace.api import commit_once
from marketplace.loaders import load_case
from marketplace.models import Case
from marketplace.permissions import MANAGERS
from marketplace.workspace import activities, comments, costs, permissions, recoveries, settings
from marketplace.workspace.loaders import load_case_for, load_cost, log_agency_view
from marketplace.workspace.models import CaseActivity, CaseCost, Recovery
from marketplace.workspace.schemas import (
    ActivityCreateSchema,
    ActivitySchema,
    CostCreateSchema,
    CostSchema,
    RecoveryCreateSchema,
    RecoverySchema,
    WorkspaceSettingsSchema,
    WorkspaceSummarySchema,
)
from marketplace.workspace.summary import CaseMoney, summarize

blp = Blueprint("case_workspace_api", __name__, url_prefix="/api/v1", description="Case workspace")


def read(case_id: int, section: str) -> Case:
    """A case the caller is a party to; an agency's look is logged for the creditor.

    The log row commits once the response is built: committing before serialising would
    expire the rows just read and reload each of them.
    """
    case = load_case(case_id)
    if log_agency_view(case, section):
        after_this_request(_commit_access_log)
    return case


def _commit_access_log(response: Response) -> Response:
    if response.status_code < 400:
        db.session.commit()
    return response


def page(query: Any, args: dict[str, Any]) -> dict[str, Any]:
    return paginate(query, args["page"], args["page_size"])


# -- comments ----------------------------------------------------------------------------------


@blp.route("/cases/<int:case_id>/comments")
class CaseComments(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(CommentSchema))
    @require_login
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """The case's thread, oldest first: shared comments and your organisation's internal."""
        case = read(case_id, "comments")
        return page(comments.visible_comments_query(case, current_user), args)

    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    @blp.alt_response(422, description="Empty/too long body, or an attachment id not yours")
    @require_login
    def post(self, args: dict[str, Any], case_id: int) -> Comment:
        """Comment on the case: `shared` (both organisations) or `internal` (yours only)."""
        case = load_case_for(permissions.can_comment, case_id)
        return commit_once(lambda: comments.add_case_comment(case, actor=current_user, **args))


# -- activities --------------------------------------------------------------------------------


@blp.route("/cases/<int:case_id>/activities")
class CaseActivities(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ActivitySchema))
    @require_login
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """The agency's work log, most recent first."""
        case = read(case_id, "activities")
        query = (
            select(CaseActivity)
            .where(CaseActivity.case_id == case.id)
            .order_by(CaseActivity.occurred_on.desc(), CaseActivity.id.desc())
        )
        return page(query, args)

    @blp.arguments(ActivityCreateSchema)
    @blp.response(201, ActivitySchema)
    @blp.alt_response(409, description="The case is not awarded or active")
    @require_kind(OrgKind.AGENCY)
    def post(self, args: dict[str, Any], case_id: int) -> CaseActivity:
        """Log a call, letter, formal notice, visit or court filing (the awarded agency)."""
        case = load_case_for(permissions.can_log_activity, case_id)
        return commit_once(lambda: activities.log_activity(case, actor=current_user, **args))


# -- recoveries --------------------------------------------------------------------------------


@blp.route("/cases/<int:case_id>/recoveries")
class CaseRecoveries(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(RecoverySchema))
    @require_login
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """Money collected on the case, most recent first, with its allocation."""
        case = read(case_id, "recoveries")
        query = (
            select(Recovery)
            .where(Recovery.case_id == case.id)
            .order_by(Recovery.received_on.desc(), Recovery.id.desc())
        )
        return page(query, args)

    @blp.arguments(RecoveryCreateSchema)
    @blp.response(201, RecoverySchema)
    @blp.alt_response(409, description="The case is not running, or the key was reused")
    @blp.alt_response(422, description="Over the outstanding, other currency, future date")
    @require_login
    def post(self, args: dict[str, Any], case_id: int) -> Any:
        """Record a recovery (the agency; the creditor for a direct payment), allocated
        oldest invoice first. The same idempotency key again returns the first recovery."""
        case = load_case_for(permissions.can_record_recovery, case_id)
        args["idempotency_key"] = _idempotency_key(args.get("idempotency_key"))
        try:
            recovery, created = commit_once(
                lambda: recoveries.record_recovery(case, actor=current_user, **args)
            )
        except IntegrityError:
            # the same key won a race we did not see (the case lock makes this rare)
            db.session.rollback()
            first = recoveries.find_by_key(case, args["idempotency_key"] or "")
            if first is None:
                raise
            recoveries.check_replay(first, args["amount"], args["received_on"])
            recovery, created = first, False
        if not created:
            return recovery, {"Idempotent-Replayed": "true"}
        return recovery


#: what RecoveryCreateSchema accepts in the body, for the header
IDEMPOTENCY_HEADER = re.compile(r"[\x21-\x7e]{1,100}")


def _idempotency_key(in_body: str | None) -> str | None:
    """The body's key or the Idempotency-Key header's; two different keys are a 422."""
    header = request.headers.get("Idempotency-Key")
    if header is not None:
        header = header.strip()
        if not IDEMPOTENCY_HEADER.fullmatch(header):
            raise ValidationFailed(
                "Bad Idempotency-Key header.",
                details={"idempotency_key": ["1-100 printable characters."]},
            )
    if in_body and header and in_body != header:
        raise ValidationFailed(
            "Two different idempotency keys.",
            details={"idempotency_key": ["The body and the header disagree."]},
        )
    return in_body or header or None


# -- costs -------------------------------------------------------------------------------------


@blp.route("/cases/<int:case_id>/costs")
class CaseCosts(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(CostSchema))
    @require_login
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """Fees, success fees and expenses on the case, most recent first."""
        case = read(case_id, "costs")
        query = (
            select(CaseCost)
            .where(CaseCost.case_id == case.id)
            .order_by(CaseCost.created_at.desc(), CaseCost.id.desc())
        )
        return page(query, args)

    @blp.arguments(CostCreateSchema)
    @blp.response(201, CostSchema)
    @blp.alt_response(409, description="The case is not awarded or active")
    @require_login
    def post(self, args: dict[str, Any], case_id: int) -> CaseCost:
        """Post an expense or a fee; an agency's expense above the creditor's threshold (and
        any fee it bills) waits for the creditor's approval."""
        case = load_case_for(permissions.can_add_cost, case_id)
        return commit_once(lambda: costs.add_cost(case, actor=current_user, **args))


def _decide(cost_id: int, *, approve: bool) -> CaseCost:
    cost = load_cost(cost_id)
    case = db.session.get(Case, cost.case_id)
    if case is None or not permissions.can_decide_cost(current_user, case):
        deny("case_costs", cost_id, status=403)
    return commit_once(lambda: costs.decide_cost(cost, actor=current_user, approve=approve))


@blp.route("/costs/<int:cost_id>/approve")
class CostApprove(MethodView):
    @blp.response(200, CostSchema)
    @blp.alt_response(409, description="Not pending (decided already)")
    @require_login
    def post(self, cost_id: int) -> CaseCost:
        """Approve a pending cost (the creditor's owner and credit users)."""
        return _decide(cost_id, approve=True)


@blp.route("/costs/<int:cost_id>/reject")
class CostReject(MethodView):
    @blp.response(200, CostSchema)
    @blp.alt_response(409, description="Not pending (decided already)")
    @require_login
    def post(self, cost_id: int) -> CaseCost:
        """Reject a pending cost (the creditor's owner and credit users)."""
        return _decide(cost_id, approve=False)


# -- summary and settings ----------------------------------------------------------------------


@blp.route("/cases/<int:case_id>/summary")
class CaseMoneySummary(MethodView):
    @blp.response(200, WorkspaceSummarySchema)
    @require_login
    def get(self, case_id: int) -> CaseMoney:
        """Claimed, recovered, costs and net recovery (= recovered - costs)."""
        return summarize(read(case_id, "summary"))


@blp.route("/marketplace/settings")
class WorkspaceSettings(MethodView):
    @blp.response(200, WorkspaceSettingsSchema)
    @require_kind(OrgKind.CREDITOR, *MANAGERS)
    def get(self) -> dict[str, Any]:
        """The order in which recoveries repay legal costs, interest, compensation, principal."""
        return {"allocation_order": list(settings.allocation_order(current_org.id))}

    @blp.arguments(WorkspaceSettingsSchema)
    @blp.response(200, WorkspaceSettingsSchema)
    @require_kind(OrgKind.CREDITOR, Role.OWNER)
    def put(self, args: dict[str, Any]) -> dict[str, Any]:
        """Set the allocation order (every bucket once)."""
        settings.set_allocation_order(current_org, args["allocation_order"], actor=current_user)
        db.session.commit()
        return {"allocation_order": list(settings.allocation_order(current_org.id))}
