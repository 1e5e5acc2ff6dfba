"""Good and deteriorating payer lists from batch payer scores (two statements)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from ledger.models import Debtor
from ledger.reports.common import visible_invoices
from ledger.scores import Score, scores_for_org

KINDS = ("good", "deteriorating")
GOOD_GRADES = frozenset({"A", "B"})


def _wanted(kind: str, score: Score, min_paid: int) -> bool:
    if kind == "good":
        return score.grade in GOOD_GRADES and score.paid_invoices >= min_paid
    return score.trend == "deteriorating"


def payer_list(
    org_id: int, user: User | None, as_of: date, kind: str, *, min_paid: int = 3, limit: int = 50
) -> dict[str, Any]:
    """Debtors whose score makes them good or deteriorating payers, best or worst first."""
    scores = scores_for_org(org_id, as_of, where=visible_invoices(user, org_id))
    chosen = [(debtor_id, s) for debtor_id, s in scores.items() if _wanted(kind, s, min_paid)]
    # good: fewest days late first; deteriorating: most days late first
    chosen.sort(
        key=lambda item: (
            (item[1].avg_days_beyond_terms or 0) * (1 if kind == "good" else -1),
            item[0],
        )
    )
    total = len(chosen)
    chosen = chosen[:limit]
    names = dict(
        db.session.execute(
            select(Debtor.id, Debtor.name).where(
                Debtor.org_id == org_id, Debtor.id.in_([debtor_id for debtor_id, _s in chosen])
            )
        ).all()
    )
    return {
        "kind": kind,
        "as_of": as_of,
        "total": total,
        "items": [
            {"debtor": {"id": debtor_id, "name": names.get(debtor_id)}, "score": score}
            for debtor_id, score in chosen
        ],
    }
