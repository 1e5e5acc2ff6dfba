"""Aging against hand-placed invoices: boundaries, history, currencies, disputes, visibility."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from core.extensions import db
from core.money import Money
from ledger import services
from tests import factories
from tests.ledger.reports.helpers import AS_OF, days_ago, invoice_due, money, pay, promise

URL = "/api/v1/reports/aging"


def aging(client, headers, **params):
    params.setdefault("as_of", AS_OF.isoformat())
    resp = client.get(URL, query_string=params, headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.json


def test_each_boundary_lands_in_its_bucket(client, tenants, bearer):
    org, debtor = tenants.a.org, factories.make_debtor(tenants.a.org)
    # days past due → amount; amounts are distinct so each bucket names its invoices
    placed = {-5: "1.00", 0: "2.00", 1: "4.00", 30: "8.00", 31: "16.00", 60: "32.00"}
    placed |= {61: "64.00", 90: "128.00", 91: "256.00", 120: "512.00", 121: "1024.00"}
    for days, amount in placed.items():
        invoice_due(org, debtor, days, amount)
    body = aging(client, bearer(tenants.a.credit))
    assert body["as_of"] == AS_OF.isoformat() and body["currency"] == "EUR"
    assert body["buckets"] == {
        "not_due": money("3.00"),  # due in 5 days, and due today
        "d1_30": money("12.00"),
        "d31_60": money("48.00"),
        "d61_90": money("192.00"),
        "d91_120": money("768.00"),
        "d120_plus": money("1024.00"),
    }
    assert body["totals"]["total"] == money("2047.00")
    assert body["totals"]["overdue"] == money("2044.00")
    assert body["totals"]["invoice_count"] == 11
    assert body["currencies"] == []


def test_as_of_in_the_past_counts_what_was_owed_then(client, tenants, bearer):
    org, debtor = tenants.a.org, factories.make_debtor(tenants.a.org)
    invoice = invoice_due(org, debtor, 10, "1000.00")
    pay(invoice, "400.00", days_ago(5))
    pay(invoice, "600.00", AS_OF + timedelta(days=5))  # paid in full after as_of
    invoice_due(org, debtor, -40, "50.00", issue_date=AS_OF + timedelta(days=1))  # not yet issued
    headers = bearer(tenants.a.owner)
    body = aging(client, headers)
    assert body["buckets"]["d1_30"] == money("600.00")
    assert body["totals"]["total"] == money("600.00")
    earlier = aging(client, headers, as_of=days_ago(6).isoformat())
    assert earlier["buckets"]["d1_30"] == money("1000.00")
    later = aging(client, headers, as_of=(AS_OF + timedelta(days=5)).isoformat())
    assert later["totals"]["total"] == money("50.00")  # only the new invoice, not yet due


def test_currencies_are_never_mixed(client, tenants, bearer):
    org, debtor = tenants.a.org, factories.make_debtor(tenants.a.org)
    invoice_due(org, debtor, 10, "100.00")
    invoice_due(org, debtor, 40, "7000", currency="JPY")
    invoice_due(org, debtor, 70, "3.000", currency="KWD")
    headers = bearer(tenants.a.owner)
    default = aging(client, headers)
    assert default["currency"] == "EUR" and default["totals"]["total"] == money("100.00")
    assert default["currencies"] == ["JPY", "KWD"]
    yen = aging(client, headers, currency="jpy")
    assert yen["currency"] == "JPY" and yen["buckets"]["d31_60"] == money("7000", "JPY")
    assert yen["totals"]["total"] == money("7000", "JPY") and yen["currencies"] == ["EUR", "KWD"]
    none = aging(client, headers, currency="USD")
    assert none["totals"]["total"] == money("0.00", "USD") and none["by_debtor"] == []


def test_disputed_and_promised_amounts_are_shown_apart(client, tenants, bearer):
    org, debtor = tenants.a.org, factories.make_debtor(tenants.a.org)
    disputed = invoice_due(org, debtor, 20, "500.00")
    services.hold_amount(disputed, Money.parse("200.00", "EUR"))
    db.session.commit()
    promised = invoice_due(org, debtor, 45, "300.00")
    promise(promised, "120.00", AS_OF + timedelta(days=7))
    body = aging(client, bearer(tenants.a.viewer))
    assert body["totals"]["total"] == money("800.00")  # still in the buckets and the total
    assert body["totals"]["disputed"] == money("200.00")
    assert body["totals"]["promised"] == money("120.00")
    (line,) = body["by_debtor"]
    assert line["disputed"] == money("200.00") and line["promised"] == money("120.00")


def test_by_debtor_lists_the_most_overdue_first_and_is_capped(client, tenants, bearer):
    org = tenants.a.org
    small, big, current = (factories.make_debtor(org, n) for n in ("Small", "Big", "Current"))
    invoice_due(org, small, 10, "10.00")
    invoice_due(org, big, 100, "900.00")
    invoice_due(org, current, -3, "5000.00")
    body = aging(client, bearer(tenants.a.owner), limit=2)
    assert [line["name"] for line in body["by_debtor"]] == ["Big", "Small"]
    assert body["debtor_count"] == 3
    assert body["by_debtor"][0]["buckets"]["d91_120"] == money("900.00")
    assert body["by_debtor"][0]["overdue"] == money("900.00")


def _caller_only_total(org_id: int, rep_id: int) -> int:
    """The hand-written SQL a sales rep's total must equal (T9)."""
    return int(
        db.session.scalar(
            text(
                "SELECT COALESCE(SUM(i.outstanding_minor), 0) FROM invoices i "
                "JOIN debtors d ON d.id = i.debtor_id "
                "WHERE i.org_id = :org AND d.sales_rep_id = :rep AND i.currency = 'EUR'"
            ),
            {"org": org_id, "rep": rep_id},
        )
    )  # SUM(bigint) is NUMERIC on PostgreSQL


