"""Fixtures for the ledger pages: a small ledger in creditor A and one row in creditor B."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from ledger.clock import today
from tests import factories
from tests.factories import Tenants


@dataclass
class Ledger:
    """A's debtors (Alpha: the sales rep's, Beta: nobody's) and invoices; B's foreign rows."""

    t: Tenants
    alpha: Any
    beta: Any
    a1: Any  # Alpha, 1000.00 EUR, 30 days overdue
    a2: Any  # Alpha, 500.00 EUR, not due yet
    b1: Any  # Beta, 250.00 EUR, 100 days overdue
    foreign_debtor: Any
    foreign_invoice: Any


@pytest.fixture
def ledger(tenants: Tenants) -> Ledger:
    org, now = tenants.a.org, today()
    alpha = factories.make_debtor(org, "Alpha GmbH", sales_rep_id=tenants.a.sales.id)
    beta = factories.make_debtor(org, "Beta SARL", country="FR")
    a1 = factories.make_invoice(org, alpha, number="INV-A1", amount="1000.00")
    a2 = factories.make_invoice(
        org, alpha, number="INV-A2", amount="500.00", issue_date=now, due_date=now + timedelta(30)
    )
    b1 = factories.make_invoice(
        org,
        beta,
        number="INV-B1",
        amount="250.00",
        issue_date=now - timedelta(130),
        due_date=now - timedelta(100),
    )
    foreign = factories.make_debtor(tenants.b.org, "Gamma Foreign")
    foreign_invoice = factories.make_invoice(tenants.b.org, foreign, number="B-0001")
    return Ledger(tenants, alpha, beta, a1, a2, b1, foreign, foreign_invoice)
