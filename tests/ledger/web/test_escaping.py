"""T18 on the ledger pages: hostile debtor names, numbers and notes are escaped everywhere."""

from __future__ import annotations

from core.extensions import db
from core.money import Money
from ledger import services
from tests import factories
from tests.ledger.web.conftest import Ledger

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'


def test_hostile_text_is_escaped_on_every_page(ledger: Ledger, login_as):
    org = ledger.t.a.org
    debtor = factories.make_debtor(
        org, f"Evil {SCRIPT}{ATTRIBUTE}", notes=SCRIPT, address=ATTRIBUTE, sector=SCRIPT
    )
    invoice = factories.make_invoice(org, debtor, number=f"N{SCRIPT}", po_number=ATTRIBUTE)
    services.record_payment(
        invoice,
        amount=Money(100, "EUR"),
        received_on=invoice.issue_date,
        reference=SCRIPT,
        actor=None,
    )
    services.issue_credit_note(
        invoice, amount=Money(100, "EUR"), issued_on=invoice.issue_date, reason=SCRIPT, actor=None
    )
    db.session.commit()
    client = login_as(ledger.t.a.owner)
    for path in (
        "/",
        "/debtors",
        f"/debtors/{debtor.id}",
        f"/debtors/{debtor.id}/edit",
        "/invoices",
        f"/invoices/{invoice.id}",
        f"/invoices?q={SCRIPT}",
        f"/debtors?q={ATTRIBUTE}",
    ):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert 'onmouseover="alert' not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/debtors/{debtor.id}").text
