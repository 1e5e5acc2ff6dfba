"""QUALITY T6/T7 for the marketplace and the case workspace.

T6: every write route, called by each role or kind that must not use it, answers 403 (a
party with the wrong role or kind) or 404 (not a party), changes nothing and leaves an
`authz_denied` audit row. T7: fields a client may not set are a 422 naming them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from core.audit import AuditEvent
from core.db import utcnow
from core.extensions import db
from marketplace.models import Bid, Case
from marketplace.workspace import costs
from tests.core.test_tenancy_walker import VALID_BODIES
from tests.factories import Tenants
from tests.marketplace.helpers import make_bid, make_case
from tests.marketplace.workspace.helpers import make_awarded_case, money


@dataclass
class World:
    """A's case awarded to X (Y lost), with a pending fee; A's listing with Y's live bid."""

    awarded: Case
    cost_id: int
    listed: Case
    bid_id: int


@pytest.fixture
def world(tenants: Tenants) -> World:
    awarded = make_awarded_case(tenants, sales_rep=tenants.a.sales).case
    cost = costs.add_cost(
        awarded, actor=tenants.x.owner, kind="fee", amount=money("10.00"),
        description="Fee", borne_by="creditor",
    )  # fmt: skip
    db.session.commit()
    listed = make_case(
        tenants.a.org,
        sales_rep_id=tenants.a.sales.id,
        instant={"fee_model": "contingency", "percent": 2000},
    )
    bid = make_bid(listed, tenants.y.owner)
    return World(awarded, cost.id, listed, bid.id)


def body(endpoint: str) -> dict[str, Any] | None:
    return VALID_BODIES.get((endpoint, "POST"))


NEW_CASE = {
    "debtor_id": 1,
    "invoice_ids": [1],
    "bidding_deadline": (utcnow() + timedelta(days=7)).date().isoformat(),
    "terms": {"fee_models": ["contingency"]},
}
SETTINGS = {"allocation_order": ["legal_costs", "statutory_interest", "compensation", "principal"]}

#: (method, path on the world, body) of every marketplace and workspace write route
Route = tuple[str, Callable[[World], str], dict[str, Any] | None]
CREATE_CASE: Route = ("POST", lambda w: "/api/v1/cases", NEW_CASE)
EDIT: Route = ("PATCH", lambda w: f"/api/v1/cases/{w.listed.id}", {"required_countries": []})
PUBLISH: Route = ("POST", lambda w: f"/api/v1/cases/{w.listed.id}/publish", None)
WITHDRAW: Route = ("POST", lambda w: f"/api/v1/cases/{w.listed.id}/withdraw", None)
ACCEPT: Route = ("POST", lambda w: f"/api/v1/bids/{w.bid_id}/accept", None)
BID: Route = (
    "POST", lambda w: f"/api/v1/cases/{w.listed.id}/bids", body("marketplace_api.CaseBids")
)  # fmt: skip
TAKE: Route = ("POST", lambda w: f"/api/v1/cases/{w.listed.id}/take", None)
WITHDRAW_BID: Route = ("POST", lambda w: f"/api/v1/bids/{w.bid_id}/withdraw", None)
SETTINGS_PUT: Route = ("PUT", lambda w: "/api/v1/marketplace/settings", SETTINGS)


def on_awarded(tail: str, endpoint: str | None = None) -> Route:
    return ("POST", lambda w: f"/api/v1/cases/{w.awarded.id}/{tail}", body(endpoint or ""))


COMMENT = on_awarded("comments", "case_workspace_api.CaseComments")
ACTIVITY = on_awarded("activities", "case_workspace_api.CaseActivities")
RECOVERY = on_awarded("recoveries", "case_workspace_api.CaseRecoveries")
COST = on_awarded("costs", "case_workspace_api.CaseCosts")
PROMISE = on_awarded("promises", "case_workspace_more_api.CasePromises")
PLAN = on_awarded("payment-plan", "case_workspace_more_api.CasePaymentPlan")
CLOSE = on_awarded("close", "marketplace_closing_api.CaseClose")
REVIEW = on_awarded("review", "marketplace_closing_api.CaseReview")
STAGE = on_awarded("stage", "marketplace_stage_api.CaseStageResource")
APPROVE: Route = ("POST", lambda w: f"/api/v1/costs/{w.cost_id}/approve", None)
REJECT: Route = ("POST", lambda w: f"/api/v1/costs/{w.cost_id}/reject", None)

#: credit-manager actions (the creditor's owner and credit users only)
MANAGER_ROUTES = [
    CREATE_CASE, EDIT, PUBLISH, WITHDRAW, ACCEPT, RECOVERY, COST, PROMISE, PLAN, CLOSE,
    REVIEW, STAGE, APPROVE, REJECT,
]  # fmt: skip
#: agency-owner actions
AGENCY_OWNER_ROUTES = [BID, TAKE, WITHDRAW_BID]
#: the awarded agency's work
AGENCY_WORK_ROUTES = [ACTIVITY]
CREDITOR_ONLY_ROUTES = [CREATE_CASE, EDIT, PUBLISH, WITHDRAW, ACCEPT, REVIEW, SETTINGS_PUT]
WORKSPACE_WRITES = [COMMENT, ACTIVITY, RECOVERY, COST, PROMISE, PLAN, CLOSE, STAGE]

#: tables whose rows a refused request may not touch (the audit trail and tokens apart)
SKIP_TABLES = {"audit_events", "api_tokens"}


