"""JSON API for the end of a case (API.md): close, review, and the bid comparison."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Flask
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from agencies.models import Review
from agencies.schemas import ReviewSchema
from core.auth.models import OrgKind, Role
from core.auth.permissions import require_kind, require_login
from core.errors import DomainError
from core.extensions import db
from core.money import MoneyField
from core.tenancy import deny
from marketplace import closing, expected, loaders, permissions, reviews
from marketplace.api import case_response, commit_once
from marketplace.schemas import BidSchema, CaseSchema
from marketplace.states import CaseOutcome

blp = Blueprint(
    "marketplace_closing_api", __name__, url_prefix="/api/v1", description="Closing cases"
)

managers = require_kind(OrgKind.CREDITOR, *permissions.MANAGERS)
comparers = require_kind(OrgKind.CREDITOR, Role.OWNER, Role.CREDIT, Role.VIEWER)


class OutcomeNotYours(DomainError):
    """The creditor closes with any outcome but `returned_by_agency`, the agency only with it."""

    status = 403
    code = "outcome_not_allowed"


class CloseSchema(ma.Schema):
    outcome = fields.Str(required=True, validate=validate.OneOf([o.value for o in CaseOutcome]))


class ReviewCreateSchema(ma.Schema):
    rating = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.Str(allow_none=True)


class BidComparisonSchema(BidSchema):
    expected_recovery_rate = fields.Str(
        metadata={"description": "percent of the claim the agency is expected to recover"}
    )
    rate_basis = fields.Str(
        attribute="basis",
        metadata={"description": "agency_similar, platform_similar, platform or default"},
    )
    expected_costs = MoneyField(allow_negative=True)
    expected_net_recovery = MoneyField(allow_negative=True)


@blp.route("/cases/<int:case_id>/close")
class CaseClose(MethodView):
    @blp.arguments(CloseSchema)
    @blp.response(200, CaseSchema)
    @blp.alt_response(403, description="Role or outcome not allowed to the caller")
    @blp.alt_response(409, description="Illegal move; `details.allowed` lists the legal ones")
    @require_login
    def post(self, args: dict[str, Any], case_id: int) -> Any:
        """Close with an outcome: the creditor, or the agency handing the case back."""
        case = loaders.load_case(case_id)
        if not closing.may_close(current_user, case):
            deny("cases", case_id, status=403)
        outcome = CaseOutcome(args["outcome"])
        if outcome not in closing.outcomes_for(current_user):
            allowed = sorted(o.value for o in closing.outcomes_for(current_user))
            raise OutcomeNotYours(
                "Your side cannot close a case with this outcome.", details={"allowed": allowed}
            )
        closed = commit_once(lambda: closing.close_case(case, actor=current_user, outcome=outcome))
        return case_response(closed)


@blp.route("/cases/<int:case_id>/review")
class CaseReview(MethodView):
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewSchema)
    @blp.alt_response(409, description="Not closed yet, or reviewed already")
    @managers
    def post(self, args: dict[str, Any], case_id: int) -> Review:
        """Rate the agency that worked the closed case (1-5, once per case)."""
        case = loaders.load_own_case(case_id)
        review = reviews.review_case(case, actor=current_user, **args)
        db.session.commit()
        return review


@blp.route("/cases/<int:case_id>/bids/comparison")
class BidComparison(MethodView):
    @blp.response(200, BidComparisonSchema(many=True))
    @comparers
    def get(self, case_id: int) -> list[expected.Expectation]:
        """The case's live and accepted bids with their expected net recovery, best first."""
        case = loaders.load_case(case_id)
        return expected.compare_bids(case)


def init_app(app: Flask) -> None:
    """Register this API and the marketplace's agency statistics provider."""
    from core import hooks
    from core.extensions import register_api
    from marketplace.statistics import agency_case_figures

    register_api(app, blp)
    hooks.register("agency_statistics", agency_case_figures)
