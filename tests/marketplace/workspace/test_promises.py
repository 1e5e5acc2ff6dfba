"""Promises to pay on a case: who records them, validation, derived states and the daily
job that settles them and tells both parties once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from core.jobs import enqueue_after_commit, periodic_jobs
from core.notifications.models import Notification
from ledger.clock import today
from marketplace.models import Case, CaseEvent
from marketplace.workspace import promises
from marketplace.workspace.models import CasePromise, PromiseState, Recovery
from marketplace.workspace.promises import derive, settle_promises
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import add_recovery, eur, make_awarded_case, money


@pytest.fixture
def awarded(tenants):
    return make_awarded_case(tenants)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/promises"


def promise(client, headers, case_id, amount="300.00", days=7, **fields):
    body = {"amount": eur(amount), "due_on": (today() + timedelta(days=days)).isoformat()}
    return client.post(url(case_id), json=body | fields, headers=headers)


def backdate(promise_id: int, *, made: int, due: int) -> None:
    """Move a promise's window into the past (days before today)."""
    db.session.execute(
        update(CasePromise)
        .where(CasePromise.id == promise_id)
        .values(made_on=today() - timedelta(days=made), due_on=today() - timedelta(days=due))
    )
    db.session.commit()


def run_job() -> None:
    enqueue_after_commit(settle_promises)
    db.session.commit()  # inline mode: the job runs after this commit
    db.session.expire_all()


def status_of(client, headers, case_id, promise_id) -> str:
    items = client.get(url(case_id), headers=headers).json["items"]
    return next(p["status"] for p in items if p["id"] == promise_id)


def test_the_agency_and_the_creditor_record_promises(client, tenants, bearer, awarded):
    resp = promise(client, bearer(tenants.x.collector), awarded.id, note="  Will wire  ")
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["amount"] == eur("300.00") and got["status"] == "open"
    assert got["note"] == "Will wire" and got["made_on"] == today().isoformat()
    assert got["covered"] == eur("0.00") and got["created_by"]["id"] == tenants.x.collector.id
    assert promise(client, bearer(tenants.a.credit), awarded.id, "100.00").status_code == 201
    listed = client.get(url(awarded.id), headers=bearer(tenants.a.viewer)).json
    assert listed["total"] == 2
    # latest due date first, then newest first
    assert [p["amount"]["amount"] for p in listed["items"]] == ["100.00", "300.00"]
    kinds = db.session.scalars(
        select(CaseEvent.kind).where(CaseEvent.case_id == awarded.id, CaseEvent.kind.like("prom%"))
    ).all()
    assert kinds == ["promise_made", "promise_made"]


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_creditor_readers_cannot_record_promises(client, tenants, bearer, role):
    awarded = make_awarded_case(tenants, sales_rep=tenants.a.sales)
    headers = bearer(tenants.a.users[role])
    assert promise(client, headers, awarded.id).status_code == 403
    assert client.get(url(awarded.id), headers=headers).status_code == 200


