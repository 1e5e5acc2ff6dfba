"""Shared pieces for the dispute list and section tests: a small world and a statement counter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from core.extensions import db
from core.money import Money
from disputes import services
from disputes.models import Dispute
from disputes.states import DisputeStatus, Outcome
from ledger.clock import today
from tests import factories
from tests.factories import Tenants

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover=x'

_ROW_ID = re.compile(r'data-testid="dispute-link">#(\d+)<')


def dispute(
    invoice: Any,
    *,
    reason: str = "delivery.damaged",
    amount: str = "100.00",
    owner: Any = None,
    due_date: date | None = None,
    description: str = "Goods arrived broken.",
) -> Dispute:
    """An open dispute on `invoice` through the real service (committed)."""
    made = services.open_dispute(
        invoice,
        actor=None,
        reason=reason,
        amount=Money.parse(amount, invoice.currency),
        description=description,
        owner_id=owner.id if owner else None,
        due_date=due_date,
    )
    db.session.commit()
    return made


def resolve(made: Dispute, outcome: Outcome = Outcome.WITHDRAWN) -> Dispute:
    """Move a dispute to review and resolve it (committed)."""
    services.transition_dispute(made, actor=None, to=DisputeStatus.IN_REVIEW)
    services.resolve_dispute(made, actor=None, outcome=outcome)
    db.session.commit()
    return made


@dataclass
class World:
    """Creditor A: Alpha (the sales rep's debtor) and Beta (nobody's), four disputes; B: one.

    d1: Alpha, delivery.damaged, owned by credit, SLA breached.
    d2: Beta, invoicing.price, owned by the sales rep, due in 10 days.
    d3: Beta, quality.defect, owned by the owner, past due but resolved.
    d4: Alpha, payment.already_paid, unassigned, due in 20 days.
    """

    t: Tenants
    alpha: Any
    beta: Any
    ia: Any
    ib: Any
    d1: Dispute
    d2: Dispute
    d3: Dispute
    d4: Dispute
    foreign_invoice: Any
    foreign: Dispute


def make_world(tenants: Tenants) -> World:
    a, now = tenants.a, today()
    alpha = factories.make_debtor(a.org, "Alpha GmbH", sales_rep_id=a.sales.id)
    beta = factories.make_debtor(a.org, "Beta SARL", country="FR")
    ia = factories.make_invoice(a.org, alpha, number="INV-ALPHA")
    ib = factories.make_invoice(a.org, beta, number="INV-BETA")
    d1 = dispute(ia, owner=a.credit, due_date=now - timedelta(days=3))
    d2 = dispute(ib, reason="invoicing.price", owner=a.sales, due_date=now + timedelta(days=10))
    d3 = resolve(
        dispute(ib, reason="quality.defect", owner=a.owner, due_date=now - timedelta(days=5))
    )
    d4 = dispute(ia, reason="payment.already_paid", due_date=now + timedelta(days=20))
    foreign_debtor = factories.make_debtor(tenants.b.org, "Gamma Foreign")
    foreign_invoice = factories.make_invoice(tenants.b.org, foreign_debtor, number="B-0001")
    foreign = dispute(
        foreign_invoice, owner=tenants.b.credit, description="Foreign tenant's secret"
    )
    return World(tenants, alpha, beta, ia, ib, d1, d2, d3, d4, foreign_invoice, foreign)


def row_ids(html: str) -> list[int]:
    """Dispute ids of the list's rows, in the order shown."""
    return [int(n) for n in _ROW_ID.findall(html)]
