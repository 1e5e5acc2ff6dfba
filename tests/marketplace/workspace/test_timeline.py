"""The case timeline: every event in one list, newest first, only what the caller may see,
in a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from ledger.clock import today
from marketplace.models import Case
from marketplace.workspace import activities, comments, costs, plans, promises
from marketplace.workspace.timeline import excerpt
from tests.marketplace.workspace.helpers import (
    add_cost,
    add_recovery,
    counting,
    make_awarded_case,
    money,
)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/timeline"


def comment(case, user, body, visibility="shared"):
    made = comments.add_case_comment(case, actor=user, body=body, visibility=visibility)
    db.session.commit()
    return made


def fill(tenants, case: Case) -> None:
    """One of each: activity, recovery, cost decided, promise, plan, comments both ways."""
    activities.log_activity(
        case, actor=tenants.x.collector, kind="call", occurred_on=today(), note="Called <b>him</b>"
    )
    db.session.commit()
    add_recovery(case, tenants.x.owner, "10.00")
    cost = add_cost(case, tenants.x.owner, "999.00")  # above the threshold: pending
    costs.decide_cost(cost, actor=tenants.a.credit, approve=True)
    promises.make_promise(
        case, actor=tenants.x.owner, amount=money("5.00"), due_on=today() + timedelta(days=3)
    )
    plans.agree_plan(
        case,
        actor=tenants.a.credit,
        instalments=[{"due_on": today() + timedelta(days=9), "amount": money("50.00")}],
    )
    db.session.commit()
    comment(case, tenants.a.credit, "Creditor *secret* plan", "internal")
    comment(case, tenants.x.collector, "Agency internal note", "internal")
    comment(case, tenants.a.credit, "Shared <script>x</script> hello")


@pytest.fixture
def case(tenants):
    awarded = make_awarded_case(tenants)
    case = db.session.get(Case, awarded.id)
    fill(tenants, case)
    return case


def items(client, headers, case_id, **params):
    resp = client.get(url(case_id), headers=headers, query_string=params)
    assert resp.status_code == 200, resp.json
    return resp.json


def test_the_creditor_sees_everything_of_its_own(client, tenants, bearer, case):
    got = items(client, bearer(tenants.a.credit), case.id)
    kinds = [i["kind"] for i in got["items"]]
    for kind in (
        "created",
        "listed",
        "bid_placed",
        "awarded",
        "activity_logged",
        "activated",
        "recovery_recorded",
        "cost_added",
        "cost_approved",
        "promise_made",
        "payment_plan_agreed",
        "comment",
    ):
        assert kind in kinds, kind
    ats = [i["at"] for i in got["items"]]
    assert ats == sorted(ats, reverse=True)
    summaries = " | ".join(i["summary"] for i in got["items"])
    assert "Creditor *secret* plan" in summaries and "Agency internal note" not in summaries
    assert "Bid placed by" in summaries  # both bids, the loser's too
    by_kind = {i["kind"]: i for i in got["items"]}
    assert by_kind["recovery_recorded"]["summary"] == "Recovery of 10.00 EUR recorded"
    assert by_kind["recovery_recorded"]["ref"]["type"] == "recovery"
    assert by_kind["cost_approved"]["actor"]["id"] == tenants.a.credit.id
    assert by_kind["cost_approved"]["actor"]["org"]["id"] == tenants.a.org.id
    assert by_kind["promise_made"]["ref"]["type"] == "promise"
    assert by_kind["payment_plan_agreed"]["ref"]["type"] == "payment_plan"
    assert by_kind["activity_logged"]["summary"] == "Call: Called him"


def test_the_agency_never_sees_creditor_internal_comments(client, tenants, bearer, case):
    got = items(client, bearer(tenants.x.collector), case.id)
    summaries = [i["summary"] for i in got["items"]]
    assert not any("secret" in s for s in summaries)
    assert any("Agency internal note" in s for s in summaries)
    shared = next(i for i in got["items"] if i["kind"] == "comment" and "hello" in i["summary"])
    assert "<" not in shared["summary"] and shared["visibility"] == "shared"
    # another agency's bid is not shown to the winner
    bids = [i for i in got["items"] if i["kind"] == "bid_placed"]
    assert len(bids) == 1 and bids[0]["actor"]["org"]["id"] == tenants.x.org.id


def test_deleted_comments_leave_the_timeline(client, tenants, bearer):
    awarded = make_awarded_case(tenants, loser=False)
    case = db.session.get(Case, awarded.id)
    made = comment(case, tenants.a.credit, "Soon gone")
    resp = client.delete(f"/api/v1/comments/{made.id}", headers=bearer(tenants.a.credit))
    assert resp.status_code in (200, 204), resp.json
    got = items(client, bearer(tenants.a.credit), case.id)
    assert not any(i["kind"] == "comment" for i in got["items"])


def test_pages(client, tenants, bearer, case):
    headers = bearer(tenants.a.owner)
    everything = items(client, headers, case.id, page_size=200)
    first = items(client, headers, case.id, page=1, page_size=4)
    second = items(client, headers, case.id, page=2, page_size=4)
    assert first["total"] == everything["total"] > 8
    assert first["items"] + second["items"] == everything["items"][:8]


def test_strangers_and_losing_bidders_get_404(client, tenants, bearer, case):
    for user in (tenants.y.owner, tenants.b.owner, tenants.y.collector):
        assert client.get(url(case.id), headers=bearer(user)).status_code == 404


def test_excerpt():
    assert excerpt("a <i>b</i>\n\n c") == "a b c"
    assert excerpt("x" * 200, 10) == "x" * 9 + "…"
    assert excerpt(None) == ""


def statements_for(client, headers, case_id: int) -> int:
    client.get("/api/v1/me", headers=headers)
    with counting() as seen:
        resp = client.get(url(case_id), headers=headers)
    assert resp.status_code == 200 and resp.json["total"] >= 3
    return sum(1 for sql in seen if "SAVEPOINT" not in sql)


@pytest.mark.parametrize("side", ["creditor", "agency"])
def test_statements_do_not_grow_with_rows(client, tenants, bearer, side):
    user = tenants.a.credit if side == "creditor" else tenants.x.collector
    found = []
    for n in (3, 30):
        awarded = make_awarded_case(tenants, loser=False)
        case = db.session.get(Case, awarded.id)
        for _ in range(n):
            fill(tenants, case)
        found.append(statements_for(client, bearer(user), case.id))
    assert found[0] == found[1], found
