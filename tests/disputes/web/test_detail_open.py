"""The open-dispute page: defaults, the happy path, refusals next to the fields, who may open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from disputes.models import Dispute, DisputeEvent
from ledger.clock import today
from tests import factories
from tests.disputes.web.detail_helpers import (
    ATTRIBUTE,
    SCRIPT,
    Scene,
    count,
    make_scene,
    post_form,
    reload,
)


@pytest.fixture
def scene(tenants) -> Scene:
    return make_scene(tenants)


def open_path(invoice_id: int) -> str:
    return f"/invoices/{invoice_id}/disputes/new"


def submit(client, invoice_id: int, owner, **change: str):
    fields = {
        "reason": "invoicing.price",
        "amount": "200.00",
        "description": "Unit price differs from the order confirmation.",
        "owner_id": str(owner.id),
        "due_date": "",
        **change,
    }
    return post_form(client, open_path(invoice_id), "/", **fields)  # the token: any page's


def test_the_form_offers_the_reasons_what_is_left_and_sensible_defaults(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = client.get(open_path(scene.invoice.id))
    assert resp.status_code == 200
    html = resp.text
    assert '<optgroup label="Invoicing">' in html and '<optgroup label="Payment">' in html
    assert '<option value="delivery.pod_missing">POD missing</option>' in html
    assert '<option value="invoicing.discount_missing">Discount missing</option>' in html
    # 1000.00 outstanding, 300.00 already disputed: 700.00 can still be disputed
    assert 'data-testid="disputable">700.00 EUR' in html
    assert re.search(r'<input[^>]* name="amount"[^>]* value="700.00"', html)
    assert f'<option selected value="{scene.t.a.credit.id}">' in html
    due = (today() + timedelta(days=14)).isoformat()
    assert re.search(rf'<input[^>]* name="due_date"[^>]* value="{due}"', html)
    # owners are sales and credit members; the viewer cannot own a dispute
    assert f'value="{scene.t.a.sales.id}"' in html
    assert f'value="{scene.t.a.viewer.id}"' not in html


def test_opening_a_dispute_redirects_to_its_page(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    due = (today() + timedelta(days=5)).isoformat()
    resp = submit(client, scene.invoice.id, scene.t.a.sales, due_date=due)
    assert resp.status_code == 302, resp.text
    made = db.session.scalar(select(Dispute).order_by(Dispute.id.desc()))
    assert resp.headers["Location"] == f"/disputes/{made.id}"
    assert (made.reason, made.amount_minor, made.owner_id) == (
        "invoicing.price",
        20000,
        scene.t.a.sales.id,
    )
    assert made.due_date.isoformat() == due and made.raised_by_id == scene.t.a.credit.id
    assert reload(scene.invoice).disputed_minor == 50000
    page = client.get(resp.headers["Location"]).text
    assert f"Dispute #{made.id} opened on invoice INV-100." in page
    assert 'data-testid="dispute-amount">200.00 EUR' in page
    assert f'data-testid="dispute-raised-by">{scene.t.a.credit.name}<' in page
    assert f'data-testid="dispute-owner">{scene.t.a.sales.name}<' in page


def test_a_sales_rep_opens_on_their_debtor_and_owns_it_by_default(scene: Scene, login_as):
    client = login_as(scene.t.a.sales)
    resp = submit(client, scene.invoice.id, scene.t.a.sales)
    assert resp.status_code == 302
    made = db.session.scalar(select(Dispute).order_by(Dispute.id.desc()))
    assert made.owner_id == scene.t.a.sales.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "700.01"}, "Between 0 and 700.00 EUR"),
        ({"amount": "12.345"}, "EUR amounts have exactly 2 decimals"),
        ({"amount": "abc"}, "is not a decimal number"),
        ({"amount": ""}, "This field is required."),
        ({"reason": "hardship.none"}, "Not a valid choice."),
        ({"description": "   "}, "This field is required."),
        ({"due_date": "31/12/2026"}, "Not a valid date value."),
    ],
)
def test_refusals_are_shown_next_to_the_field_and_write_nothing(
    scene: Scene, login_as, change, message
):
    client = login_as(scene.t.a.credit)
    before = count(Dispute), count(DisputeEvent)
    resp = submit(client, scene.invoice.id, scene.t.a.credit, **change)
    assert resp.status_code == 422
    assert 'aria-invalid="true"' in resp.text and message in resp.text
    assert (count(Dispute), count(DisputeEvent)) == before
    assert reload(scene.invoice).disputed_minor == 30000


def test_an_owner_from_another_organisation_or_a_viewer_is_refused(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    for owner in (scene.t.b.credit, scene.t.a.viewer):
        resp = submit(client, scene.invoice.id, owner)
        assert resp.status_code == 422 and "Not a valid choice." in resp.text
    assert count(Dispute) == 2


def test_a_closed_invoice_says_so_and_refuses(scene: Scene, login_as):
    invoice = factories.make_invoice(scene.t.a.org, scene.debtor, number="INV-CLOSED")
    invoice.cancelled_on = today()  # closed in the ERP
    db.session.commit()
    client = login_as(scene.t.a.owner)
    assert 'data-testid="cannot-dispute"' in client.get(open_path(invoice.id)).text
    resp = submit(client, invoice.id, scene.t.a.owner)
    assert resp.status_code == 409
    assert "The invoice is closed (cancelled or written off)." in resp.text
    assert count(Dispute) == 2


def test_hostile_values_are_not_echoed_unescaped(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = submit(
        client,
        scene.invoice.id,
        scene.t.a.credit,
        reason=SCRIPT,
        amount=ATTRIBUTE,
        description=SCRIPT + ATTRIBUTE,
    )
    assert resp.status_code == 422
    assert "<script>alert" not in resp.text and 'onmouseover="alert' not in resp.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in resp.text  # the description kept, escaped


def test_viewers_cannot_open_disputes(scene: Scene, login_as):
    client = login_as(scene.t.a.viewer)
    assert client.get(open_path(scene.invoice.id)).status_code == 403
    resp = submit(
        client, scene.invoice.id, scene.t.a.credit
    )  # the token comes from the 403 page's sign-out form
    assert resp.status_code == 403 and count(Dispute) == 2


def test_another_tenants_invoice_is_404_and_audited(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    path = open_path(scene.foreign_invoice.id)
    assert client.get(path).status_code == 404
    resp = submit(client, scene.foreign_invoice.id, scene.t.a.credit)
    assert resp.status_code == 404
    assert count(Dispute) == 2 and reload(scene.foreign_invoice).disputed_minor == 30000
    denied = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "authz_denied", AuditEvent.actor_id == scene.t.a.credit.id
        )
    ).all()
    assert {(e.object_type, e.object_id) for e in denied} == {
        ("invoices", str(scene.foreign_invoice.id))
    }
    assert len(denied) == 2


def test_a_sales_rep_cannot_reach_an_invoice_of_someone_elses_debtor(scene: Scene, login_as):
    other = factories.make_debtor(scene.t.a.org, "Beta SARL")
    invoice = factories.make_invoice(scene.t.a.org, other, number="INV-BETA")
    client = login_as(scene.t.a.sales)
    assert client.get(open_path(invoice.id)).status_code == 404
    assert submit(client, invoice.id, scene.t.a.sales).status_code == 404


def test_the_form_needs_its_csrf_token(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = client.post(
        open_path(scene.invoice.id),
        data={"reason": "invoicing.price", "amount": "1.00", "description": "x", "owner_id": ""},
    )
    assert resp.status_code == 400 and count(Dispute) == 2
