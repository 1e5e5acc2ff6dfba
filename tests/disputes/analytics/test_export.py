"""The CSV export: one row per (currency, team, reason), every figure, formula-safe cells."""

from __future__ import annotations

import csv
import io

import pytest

from tests import factories
from tests.disputes.analytics.helpers import PERIOD, Scenario, at, dated_dispute


def rows(client, query: str = PERIOD) -> list[dict[str, str]]:
    resp = client.get(f"/disputes/analytics.csv?{query}", buffered=True)
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"] == (
        'attachment; filename="dispute-analytics-2025-01-01-2025-01-31.csv"'
    )
    assert resp.headers["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(resp.text)))


def test_one_row_per_currency_team_and_reason_with_every_figure(scenario: Scenario, login_as):
    found = rows(login_as(scenario.t.a.viewer))
    assert [(r["currency"], r["reason"]) for r in found] == [
        ("EUR", "invoicing.price"),
        ("EUR", "delivery.late"),
        ("EUR", "delivery.damaged"),
        ("EUR", "quality.defect"),
        ("USD", "delivery.damaged"),
    ]
    damaged = found[2]
    assert damaged == {
        "period_from": "2025-01-01",
        "period_to": "2025-01-31",
        "currency": "EUR",
        "team": "delivery",
        "team_label": "Delivery",
        "reason": "delivery.damaged",
        "reason_label": "Damaged",
        "opened": "2",
        "open_now": "0",
        "resolved": "2",
        "outcome_credit_note": "0",
        "outcome_corrected_invoice": "0",
        "outcome_rejected": "1",
        "outcome_withdrawn": "1",
        "median_days_to_resolve": "3.0",
        "disputed": "160.00",
        "open_amount": "0.00",
        "cash_blocked_currency_days": "440.00",
        "top_debtor": "Beta SA",
    }
    late = found[1]
    assert late["median_days_to_resolve"] == "" and late["cash_blocked_currency_days"] == "2400.00"
    assert found[3]["top_debtor"] == ""
    assert found[4]["cash_blocked_currency_days"] == "1000.00"


def test_the_export_holds_the_callers_rows_only(scenario: Scenario, login_as):
    """T9: B's dispute is never in A's export; a sales rep's rows are their scope."""
    owner = rows(login_as(scenario.t.a.owner))
    assert "999.00" not in str(owner)
    sales = rows(login_as(scenario.t.a.sales))
    assert {r["reason"] for r in sales} == {"invoicing.price", "delivery.late", "delivery.damaged"}
    damaged = next(r for r in sales if r["reason"] == "delivery.damaged" and r["currency"] == "EUR")
    assert damaged["disputed"] == "100.00" and damaged["top_debtor"] == "Alpha GmbH"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_user_text_cannot_run_as_a_formula(tenants, login_as, prefix):
    """The debtor name is the one user text in the export; descriptions are never in it."""
    hostile = f'{prefix}HYPERLINK("http://evil.example","x")'
    debtor = factories.make_debtor(tenants.a.org, hostile)
    dated_dispute(
        tenants.a.org,
        debtor,
        reason="delivery.damaged",
        amount="10.00",
        opened=at("2025-01-02"),
        description=f'=HYPERLINK("http://evil.example/desc","{prefix}")',
    )
    resp = login_as(tenants.a.owner).get(f"/disputes/analytics.csv?{PERIOD}", buffered=True)
    assert "evil.example/desc" not in resp.text
    (row,) = list(csv.DictReader(io.StringIO(resp.text)))
    assert row["top_debtor"] == f"'{hostile}"
    for line in resp.text.splitlines()[1:]:
        for value in next(csv.reader([line])):
            assert not value.startswith(("=", "+", "-", "@")), value