def test_strangers_and_losing_bidders_get_404(client, tenants, bearer, awarded):
    for user in (tenants.y.owner, tenants.b.owner):
        assert promise(client, bearer(user), awarded.id).status_code == 404
        assert client.get(url(awarded.id), headers=bearer(user)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": {"amount": "10.00", "currency": "USD"}}, "amount"),
        ({"amount": eur("1500.01")}, "amount"),  # more than the case owes
        ({"amount": eur("0.00")}, "amount"),
        ({"due_on": (today() - timedelta(days=1)).isoformat()}, "due_on"),
        ({"due_on": "tomorrow"}, "due_on"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_promises_are_422(client, tenants, bearer, awarded, body, field):
    full = {"amount": eur("10.00"), "due_on": today().isoformat()} | body
    resp = client.post(url(awarded.id), json=full, headers=bearer(tenants.x.owner))
    assert resp.status_code == 422, resp.json
    assert field in str(resp.json)


def test_derive_by_hand():
    d, o, k, b = today(), PromiseState.OPEN, PromiseState.KEPT, PromiseState.BROKEN
    assert derive(o, 100, 100, d, True, d) is k  # covered on the due day
    assert derive(o, 100, 99, d, True, d) is o  # not yet due, not covered
    assert derive(o, 100, 99, d - timedelta(days=1), True, d) is b  # due passed
    assert derive(o, 100, 0, d, False, d) is PromiseState.EXPIRED  # case stopped running
    assert derive(o, 100, 0, d - timedelta(days=1), False, d) is b
    assert derive(b, 100, 500, d, True, d) is b  # settled states stay


def test_kept_counts_recoveries_inside_the_window(client, tenants, bearer, awarded):
    headers = bearer(tenants.a.credit)
    pid = promise(client, headers, awarded.id, "300.00", days=0).json["id"]
    case = db.session.get(Case, awarded.id)
    add_recovery(case, tenants.x.owner, "200.00")
    assert status_of(client, headers, awarded.id, pid) == "open"
    add_recovery(case, tenants.x.owner, "100.00")
    got = client.get(url(awarded.id), headers=headers).json["items"][0]
    assert got["status"] == "kept" and got["covered"] == eur("300.00")


def test_recoveries_before_the_promise_or_after_its_date_do_not_keep_it(
    client, tenants, bearer, awarded
):
    headers = bearer(tenants.a.credit)
    case = db.session.get(Case, awarded.id)
    early = add_recovery(case, tenants.x.owner, "300.00")
    pid = promise(client, headers, awarded.id, "300.00", days=0).json["id"]
    # the recovery came in the day before the promise was made
    db.session.execute(
        update(Recovery)
        .where(Recovery.id == early.id)
        .values(received_on=today() - timedelta(days=1))
    )
    db.session.commit()
    assert status_of(client, headers, awarded.id, pid) == "open"
    late = promise(client, headers, awarded.id, "100.00", days=0).json["id"]
    backdate(late, made=5, due=2)
    add_recovery(case, tenants.x.owner, "100.00")  # today: after its due date
    assert status_of(client, headers, awarded.id, late) == "broken"


def test_the_daily_job_settles_once_and_notifies_both_parties(client, tenants, bearer, awarded):
    assert any(
        p.name == "marketplace.workspace.promises:settle_promises"
        and p.interval == timedelta(hours=24)
        for p in periodic_jobs()
    )
    headers = bearer(tenants.x.owner)
    broken = promise(client, headers, awarded.id, "50.00").json["id"]
    kept = promise(client, headers, awarded.id, "20.00", days=0).json["id"]
    still_open = promise(client, headers, awarded.id, "30.00", days=3).json["id"]
    backdate(broken, made=10, due=1)
    add_recovery(db.session.get(Case, awarded.id), tenants.x.owner, "20.00")

    run_job()
    run_job()  # idempotent

    states = {p.id: p.status for p in db.session.scalars(select(CasePromise))}
    assert states == {
        broken: PromiseState.BROKEN,
        kept: PromiseState.KEPT,
        still_open: PromiseState.OPEN,
    }
    assert db.session.get(CasePromise, broken).settled_at is not None
    events = db.session.scalars(
        select(CaseEvent.kind).where(CaseEvent.kind.in_(["promise_broken", "promise_kept"]))
    ).all()
    assert sorted(events) == ["promise_broken", "promise_kept"]
    notified = db.session.execute(
        select(Notification.user_id, func.count())
        .where(Notification.key == f"promise:{broken}:broken")
        .group_by(Notification.user_id)
    ).all()
    users = {uid for uid, n in notified}
    assert all(n == 1 for _uid, n in notified)
    assert {tenants.a.owner.id, tenants.a.credit.id, tenants.x.owner.id} <= users
    assert tenants.x.collector.id in users and tenants.a.viewer.id not in users
    assert tenants.y.owner.id not in users


def close(client, headers, case_id: int) -> None:
    resp = client.post(
        f"/api/v1/cases/{case_id}/close", json={"outcome": "unrecoverable"}, headers=headers
    )
    assert resp.status_code == 200, resp.json
    db.session.expire_all()


def test_promises_of_a_closed_case_expire(client, tenants, bearer, awarded):
    case = db.session.get(Case, awarded.id)
    made = promises.make_promise(
        case, actor=tenants.x.owner, amount=money("40.00"), due_on=today() + timedelta(days=5)
    )
    db.session.commit()
    assert promises.settle_due_promises(on=today(), batch=1) == []
    # the case stops running: the open promise, not yet due, expires
    close(client, bearer(tenants.a.owner), case.id)
    assert promises.settle_due_promises() == [(made.id, "expired")]
    db.session.commit()
    assert promises.settle_due_promises() == []


def test_a_promise_on_a_case_not_running_is_409(client, tenants, bearer):
    listed = make_case(tenants.a.org)
    assert promise(client, bearer(tenants.a.credit), listed.id).status_code == 409
