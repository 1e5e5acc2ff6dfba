"""Helpers every workspace service shares: the running-case check, starting work, text."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import update

from core.auth.models import User
from core.db import utcnow
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from marketplace import states
from marketplace.models import Case
from marketplace.services.events import record
from marketplace.states import AWARDED_STATES, CaseStatus

#: C0/C1 controls (tab and newlines kept) and bidi overrides/isolates (QUALITY T40)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str | None, *, field: str, limit: int, required: bool = True) -> str | None:
    """NFC plain text without control or bidi-override characters; 422 if empty/too long.

    Stored as typed: escaping is the job of whatever renders it (JSON stays raw text).
    """
    text = _UNSAFE.sub("", unicodedata.normalize("NFC", value or "")).strip()
    if not text:
        if required:
            raise ValidationFailed(f"The {field} is empty.", details={field: ["Required."]})
        return None
    if len(text) > limit:
        raise ValidationFailed(
            f"The {field} is too long.", details={field: [f"At most {limit} characters."]}
        )
    return text


def require_running(case: Case, status: CaseStatus | None = None) -> None:
    """409 unless the case is awarded or active (the only time it is worked)."""
    current = status or case.status
    if current not in AWARDED_STATES:
        raise Conflict(
            f"The case is {current.value}: only an awarded or active case is worked.",
            code="case_not_running",
            details={"status": current.value},
        )


def start_work(case: Case, *, actor: User) -> bool:
    """Move an awarded case to active (its first activity or recovery); True if it moved.

    A conditional UPDATE, so two first activities at once move it once.
    """
    if case.status is not CaseStatus.AWARDED:
        return False
    states.check_transition(CaseStatus.AWARDED, CaseStatus.ACTIVE)
    moved = db.session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == CaseStatus.AWARDED)
        .values(status=CaseStatus.ACTIVE, version=Case.version + 1, updated_at=utcnow()),
        execution_options={"synchronize_session": "evaluate"},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    record(case, "activated", actor=actor, from_status=CaseStatus.AWARDED)
    return True
