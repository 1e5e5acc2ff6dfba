"""The "Disputes" sections on the ledger's invoice and debtor pages (hooks), and T18, P6."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.extensions import db
from disputes import sections
from ledger.clock import today
from tests import factories
from tests.disputes.web.list_helpers import (
    ATTRIBUTE,
    SCRIPT,
    dispute,
    make_world,
    resolve,
)
from tests.statements import count_statements


@pytest.fixture
def world(tenants):
    return make_world(tenants)


def section_ids(html: str, testid: str) -> list[int]:
    """Dispute ids in the rows of one section (`invoice-dispute-row` or `debtor-dispute-row`)."""
    rows = re.findall(rf'<tr data-testid="{testid}">\s*<td><a href="/disputes/(\d+)"', html)
    return [int(n) for n in rows]


def open_link(invoice_id: int) -> str:
    return f'href="/invoices/{invoice_id}/disputes/new" data-testid="open-dispute"'


def test_invoice_page_lists_the_invoices_disputes(world, login_as):
    html = login_as(world.t.a.owner).get(f"/invoices/{world.ib.id}").text
    assert 'data-testid="invoice-disputes"' in html
    # unresolved first, then resolved
    assert section_ids(html, "invoice-dispute-row") == [world.d2.id, world.d3.id]
    assert "Invoicing: price" in html and "Quality: defect" in html
    assert world.t.a.sales.name in html and world.t.a.owner.name in html
    assert ">Open<" in html and ">Resolved<" in html
    assert "100.00 EUR" in html
    assert world.d1.id not in section_ids(html, "invoice-dispute-row")


def test_invoice_without_disputes_says_so(world, login_as):
    invoice = factories.make_invoice(world.t.a.org, world.beta)
    html = login_as(world.t.a.credit).get(f"/invoices/{invoice.id}").text
    assert "No disputes on this invoice." in html
    assert open_link(invoice.id) in html


@pytest.mark.parametrize("role", ["owner", "credit", "sales"])
def test_writers_get_the_open_link(world, login_as, role):
    # Alpha is the sales rep's debtor, so every writer sees its invoice
    html = login_as(getattr(world.t.a, role)).get(f"/invoices/{world.ia.id}").text
    assert open_link(world.ia.id) in html


def test_viewer_reads_the_section_but_gets_no_open_link(world, login_as):
    html = login_as(world.t.a.viewer).get(f"/invoices/{world.ia.id}").text
    assert section_ids(html, "invoice-dispute-row") == [world.d1.id, world.d4.id]
    assert 'data-testid="open-dispute"' not in html
    assert 'data-testid="nothing-to-dispute"' not in html


def test_no_open_link_when_nothing_is_left_to_dispute(world, login_as):
    org = world.t.a.org
    full = factories.make_invoice(org, world.beta, amount="300.00")
    dispute(full, amount="300.00")
    closed = factories.make_invoice(org, world.beta)
    closed.cancelled_on = today()
    written_off = factories.make_invoice(org, world.beta)
    written_off.written_off_on = today()
    db.session.commit()
    client = login_as(world.t.a.credit)
    for invoice in (full, closed, written_off):
        html = client.get(f"/invoices/{invoice.id}").text
        assert 'data-testid="open-dispute"' not in html, invoice.number
        assert 'data-testid="nothing-to-dispute"' in html, invoice.number
    # a partly disputed invoice still has something to dispute
    assert open_link(world.ia.id) in client.get(f"/invoices/{world.ia.id}").text


def test_debtor_page_lists_unresolved_disputes_and_counts_resolved(world, login_as):
    html = login_as(world.t.a.owner).get(f"/debtors/{world.beta.id}").text
    assert 'data-testid="debtor-disputes"' in html
    assert section_ids(html, "debtor-dispute-row") == [world.d2.id]
    assert f'href="/invoices/{world.ib.id}">INV-BETA<' in html
    assert "1 resolved dispute<" in html
    assert f"/disputes?debtor_id={world.beta.id}" in html
    alpha = login_as(world.t.a.owner).get(f"/debtors/{world.alpha.id}").text
    # the breached d1 (due 3 days ago) before d4 (due in 20 days); nothing resolved
    assert section_ids(alpha, "debtor-dispute-row") == [world.d1.id, world.d4.id]
    assert "No resolved disputes." in alpha


def test_debtor_page_when_every_dispute_is_resolved(world, login_as):
    resolve(world.d1)
    resolve(world.d4)
    html = login_as(world.t.a.credit).get(f"/debtors/{world.alpha.id}").text
    assert "No unresolved disputes." in html
    assert "2 resolved disputes<" in html
    assert section_ids(html, "debtor-dispute-row") == []


def test_sales_rep_sees_the_sections_of_their_debtor(world, login_as):
    client = login_as(world.t.a.sales)
    html = client.get(f"/debtors/{world.alpha.id}").text
    assert section_ids(html, "debtor-dispute-row") == [world.d1.id, world.d4.id]
    # Beta is not theirs: the ledger page itself is a 404, sections included
    assert client.get(f"/debtors/{world.beta.id}").status_code == 404
    assert client.get(f"/invoices/{world.ib.id}").status_code == 404


def test_sections_refuse_other_tenants_and_agencies(world, app):
    """The handlers check the caller themselves, whatever page calls them."""
    b_credit, agency = world.t.b.credit, world.t.x.owner
    with app.test_request_context():
        assert sections.invoice_section(world.ia, b_credit) is None
        assert sections.debtor_section(world.alpha, b_credit) is None
        assert sections.invoice_section(world.ia, agency) is None
        assert sections.debtor_section(world.alpha, agency) is None
        assert sections.nav_items(agency) == []
        assert sections.invoice_section(world.ia, world.t.a.viewer) is not None


def test_foreign_disputes_never_appear_in_sections(world, login_as):
    for path in (f"/invoices/{world.ia.id}", f"/debtors/{world.alpha.id}"):
        html = login_as(world.t.a.owner).get(path).text
        assert "Foreign tenant" not in html and "B-0001" not in html, path
    html = login_as(world.t.b.owner).get(f"/invoices/{world.foreign_invoice.id}").text
    assert section_ids(html, "invoice-dispute-row") == [world.foreign.id]
    assert login_as(world.t.b.owner).get(f"/invoices/{world.ia.id}").status_code == 404


def test_hostile_strings_are_escaped_in_both_sections(world, login_as):
    org = world.t.a.org
    debtor = factories.make_debtor(org, f"Evil {SCRIPT}{ATTRIBUTE}")
    invoice = factories.make_invoice(org, debtor, number=f"N{SCRIPT}{ATTRIBUTE}")
    evil_owner = factories.make_user(org, "credit", name=f"Eve {SCRIPT}{ATTRIBUTE}")
    dispute(invoice, description=f"{SCRIPT} and {ATTRIBUTE}", owner=evil_owner)
    client = login_as(world.t.a.owner)
    for path in (f"/invoices/{invoice.id}", f"/debtors/{debtor.id}", "/disputes"):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert '" onmouseover=x' not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt; and &#34; onmouseover=x" in html, path
        assert "Eve &lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=x" in html, path
    debtor_html = client.get(f"/debtors/{debtor.id}").text
    assert "N&lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=x" in debtor_html


def test_statement_counts_do_not_grow_with_disputes(tenants, login_as):
    a = tenants.a
    debtor = factories.make_debtor(a.org, "Busy AG", sales_rep_id=a.sales.id)
    invoice = factories.make_invoice(a.org, debtor, amount="10000.00")
    owners = [a.owner, a.credit, a.sales, None]

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            other = factories.make_invoice(a.org, debtor, number=f"BUSY-{n}")
            due = today() + timedelta(days=n % 5 - 2)
            dispute(invoice, amount="10.00", owner=owners[n % 4], due_date=due)
            made = dispute(other, owner=owners[(n + 1) % 4], due_date=due)
            if n % 3 == 0:
                resolve(made)

    paths = [f"/invoices/{invoice.id}", f"/debtors/{debtor.id}"]
    add(3, 0)
    few = {
        (r, p): count_statements(login_as(getattr(a, r)), p)
        for r in ("owner", "sales")
        for p in paths
    }
    add(27, 3)
    html = login_as(a.owner).get(paths[0]).text
    assert len(section_ids(html, "invoice-dispute-row")) == 30
    many = {
        (r, p): count_statements(login_as(getattr(a, r)), p)
        for r in ("owner", "sales")
        for p in paths
    }
    assert many == few
