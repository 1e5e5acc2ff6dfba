"""Dispute factories for tests: real rows through the real services."""

from __future__ import annotations

from core.extensions import db
from core.money import Money
from disputes import services
from tests.factories import make_invoice


def make_dispute(org, invoice=None, *, amount: str = "100.00", reason: str = "delivery.damaged"):
    """An open dispute of `org` (on a new 1000.00 EUR invoice unless one is given)."""
    invoice = invoice or make_invoice(org)
    dispute = services.open_dispute(
        invoice,
        actor=None,
        reason=reason,
        amount=Money.parse(amount, invoice.currency),
        description="Goods arrived broken.",
    )
    db.session.commit()
    return dispute
