"""Optional stages of an active case (SPEC §4): payment_plan, legal, or none. Flush only."""

from __future__ import annotations

from sqlalchemy import update

from core.auth.models import User
from core.db import utcnow
from core.errors import Conflict
from core.extensions import db
from marketplace.models import Case, CaseStage
from marketplace.services.events import record
from marketplace.states import CaseStatus


def set_stage(case: Case, stage: CaseStage | None, *, actor: User) -> Case:
    """Put an active case in `stage` (None: back to ordinary collection); 409 if not active.

    A conditional UPDATE, so a case closed meanwhile is a 409 too. The same stage again
    changes nothing and records nothing.
    """
    if case.status is not CaseStatus.ACTIVE:
        raise Conflict(
            f"The case is {case.status.value}: only an active case has a stage.",
            code="case_not_active",
            details={"status": case.status.value},
        )
    if case.stage == stage:
        return case
    before = case.stage
    moved = db.session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == CaseStatus.ACTIVE)
        .values(stage=stage, version=Case.version + 1, updated_at=utcnow()),
        execution_options={"synchronize_session": "evaluate"},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(case)
        raise Conflict("The case is no longer active.", code="case_not_active")
    record(
        case,
        "stage_changed",
        actor=actor,
        from_status=None,
        details={
            "from_stage": before.value if before else None,
            "to_stage": stage.value if stage else None,
        },
    )
    return case


def plan_agreed(case: Case, *, actor: User) -> None:
    """An agreed payment plan puts an active case in the payment_plan stage."""
    if case.status is CaseStatus.ACTIVE:
        set_stage(case, CaseStage.PAYMENT_PLAN, actor=actor)
