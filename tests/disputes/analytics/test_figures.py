"""Figures against hand-computed values (helpers.build_scenario lists every dispute)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from core.extensions import db
from disputes.analytics import queries
from disputes.analytics.period import Period, last_12_months
from tests import factories
from tests.disputes.analytics.helpers import (
    FROM,
    PERIOD,
    TO,
    Scenario,
    dated_dispute,
    days_ago,
    money,
)

ZERO_OUTCOMES = {"credit_note": 0, "corrected_invoice": 0, "rejected": 0, "withdrawn": 0}


def report(client, headers, query: str = PERIOD) -> dict:
    resp = client.get(f"/api/v1/reports/disputes?{query}", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.json


def by(items: list[dict], key: str) -> dict[str, dict]:
    return {item[key]: item for item in items}


def test_overall_counts_and_median_over_an_odd_count(client, scenario: Scenario, bearer):
    body = report(client, bearer(scenario.t.a.owner))
    assert body["from"] == FROM.isoformat() and body["to"] == TO.isoformat()
    # opened d1 d2 d3 d7 d8; open now d3 (d5 opened after the period); resolved d1 d2 d4 d7 d8
    # durations 0.5 1.5 2 4 16 → the middle one
    assert body["overall"] == {
        "opened": 5,
        "open_now": 1,
        "resolved": 5,
        "outcomes": {"credit_note": 1, "corrected_invoice": 1, "rejected": 2, "withdrawn": 1},
        "median_days_to_resolve": 2.0,
    }


def test_per_team_over_every_currency(client, scenario: Scenario, bearer):
    teams = by(report(client, bearer(scenario.t.a.owner))["teams"], "team")
    assert list(teams) == ["invoicing", "delivery", "quality", "contract", "payment"]
    # delivery: d1 (2.0) d2 (4.0) d7 (1.5, USD) resolved → 2.0, the middle of three
    assert teams["delivery"] | {"outcomes": None} == {
        "team": "delivery",
        "label": "Delivery",
        "opened": 4,
        "open_now": 1,
        "resolved": 3,
        "outcomes": None,
        "median_days_to_resolve": 2.0,
    }
    assert teams["invoicing"]["median_days_to_resolve"] == 16.0
    assert teams["invoicing"]["opened"] == 0 and teams["invoicing"]["resolved"] == 1
    assert teams["quality"]["median_days_to_resolve"] == 0.5
    assert teams["contract"] == {
        "team": "contract",
        "label": "Contract",
        "opened": 0,
        "open_now": 0,
        "resolved": 0,
        "outcomes": ZERO_OUTCOMES,
        "median_days_to_resolve": None,
    }


def test_currencies_are_kept_apart(client, scenario: Scenario, bearer):
    body = report(client, bearer(scenario.t.a.owner))
    sections = by(body["currencies"], "currency")
    assert list(sections) == ["EUR", "USD"]
    eur, usd = sections["EUR"]["totals"], sections["USD"]["totals"]
    # EUR durations 0.5 2 4 16 → average of the middle two (even count)
    assert eur == {
        "opened": 4,
        "open_now": 1,
        "resolved": 4,
        "outcomes": {"credit_note": 1, "corrected_invoice": 1, "rejected": 1, "withdrawn": 1},
        "median_days_to_resolve": 3.0,
        "disputed": money("370.00"),
        "open_amount": money("200.00"),
        # 100x2 + 60x4 + 200x12 + 300x9 + 10x0
        "cash_blocked": money("5540.00"),
    }
    assert usd["disputed"] == money("1000.00", "USD")
    assert usd["cash_blocked"] == money("1000.00", "USD")
    assert usd["median_days_to_resolve"] == 1.5


def test_per_team_within_a_currency(client, scenario: Scenario, bearer):
    eur = by(report(client, bearer(scenario.t.a.owner))["currencies"], "currency")["EUR"]
    teams = by(eur["teams"], "team")
    assert list(teams) == ["invoicing", "delivery", "quality", "contract", "payment"]
    delivery = teams["delivery"]
    assert (delivery["opened"], delivery["open_now"], delivery["resolved"]) == (3, 1, 2)
    assert delivery["disputed"] == money("360.00")
    assert delivery["open_amount"] == money("200.00")
    assert delivery["cash_blocked"] == money("2840.00")  # 200 + 240 + 2400
    assert delivery["median_days_to_resolve"] == 3.0  # 2 and 4: even count
    assert teams["invoicing"]["cash_blocked"] == money("2700.00")  # d4 cut at the period start
    assert teams["quality"]["cash_blocked"] == money("0.00")  # opened and resolved the same day
    assert teams["payment"]["cash_blocked"] == money("0.00")
    assert teams["payment"]["median_days_to_resolve"] is None


def test_per_reason_rows_with_the_debtor_blocking_most(client, scenario: Scenario, bearer):
    eur = by(report(client, bearer(scenario.t.a.owner))["currencies"], "currency")["EUR"]
    rows = eur["reasons"]
    # team order, then cash blocked: d5 (after the period) and d6 (before it) never appear
    assert [r["reason"] for r in rows] == [
        "invoicing.price",
        "delivery.late",
        "delivery.damaged",
        "quality.defect",
    ]
    rows = by(rows, "reason")
    damaged = rows["delivery.damaged"]
    assert damaged["reason_team"] == "delivery" and damaged["label"] == "Damaged"
    assert damaged["outcomes"] == ZERO_OUTCOMES | {"rejected": 1, "withdrawn": 1}
    assert damaged["disputed"] == money("160.00")
    assert damaged["cash_blocked"] == money("440.00")
    assert damaged["top_debtor"] == {"id": scenario.beta.id, "name": "Beta SA"}  # 240 > 200
    assert damaged["median_days_to_resolve"] == 3.0
    late = rows["delivery.late"]
    # open, cut at the period's end: 20 Jan → 1 Feb = 12 days x 200.00
    assert late["cash_blocked"] == money("2400.00") and late["open_amount"] == money("200.00")
    assert late["median_days_to_resolve"] is None
    price = rows["invoicing.price"]
    assert (price["opened"], price["resolved"], price["disputed"]) == (0, 1, money("0.00"))
    assert price["outcomes"]["corrected_invoice"] == 1
    assert price["top_debtor"]["name"] == "Alpha GmbH"
    assert rows["quality.defect"]["top_debtor"] is None  # nothing blocked
    assert rows["quality.defect"]["outcomes"]["credit_note"] == 1
    usd = by(report(client, bearer(scenario.t.a.owner))["currencies"], "currency")["USD"]
    assert [(r["reason"], r["cash_blocked"]) for r in usd["reasons"]] == [
        ("delivery.damaged", money("1000.00", "USD"))
    ]


def test_other_tenants_disputes_are_never_counted(client, scenario: Scenario, bearer):
    a = report(client, bearer(scenario.t.a.owner))
    eur = by(a["currencies"], "currency")["EUR"]
    assert "999.00" not in str(a) and eur["totals"]["disputed"] == money("370.00")
    b = report(client, bearer(scenario.t.b.owner))
    assert b["overall"]["opened"] == 1
    assert [s["currency"] for s in b["currencies"]] == ["EUR"]
    b_eur = b["currencies"][0]
    assert b_eur["totals"]["disputed"] == money("999.00")
    assert b_eur["reasons"][0]["top_debtor"]["name"] == "B Customer"


def test_a_sales_rep_counts_their_debtors_and_their_own_disputes(
    client, scenario: Scenario, bearer
):
    # alpha is theirs (d1 d4 d7), d3 is on beta but they own it; d2 and d8 are not theirs
    body = report(client, bearer(scenario.t.a.sales))
    assert body["overall"]["opened"] == 3  # d1 d3 d7
    assert body["overall"]["resolved"] == 3  # d1 d4 d7
    assert body["overall"]["median_days_to_resolve"] == 2.0  # 1.5 2 16
    eur = by(body["currencies"], "currency")["EUR"]
    assert eur["totals"]["median_days_to_resolve"] == 9.0  # 2 and 16
    assert eur["totals"]["cash_blocked"] == money("5300.00")  # 200 + 2400 + 2700
    reasons = by(eur["reasons"], "reason")
    assert set(reasons) == {"invoicing.price", "delivery.late", "delivery.damaged"}
    assert reasons["delivery.damaged"]["top_debtor"]["name"] == "Alpha GmbH"
    assert "Beta SA" in str(reasons["delivery.late"])  # owned by them: shown


def test_sales_see_everything_when_the_organisation_allows_it(client, scenario: Scenario, bearer):
    scenario.t.a.org.sales_see_all = True
    db.session.commit()
    body = report(client, bearer(scenario.t.a.sales))
    assert body["overall"]["opened"] == 5


def test_an_open_dispute_is_held_until_today(client, make_org, make_user, bearer):
    org = make_org()
    debtor = factories.make_debtor(org)
    dated_dispute(org, debtor, reason="payment.set_off", amount="50.00", opened=days_ago(3))
    body = report(client, bearer(make_user(org, "credit")), "")
    payment = by(body["currencies"][0]["teams"], "team")["payment"]
    assert payment["cash_blocked"] == money("150.00")  # 3 days so far
    assert payment["open_now"] == 1 and payment["opened"] == 1
    reason = body["currencies"][0]["reasons"][0]
    assert reason["reason"] == "payment.set_off" and reason["label"] == "Set-off"


def test_default_period_is_the_last_12_months(client, tenants, bearer):
    from ledger.clock import today

    body = report(client, bearer(tenants.a.viewer), "")
    end = today()
    assert body["to"] == end.isoformat()
    start = date.fromisoformat(body["from"])
    assert start == last_12_months(end).start
    assert (end - start).days + 1 in (365, 366)  # the day after the same date a year before
    assert body["currencies"] == [] and body["overall"]["median_days_to_resolve"] is None


def test_the_query_function_matches_the_api(scenario: Scenario):
    found = queries.dispute_analytics(
        scenario.t.a.org.id, scenario.t.a.owner, Period(FROM, TO), today=date(2026, 1, 1)
    )
    assert found.overall.median_days_to_resolve == 2.0
    eur = found.currencies[0]
    assert eur.currency == "EUR" and eur.totals.cash_blocked.amount == "5540.00"


@pytest.mark.postgres_only
def test_the_session_time_zone_moves_no_dispute_to_another_day(client, scenario, bearer):
    """Days are UTC days: a +14:00 session would shift CAST(timestamptz AS date)."""
    headers = bearer(scenario.t.a.owner)
    db.session.execute(text("SET TIME ZONE 'Pacific/Kiritimati'"))
    body = report(client, headers)
    eur = by(body["currencies"], "currency")["EUR"]
    assert eur["totals"]["cash_blocked"] == money("5540.00")
    assert body["overall"]["median_days_to_resolve"] == 2.0
