"""The invoice page's interest section when the reference rates run out (2026 H2 unconfirmed).

The page is pinned to 22 Nov 2026: ecb_mro.csv and de_basiszins.csv stop at 2026 H1, boe_base.csv
confirms the UK fixing of 30 Jun 2026. Interest = principal x rate x days / 365, half-up.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.extensions import db
from core.money import Money
from ledger import services
from tests import factories

TODAY = date(2026, 11, 22)
NOTICE = (
    "Interest from 1 Jul 2026 is not included: the reference rate for 2026 H2 is not in "
    "ledger/interest/data/{file}.csv yet."
)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("ledger.views.invoices.today", lambda: TODAY)


def text(html: str) -> str:
    """The page without tags, whitespace collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_interest_up_to_the_last_confirmed_rate_with_the_gap_stated(ledger, login_as):
    debtor = factories.make_debtor(ledger.t.a.org, "Gap SARL", country="FR")
    invoice = factories.make_invoice(
        ledger.t.a.org,
        debtor,
        amount="1000.00",
        issue_date=date(2026, 5, 1),
        due_date=date(2026, 5, 31),
    )
    html = login_as(ledger.t.a.credit).get(f"/invoices/{invoice.id}").text
    assert "Cannot compute the interest" not in html
    # 1.6.-30.6.2026: 30 days at 2.15 % ECB (2026 H1) + 10 % FR margin = 12.15 %
    #   100,000 x 1215 x 30 / 3,650,000 = 998.63 -> 999 = 9.99 EUR; nothing after 30 June
    assert 'data-testid="interest-total"><strong>9.99 EUR' in html
    assert "Interest to 2026-06-30" in html
    assert 'data-testid="compensation">40.00 EUR' in html
    assert 'data-testid="interest-gap"' in html
    assert NOTICE.format(file="ecb_mro") in text(html)
    assert "<small><code>ledger/interest/data/ecb_mro.csv</code></small>" in html


def test_interest_entirely_in_the_unconfirmed_half_year_still_shows_compensation(ledger, login_as):
    debtor = factories.make_debtor(ledger.t.a.org, "Spät GmbH", country="DE")
    invoice = factories.make_invoice(
        ledger.t.a.org,
        debtor,
        amount="500.00",
        issue_date=date(2026, 7, 1),
        due_date=date(2026, 7, 31),
    )
    html = login_as(ledger.t.a.viewer).get(f"/invoices/{invoice.id}").text
    assert 'data-testid="interest"' in html and "Cannot compute the interest" not in html
    assert 'data-testid="interest-total"' not in html  # no line can be computed yet
    assert 'data-testid="compensation">40.00 EUR' in html
    page = text(html)
    assert "Interest from 1 Aug 2026 is not included: the reference rate for 2026 H2" in page
    assert "ledger/interest/data/de_basiszins.csv" in page


def test_complete_interest_shows_no_gap_notice(ledger, login_as):
    debtor = factories.make_debtor(ledger.t.a.org, "London Ltd", country="GB")
    invoice = factories.make_invoice(
        ledger.t.a.org,
        debtor,
        amount="1000.00",
        currency="GBP",
        issue_date=date(2026, 7, 16),
        due_date=date(2026, 8, 15),
    )
    services.record_payment(
        invoice, amount=Money(40000, "GBP"), received_on=date(2026, 10, 1), actor=None
    )
    db.session.commit()
    html = login_as(ledger.t.a.owner).get(f"/invoices/{invoice.id}").text
    # UK: Bank Rate on 30.6.2026 3.75 % + 8 = 11.75 %, fixed once for the whole claim
    #   16.8.-1.10.  47 days x 1,000: 100,000 x 1175 x 47 / 3,650,000 = 1,513.01 -> 15.13
    #   2.10.-22.11. 52 days x   600:  60,000 x 1175 x 52 / 3,650,000 = 1,004.38 -> 10.04
    assert 'data-testid="interest-total"><strong>25.17 GBP' in html  # 15.13 + 10.04
    assert "Interest to 2026-11-22" in html
    assert 'data-testid="interest-gap"' not in html
    assert 'data-testid="compensation">70.00 GBP' in html  # 1,000.00 owed when interest starts


def test_consumers_and_non_eu_debtors_still_get_no_interest_section(ledger, login_as):
    consumer = factories.make_debtor(
        ledger.t.a.org, "Private Person", country="FR", debtor_type="consumer"
    )
    overseas = factories.make_debtor(ledger.t.a.org, "Overseas Inc", country="US")
    client = login_as(ledger.t.a.owner)
    for debtor in (consumer, overseas):
        invoice = factories.make_invoice(
            ledger.t.a.org, debtor, issue_date=date(2026, 5, 1), due_date=date(2026, 5, 31)
        )
        html = client.get(f"/invoices/{invoice.id}").text
        assert 'data-testid="interest"' not in html and "not included" not in html
