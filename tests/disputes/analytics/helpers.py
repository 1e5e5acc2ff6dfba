"""A hand-placed set of disputes for the analytics tests, with every figure worked out below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.extensions import db
from core.money import Money
from disputes import services
from disputes.states import DisputeStatus, Outcome
from tests import factories
from tests.factories import Tenants

#: the period every scenario test asks for (31 days)
FROM, TO = date(2025, 1, 1), date(2025, 1, 31)
PERIOD = f"from={FROM.isoformat()}&to={TO.isoformat()}"


def at(day: date | str, hour: int = 0) -> datetime:
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def dated_dispute(
    org: Any,
    debtor: Any,
    *,
    reason: str,
    amount: str,
    opened: datetime,
    resolved: datetime | None = None,
    outcome: str = "rejected",
    currency: str = "EUR",
    owner: Any = None,
    description: str = "Goods arrived broken.",
) -> Any:
    """A dispute opened at `opened` (and resolved at `resolved`), through the real services."""
    invoice = factories.make_invoice(
        org, debtor, currency=currency, amount="5000.00", issue_date=opened.date()
    )
    dispute = services.open_dispute(
        invoice,
        actor=None,
        reason=reason,
        amount=Money.parse(amount, currency),
        description=description,
        owner_id=owner.id if owner else None,
    )
    if resolved is not None:
        services.transition_dispute(dispute, actor=None, to=DisputeStatus.IN_REVIEW)
        credit = Money.parse(amount, currency) if outcome == "credit_note" else None
        services.resolve_dispute(
            dispute, actor=None, outcome=Outcome(outcome), credit_amount=credit
        )
        dispute.resolved_at = resolved
    dispute.created_at = opened
    db.session.commit()
    return dispute


@dataclass
class Scenario:
    t: Tenants
    alpha: Any
    beta: Any
    disputes: dict[str, Any]


def build_scenario(t: Tenants) -> Scenario:
    """A's disputes around January 2025 (FROM..TO), plus one of B's that must never count.

    key  debtor reason            amount   opened            resolved           held in period
    d1   alpha  delivery.damaged  100 EUR  01-05 10:00       01-07 10:00 (2.0d) 2 d →   200.00
    d2   beta   delivery.damaged   60 EUR  01-10 08:00       01-14 08:00 (4.0d) 4 d →   240.00
    d3   beta   delivery.late     200 EUR  01-20 (owner: sales)  open           12 d →  2400.00
    d4   alpha  invoicing.price   300 EUR  2024-12-25 12:00  01-10 12:00 (16d)  9 d →  2700.00
    d5   beta   invoicing.price    40 EUR  02-10 (after the period)  open       not counted
    d6   beta   invoicing.tax      70 EUR  2024-11-01        2024-12-01         not counted
    d7   alpha  delivery.damaged 1000 USD  01-30 00:00       01-31 12:00 (1.5d) 1 d →  1000.00
    d8   beta   quality.defect     10 EUR  01-15 00:00       01-15 12:00 (0.5d) 0 d →     0.00
    Alpha's sales rep is A's sales user, who also owns d3.
    """
    org = t.a.org
    alpha = factories.make_debtor(org, "Alpha GmbH", sales_rep_id=t.a.sales.id)
    beta = factories.make_debtor(org, "Beta SA")
    d = {
        "d1": dated_dispute(
            org,
            alpha,
            reason="delivery.damaged",
            amount="100.00",
            opened=at("2025-01-05", 10),
            resolved=at("2025-01-07", 10),
            outcome="rejected",
        ),
        "d2": dated_dispute(
            org,
            beta,
            reason="delivery.damaged",
            amount="60.00",
            opened=at("2025-01-10", 8),
            resolved=at("2025-01-14", 8),
            outcome="withdrawn",
        ),
        "d3": dated_dispute(
            org,
            beta,
            reason="delivery.late",
            amount="200.00",
            opened=at("2025-01-20", 9),
            owner=t.a.sales,
        ),
        "d4": dated_dispute(
            org,
            alpha,
            reason="invoicing.price",
            amount="300.00",
            opened=at("2024-12-25", 12),
            resolved=at("2025-01-10", 12),
            outcome="corrected_invoice",
        ),
        "d5": dated_dispute(
            org, beta, reason="invoicing.price", amount="40.00", opened=at("2025-02-10")
        ),
        "d6": dated_dispute(
            org,
            beta,
            reason="invoicing.tax",
            amount="70.00",
            opened=at("2024-11-01"),
            resolved=at("2024-12-01"),
        ),
        "d7": dated_dispute(
            org,
            alpha,
            reason="delivery.damaged",
            amount="1000.00",
            currency="USD",
            opened=at("2025-01-30"),
            resolved=at("2025-01-31", 12),
            outcome="rejected",
        ),
        "d8": dated_dispute(
            org,
            beta,
            reason="quality.defect",
            amount="10.00",
            opened=at("2025-01-15"),
            resolved=at("2025-01-15", 12),
            outcome="credit_note",
        ),
    }
    b_debtor = factories.make_debtor(t.b.org, "B Customer")
    d["b1"] = dated_dispute(
        t.b.org, b_debtor, reason="delivery.damaged", amount="999.00", opened=at("2025-01-05")
    )
    return Scenario(t=t, alpha=alpha, beta=beta, disputes=d)


def days_ago(n: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=n)


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}
