"""Credit status for ERPs and the policy pass that sets `on_hold`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.money import Money
from ledger.clock import today
from ledger.reports.credit import apply_credit_hold_policy
from tests import factories
from tests.ledger.reports.helpers import money


def status(client, headers, debtor):
    resp = client.get(f"/api/v1/debtors/{debtor.id}/credit-status", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.json


def overdue_by(org, debtor, days, amount="100.00", **kw):
    due = today() - timedelta(days=days)
    return factories.make_invoice(
        org, debtor, amount=amount, issue_date=due - timedelta(days=30), due_date=due, **kw
    )


def test_a_debtor_in_good_standing_is_not_blocked(client, tenants, bearer):
    org = tenants.a.org
    debtor = factories.make_debtor(org, credit_limit=Money.parse("1000.00", "EUR"))
    overdue_by(org, debtor, 60, "300.00")  # exactly at the threshold: still fine
    overdue_by(org, debtor, -10, "200.00")
    body = status(client, bearer(tenants.a.owner), debtor)
    assert body == {
        "block_new_orders": False,
        "reasons": [],
        "exposure": money("500.00"),
        "credit_limit": money("1000.00"),
        "overdue": money("300.00"),
        "max_days_overdue": 60,
        "on_hold": False,
    }


def test_each_reason_is_named(client, tenants, bearer):
    org = tenants.a.org
    debtor = factories.make_debtor(org, credit_limit=Money.parse("100.00", "EUR"))
    overdue_by(org, debtor, 61, "150.00")
    overdue_by(org, debtor, 5, "5000", currency="JPY")  # another currency: not in exposure
    debtor.on_hold = True
    db.session.commit()
    body = status(client, bearer(tenants.a.viewer), debtor)
    assert body["block_new_orders"] is True
    assert [r["code"] for r in body["reasons"]] == ["on_hold", "overdue", "over_credit_limit"]
    assert "61 days overdue" in body["reasons"][1]["message"]
    assert body["exposure"] == money("150.00") and body["max_days_overdue"] == 61


def test_no_invoices_and_no_limit(client, tenants, bearer):
    body = status(client, bearer(tenants.a.owner), factories.make_debtor(tenants.a.org))
    assert body["credit_limit"] is None and body["exposure"] == money("0.00")
    assert body["block_new_orders"] is False


def test_paid_invoices_do_not_count(client, tenants, bearer):
    from tests.ledger.reports.helpers import pay

    org = tenants.a.org
    debtor = factories.make_debtor(org)
    invoice = overdue_by(org, debtor, 90, "100.00")
    pay(invoice, "100.00", today())
    body = status(client, bearer(tenants.a.owner), debtor)
    assert body["exposure"] == money("0.00") and body["block_new_orders"] is False


def test_the_policy_pass_holds_blocked_debtors_once_with_an_audit_row(tenants):
    org = tenants.a.org
    late = factories.make_debtor(org, "Late")
    over = factories.make_debtor(org, "Over", credit_limit=Money.parse("50.00", "EUR"))
    fine = factories.make_debtor(org, "Fine", credit_limit=Money.parse("500.00", "EUR"))
    other = factories.make_debtor(tenants.b.org, "B's late one")
    overdue_by(org, late, 75)
    overdue_by(org, over, 3)
    overdue_by(org, fine, 3)
    overdue_by(tenants.b.org, other, 200)
    changed = apply_credit_hold_policy(org, actor=tenants.a.owner)
    db.session.commit()
    assert sorted(d.name for d in changed) == ["Late", "Over"]
    assert (late.on_hold, over.on_hold, fine.on_hold, other.on_hold) == (True, True, False, False)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "debtor.credit_hold_set")
    ).all()
    assert sorted(e.details["reasons"][0] for e in events) == ["over_credit_limit", "overdue"]
    assert {e.org_id for e in events} == {org.id}
    assert apply_credit_hold_policy(org) == []  # a second run changes nothing


def test_sales_rep_cannot_ask_about_someone_elses_debtor(client, tenants, bearer):
    debtor = factories.make_debtor(tenants.a.org)
    resp = client.get(f"/api/v1/debtors/{debtor.id}/credit-status", headers=bearer(tenants.a.sales))
    assert resp.status_code == 404
