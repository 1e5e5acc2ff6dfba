"""A case from a debtor's overdue invoices to its net recovery, in Chromium, with two parties.

The creditor lists the debtor's overdue invoices for collection and publishes the case; an
agency sees only the anonymised listing and bids; the creditor compares and accepts; the
agency, now seeing the debtor, works the case (a comment without reload, a recovery, an
expense); the creditor approves the expense and reads the net recovery.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Expect, Page

from core.extensions import db
from tests import factories
from tests.browser.test_shell_in_browser import sign_in, sign_out
from tests.factories import Tenants
from tests.marketplace.helpers import overdue_invoice

pytestmark = [pytest.mark.committed, pytest.mark.browser]

#: this module's assertions wait up to 15 s (a busy 2-core CI machine)
expect = Expect()
expect.set_options(timeout=15_000)

DEBTOR = "Brightwater Fittings BV"
# claimed 1,200.00; a 20 % contingency bid; 600.00 recovered → success fee 120.00;
# a 45.00 expense borne by the creditor, approved → costs 165.00, net 600 - 165 = 435.00
NET = "435.00 EUR"


def seed(tenants: Tenants) -> int:
    """Creditor A's debtor with two overdue invoices (800.00 and 400.00 EUR); its id."""
    org = tenants.a.org
    debtor = factories.make_debtor(org, DEBTOR, country="NL", sector="Plumbing")
    overdue_invoice(org, debtor, amount="800.00", days=50, number="BW-2026-11")
    overdue_invoice(org, debtor, amount="400.00", days=95, number="BW-2026-07")
    return debtor.id


def list_for_collection(page: Page, base: str, debtor_id: int, artifacts: Path) -> int:
    """From the debtor page: create the case on both invoices, publish it; the case id."""
    page.goto(f"{base}/debtors/{debtor_id}")
    page.get_by_test_id("list-for-collection").click()
    form = page.get_by_test_id("case-form")
    form.get_by_label(re.compile("^BW-2026-11")).check()
    form.get_by_label(re.compile("^BW-2026-07")).check()
    form.get_by_label("Contingency", exact=True).check()
    form.get_by_test_id("create-case").click()
    expect(page.get_by_test_id("flash")).to_contain_text("Draft case created")
    case_id = int(re.search(r"/cases/(\d+)$", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("flash")).to_contain_text("The case is listed")
    page.screenshot(path=str(artifacts / "marketplace-case-listed.png"), full_page=True)
    return case_id


def bid_on_the_listing(page: Page, base: str, case_id: int, artifacts: Path) -> None:
    """The agency finds the anonymised listing (no debtor name) and bids 20 %."""
    page.get_by_test_id("main-nav").get_by_role("link", name="Marketplace").click()
    row = page.get_by_test_id("listing-row").filter(has_text=f"#{case_id}")
    expect(row).to_contain_text("1,200.00 EUR")
    expect(page.locator("body")).not_to_contain_text(DEBTOR)
    page.screenshot(path=str(artifacts / "marketplace-listings.png"), full_page=True)
    row.get_by_role("link", name=f"#{case_id}").click()
    expect(page.get_by_test_id("listing-facts")).to_contain_text("Plumbing")
    expect(page.locator("body")).not_to_contain_text(DEBTOR)
    assert "BW-2026" not in page.content()
    form = page.get_by_test_id("bid-form")
    form.get_by_label("Fee model").select_option("contingency")
    form.get_by_label("Percent of what is recovered").fill("20")
    form.get_by_label("Message to the creditor").fill("Local team in Rotterdam.")
    form.get_by_test_id("place-bid").click()
    expect(page.get_by_test_id("flash")).to_contain_text("Bid placed")


def compare_and_accept(page: Page, base: str, case_id: int, agency: str) -> None:
    page.goto(f"{base}/cases/{case_id}")
    row = page.get_by_test_id("bid-row").filter(has_text=agency)
    expect(row).to_contain_text("20 %")
    expect(row.get_by_test_id("expected-net")).to_contain_text("EUR")
    row.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("flash")).to_contain_text("Bid accepted")
    expect(page.get_by_test_id("awarded-agency")).to_contain_text(agency)


