"""CSV export: the list's filtered query, caller's rows only (T9), formula-safe; T44 on the list."""

from __future__ import annotations

import csv
import io

import pytest

from ledger.views.export import safe_cell
from tests import factories
from tests.ledger.web.conftest import Ledger


def rows(client, query: str = "") -> list[dict[str, str]]:
    resp = client.get(f"/invoices.csv{query}", buffered=True)
    assert resp.status_code == 200, resp.text
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(resp.text)))


def test_csv_content(ledger: Ledger, login_as):
    found = rows(login_as(ledger.t.a.viewer), "?sort=number")
    assert [r["number"] for r in found] == ["INV-A1", "INV-A2", "INV-B1"]
    a1 = found[0]
    assert a1["debtor"] == "Alpha GmbH" and a1["currency"] == "EUR"
    assert a1["amount"] == "1000.00" and a1["outstanding"] == "1000.00"
    assert a1["status"] == "overdue" and a1["days_overdue"] == "30"


def test_csv_uses_the_list_filters(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.owner)
    assert [r["number"] for r in rows(client, "?status=overdue&sort=number")] == [
        "INV-A1",
        "INV-B1",
    ]
    assert [r["number"] for r in rows(client, "?min_days_overdue=60")] == ["INV-B1"]
    assert [r["number"] for r in rows(client, "?q=beta")] == ["INV-B1"]
    assert [r["number"] for r in rows(client, f"?debtor_id={ledger.alpha.id}&sort=-amount")] == [
        "INV-A1",
        "INV-A2",
    ]
    assert rows(client, "?currency=USD") == []


def test_csv_totals_equal_the_callers_rows_only(ledger: Ledger, login_as):
    """T9: a sales rep's export adds up to their own debtors' invoices, nothing more."""
    found = rows(login_as(ledger.t.a.sales))
    assert {r["debtor"] for r in found} == {"Alpha GmbH"}
    assert sum(int(r["outstanding"].replace(".", "")) for r in found) == 150000
    owner_rows = rows(login_as(ledger.t.a.owner))
    assert sum(int(r["outstanding"].replace(".", "")) for r in owner_rows) == 175000
    assert "B-0001" not in {r["number"] for r in owner_rows}


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_csv_cells_cannot_run_formulas(ledger: Ledger, login_as, prefix):
    name = f'{prefix}HYPERLINK("http://evil.example","x")'
    debtor = factories.make_debtor(ledger.t.a.org, name)
    factories.make_invoice(ledger.t.a.org, debtor, number=f"{prefix}1+1", po_number=f"{prefix}cmd")
    found = {r["number"]: r for r in rows(login_as(ledger.t.a.owner))}
    row = found[f"'{prefix}1+1"]
    assert row["debtor"] == f"'{name}" and row["po_number"] == f"'{prefix}cmd"


def test_safe_cell_leaves_ordinary_values_alone():
    assert safe_cell("ACME") == "ACME" and safe_cell(None) == "" and safe_cell(12) == "12"
    assert safe_cell("\t=1") == "'\t=1"


@pytest.mark.parametrize(
    "query",
    ["sort=amount;drop table", "sort=password", "status=bogus", "currency=EURO", "page=-3"],
)
def test_bad_list_arguments_are_400_not_500(ledger: Ledger, login_as, query):
    client = login_as(ledger.t.a.owner)
    assert client.get(f"/invoices?{query}").status_code == 400
    if not query.startswith("page"):
        assert client.get(f"/invoices.csv?{query}", buffered=True).status_code == 400


def test_sortable_headers_and_page_size_cap(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.owner)
    page = client.get("/invoices?sort=number").text
    assert 'href="/invoices?sort=-number&amp;page=1"' in page  # click again: descending
    assert page.index("INV-A1") < page.index("INV-A2") < page.index("INV-B1")
    page = client.get("/invoices?sort=-outstanding").text
    assert page.index("INV-A1") < page.index("INV-A2") < page.index("INV-B1")
    for n in range(3):
        factories.make_invoice(ledger.t.a.org, ledger.beta, number=f"P-{n}")
    page = client.get("/invoices?page_size=2&sort=number").text
    assert page.count('data-testid="invoice-row"') == 2 and "Page 1 of 3" in page
    page = client.get("/invoices?page_size=100000&page=1000000").text
    assert page.count('data-testid="invoice-row"') == 0  # capped size, empty far page, no 500


def test_debtor_list_pages(ledger: Ledger, login_as):
    for n in range(51):
        factories.make_debtor(ledger.t.a.org, f"Zeta {n:02d}")
    client = login_as(ledger.t.a.owner)
    first = client.get("/debtors").text
    assert first.count('data-testid="debtor-row"') == 50 and "Page 1 of 2" in first
    assert client.get("/debtors?page=2").text.count('data-testid="debtor-row"') == 3