@pytest.mark.parametrize("see_all", [False, True])
def test_sales_reps_see_their_debtors_unless_allowed_all(client, tenants, bearer, see_all):
    org, rep = tenants.a.org, tenants.a.sales
    mine = factories.make_debtor(org, "Mine", sales_rep_id=rep.id)
    other = factories.make_debtor(org, "Other")
    invoice_due(org, mine, 15, "100.00")
    invoice_due(org, other, 15, "900.00")
    org.sales_see_all = see_all
    db.session.commit()
    body = aging(client, bearer(rep))
    if see_all:
        assert body["totals"]["total"] == money("1000.00")
        assert {line["name"] for line in body["by_debtor"]} == {"Mine", "Other"}
    else:
        expected = Money(_caller_only_total(org.id, rep.id), "EUR").to_dict()
        assert body["totals"]["total"] == expected == money("100.00")
        assert [line["name"] for line in body["by_debtor"]] == ["Mine"]


def test_another_tenants_invoices_never_count(client, tenants, bearer):
    invoice_due(tenants.b.org, factories.make_debtor(tenants.b.org), 15, "999.00")
    body = aging(client, bearer(tenants.a.owner))
    assert body["totals"]["total"] == money("0.00") and body["by_debtor"] == []


def test_debtors_owing_only_other_currencies_are_not_listed_or_counted(client, tenants, bearer):
    org = tenants.a.org
    euro, dollar = factories.make_debtor(org, "Euro"), factories.make_debtor(org, "Dollar")
    invoice_due(org, euro, 10, "100.00")
    invoice_due(org, dollar, 40, "900.00", currency="USD")
    invoice_due(org, euro, 70, "50.00", currency="USD")
    body = aging(client, bearer(tenants.a.owner))
    assert body["debtor_count"] == 1 and [line["name"] for line in body["by_debtor"]] == ["Euro"]
    assert body["totals"]["overdue"] == money("100.00") and body["currencies"] == ["USD"]
    usd = aging(client, bearer(tenants.a.owner), currency="USD")
    assert usd["debtor_count"] == 2 and usd["totals"]["total"] == money("950.00", "USD")
    assert [line["name"] for line in usd["by_debtor"]] == ["Dollar", "Euro"]
