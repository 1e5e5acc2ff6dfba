"""JSON API of the rest of the case workspace: promises to pay, payment plans, the
timeline and the access log (API.md "Marketplace and cases").

Same gate as api.py: the parties' loader first (404 for anyone else), then the role
(403), then the service and one commit.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from core.auth.models import User
from core.auth.permissions import require_login
from core.errors import Conflict
from core.extensions import db
from core.pagination import PageArgs, page_of
from marketplace.models import Case
from marketplace.permissions import can_manage
from marketplace.workspace import access_log, plans, promises, timeline
from marketplace.workspace.api import commit_once, read
from marketplace.workspace.loaders import load_case_for
from marketplace.workspace.models import CasePromise, PaymentPlan
from marketplace.workspace.permissions import works_on
from marketplace.workspace.schemas import (
    AccessLogItemSchema,
    PaymentPlanCreateSchema,
    PaymentPlanSchema,
    PaymentPlansSchema,
    PromiseCreateSchema,
    PromiseSchema,
    TimelineItemSchema,
)

blp = Blueprint(
    "case_workspace_more_api",
    __name__,
    url_prefix="/api/v1",
    description="Case workspace: promises, payment plans, timeline, access log",
)


def can_agree(user: User, case: Case) -> bool:
    """Promises and plans: the awarded agency, or the creditor's owner/credit."""
    return works_on(user, case) or can_manage(user, case)


def can_read_access_log(user: User, case: Case) -> bool:
    """The creditor's owner and credit users; never the agency whose looks it lists."""
    return can_manage(user, case)


@blp.route("/cases/<int:case_id>/promises")
class CasePromises(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(PromiseSchema))
    @require_login
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """The debtor's promises to pay, latest due date first, with their state."""
        case = read(case_id, "promises")
        return promises.page(case, args["page"], args["page_size"])

    @blp.arguments(PromiseCreateSchema)
    @blp.response(201, PromiseSchema)
    @blp.alt_response(409, description="The case is not awarded or active")
    @blp.alt_response(422, description="Other currency, more than owed, due date past")
    @require_login
    def post(self, args: dict[str, Any], case_id: int) -> CasePromise:
        """Record a promise to pay (the agency, or the creditor's owner/credit)."""
        case = load_case_for(can_agree, case_id)
        promise = commit_once(lambda: promises.make_promise(case, actor=current_user, **args))
        return promises.one(case, promise.id)


@blp.route("/cases/<int:case_id>/payment-plan")
class CasePaymentPlan(MethodView):
    @blp.response(200, PaymentPlansSchema)
    @require_login
    def get(self, case_id: int) -> dict[str, Any]:
        """The current plan with each instalment's status, and the plans it replaced."""
        return plans.plans_of(read(case_id, "payment_plan"))

    @blp.arguments(PaymentPlanCreateSchema)
    @blp.response(201, PaymentPlanSchema)
    @blp.alt_response(409, description="The case is not running, or a plan was agreed meanwhile")
    @blp.alt_response(422, description="Dates not increasing or past, total over what is owed")
    @require_login
    def post(self, args: dict[str, Any], case_id: int) -> PaymentPlan:
        """Agree a payment plan; it replaces the current one (kept as history)."""
        case = load_case_for(can_agree, case_id)
        try:
            plan = commit_once(lambda: plans.agree_plan(case, actor=current_user, **args))
        except IntegrityError:
            db.session.rollback()
            raise Conflict(
                "Another payment plan was agreed meanwhile; reload and try again.",
                code="stale",
            ) from None
        return plans.plans_of(case)["current"] or plan


@blp.route("/cases/<int:case_id>/timeline")
class CaseTimeline(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(TimelineItemSchema))
    @require_login
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """Every event of the case, newest first: moves, activities, recoveries, costs and
        their decisions, promises, plans and the comments you may see."""
        case = read(case_id, "timeline")
        return timeline.timeline(case, current_user, args["page"], args["page_size"])


@blp.route("/cases/<int:case_id>/access-log")
class CaseAccessLog(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(AccessLogItemSchema))
    @require_login
    def get(self, args: dict[str, Any], case_id: int) -> dict[str, Any]:
        """Who opened the case file and when, newest first (the creditor's owner/credit)."""
        case = load_case_for(can_read_access_log, case_id)
        return access_log.access_log(case, args["page"], args["page_size"])
