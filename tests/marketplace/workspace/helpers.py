"""Workspace factories: an awarded case built through the marketplace's real services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from core.extensions import db
from core.money import Money
from marketplace.models import Case
from marketplace.services import award
from marketplace.workspace import costs, recoveries
from marketplace.workspace.models import CaseCost
from tests.factories import Tenants, make_debtor
from tests.marketplace.helpers import make_bid, make_case, overdue_invoice


@dataclass
class Awarded:
    """A case of creditor A awarded to agency X; agency Y bid and lost."""

    case: Case
    oldest: Any  # invoice 500.00 EUR, due 100 days ago
    newer: Any  # invoice 1000.00 EUR, due 45 days ago

    @property
    def id(self) -> int:
        return self.case.id


def make_awarded_case(
    tenants: Tenants, *, creditor=None, agency=None, loser=None, sales_rep=None, **bid_terms: Any
) -> Awarded:
    """Creditor A's case on a 500.00 (oldest) and a 1000.00 invoice, awarded to X's bid.

    The bid is contingency 15 % unless `bid_terms` say otherwise; Y's bid loses. The
    debtor belongs to `sales_rep` when one is given (so that rep sees the case).
    """
    creditor = creditor or tenants.a
    agency = agency or tenants.x
    loser = tenants.y if loser is None else loser
    debtor = make_debtor(creditor.org, sales_rep_id=sales_rep.id if sales_rep else None)
    newer = overdue_invoice(creditor.org, debtor, amount="1000.00", days=45)
    oldest = overdue_invoice(creditor.org, debtor, amount="500.00", days=100)
    case = make_case(creditor.org, debtor=debtor, invoices=[newer, oldest])
    terms = {"percent": 1500, **bid_terms}
    bid = make_bid(case, agency.owner, **terms)
    if loser:
        make_bid(case, loser.owner, percent=1200)
    award.accept_bid(bid, actor=creditor.owner)
    db.session.commit()
    return Awarded(case, oldest, newer)


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def money(amount: str) -> Money:
    return Money.parse(amount, "EUR")


def make_cost_in_other_tenant(t: Tenants) -> int:
    """A cost on creditor B's case awarded to agency Y (for the tenancy walker)."""
    awarded = make_awarded_case(t, creditor=t.b, agency=t.y, loser=False)
    cost = costs.add_cost(
        awarded.case,
        actor=t.y.owner,
        kind="expense",
        amount=money("10.00"),
        description="Court fee",
        borne_by="creditor",
    )
    db.session.commit()
    return cost.id


def add_cost(case: Case, actor, amount: str = "10.00", **fields: Any) -> CaseCost:
    values = {"kind": "expense", "description": "Bailiff", "borne_by": "creditor", **fields}
    cost = costs.add_cost(case, actor=actor, amount=money(amount), **values)
    db.session.commit()
    return cost


def add_recovery(case: Case, actor, amount: str, **fields: Any):
    from ledger.clock import today

    fields.setdefault("received_on", today())
    recovery, _created = recoveries.record_recovery(
        case, actor=actor, amount=money(amount), **fields
    )
    db.session.commit()
    return recovery


@contextmanager
def counting() -> Iterator[list[str]]:
    """The SQL statements run inside the block (QUALITY P6)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.engines[None]
    engine = getattr(engine, "engine", engine)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
