"""JSON API for the optional stage of an active case (SPEC §4): payment_plan, legal, none."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Flask
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from core.auth.models import User
from core.auth.permissions import require_login
from marketplace.api import case_response, commit_once
from marketplace.models import Case, CaseStage
from marketplace.permissions import can_manage
from marketplace.schemas import CreditorCaseSchema
from marketplace.services import stages
from marketplace.workspace.loaders import load_case_for
from marketplace.workspace.permissions import works_on

blp = Blueprint("marketplace_stage_api", __name__, url_prefix="/api/v1", description="Case stage")


class StageSchema(ma.Schema):
    stage = fields.Str(
        required=True,
        allow_none=True,
        validate=validate.OneOf([s.value for s in CaseStage]),
        metadata={"description": "payment_plan, legal, or null for ordinary collection"},
    )


def can_set_stage(user: User, case: Case) -> bool:
    """The awarded agency's owner/collector, or the creditor's owner/credit."""
    return works_on(user, case) or can_manage(user, case)


@blp.route("/cases/<int:case_id>/stage")
class CaseStageResource(MethodView):
    @blp.arguments(StageSchema)
    @blp.response(200, CreditorCaseSchema)
    @blp.alt_response(403, description="A party whose role may not set the stage")
    @blp.alt_response(409, description="The case is not active")
    @require_login
    def post(self, args: dict[str, Any], case_id: int) -> Any:
        """Put an active case in the payment_plan or legal stage, or back to none (null)."""
        case = load_case_for(can_set_stage, case_id)
        stage = CaseStage(args["stage"]) if args["stage"] else None
        changed = commit_once(lambda: stages.set_stage(case, stage, actor=current_user))
        return case_response(changed)


def init_app(app: Flask) -> None:
    """Register this API."""
    from core.extensions import register_api

    register_api(app, blp)