def work_the_case(page: Page, case_id: int, artifacts: Path) -> None:
    """The agency opens its case (debtor disclosed), comments, records a recovery and a cost."""
    page.get_by_test_id("main-nav").get_by_role("link", name="My cases").click()
    page.get_by_test_id("case-row").get_by_role("link", name=f"#{case_id}").click()
    expect(page.get_by_test_id("case-debtor")).to_contain_text(DEBTOR)
    page.get_by_test_id("open-workspace").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DEBTOR)
    # the thread posts without a reload (static/js/thread.js)
    page.evaluate("window.duebridgeSamePage = true")
    page.get_by_label("Comment").fill("First call done: the debtor promised a part payment.")
    page.get_by_test_id("comment-form").get_by_label("Visible to").select_option("shared")
    page.get_by_test_id("comment-submit").click()
    thread = page.get_by_test_id("thread")
    expect(thread.get_by_test_id("comment")).to_have_count(1)
    expect(thread).to_contain_text("promised a part payment")
    expect(page.get_by_label("Comment")).to_have_value("")
    assert page.evaluate("window.duebridgeSamePage === true")

    page.get_by_text("Record a recovery").click()
    form = page.get_by_test_id("recovery-form")
    form.get_by_label("Amount received").fill("600.00")
    form.get_by_label("Note").fill("Transfer from the debtor's account")
    form.get_by_test_id("recovery-submit").click()
    expect(page.get_by_test_id("flash")).to_contain_text("Recovery of 600.00 EUR recorded")
    expect(page.get_by_test_id("recovery")).to_have_count(1)

    page.get_by_text("Add an expense").click()
    form = page.get_by_test_id("cost-form")
    form.get_by_label("Amount").fill("45.00")
    form.get_by_label("Description").fill("Land registry extract")
    form.get_by_label("Borne by").select_option("creditor")
    form.get_by_test_id("cost-submit").click()
    expect(page.get_by_test_id("flash")).to_contain_text("It waits for the creditor's approval")
    page.screenshot(path=str(artifacts / "marketplace-workspace-agency.png"), full_page=True)


def approve_and_read_the_net(page: Page, base: str, case_id: int, artifacts: Path) -> None:
    page.goto(f"{base}/cases/{case_id}")
    page.get_by_test_id("open-workspace").click()
    expect(page.get_by_test_id("thread")).to_contain_text("promised a part payment")
    expect(page.get_by_test_id("ws-pending")).to_have_text("45.00 EUR")
    expense = page.get_by_test_id("cost").filter(has_text="Land registry extract")
    expense.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("flash")).to_contain_text("Cost approved.")
    expect(page.get_by_test_id("ws-recovered")).to_have_text("600.00 EUR")
    expect(page.get_by_test_id("ws-costs-total")).to_contain_text("165.00 EUR")
    expect(page.get_by_test_id("ws-net")).to_have_text(NET)
    page.screenshot(path=str(artifacts / "marketplace-workspace-creditor.png"), full_page=True)
    page.goto(f"{base}/cases/{case_id}")
    expect(page.get_by_test_id("case-money")).to_contain_text(NET)


def test_a_case_goes_from_overdue_invoices_to_its_net_recovery(
    chromium: Browser, live_server: str, tenants: Tenants, artifacts: Path
) -> None:
    debtor_id = seed(tenants)
    creditor_email, agency_email = tenants.a.credit.email, tenants.x.owner.email
    agency_name = tenants.x.org.name
    db.session.commit()  # end the test thread's read transaction (SQLite locking)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server, creditor_email)
    case_id = list_for_collection(page, live_server, debtor_id, artifacts)
    sign_out(page, live_server)

    sign_in(page, live_server, agency_email)
    bid_on_the_listing(page, live_server, case_id, artifacts)
    sign_out(page, live_server)

    sign_in(page, live_server, creditor_email)
    compare_and_accept(page, live_server, case_id, agency_name)
    sign_out(page, live_server)

    sign_in(page, live_server, agency_email)
    work_the_case(page, case_id, artifacts)
    sign_out(page, live_server)

    sign_in(page, live_server, creditor_email)
    approve_and_read_the_net(page, live_server, case_id, artifacts)
    context.close()
    assert errors == []  # no CSP violation, no failed script or asset
