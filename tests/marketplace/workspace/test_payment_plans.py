"""Payment plans: instalment schedules agreed on a case, tracked from recoveries, replaced
by a newer plan and kept as history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.extensions import db
from core.money import Money
from ledger.clock import today
from marketplace.models import Case, CaseEvent
from marketplace.workspace.models import PaymentPlan, PlanInstalment
from marketplace.workspace.plans import track
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import add_cost, add_recovery, eur, make_awarded_case


@pytest.fixture
def awarded(tenants):
    return make_awarded_case(tenants)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/payment-plan"


def day(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


def schedule(*pairs: tuple[int, str]) -> list[dict]:
    return [{"due_on": day(n), "amount": eur(a)} for n, a in pairs]


def agree(client, headers, case_id, instalments, **fields):
    return client.post(url(case_id), json={"instalments": instalments, **fields}, headers=headers)


def test_the_agency_agrees_a_plan_and_both_parties_read_it(client, tenants, bearer, awarded):
    resp = agree(
        client,
        bearer(tenants.x.collector),
        awarded.id,
        schedule((0, "500.00"), (30, "500.00"), (60, "500.00")),
        note="Three months",
    )
    assert resp.status_code == 201, resp.json
    got = resp.json
    assert got["total"] == eur("1500.00") and got["received"] == eur("0.00")
    assert [(i["due_on"], i["status"]) for i in got["instalments"]] == [
        (day(0), "due"),
        (day(30), "due"),
        (day(60), "due"),
    ]
    read = client.get(url(awarded.id), headers=bearer(tenants.a.viewer)).json
    assert read["current"]["id"] == got["id"] and read["history"] == []
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "payment_plan_agreed"))
    assert event.details["plan_id"] == got["id"] and event.details["instalments"] == 3


def test_no_plan_reads_as_none(client, tenants, bearer, awarded):
    assert client.get(url(awarded.id), headers=bearer(tenants.x.owner)).json == {
        "current": None,
        "history": [],
    }


def test_recoveries_pay_instalments_in_date_order(client, tenants, bearer, awarded):
    headers = bearer(tenants.a.credit)
    agree(client, headers, awarded.id, schedule((0, "100.00"), (10, "100.00"), (20, "100.00")))
    add_recovery(db.session.get(Case, awarded.id), tenants.x.owner, "150.00")
    got = client.get(url(awarded.id), headers=headers).json["current"]
    assert got["received"] == eur("150.00")
    assert [(i["status"], i["paid"]["amount"]) for i in got["instalments"]] == [
        ("paid", "100.00"),
        ("partly_paid", "50.00"),
        ("due", "0.00"),
    ]


def test_track_by_hand():
    plan = PaymentPlan(currency="EUR", instalments=[])
    on = today()
    for n, amount in ((-10, 100), (-5, 100), (0, 100), (5, 100)):
        plan.instalments.append(PlanInstalment(due_on=on + timedelta(days=n), amount_minor=amount))
    got = track(plan, 130, on)
    assert [v.status for v in got] == ["paid", "partly_paid", "due", "due"]
    assert [v.paid for v in got] == [Money(100, "EUR"), Money(30, "EUR")] + [Money(0, "EUR")] * 2
    assert [v.status for v in track(plan, 0, on)] == ["overdue", "overdue", "due", "due"]
    assert [v.status for v in track(plan, 400, on)] == ["paid"] * 4


def test_a_new_plan_replaces_the_current_one(client, tenants, bearer, awarded):
    headers = bearer(tenants.x.owner)
    first = agree(client, headers, awarded.id, schedule((5, "1000.00"))).json["id"]
    second = agree(client, headers, awarded.id, schedule((5, "600.00"), (9, "600.00")))
    assert second.status_code == 201
    read = client.get(url(awarded.id), headers=headers).json
    assert read["current"]["id"] == second.json["id"]
    assert [p["id"] for p in read["history"]] == [first]
    assert read["history"][0]["replaced_at"] is not None
    assert (
        db.session.scalar(
            select(CaseEvent.details)
            .where(CaseEvent.kind == "payment_plan_agreed")
            .order_by(CaseEvent.id.desc())
        )["replaced_plan_id"]
        == first
    )


def test_recoveries_before_the_plan_do_not_count(client, tenants, bearer, awarded):
    headers = bearer(tenants.a.owner)
    pid = agree(client, headers, awarded.id, schedule((0, "100.00"))).json["id"]
    db.session.execute(
        update(PaymentPlan)
        .where(PaymentPlan.id == pid)
        .values(agreed_on=today() + timedelta(days=1))
    )
    db.session.commit()
    add_recovery(db.session.get(Case, awarded.id), tenants.x.owner, "100.00")
    got = client.get(url(awarded.id), headers=headers).json["current"]
    assert got["received"] == eur("0.00") and got["instalments"][0]["status"] == "due"


def test_the_total_may_include_recoverable_costs(client, tenants, bearer, awarded):
    add_cost(db.session.get(Case, awarded.id), tenants.a.credit, "20.00", borne_by="debtor")
    resp = agree(client, bearer(tenants.a.credit), awarded.id, schedule((1, "1520.00")))
    assert resp.status_code == 201, resp.json


@pytest.mark.parametrize(
    ("instalments", "field"),
    [
        ([], "instalments"),
        (schedule((1, "1500.01")), "instalments"),  # more than owed
        (schedule((1, "100.00"), (1, "100.00")), "instalments.1.due_on"),
        (schedule((5, "100.00"), (2, "100.00")), "instalments.1.due_on"),
        (schedule((-1, "100.00")), "instalments.0.due_on"),
        ([{"due_on": day(1), "amount": {"amount": "1.00", "currency": "USD"}}], "amount"),
        ([{"due_on": day(1), "amount": eur("0.00")}], "amount"),
        ([{"due_on": day(1)}], "amount"),
        ([{"due_on": day(1), "amount": eur("1.00"), "x": 1}], "x"),
        ([{"due_on": day(1), "amount": eur("1.00")}] * 121, "instalments"),
    ],
)
def test_bad_plans_are_422(client, tenants, bearer, awarded, instalments, field):
    resp = agree(client, bearer(tenants.x.owner), awarded.id, instalments)
    assert resp.status_code == 422, resp.json
    assert field in str(resp.json)
    assert db.session.scalar(select(PaymentPlan.id)) is None


def test_roles_and_strangers(client, tenants, bearer):
    awarded = make_awarded_case(tenants, sales_rep=tenants.a.sales)
    body = schedule((1, "10.00"))
    for role in ("sales", "viewer"):
        assert agree(client, bearer(tenants.a.users[role]), awarded.id, body).status_code == 403
    for user in (tenants.y.owner, tenants.b.owner):
        assert agree(client, bearer(user), awarded.id, body).status_code == 404
        assert client.get(url(awarded.id), headers=bearer(user)).status_code == 404


def test_a_case_not_running_is_409(client, tenants, bearer):
    listed = make_case(tenants.a.org)
    resp = agree(client, bearer(tenants.a.owner), listed.id, schedule((1, "10.00")))
    assert resp.status_code == 409
