"""Real sign-in, dashboard, navigation and sign-out for each kind of user, in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from core.extensions import db
from tests import factories
from tests.factories import Tenants

pytestmark = [pytest.mark.committed, pytest.mark.browser]


def sign_in(page: Page, base: str, email: str) -> None:
    """Fill the real sign-in form and submit it."""
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{base}/")


def sign_out(page: Page, base: str) -> None:
    """Open the user menu and press the sign-out button."""
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{base}/login")
    expect(page.get_by_test_id("flash")).to_contain_text("You are signed out.")


def tour_owner_pages(page: Page, base: str, artifacts: Path) -> None:
    """Invite a colleague, open the user menu, create a token, open the account page."""
    page.get_by_test_id("main-nav").get_by_role("link", name="Team").click()
    invite = page.get_by_test_id("invite-form")
    invite.get_by_label("E-mail").fill("new.colleague@example.com")
    invite.get_by_label("Role").select_option(label="Sales rep")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("flash")).to_contain_text("Invitation sent to")
    expect(page.get_by_test_id("invitations")).to_contain_text("Pending")
    page.screenshot(path=str(artifacts / "team-creditor-owner.png"), full_page=True)
    page.get_by_test_id("user-menu").click()
    page.screenshot(path=str(artifacts / "user-menu.png"))
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Token name").fill("ERP credit check")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_test_id("new-token")).to_have_value(re.compile(r"^dbt_.+"))
    page.screenshot(path=str(artifacts / "tokens-creditor-owner.png"), full_page=True)
    page.goto(f"{base}/account")
    expect(page.get_by_test_id("password-form")).to_be_visible()
    page.screenshot(path=str(artifacts / "account-creditor-owner.png"), full_page=True)


CASES = [
    # who, tenant, role, kind label, active members, sees Team
    ("creditor-owner", "a", "owner", "Creditor", 4, True),
    ("creditor-sales", "a", "sales", "Creditor", 4, False),
    ("agency-owner", "x", "owner", "Collection agency", 2, True),
    ("agency-collector", "x", "collector", "Collection agency", 2, False),
]


def test_each_user_signs_in_sees_their_dashboard_and_signs_out(
    chromium: Browser, live_server: str, tenants: Tenants, artifacts: Path
) -> None:
    accounts = {
        who: (getattr(tenants, key).users[role].email, getattr(tenants, key).org.name)
        for who, key, role, *_ in CASES
    }
    # end the test thread's read transaction: SQLite would make the server's writes wait
    db.session.commit()
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server}/login")
    page.screenshot(path=str(artifacts / "login.png"), full_page=True)
    for who, _key, _role, kind, members, sees_team in CASES:
        email, org_name = accounts[who]
        sign_in(page, live_server, email)
        expect(page.get_by_test_id("org-name")).to_have_text(org_name)
        expect(page.get_by_test_id("org-kind")).to_contain_text(kind)
        expect(page.get_by_test_id("member-count")).to_have_text(str(members))
        nav = page.get_by_test_id("main-nav")
        expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
        expect(nav.get_by_role("link", name="Team")).to_have_count(1 if sees_team else 0)
        page.screenshot(path=str(artifacts / f"dashboard-{who}.png"), full_page=True)
        if who == "creditor-owner":
            tour_owner_pages(page, live_server, artifacts)
        if not sees_team:
            denied = page.goto(f"{live_server}/team")
            assert denied is not None and denied.status == 403
            expect(page.get_by_test_id("error-page")).to_contain_text("Not allowed")
            page.screenshot(path=str(artifacts / f"forbidden-{who}.png"), full_page=True)
        sign_out(page, live_server)
    page.screenshot(path=str(artifacts / "signed-out.png"), full_page=True)
    context.close()
    # no CSP violation or broken asset anywhere (the deliberate 403 pages aside)
    assert [e for e in errors if "status of 403" not in e] == []