def snapshot() -> dict[str, Any]:
    """Row counts of every table, and the state of every case and bid."""
    db.session.expire_all()
    counts = {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name not in SKIP_TABLES
    }
    cases = db.session.execute(
        select(Case.id, Case.status, Case.version, Case.stage, Case.awarded_agency_org_id)
    ).all()
    bids = db.session.execute(select(Bid.id, Bid.status)).all()
    settings = db.session.execute(text("SELECT * FROM marketplace_settings")).all()
    return {"counts": counts, "cases": cases, "bids": bids, "settings": settings}


def denials() -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "authz_denied")
    )


def assert_refused(client, world: World, route: Route, user, headers, status: int) -> None:
    method, path, payload = route
    url = path(world)
    before, denied = snapshot(), denials()
    resp = client.open(url, method=method, json=payload, headers=headers)
    who = f"{user.organization.name}/{user.role.value} {method} {url}"
    assert resp.status_code == status, (who, resp.status_code, resp.get_json())
    assert snapshot() == before, who
    assert denials() == denied + 1, who


@pytest.fixture
def refuse(client, world: World, bearer) -> Callable[..., None]:
    tokens: dict[int, dict[str, str]] = {}

    def check(routes: list[Route], users: list[Any], status: int = 403) -> None:
        for user in users:
            headers = tokens.setdefault(user.id, bearer(user))
            for route in routes:
                assert_refused(client, world, route, user, headers, status)

    return check


def test_sales_and_viewers_cannot_run_credit_manager_actions(refuse, tenants):
    refuse([*MANAGER_ROUTES, SETTINGS_PUT], [tenants.a.sales, tenants.a.viewer])
    refuse([COMMENT], [tenants.a.viewer])


def test_only_the_creditors_owner_sets_the_allocation_order(refuse, tenants):
    refuse([SETTINGS_PUT], [tenants.a.credit])


def test_collectors_cannot_run_agency_owner_actions(refuse, tenants):
    refuse(AGENCY_OWNER_ROUTES, [tenants.y.collector])
    refuse([CLOSE], [tenants.x.collector])


def test_creditors_cannot_run_agency_actions(refuse, tenants):
    refuse(AGENCY_OWNER_ROUTES + AGENCY_WORK_ROUTES, [tenants.a.owner, tenants.a.credit])


def test_agencies_cannot_run_creditor_actions(refuse, tenants):
    refuse([*CREDITOR_ONLY_ROUTES, SETTINGS_PUT], [tenants.x.owner, tenants.y.owner])
    # the awarded agency is a party to the cost, but deciding on it is the creditor's
    refuse([APPROVE, REJECT], [tenants.x.owner, tenants.x.collector])


def test_non_parties_get_404(refuse, tenants):
    # the losing bidder and another creditor do not see the awarded case
    refuse([*WORKSPACE_WRITES, APPROVE, REJECT], [tenants.y.owner], status=404)
    # (activities are agencies' only: the kind gate answers a creditor 403 before any load)
    not_activity = [r for r in WORKSPACE_WRITES if r is not ACTIVITY]
    refuse([*not_activity, APPROVE, REJECT], [tenants.b.owner], status=404)
    refuse([ACCEPT, EDIT, PUBLISH, WITHDRAW], [tenants.b.owner], status=404)
    refuse([WITHDRAW_BID], [tenants.x.owner], status=404)  # Y's bid


# -- T7: mass assignment ----------------------------------------------------------------------


def unknown_fields(resp) -> set[str]:
    details = resp.json["error"]["details"]
    return {name for name, messages in details.items() if "Unknown field." in messages}


@pytest.mark.parametrize(
    "forbidden",
    [
        {"status": "awarded", "awarded_agency_org_id": 0, "org_id": 0, "accepted_percent_bp": 0},
        {"status": "awarded", "agency_id": 0, "tenant_id": 0, "success_fee_pct": 0},
    ],
)
def test_patching_a_case_with_forbidden_fields_is_422(client, tenants, bearer, forbidden):
    draft = make_case(tenants.a.org, publish=False)
    forbidden = {k: (tenants.x.org.id if v == 0 and "id" in k else v) for k, v in forbidden.items()}
    before = snapshot()
    resp = client.patch(
        f"/api/v1/cases/{draft.id}",
        json={"required_countries": ["DE"], **forbidden},
        headers=bearer(tenants.a.owner),
    )
    assert resp.status_code == 422, resp.json
    assert unknown_fields(resp) == set(forbidden)
    assert snapshot() == before


@pytest.mark.parametrize(
    "forbidden",
    [{"status": "accepted", "agency_org_id": 0}, {"accepted": True, "tenant_id": 0}],
)
def test_bidding_with_forbidden_fields_is_422(client, tenants, bearer, forbidden):
    case = make_case(tenants.a.org)
    forbidden = {k: (tenants.y.org.id if v == 0 else v) for k, v in forbidden.items()}
    before = snapshot()
    resp = client.post(
        f"/api/v1/cases/{case.id}/bids",
        json={**body("marketplace_api.CaseBids"), **forbidden},
        headers=bearer(tenants.x.owner),
    )
    assert resp.status_code == 422, resp.json
    assert unknown_fields(resp) == set(forbidden)
    assert snapshot() == before


def test_setting_a_stage_with_forbidden_fields_is_422(client, tenants, bearer, world):
    before = snapshot()
    resp = client.post(
        f"/api/v1/cases/{world.awarded.id}/stage",
        json={"stage": "legal", "status": "closed", "outcome": "recovered_full"},
        headers=bearer(tenants.a.owner),
    )
    assert resp.status_code == 422
    assert unknown_fields(resp) == {"status", "outcome"}
    assert snapshot() == before
