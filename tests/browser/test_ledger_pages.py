"""A credit manager walks debtor list → debtor → invoice and records a payment, in Chromium."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from core.extensions import db
from ledger.clock import today
from tests import factories
from tests.browser.test_shell_in_browser import sign_in
from tests.factories import Tenants

pytestmark = [pytest.mark.committed, pytest.mark.browser]


def seed(tenants: Tenants) -> None:
    """A few debtors with invoices spread over the aging buckets."""
    org, now = tenants.a.org, today()
    acme = factories.make_debtor(
        org, "ACME Industrie GmbH", vat_id="DE123456789", sales_rep_id=tenants.a.sales.id
    )
    factories.make_debtor(org, "Boulangerie Martin SARL", country="FR", on_hold=True)
    for n, days_late in enumerate((-20, 5, 45, 75, 110, 200)):
        due = now - timedelta(days=days_late)
        factories.make_invoice(
            org,
            acme,
            number=f"2026-{n + 101:04d}",
            amount=f"{(n + 1) * 1250}.00",
            issue_date=due - timedelta(days=30),
            due_date=due,
            po_number=f"PO-{n + 7}",
        )


def test_credit_manager_records_a_payment(
    chromium: Browser, live_server: str, tenants: Tenants, artifacts: Path
) -> None:
    seed(tenants)
    db.session.commit()  # end the test thread's read transaction (SQLite locking)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server, tenants.a.credit.email)
    expect(page.get_by_test_id("receivables-panel")).to_be_visible()
    page.screenshot(path=str(artifacts / "ledger-dashboard.png"), full_page=True)

    page.get_by_test_id("main-nav").get_by_role("link", name="Debtors").click()
    expect(page.get_by_test_id("debtors")).to_contain_text("ACME Industrie GmbH")
    page.screenshot(path=str(artifacts / "ledger-debtors.png"), full_page=True)

    page.get_by_role("link", name="ACME Industrie GmbH").click()
    expect(page.get_by_test_id("aging")).to_be_visible()
    page.screenshot(path=str(artifacts / "ledger-debtor.png"), full_page=True)

    page.get_by_test_id("open-invoices").get_by_role("link", name="2026-0103").click()
    expect(page.get_by_test_id("invoice-number")).to_have_text("2026-0103")
    form = page.get_by_test_id("payment-form")
    form.get_by_label("Amount").fill("1000.00")
    form.get_by_label("Reference").fill("Bank transfer 4711")
    page.screenshot(path=str(artifacts / "ledger-invoice.png"), full_page=True)
    form.get_by_role("button", name="Record payment").click()
    expect(page.get_by_test_id("flash")).to_contain_text("Payment of 1000.00 EUR recorded.")
    expect(page.get_by_test_id("outstanding")).to_have_text("2,750.00 EUR")
    expect(page.get_by_test_id("allocations")).to_contain_text("Bank transfer 4711")
    page.screenshot(path=str(artifacts / "ledger-invoice-paid.png"), full_page=True)

    page.get_by_test_id("main-nav").get_by_role("link", name="Invoices").click()
    page.get_by_test_id("sort-outstanding").click()
    expect(page.get_by_test_id("invoices")).to_be_visible()
    page.screenshot(path=str(artifacts / "ledger-invoices.png"), full_page=True)
    page.goto(f"{live_server}/debtors/new")
    page.screenshot(path=str(artifacts / "ledger-debtor-new.png"), full_page=True)
    context.close()
    assert errors == []  # no CSP violation, no broken asset
