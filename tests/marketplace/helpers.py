"""Marketplace factories for tests: real rows through the real services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from core.db import utcnow
from core.extensions import db
from core.money import Money
from ledger.clock import today
from marketplace.models import Case
from marketplace.services import bidding, cases
from tests.factories import make_debtor, make_invoice

TERMS = {"fee_models": ["contingency", "fixed", "hybrid"], "max_percent": 3000, "max_fixed": None}


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def overdue_invoice(org, debtor, *, amount: str = "1000.00", days: int = 45, **kw: Any):
    """An invoice of `debtor` that fell due `days` ago."""
    due = today() - timedelta(days=days)
    return make_invoice(
        org, debtor, amount=amount, issue_date=due - timedelta(days=30), due_date=due, **kw
    )


def make_case(
    org,
    *,
    debtor=None,
    invoices=None,
    publish: bool = True,
    invited: list[int] | None = None,
    instant: dict[str, Any] | None = None,
    terms: dict[str, Any] | None = None,
    deadline_days: int = 7,
    **debtor_fields: Any,
) -> Case:
    """A case of `org` on two overdue invoices of a new company debtor (listed by default)."""
    debtor = debtor or make_debtor(org, **debtor_fields)
    invoices = invoices or [
        overdue_invoice(org, debtor, amount="1000.00", days=45),
        overdue_invoice(org, debtor, amount="500.00", days=100),
    ]
    case = cases.create_case(
        org,
        actor=None,
        debtor=debtor,
        invoice_ids=[i.id for i in invoices],
        bidding_deadline=utcnow() + timedelta(days=deadline_days),
        terms=terms or dict(TERMS),
        instant_terms=instant,
        invited_agency_ids=invited,
    )
    if publish:
        cases.publish_case(case, actor=None)
    db.session.commit()
    return case


def make_bid(case: Case, agency_user, *, percent: int = 1500, **terms: Any):
    """A live contingency bid (unless `terms` say otherwise) of `agency_user`'s agency."""
    fields: dict[str, Any] = {
        "fee_model": "contingency",
        "percent": percent,
        "duration_days": 90,
        "legal_action": False,
    }
    fields.update(terms)
    bid = bidding.place_bid(case, actor=agency_user, **fields)
    db.session.commit()
    return bid


def pass_deadline(case: Case) -> None:
    """Move the case's bidding deadline into the past (as time would)."""
    db.session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(bidding_deadline=utcnow() - timedelta(minutes=1)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    db.session.expire_all()


def money(minor: int, currency: str = "EUR") -> Money:
    return Money(minor, currency)
