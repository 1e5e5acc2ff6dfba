"""The optional dispute_* columns of a CSV row, checked against SPEC §3."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from core.money import Money

from .records import DisputeHistory
from .values import ValueProblem, parse_date, parse_money

#: team -> codes, in SPEC §3's order; a reason is written "<team>.<code>".
#: The one copy: `disputes.reasons` (a higher layer) reads it from here.
DISPUTE_REASONS: dict[str, tuple[str, ...]] = {
    "invoicing": (
        "price",
        "discount_missing",
        "quantity_billed",
        "tax",
        "duplicate",
        "po_missing",
        "wrong_entity",
        "credit_note_pending",
        "terms_mismatch",
    ),
    "delivery": ("not_received", "partial", "late", "damaged", "wrong_item", "pod_missing"),
    "quality": ("defect", "service_not_performed", "unsatisfactory_work"),
    "contract": ("never_agreed", "clause", "cancelled_order", "penalty_claim"),
    "payment": ("already_paid", "wrong_account", "set_off"),
}
DISPUTE_OUTCOMES = frozenset({"credit_note", "corrected_invoice", "rejected", "withdrawn"})


class DisputeColumns(NamedTuple):
    """Raw cells of dispute_reason, _opened_on, _resolved_on, _outcome, _amount."""

    reason: str | None
    opened_on: str | None
    resolved_on: str | None
    outcome: str | None
    amount: str | None


def _reason(raw: str | None) -> str:
    value = (raw or "").strip().lower()
    if not value:
        raise ValueProblem("missing_value", "dispute_reason is required when a dispute is given.")
    team, _, code = value.partition(".")
    if team not in DISPUTE_REASONS or code not in DISPUTE_REASONS[team]:
        teams = ", ".join(DISPUTE_REASONS)
        raise ValueProblem(
            "invalid_dispute_reason",
            f"{value!r} is not a dispute reason: write <team>.<code>, e.g. delivery.damaged "
            f"(teams: {teams}).",
        )
    return value


def _outcome(raw: str | None) -> str | None:
    value = (raw or "").strip().lower().replace(" ", "_")
    if not value:
        return None
    if value not in DISPUTE_OUTCOMES:
        allowed = ", ".join(sorted(DISPUTE_OUTCOMES))
        raise ValueProblem("invalid_dispute_outcome", f"{value!r} is not one of {allowed}.")
    return value


def parse_dispute(
    cols: DisputeColumns,
    *,
    issue_date: date | None,
    currency: str | None,
    amount: Money | None,
    outstanding: Money | None,
    date_formats: tuple[str, ...],
    money: tuple[str, str | None],
    err: Callable[[str, str, str], None],
) -> DisputeHistory | None:
    """A DisputeHistory, or None with every problem reported through `err(field, code, msg)`."""
    values: dict[str, object] = {}
    checks: tuple[tuple[str, Callable[[], object]], ...] = (
        ("dispute_reason", lambda: _reason(cols.reason)),
        ("dispute_opened_on", lambda: parse_date(cols.opened_on, date_formats)),
        (
            "dispute_resolved_on",
            lambda: (
                parse_date(cols.resolved_on, date_formats)
                if (cols.resolved_on or "").strip()
                else None
            ),
        ),
        ("dispute_outcome", lambda: _outcome(cols.outcome)),
    )
    failed = False
    for field, check in checks:
        try:
            values[field] = check()
        except ValueProblem as exc:
            err(field, exc.code, exc.message)
            failed = True
    disputed: Money | None = None
    if (cols.amount or "").strip() and currency:
        try:
            disputed = parse_money(
                cols.amount or "", currency, decimal_sep=money[0], thousands_sep=money[1]
            )
        except ValueProblem as exc:
            err("dispute_amount", exc.code, exc.message)
            failed = True
    if failed:
        return None
    opened = values["dispute_opened_on"]
    resolved = values["dispute_resolved_on"]
    outcome = values["dispute_outcome"]
    assert isinstance(opened, date)
    assert resolved is None or isinstance(resolved, date)
    if issue_date and opened < issue_date:
        err(
            "dispute_opened_on",
            "dispute_before_issue",
            f"The dispute opened on {opened}, before the invoice was issued ({issue_date}).",
        )
        failed = True
    if resolved and resolved < opened:
        err(
            "dispute_resolved_on",
            "resolved_before_opened",
            f"The dispute was resolved on {resolved}, before it was opened ({opened}).",
        )
        failed = True
    if resolved and outcome is None:
        err("dispute_outcome", "missing_value", "A resolved dispute needs dispute_outcome.")
        failed = True
    if outcome is not None and resolved is None:
        err(
            "dispute_resolved_on",
            "missing_value",
            "A dispute with an outcome needs dispute_resolved_on.",
        )
        failed = True
    # an open dispute cannot hold more than is owed; a past one not more than was invoiced
    ceiling = outstanding if resolved is None and outstanding is not None else amount
    if disputed and ceiling and disputed.minor > ceiling.minor:
        which = "outstanding" if ceiling is outstanding else "invoice"
        err(
            "dispute_amount",
            "dispute_above_amount",
            f"Disputed {disputed.amount} is more than the {which} amount {ceiling.amount}.",
        )
        failed = True
    if failed:
        return None
    return DisputeHistory(
        reason=str(values["dispute_reason"]),
        opened_on=opened,
        resolved_on=resolved,
        outcome=outcome if isinstance(outcome, str) else None,
        amount=disputed,
    )
