"""The dispute page: what it shows, transitions, resolution, edits, roles and tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from core.audit import AuditEvent
from core.extensions import db
from disputes import services
from disputes.models import Dispute, DisputeEvent
from disputes.states import DisputeStatus
from disputes.threads.models import Comment
from ledger.clock import today
from ledger.models import CreditNote
from tests import factories
from tests.disputes.web.detail_helpers import (
    Scene,
    count,
    make_scene,
    open_on,
    post_comment,
    post_form,
    reload,
)


@pytest.fixture
def scene(tenants) -> Scene:
    return make_scene(tenants)


def page_of(dispute: Dispute) -> str:
    return f"/disputes/{dispute.id}"


def move(client, dispute: Dispute, to: str):
    return post_form(client, f"{page_of(dispute)}/transition", "/", to=to)


def resolve(client, dispute: Dispute, outcome: str, credit_amount: str = "", note: str = ""):
    return post_form(
        client,
        f"{page_of(dispute)}/resolve",
        "/",
        prefix="resolve",
        outcome=outcome,
        credit_amount=credit_amount,
        note=note,
    )


def edit(client, dispute: Dispute, owner, due_date: str = "", description: str = "Changed."):
    return post_form(
        client,
        f"{page_of(dispute)}/edit",
        "/",
        prefix="edit",
        owner_id=str(owner.id) if owner else "0",
        due_date=due_date,
        description=description,
    )


def in_review(dispute: Dispute) -> Dispute:
    services.transition_dispute(dispute, actor=None, to=DisputeStatus.IN_REVIEW)
    db.session.commit()
    return dispute


def test_the_page_shows_the_dispute_its_invoice_and_history(scene: Scene, login_as):
    client = login_as(scene.t.a.owner)
    resp = client.get(page_of(scene.dispute))
    assert resp.status_code == 200
    html = resp.text
    assert 'data-testid="dispute-reason">Delivery: damaged<' in html
    assert 'data-testid="dispute-invoice">INV-100<' in html
    assert 'data-testid="dispute-debtor">Alpha GmbH<' in html
    assert 'data-testid="dispute-amount">300.00 EUR<' in html
    assert 'data-testid="invoice-outstanding">1,000.00 EUR<' in html
    assert f'data-testid="dispute-owner">{scene.t.a.credit.name}<' in html
    assert 'data-testid="dispute-raised-by">the system<' in html  # no actor, not imported
    assert "Two pallets arrived crushed." in html
    assert ">Open<" in html and 'data-testid="sla-breached"' not in html
    assert html.count('data-testid="history-event"') == 1 and "opened the dispute" in html
    assert "No comments yet." in html
    # the owner of the organisation may do everything
    for testid in ("move-in_review", "resolve-later", "edit-form", "comment-form"):
        assert f'data-testid="{testid}"' in html, testid


def test_a_missed_sla_is_marked_as_breached(scene: Scene, login_as):
    late = open_on(scene.invoice, amount="50.00", due_date=today() - timedelta(days=2))
    html = login_as(scene.t.a.credit).get(page_of(late)).text
    assert 'data-testid="sla-breached"' in html and "SLA breached" in html


def test_transitions_move_the_dispute_and_are_recorded(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = move(client, scene.dispute, "in_review")
    assert resp.status_code == 302 and resp.headers["Location"] == page_of(scene.dispute)
    assert reload(scene.dispute).status is DisputeStatus.IN_REVIEW
    html = client.get(page_of(scene.dispute)).text
    assert "Dispute moved to in review." in html
    assert 'data-testid="move-awaiting_customer"' in html and 'data-testid="resolve-form"' in html
    assert "moved it from Open to In review" in html
    assert move(client, scene.dispute, "awaiting_customer").status_code == 302
    assert reload(scene.dispute).status is DisputeStatus.AWAITING_CUSTOMER


def test_an_illegal_move_says_which_moves_are_possible(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = move(client, scene.dispute, "awaiting_customer")
    assert resp.status_code == 409
    assert "Cannot go from open to awaiting_customer. Possible now: in review." in resp.text
    resp = move(client, scene.dispute, "resolved")  # resolving takes the resolution form
    assert resp.status_code == 409
    resp = move(client, scene.dispute, "<script>")
    assert resp.status_code == 422 and "<script>" not in resp.text
    assert reload(scene.dispute).status is DisputeStatus.OPEN
    assert count(DisputeEvent) == 2  # the two "opened" events of the scene


def test_resolving_with_a_credit_note_lowers_the_outstanding(scene: Scene, login_as):
    in_review(scene.dispute)
    client = login_as(scene.t.a.credit)
    resp = resolve(client, scene.dispute, "credit_note", "250.00", note="Agreed with the buyer")
    assert resp.status_code == 302
    dispute = reload(scene.dispute)
    assert dispute.status is DisputeStatus.RESOLVED and dispute.credit_note_id is not None
    invoice = reload(scene.invoice)
    assert (invoice.outstanding_minor, invoice.disputed_minor) == (75000, 0)
    html = client.get(page_of(scene.dispute)).text
    assert "Dispute resolved: credit note. A credit note of 250.00 EUR was booked" in html
    assert 'data-testid="dispute-outcome"' in html and "Agreed with the buyer" in html
    assert "(250.00 EUR credited)" in html
    # resolved: nothing left to move or edit, but the thread stays open
    for testid in ("dispute-actions", "edit-form"):
        assert f'data-testid="{testid}"' not in html
    assert 'data-testid="comment-form"' in html
    ledger_page = client.get(f"/invoices/{scene.invoice.id}").text
    assert 'data-testid="outstanding">750.00 EUR' in ledger_page


@pytest.mark.parametrize(
    ("outcome", "credit", "message"),
    [
        ("credit_note", "", "Required for a credit_note outcome."),
        ("credit_note", "300.01", "At most 300.00 EUR."),
        ("credit_note", "1.5", "EUR amounts have exactly 2 decimals"),
        ("rejected", "10.00", "Only with outcome credit_note."),
        ("settled", "", "Not a valid choice."),
    ],
)
def test_a_refused_resolution_shows_why_next_to_the_field(
    scene: Scene, login_as, outcome, credit, message
):
    in_review(scene.dispute)
    client = login_as(scene.t.a.credit)
    resp = resolve(client, scene.dispute, outcome, credit)
    assert resp.status_code == 422
    assert message in resp.text and 'aria-invalid="true"' in resp.text
    assert reload(scene.dispute).status is DisputeStatus.IN_REVIEW
    assert count(CreditNote) == 0 and reload(scene.invoice).disputed_minor == 30000


def test_resolving_an_open_dispute_is_a_conflict(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    html = client.get(page_of(scene.dispute)).text
    assert 'data-testid="resolve-form"' not in html and 'data-testid="resolve-later"' in html
    resp = resolve(client, scene.dispute, "withdrawn")
    assert resp.status_code == 409
    assert "Cannot go from open to resolved. Possible now: in review." in resp.text
    assert reload(scene.dispute).status is DisputeStatus.OPEN


def test_editing_changes_owner_sla_and_description(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    due = (today() + timedelta(days=3)).isoformat()
    resp = edit(client, scene.dispute, scene.t.a.sales, due, "Three pallets, not two.")
    assert resp.status_code == 302
    dispute = reload(scene.dispute)
    assert (dispute.owner_id, dispute.due_date.isoformat(), dispute.description) == (
        scene.t.a.sales.id,
        due,
        "Three pallets, not two.",
    )
    html = client.get(page_of(scene.dispute)).text
    assert "Dispute saved." in html
    assert "changed the description; the SLA due date from" in html
    assert f"the owner from {scene.t.a.credit.name} to {scene.t.a.sales.name}" in html


def test_a_deactivated_owner_stays_when_the_form_is_saved_without_touching_it(
    scene: Scene, login_as
):
    scene.t.a.credit.active = False  # the dispute's owner leaves the company
    db.session.commit()
    client = login_as(scene.t.a.owner)
    html = client.get(page_of(scene.dispute)).text
    assert f"{scene.t.a.credit.name} (credit, inactive)" in html
    resp = edit(client, scene.dispute, scene.t.a.credit, description="Still theirs.")
    assert resp.status_code == 302
    dispute = reload(scene.dispute)
    assert (dispute.owner_id, dispute.description) == (scene.t.a.credit.id, "Still theirs.")


def test_a_refused_edit_keeps_the_form_open_with_the_reasons(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = edit(client, scene.dispute, scene.t.a.sales, description="  ")
    assert resp.status_code == 422
    assert 'data-testid="edit-panel" open' in resp.text and "This field is required." in resp.text
    resp = edit(client, scene.dispute, scene.t.b.credit)
    assert resp.status_code == 422 and "Not a valid choice." in resp.text
    assert reload(scene.dispute).owner_id == scene.t.a.credit.id


def test_a_resolved_dispute_cannot_be_edited(scene: Scene, login_as):
    in_review(scene.dispute)
    client = login_as(scene.t.a.credit)
    assert resolve(client, scene.dispute, "withdrawn").status_code == 302
    resp = edit(client, scene.dispute, scene.t.a.sales)
    assert resp.status_code == 409 and "A resolved dispute cannot be changed." in resp.text
    assert reload(scene.dispute).owner_id == scene.t.a.credit.id


def test_a_concurrent_change_is_a_clear_conflict(scene: Scene, login_as, monkeypatch):
    """Someone else saves the dispute between our read and our write (version bump)."""
    real = services.transition_dispute

    def meanwhile(dispute, **kwargs):
        db.session.execute(
            text("UPDATE disputes SET version = version + 1 WHERE id = :id"), {"id": dispute.id}
        )
        return real(dispute, **kwargs)

    monkeypatch.setattr(services, "transition_dispute", meanwhile)
    resp = move(login_as(scene.t.a.credit), scene.dispute, "in_review")
    assert resp.status_code == 409
    message = "Someone else changed this dispute or invoice meanwhile; reload and try again."
    assert message in resp.text
    assert reload(scene.dispute).status is DisputeStatus.OPEN


def test_a_sales_rep_who_does_not_own_the_dispute_may_not_act(scene: Scene, login_as):
    client = login_as(scene.t.a.sales)  # Alpha's rep: sees the dispute, owned by credit
    html = client.get(page_of(scene.dispute)).text
    assert 'data-testid="dispute-actions"' not in html
    assert 'data-testid="edit-form"' in html and 'data-testid="comment-form"' in html
    assert move(client, scene.dispute, "in_review").status_code == 403
    in_review(scene.dispute)
    assert resolve(client, scene.dispute, "withdrawn").status_code == 403
    assert reload(scene.dispute).status is DisputeStatus.IN_REVIEW
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "authz_denied",
            AuditEvent.actor_id == scene.t.a.sales.id,
            AuditEvent.object_type == "disputes",
        )
    )


def test_the_sales_rep_who_owns_the_dispute_moves_and_resolves_it(scene: Scene, login_as):
    services.update_dispute(scene.dispute, actor=None, owner_id=scene.t.a.sales.id)
    db.session.commit()
    client = login_as(scene.t.a.sales)
    assert 'data-testid="move-in_review"' in client.get(page_of(scene.dispute)).text
    assert move(client, scene.dispute, "in_review").status_code == 302
    assert resolve(client, scene.dispute, "credit_note", "100.00").status_code == 302
    assert reload(scene.invoice).outstanding_minor == 90000


def test_a_sales_rep_does_not_see_disputes_of_other_debtors(scene: Scene, login_as):
    beta = factories.make_debtor(scene.t.a.org, "Beta SARL")
    hidden = open_on(factories.make_invoice(scene.t.a.org, beta), owner=scene.t.a.credit)
    client = login_as(scene.t.a.sales)
    assert client.get(page_of(hidden)).status_code == 404
    assert move(client, hidden, "in_review").status_code == 404


def test_viewers_read_but_change_nothing(scene: Scene, login_as):
    client = login_as(scene.t.a.viewer)
    html = client.get(page_of(scene.dispute)).text
    assert 'data-testid="dispute-amount">300.00 EUR<' in html
    for testid in ("dispute-actions", "edit-form", "comment-form", "resolve-form"):
        assert f'data-testid="{testid}"' not in html, testid
    assert move(client, scene.dispute, "in_review").status_code == 403
    assert resolve(client, scene.dispute, "withdrawn").status_code == 403
    assert edit(client, scene.dispute, scene.t.a.sales).status_code == 403
    assert post_comment(client, scene.dispute.id, "Hello").status_code == 403
    assert client.get(f"{page_of(scene.dispute)}/mentions?q=").status_code == 403
    assert reload(scene.dispute).status is DisputeStatus.OPEN and count(Comment) == 0


def test_agency_users_get_no_dispute_pages(scene: Scene, login_as):
    client = login_as(scene.t.x.owner)
    assert client.get(page_of(scene.dispute)).status_code == 403


def test_every_route_answers_404_for_another_tenants_dispute(scene: Scene, login_as):
    client = login_as(scene.t.a.owner)
    foreign = scene.foreign_dispute
    before = (reload(foreign).status, reload(foreign).owner_id, count(Comment))
    assert client.get(page_of(foreign)).status_code == 404
    assert client.get(f"{page_of(foreign)}/mentions?q=a").status_code == 404
    assert move(client, foreign, "in_review").status_code == 404
    assert resolve(client, foreign, "withdrawn").status_code == 404
    assert edit(client, foreign, scene.t.a.credit).status_code == 404
    csrf = client.get("/").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert post_comment(client, foreign.id, "Hi", csrf=csrf).status_code == 404
    after = reload(foreign)
    assert (after.status, after.owner_id, count(Comment)) == before
    denied = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "authz_denied", AuditEvent.actor_id == scene.t.a.owner.id
        )
    ).all()
    assert len(denied) == 6 and {e.object_id for e in denied} == {str(foreign.id)}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("transition", {"to": "in_review"}),
        ("resolve", {"resolve-outcome": "withdrawn"}),
        ("edit", {"edit-owner_id": "0", "edit-description": "x"}),
        ("comments", {"comment-body": "x", "comment-visibility": "shared"}),
    ],
)
def test_writes_need_the_csrf_token(scene: Scene, login_as, path, data):
    client = login_as(scene.t.a.owner)
    resp = client.post(f"{page_of(scene.dispute)}/{path}", data=data)
    assert resp.status_code == 400
    dispute = reload(scene.dispute)
    assert (dispute.status, dispute.owner_id, count(Comment)) == (
        DisputeStatus.OPEN,
        scene.t.a.credit.id,
        0,
    )


def test_get_does_not_change_anything(scene: Scene, login_as):
    client = login_as(scene.t.a.owner)
    for path in ("transition", "resolve", "edit", "comments"):
        assert client.get(f"{page_of(scene.dispute)}/{path}").status_code == 405
