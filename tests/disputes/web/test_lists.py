"""The dispute list and "my disputes": filters, order, pages, visibility, tenancy, T18, P6."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from disputes.models import Dispute
from disputes.states import DisputeStatus
from ledger.clock import today
from tests import factories
from tests.disputes.web.list_helpers import (
    ATTRIBUTE,
    SCRIPT,
    dispute,
    make_world,
    row_ids,
)
from tests.statements import count_statements


@pytest.fixture
def world(tenants):
    return make_world(tenants)


def ids(*disputes: Dispute) -> set[int]:
    return {d.id for d in disputes}


@pytest.mark.parametrize("role", ["owner", "credit", "sales", "viewer"])
def test_every_creditor_role_opens_both_lists(world, login_as, role):
    client = login_as(getattr(world.t.a, role))
    for path in ("/disputes", "/disputes/mine"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert 'data-testid="dispute-filters"' in resp.text


def test_list_shows_the_columns_and_most_urgent_first(world, login_as):
    html = login_as(world.t.a.owner).get("/disputes").text
    # unresolved by SLA due date (breached d1 first), the resolved d3 last
    assert row_ids(html) == [world.d1.id, world.d2.id, world.d4.id, world.d3.id]
    assert f'href="/disputes/{world.d1.id}"' in html
    assert f'href="/invoices/{world.ia.id}">INV-ALPHA<' in html
    assert f'href="/debtors/{world.alpha.id}"' in html and "Alpha GmbH" in html
    assert "Delivery: damaged" in html and "Payment: already paid" in html
    assert "100.00 EUR" in html
    assert world.t.a.credit.name in html
    assert '<span class="badge badge-ok">Resolved</span>' in html
    assert html.count('<span class="badge badge-warn">Open</span>') == 3
    d1_due = (today() - timedelta(days=3)).isoformat()
    assert html.count('data-testid="sla-breached"') == 1
    assert f'data-testid="sla-breached"><strong>{d1_due}</strong>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=resolved", ["d3"]),
        ("status=open", ["d1", "d2", "d4"]),
        ("status=in_review", []),
        ("reason_team=invoicing", ["d2"]),
        ("reason_team=delivery", ["d1"]),
        ("reason=quality.defect", ["d3"]),
        ("reason=delivery.late", []),
        ("sla_breached=1", ["d1"]),
        ("sla_breached=0", ["d2", "d3", "d4"]),
        ("status=open&reason_team=payment", ["d4"]),
        ("status=&reason_team=&owner_id=", ["d1", "d2", "d3", "d4"]),
    ],
)
def test_each_filter(world, login_as, query, expected):
    html = login_as(world.t.a.owner).get(f"/disputes?{query}").text
    assert set(row_ids(html)) == {getattr(world, name).id for name in expected}


def test_owner_debtor_and_invoice_filters(world, login_as):
    client = login_as(world.t.a.owner)
    get = lambda query: set(row_ids(client.get(f"/disputes?{query}").text))  # noqa: E731
    assert get(f"owner_id={world.t.a.credit.id}") == ids(world.d1)
    assert get(f"owner_id={world.t.a.sales.id}") == ids(world.d2)
    assert get(f"debtor_id={world.alpha.id}") == ids(world.d1, world.d4)
    assert get(f"invoice_id={world.ib.id}") == ids(world.d2, world.d3)
    assert get(f"debtor_id={world.beta.id}&status=resolved") == ids(world.d3)


def test_filters_are_kept_in_the_form(world, login_as):
    html = login_as(world.t.a.owner).get("/disputes?status=open&sla_breached=1").text
    assert '<option value="open" selected>' in html
    assert 'name="sla_breached" value="1" checked' in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=closed", "status"),
        ("reason_team=sales", "reason_team"),
        ("reason=delivery.nope", "reason"),
        ("reason=<script>", "reason"),
        ("owner_id=abc", "owner_id"),
        ("owner_id=99999999999999999999", "owner_id"),
        ("debtor_id=-1", "debtor_id"),
        ("invoice_id=0", "invoice_id"),
        ("sla_breached=maybe", "sla_breached"),
    ],
)
def test_bad_filter_values_are_400_with_the_field_named(world, login_as, query, field):
    for path in ("/disputes", "/disputes/mine"):
        resp = login_as(world.t.a.owner).get(f"{path}?{query}")
        assert resp.status_code == 400, path
        assert f"Invalid filter: {field}." in resp.text
        assert row_ids(resp.text) == []


@pytest.mark.parametrize("query", ["page=0", "page=-3", "page_size=0", "page=10000000000"])
def test_bad_page_arguments_are_400(world, login_as, query):
    resp = login_as(world.t.a.owner).get(f"/disputes?{query}")
    assert resp.status_code == 400
    assert "Invalid page." in resp.text


def test_non_numeric_page_arguments_read_as_the_defaults(world, login_as):
    html = login_as(world.t.a.owner).get("/disputes?page=abc&page_size=").text
    assert len(row_ids(html)) == 4


def test_pages_hold_at_most_100_rows(world, login_as):
    org, invoice = world.t.a.org, world.ia
    db.session.add_all(
        Dispute(
            org_id=org.id,
            invoice_id=invoice.id,
            reason_team="delivery",
            reason_code="late",
            currency="EUR",
            amount_minor=100,
            description=f"Bulk {n}",
            status=DisputeStatus.OPEN,
        )
        for n in range(110)
    )
    db.session.commit()
    client = login_as(world.t.a.owner)
    first = client.get("/disputes?page_size=1000").text
    assert len(row_ids(first)) == 100
    assert "Page 1 of 2 · 114 in all" in first
    second = client.get("/disputes?page_size=1000&page=2").text
    assert len(row_ids(second)) == 14
    assert not set(row_ids(first)) & set(row_ids(second))
    default = client.get("/disputes").text
    assert len(row_ids(default)) == 50 and "Page 1 of 3 · 114 in all" in default
    assert client.get("/disputes?page=99").status_code == 200


def test_my_disputes_are_the_ones_the_user_owns(world, login_as):
    a = world.t.a
    assert set(row_ids(login_as(a.sales).get("/disputes/mine").text)) == ids(world.d2)
    assert set(row_ids(login_as(a.credit).get("/disputes/mine").text)) == ids(world.d1)
    assert set(row_ids(login_as(a.owner).get("/disputes/mine").text)) == ids(world.d3)
    assert row_ids(login_as(a.viewer).get("/disputes/mine").text) == []
    # another owner in the query string does not widen "mine"; other filters still apply
    client = login_as(a.credit)
    assert set(row_ids(client.get(f"/disputes/mine?owner_id={a.sales.id}").text)) == ids(world.d1)
    assert row_ids(client.get("/disputes/mine?status=resolved").text) == []
    assert 'name="owner_id"' not in client.get("/disputes/mine").text


def test_sales_see_their_debtors_and_the_disputes_they_own(world, login_as):
    html = login_as(world.t.a.sales).get("/disputes").text
    # Alpha is theirs (d1, d4); d2 is on Beta but theirs to settle; d3 is neither
    assert set(row_ids(html)) == ids(world.d1, world.d2, world.d4)
    # Beta's invoice and debtor pages are closed to them: shown as text, not links
    assert f'href="/invoices/{world.ib.id}"' not in html and "INV-BETA" in html
    assert f'href="/debtors/{world.beta.id}"' not in html
    assert f'href="/invoices/{world.ia.id}"' in html
    assert row_ids(login_as(world.t.a.sales).get("/disputes?status=resolved").text) == []
    assert row_ids(login_as(world.t.a.sales).get(f"/disputes?debtor_id={world.beta.id}").text) == [
        world.d2.id
    ]


def test_sales_see_everything_when_the_organisation_allows_it(world, login_as):
    world.t.a.org.sales_see_all = True
    db.session.commit()
    html = login_as(world.t.a.sales).get("/disputes").text
    assert set(row_ids(html)) == ids(world.d1, world.d2, world.d3, world.d4)


def test_another_tenants_disputes_never_appear(world, login_as):
    a_pages = [
        "/disputes",
        "/disputes/mine",
        f"/disputes?invoice_id={world.foreign_invoice.id}",
        f"/disputes?debtor_id={world.foreign_invoice.debtor_id}",
        f"/disputes?owner_id={world.t.b.credit.id}",
    ]
    for path in a_pages:
        html = login_as(world.t.a.owner).get(path).text
        assert world.foreign.id not in row_ids(html), path
        assert "Gamma Foreign" not in html and "B-0001" not in html, path
        assert world.t.b.credit.name not in html, path
    b_html = login_as(world.t.b.credit).get("/disputes").text
    assert row_ids(b_html) == [world.foreign.id]
    assert "Alpha GmbH" not in b_html and world.t.a.credit.name not in b_html
    assert row_ids(login_as(world.t.b.credit).get("/disputes/mine").text) == [world.foreign.id]


@pytest.mark.parametrize("role", ["owner", "collector"])
def test_agencies_get_403_and_no_disputes_menu(world, login_as, role):
    client = login_as(getattr(world.t.x, role))
    for path in ("/disputes", "/disputes/mine", "/disputes?status=open"):
        assert client.get(path).status_code == 403, path
    assert ">Disputes<" not in client.get("/").text


def test_anonymous_is_sent_to_sign_in(world, client):
    for path in ("/disputes", "/disputes/mine"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], path


@pytest.mark.parametrize("role", ["owner", "credit", "sales", "viewer"])
def test_creditor_menu_has_disputes(world, login_as, role):
    html = login_as(getattr(world.t.a, role)).get("/").text
    assert '<a href="/disputes">Disputes</a>' in html
    assert '<a href="/disputes" aria-current="page">Disputes</a>' in (
        login_as(getattr(world.t.a, role)).get("/disputes").text
    )


@pytest.mark.parametrize(
    ("role", "shown"), [("owner", True), ("credit", True), ("sales", False), ("viewer", False)]
)
def test_analytics_link_for_owner_and_credit(world, login_as, role, shown):
    html = login_as(getattr(world.t.a, role)).get("/disputes").text
    assert ('data-testid="analytics-link"' in html) is shown
    assert ('href="/disputes/analytics"' in html) is shown


def test_hostile_strings_are_escaped_in_the_list(world, login_as):
    org = world.t.a.org
    debtor = factories.make_debtor(org, f"Evil {SCRIPT}{ATTRIBUTE}")
    invoice = factories.make_invoice(org, debtor, number=f"N{SCRIPT}{ATTRIBUTE}")
    dispute(invoice, description=f"{SCRIPT} and {ATTRIBUTE}", owner=world.t.a.credit)
    for path in ("/disputes", "/disputes/mine", f"/disputes?reason={SCRIPT}"):
        html = login_as(world.t.a.credit).get(path).text
        assert "<script>alert" not in html, path
        assert '" onmouseover=x' not in html, path
    html = login_as(world.t.a.credit).get("/disputes").text
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=x" in html
    assert "N&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and &#34; onmouseover=x" in html


def test_statement_count_does_not_grow_with_rows(tenants, login_as):
    a = tenants.a
    owners = [a.owner, a.credit, a.sales]

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            debtor = factories.make_debtor(a.org, f"Load {n}", sales_rep_id=a.sales.id)
            invoice = factories.make_invoice(a.org, debtor, number=f"LOAD-{n}")
            dispute(invoice, owner=owners[n % 3], due_date=today() - timedelta(days=n % 4 - 1))

    paths = ["/disputes", "/disputes/mine", "/disputes?status=open&sla_breached=1"]
    add(3, 0)
    few = {
        (role, p): count_statements(login_as(getattr(a, role)), p)
        for role in ("owner", "sales")
        for p in paths
    }
    add(27, 3)
    assert len(row_ids(login_as(a.owner).get("/disputes").text)) == 30
    many = {
        (role, p): count_statements(login_as(getattr(a, role)), p)
        for role in ("owner", "sales")
        for p in paths
    }
    assert many == few
