"""The analytics page: figures, the SVG chart (accessible, no script, no inline style), T18."""

from __future__ import annotations

import re

from core.extensions import db
from tests import factories
from tests.disputes.analytics.helpers import PERIOD, Scenario, at, dated_dispute

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'


def cell(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</t[dh]>', html, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def page(client, query: str = PERIOD) -> str:
    resp = client.get(f"/disputes/analytics?{query}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_the_tables_show_the_figures(scenario: Scenario, login_as):
    html = page(login_as(scenario.t.a.owner))
    assert cell(html, "overall-opened") == "5" and cell(html, "overall-median") == "2.0"
    assert cell(html, "team-delivery-median") == "2.0"
    assert cell(html, "team-contract-median") == "—"
    assert cell(html, "team-EUR-delivery-blocked") == "2,840.00 EUR"
    assert cell(html, "total-EUR-blocked") == "5,540.00 EUR"
    assert cell(html, "total-EUR-median") == "3.0"
    assert cell(html, "team-USD-delivery-blocked") == "1,000.00 USD"
    assert cell(html, "reason-EUR-delivery.late-blocked") == "2,400.00 EUR"
    assert cell(html, "reason-EUR-delivery.damaged-debtor") == "Beta SA"
    assert cell(html, "reason-EUR-delivery.damaged-withdrawn") == "1"
    # the period form keeps the period, the export link carries it
    assert 'name="from" value="2025-01-01"' in html and 'name="to" value="2025-01-31"' in html
    assert "/disputes/analytics.csv?from=2025-01-01&amp;to=2025-01-31" in html


def test_one_accessible_svg_chart_per_currency(scenario: Scenario, login_as):
    html = page(login_as(scenario.t.a.owner))
    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(charts) == 2
    eur = next(c for c in charts if 'data-testid="chart-eur"' in c)
    assert 'role="img"' in eur and 'aria-labelledby="chart-eur-title chart-eur-desc"' in eur
    assert '<title id="chart-eur-title">' in eur
    desc = re.search(r'<desc id="chart-eur-desc">(.*?)</desc>', eur, re.S).group(1)
    assert "Delivery: 3 opened, 2,840.00 EUR-days" in desc
    # the biggest team fills its column; an empty team draws no bar
    assert 'class="chart-bar chart-cash" x="396" y="60" width="210"' in eur  # delivery, 2nd row
    assert 'class="chart-bar chart-count" x="124" y="150" width="0"' in eur  # payment, 5th row
    assert re.search(r'class="chart-bar chart-cash" x="396" y="30" width="(\d+)"', eur).group(
        1
    ) == str(round(210 * 2700 / 2840))  # invoicing


def test_no_inline_style_and_no_script_on_the_page(scenario: Scenario, login_as):
    html = page(login_as(scenario.t.a.owner))
    assert "style=" not in html and "<style" not in html
    assert "<script" not in html


def test_a_sales_rep_sees_their_scope_only(scenario: Scenario, login_as):
    html = page(login_as(scenario.t.a.sales))
    assert cell(html, "overall-opened") == "3"
    assert "reason-EUR-quality.defect" not in html
    # beta is not their debtor: named (they own d3) but not linked to a page they cannot open
    assert cell(html, "reason-EUR-delivery.late-debtor") == "Beta SA"
    assert f"/debtors/{scenario.beta.id}" not in html


def test_an_empty_period_says_so(tenants, login_as):
    html = page(login_as(tenants.a.viewer))
    assert "No disputes in this period" in html and "<svg" not in html


def test_hostile_text_is_escaped_on_the_page(tenants, login_as):
    """T18: a debtor name is the only user text the page shows; descriptions never appear."""
    org = tenants.a.org
    debtor = factories.make_debtor(org, f"Evil {SCRIPT}{ATTRIBUTE}")
    dated_dispute(
        org,
        debtor,
        reason="contract.clause",
        amount="10.00",
        opened=at("2025-01-02"),
        description=f"{SCRIPT}{ATTRIBUTE}",
    )
    db.session.commit()
    html = page(login_as(tenants.a.owner))
    assert "<script>alert" not in html and 'onmouseover="alert' not in html
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=&#34;alert(1)" in html
    assert html.count("&lt;script&gt;") == 1  # the debtor; the description is not on the page
