"""POST /api/v1/cases/{id}/close: who may close with which outcome, what closing releases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.jobs import OutboxMessage
from core.notifications.models import Notification
from ledger.models import Invoice
from marketplace.models import Case, CaseEvent, CaseInvoice
from tests.marketplace.closing_helpers import close
from tests.marketplace.helpers import make_bid, make_case
from tests.marketplace.workspace.helpers import add_recovery, make_awarded_case


@pytest.fixture
def awarded(tenants):
    return make_awarded_case(tenants)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/close"


def post(client, headers, case_id, outcome="recovered_partial"):
    return client.post(url(case_id), json={"outcome": outcome}, headers=headers)


def fresh(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def invoice_json(client, headers, invoice_id):
    return client.get(f"/api/v1/invoices/{invoice_id}", headers=headers).json


def test_creditor_closes_and_unpaid_invoices_return_to_the_ledger(client, tenants, bearer, awarded):
    add_recovery(awarded.case, tenants.x.owner, "500.00")  # pays the oldest invoice in full
    resp = post(client, bearer(tenants.a.credit), awarded.id, "recovered_partial")
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "closed" and resp.json["outcome"] == "recovered_partial"
    case = fresh(awarded.id)
    assert case.closed_at is not None and case.outcome.value == "recovered_partial"
    headers = bearer(tenants.a.viewer)
    newer = invoice_json(client, headers, awarded.newer.id)
    assert newer["status"] == "overdue" and newer["case_id"] is None
    assert invoice_json(client, headers, awarded.oldest.id)["status"] == "paid"
    assert not any(ci.active for ci in db.session.scalars(select(CaseInvoice)))
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "closed"))
    assert event.from_status == "active" and event.to_status == "closed"  # the recovery
    assert event.details == {"outcome": "recovered_partial", "released_invoices": 2}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.closed"))
    assert audit.actor_id == tenants.a.credit.id and audit.object_id == str(awarded.id)
    told = {
        (n.user_id, n.key)
        for n in db.session.scalars(
            select(Notification).where(Notification.key == f"case:{awarded.id}:closed")
        )
    }
    assert told == {
        (tenants.x.owner.id, f"case:{awarded.id}:closed"),
        (tenants.x.collector.id, f"case:{awarded.id}:closed"),
    }


def test_the_released_invoice_can_go_on_a_new_case(tenants, awarded):
    close(awarded.case, tenants.a.owner, "unrecoverable")
    again = make_case(tenants.a.org, debtor=awarded.case.debtor, invoices=[awarded.newer])
    assert again.claimed_minor == 100_000


def test_agency_owner_returns_the_case_and_the_creditor_is_told(client, tenants, bearer, awarded):
    resp = post(client, bearer(tenants.x.owner), awarded.id, "returned_by_agency")
    assert resp.status_code == 200, resp.json
    assert resp.json["outcome"] == "returned_by_agency"
    assert db.session.get(Invoice, awarded.newer.id).case_id is None
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.key == f"case:{awarded.id}:closed")
        )
    )
    assert told == {tenants.a.owner.id, tenants.a.credit.id}
    jobs = db.session.scalars(
        select(OutboxMessage.args).where(OutboxMessage.job == "marketplace.closing:notify_closed")
    ).all()
    assert jobs == [[awarded.id]]


@pytest.mark.parametrize(
    "outcome",
    ["recovered_full", "recovered_partial", "unrecoverable", "withdrawn_by_creditor"],
)
def test_creditor_closes_with_each_of_its_outcomes(client, tenants, bearer, awarded, outcome):
    resp = post(client, bearer(tenants.a.owner), awarded.id, outcome)
    assert resp.status_code == 200 and fresh(awarded.id).outcome.value == outcome


def test_creditor_cannot_pretend_the_agency_returned_it(client, tenants, bearer, awarded):
    resp = post(client, bearer(tenants.a.owner), awarded.id, "returned_by_agency")
    assert resp.status_code == 403
    assert "returned_by_agency" not in resp.json["error"]["details"]["allowed"]
    assert fresh(awarded.id).status.value == "awarded"


def test_agency_can_only_return_the_case(client, tenants, bearer, awarded):
    resp = post(client, bearer(tenants.x.owner), awarded.id, "recovered_full")
    assert resp.status_code == 403 and resp.json["error"]["details"]["allowed"] == [
        "returned_by_agency"
    ]
    assert fresh(awarded.id).status.value == "awarded"


@pytest.mark.parametrize("who", [("a", "viewer"), ("a", "sales"), ("x", "collector")])
def test_other_roles_get_403(client, tenants, bearer, awarded, who):
    tenant, role = who
    user = getattr(getattr(tenants, tenant), role)
    if role == "sales":  # a sales rep only sees its own debtors' cases: give it this one
        awarded = make_awarded_case(tenants, loser=False, sales_rep=user)
    outcome = "returned_by_agency" if tenant == "x" else "unrecoverable"
    assert post(client, bearer(user), awarded.id, outcome).status_code == 403
    assert fresh(awarded.id).status.value == "awarded"


@pytest.mark.parametrize("who", [("b", "owner"), ("y", "owner")])
def test_other_tenants_and_the_losing_bidder_get_404(client, tenants, bearer, awarded, who):
    tenant, role = who
    user = getattr(getattr(tenants, tenant), role)
    outcome = "returned_by_agency" if tenant == "y" else "unrecoverable"
    assert post(client, bearer(user), awarded.id, outcome).status_code == 404
    assert post(client, bearer(user), 999_999, outcome).status_code == 404


def test_closing_twice_is_409_with_the_allowed_moves(client, tenants, bearer, awarded):
    assert post(client, bearer(tenants.a.owner), awarded.id).status_code == 200
    resp = post(client, bearer(tenants.a.owner), awarded.id, "unrecoverable")
    assert resp.status_code == 409 and resp.json["error"]["details"]["allowed"] == []
    assert fresh(awarded.id).outcome.value == "recovered_partial"
    # the agency no longer sees the closed case at all
    assert (
        post(client, bearer(tenants.x.owner), awarded.id, "returned_by_agency").status_code == 404
    )


def test_a_listed_case_cannot_close(client, tenants, bearer):
    case = make_case(tenants.a.org)
    make_bid(case, tenants.x.owner)
    resp = post(client, bearer(tenants.a.owner), case.id, "withdrawn_by_creditor")
    assert resp.status_code == 409
    assert resp.json["error"]["details"]["allowed"] == ["awarded", "expired", "withdrawn"]


def test_an_active_case_closes(client, tenants, bearer, awarded):
    add_recovery(awarded.case, tenants.x.owner, "100.00")  # work started: active
    assert fresh(awarded.id).status.value == "active"
    resp = post(client, bearer(tenants.a.owner), awarded.id, "recovered_partial")
    assert resp.status_code == 200
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "closed"))
    assert event.from_status == "active"


@pytest.mark.parametrize("body", [{}, {"outcome": "won"}, {"outcome": "closed", "x": 1}])
def test_bad_bodies_are_422(client, tenants, bearer, awarded, body):
    resp = client.post(url(awarded.id), json=body, headers=bearer(tenants.a.owner))
    assert resp.status_code == 422


def test_a_stale_copy_of_the_case_loses_with_409(app, tenants, awarded):
    """Two closes of one case, the second on a copy loaded before the first committed."""
    from core.errors import Conflict
    from marketplace import closing
    from marketplace.states import CaseOutcome

    stale = db.session.get(Case, awarded.id)
    db.session.expunge(stale)
    close(db.session.get(Case, awarded.id), tenants.a.owner, "unrecoverable")
    db.session.add(stale)
    with pytest.raises(Conflict) as err:
        closing.close_case(stale, actor=tenants.a.owner, outcome=CaseOutcome.RECOVERED_FULL)
    db.session.rollback()
    assert err.value.details["allowed"] == []
    assert fresh(awarded.id).outcome.value == "unrecoverable"


CLOSE_TRIALS = 20


@pytest.mark.postgres_only
@pytest.mark.committed
def test_concurrent_closes_have_exactly_one_winner(make_app):
    """Three creditor closes and the agency's return of one case, released by a barrier."""
    from collections import Counter

    from core.auth.models import User
    from marketplace import closing
    from marketplace.states import CaseOutcome
    from tests.factories import make_tenants
    from tests.marketplace.test_races import race

    racing_app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 6})

    def move(case_id: int, user_id: int, outcome: str):
        def run():
            case = db.session.get(Case, case_id)
            user = db.session.get(User, user_id)
            return closing.close_case(case, actor=user, outcome=CaseOutcome(outcome))

        return run

    with racing_app.app_context():
        t = make_tenants()
        racers = [
            (t.a.owner.id, "recovered_full"),
            (t.a.credit.id, "unrecoverable"),
            (t.a.owner.id, "withdrawn_by_creditor"),
            (t.x.owner.id, "returned_by_agency"),
        ]
        violations = []
        for trial in range(CLOSE_TRIALS):
            case_id = make_awarded_case(t, loser=False).id
            outcomes = race(racing_app, [move(case_id, u, o) for u, o in racers])
            counted = Counter(o if isinstance(o, (str, int)) else "error" for o in outcomes)
            case = fresh(case_id)
            events = db.session.scalars(
                select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.kind == "closed")
            ).all()
            winner = outcomes.index("won") if "won" in outcomes else None
            if (
                counted != Counter({"won": 1, 409: 3})
                or len(events) != 1
                or winner is None
                or case.outcome.value != racers[winner][1]
            ):
                violations.append((trial, outcomes, case.outcome, events))
            db.session.rollback()
        assert not violations, violations[:3]
