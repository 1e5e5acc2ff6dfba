"""Hand-placed ledger rows for the report tests: a fixed day, real services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.extensions import db
from core.money import Money
from ledger import services
from ledger.models import PromiseToPay
from tests import factories

#: every report test looks at the ledger as of this day (a Tuesday, month end)
AS_OF = date(2026, 3, 31)


def days_ago(n: int, base: date = AS_OF) -> date:
    return base - timedelta(days=n)


def invoice_due(org: Any, debtor: Any, days_past_due: int, amount: str, **kw: Any) -> Any:
    """An invoice `days_past_due` days past due at AS_OF (negative: not yet due)."""
    due = days_ago(days_past_due)
    kw.setdefault("issue_date", due - timedelta(days=30))
    return factories.make_invoice(org, debtor, amount=amount, due_date=due, **kw)


def pay(invoice: Any, amount: str, on: date) -> None:
    services.record_payment(
        invoice, amount=Money.parse(amount, invoice.currency), received_on=on, actor=None
    )
    db.session.commit()


def promise(invoice: Any, amount: str, on: date) -> None:
    db.session.add(
        PromiseToPay(
            org_id=invoice.org_id,
            invoice_id=invoice.id,
            currency=invoice.currency,
            amount_minor=Money.parse(amount, invoice.currency).minor,
            promised_on=on,
            created_at=datetime.combine(days_ago(1), datetime.min.time(), tzinfo=UTC),
        )
    )
    db.session.commit()


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}
