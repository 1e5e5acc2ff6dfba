"""DSO: the countback worked example, and every figure against a hand-calculated ledger."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from ledger.reports.dso import countback
from tests import factories
from tests.ledger.reports.helpers import AS_OF, money, pay

URL = "/api/v1/reports/dso"


def test_countback_matches_the_worked_example():
    # AR 212,000; sales 100,000 / 80,000 / 70,000 in months of 30 days, latest first
    months = [(100_000, 30), (80_000, 30), (70_000, 30)]
    assert round(countback(212_000, months), 1) == 73.7  # 30 + 30 + 32/70 x 30


@pytest.mark.parametrize(
    ("receivables", "months", "expected"),
    [
        (0, [(100, 30)], 0.0),
        (50, [(100, 30)], 15.0),
        (100, [(0, 30), (0, 31)], None),
        (500, [(100, 30), (100, 31)], 61.0),  # more owed than sold: every day counted
    ],
)
def test_countback_edges(receivables, months, expected):
    assert countback(receivables, months) == expected


def _worked_ledger(org):
    """Sales 70,000 (January), 80,000 (February), 100,000 (March); 212,000 owed at AS_OF."""
    debtor = factories.make_debtor(org)
    january = factories.make_invoice(
        org, debtor, amount="70000.00", issue_date=date(2026, 1, 10), due_date=date(2026, 2, 9)
    )
    factories.make_invoice(
        org, debtor, amount="80000.00", issue_date=date(2026, 2, 10), due_date=date(2026, 3, 12)
    )
    factories.make_invoice(
        org, debtor, amount="100000.00", issue_date=date(2026, 3, 15), due_date=date(2026, 4, 14)
    )
    pay(january, "38000.00", date(2026, 3, 5))


def test_every_figure_against_the_hand_calculation(client, tenants, bearer):
    org = tenants.a.org
    org.target_dso_days = 45
    db.session.commit()
    _worked_ledger(org)
    resp = client.get(
        URL, query_string={"as_of": AS_OF.isoformat()}, headers=bearer(tenants.a.viewer)
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.json
    assert body["receivables"] == money("212000.00") and body["sales"] == money("250000.00")
    assert body["current_receivables"] == money("100000.00")
    assert body["standard"] == 76.3  # 212/250 x 90
    assert body["countback"] == 73.2  # 31 (March) + 28 (February) + 32/70 x 31
    assert body["best_possible"] == 36.0  # 100/250 x 90
    assert body["average_days_delinquent"] == 40.3  # 76.32 - 36
    assert body["target_dso_days"] == 45 and body["period_days"] == 90
    trend = body["trend"]
    assert [p["month"] for p in trend][:2] == ["2025-04", "2025-05"] and len(trend) == 12
    assert trend[-1] == {"month": "2026-03", "dso": 76.3}  # the as_of point is `standard`
    assert trend[-2] == {"month": "2026-02", "dso": 90.0}  # 150,000 owed, 150,000 sold
    assert trend[-3] == {"month": "2026-01", "dso": 90.0}
    assert trend[0]["dso"] is None  # nothing sold yet


def test_period_days_changes_the_window(client, tenants, bearer):
    _worked_ledger(tenants.a.org)
    resp = client.get(
        URL,
        query_string={"as_of": AS_OF.isoformat(), "period_days": 30},
        headers=bearer(tenants.a.owner),
    )
    assert resp.json["sales"] == money("100000.00")  # only March's invoice
    assert resp.json["standard"] == 63.6  # 212/100 x 30


def test_no_sales_gives_no_dso(client, tenants, bearer):
    resp = client.get(URL, headers=bearer(tenants.a.owner))
    assert resp.status_code == 200
    assert resp.json["standard"] is None and resp.json["countback"] == 0.0
