"""Every /api/v1 route that takes an id answers 404 for another tenant's object (T1, T2).

The walk reads `app.url_map`, so an endpoint added later is covered without anyone
remembering to: a new id argument without an entry in OBJECT_IN_OTHER_TENANT, or a
write route whose body needs fields without an entry in VALID_BODIES, fails this test.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from werkzeug.routing import Rule

from core.audit import AuditEvent
from core.auth import services
from core.extensions import db
from disputes.attachments.service import store_attachment
from tests import factories
from tests.disputes.helpers import make_dispute
from tests.disputes.threads.helpers import make_comment
from tests.factories import Tenants
from tests.ledger.imports.helpers import make_import
from tests.marketplace.helpers import make_bid, make_case
from tests.marketplace.workspace.helpers import make_cost_in_other_tenant

#: id argument → creates (or picks) an object owned by tenant B (creditor) or Y (agency)
OBJECT_IN_OTHER_TENANT: dict[str, Callable[[Tenants], int]] = {
    "attachment_id": lambda t: (
        store_attachment(t.b.org, uploader=t.b.owner, filename="b.pdf", data=b"%PDF-1.4\n").id
    ),
    "user_id": lambda t: t.b.credit.id,
    "invitation_id": lambda t: (
        services.invite(t.b.org, email="someone@b.example", role="sales", actor=t.b.owner).id
    ),
    "token_id": lambda t: services.issue_token(t.b.owner, name="b's token")[0].id,
    "debtor_id": lambda t: factories.make_debtor(t.b.org, "B's customer").id,
    "invoice_id": lambda t: factories.make_invoice(t.b.org, number="B-0001").id,
    "import_id": lambda t: make_import(t.b.org),
    "dispute_id": lambda t: make_dispute(t.b.org).id,
    "comment_id": lambda t: make_comment(t.b.org, t.b.owner).id,
    "agency_id": lambda t: t.y.org.id,
    # B's listing, open to agency Y only: not visible to X, not A's
    "case_id": lambda t: make_case(t.b.org, invited=[t.y.org.id]).id,
    "listing_id": lambda t: make_case(t.b.org, invited=[t.y.org.id]).id,
    "bid_id": lambda t: make_bid(make_case(t.b.org, invited=[t.y.org.id]), t.y.owner).id,
    # an expense on B's case, awarded to Y
    "cost_id": make_cost_in_other_tenant,
}

#: (endpoint, method) → a body that passes validation, so the request reaches the loader
VALID_BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("auth_api.Member", "PATCH"): {"role": "viewer"},
    ("ledger_api.InvoicePayments", "POST"): {
        "amount": {"amount": "1.00", "currency": "EUR"},
        "date": "2026-01-01",
    },
    ("ledger_api.InvoiceCreditNotes", "POST"): {
        "amount": {"amount": "1.00", "currency": "EUR"},
        "date": "2026-01-01",
        "reason": "x",
    },
    ("disputes_api.DisputeResource", "PATCH"): {"description": "x"},
    ("disputes_api.DisputeTransition", "POST"): {"to": "in_review"},
    ("disputes_api.DisputeResolve", "POST"): {"outcome": "withdrawn"},
    ("threads_api.DisputeComments", "POST"): {"body": "x", "visibility": "internal"},
    ("threads_api.CommentResource", "PATCH"): {"body": "x", "version": 1},
    ("marketplace_api.CaseResource", "PATCH"): {"required_countries": []},
    ("marketplace_api.CaseBids", "POST"): {
        "fee_model": "contingency",
        "percent": "10",
        "duration_days": 30,
        "legal_action": False,
    },
    ("case_workspace_api.CaseComments", "POST"): {"body": "x", "visibility": "shared"},
    ("case_workspace_api.CaseActivities", "POST"): {
        "kind": "call",
        "occurred_on": "2026-01-01",
        "note": "x",
    },
    ("case_workspace_api.CaseRecoveries", "POST"): {
        "amount": {"amount": "1.00", "currency": "EUR"},
        "received_on": "2026-01-01",
    },
    ("case_workspace_api.CaseCosts", "POST"): {
        "kind": "expense",
        "amount": {"amount": "1.00", "currency": "EUR"},
        "description": "x",
        "borne_by": "creditor",
        "recoverable": False,
    },
    ("case_workspace_more_api.CasePromises", "POST"): {
        "amount": {"amount": "1.00", "currency": "EUR"},
        "due_on": "2026-01-01",
    },
    ("case_workspace_more_api.CasePaymentPlan", "POST"): {
        "instalments": [{"due_on": "2026-01-01", "amount": {"amount": "1.00", "currency": "EUR"}}]
    },
    ("marketplace_closing_api.CaseClose", "POST"): {"outcome": "unrecoverable"},
    ("marketplace_closing_api.CaseReview", "POST"): {"rating": 4},
    ("marketplace_stage_api.CaseStageResource", "POST"): {"stage": "legal"},
}

#: (endpoint, method) that SPEC shares with every user on purpose: these answer 200 to
#: callers of any organisation instead of 404 (SPEC §4: agency profiles are public)
PUBLIC_READS: frozenset[tuple[str, str]] = frozenset({("agencies_api.AgencyResource", "GET")})

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def id_routes(app) -> list[tuple[Rule, str]]:
    """(rule, method) for every /api/v1 rule with an <int:...> argument."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        int_args = [name for _conv, name in _converters(rule) if _conv == "IntegerConverter"]
        if not int_args:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return found


def _converters(rule: Rule) -> list[tuple[str, str]]:
    return [(type(conv).__name__, name) for name, conv in rule._converters.items()]


def test_the_walk_finds_the_routes_it_should(app):
    endpoints = {rule.endpoint for rule, _m in id_routes(app)}
    assert {"auth_api.Member", "auth_api.InvitationResource", "auth_api.TokenResource"} <= endpoints


def test_every_id_route_answers_404_across_tenants(app, client, tenants, bearer):
    # Objects of B/Y, created once; callers from A (creditor) and X (agency).
    ids = {name: make(tenants) for name, make in OBJECT_IN_OTHER_TENANT.items()}
    db.session.commit()
    callers = {
        "creditor A owner": bearer(tenants.a.owner),
        "agency X owner": bearer(tenants.x.owner),
    }
    problems = []
    for rule, method in id_routes(app):
        args = {}
        for _conv, name in _converters(rule):
            if name not in ids:
                problems.append(f"{rule.rule}: no factory for <{name}> in OBJECT_IN_OTHER_TENANT")
                break
            args[name] = ids[name]
        else:
            url = rule.build(args, append_unknown=False)[1]
            if (rule.endpoint, method) in PUBLIC_READS:
                for who, headers in callers.items():
                    resp = client.open(url, method=method, headers=headers)
                    if resp.status_code != 200:
                        problems.append(
                            f"{method} {rule.rule} (public) as {who}: {resp.status_code}"
                        )
                continue
            body = (
                VALID_BODIES.get((rule.endpoint, method), {}) if method in WRITE_METHODS else None
            )
            statuses = {}
            for who, headers in callers.items():
                before = db.session.scalar(
                    select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "authz_denied")
                )
                resp = client.open(url, method=method, json=body, headers=headers)
                statuses[who] = resp.status_code
                if resp.status_code == 404:
                    after = db.session.scalar(
                        select(db.func.count(AuditEvent.id)).where(
                            AuditEvent.action == "authz_denied"
                        )
                    )
                    if after != before + 1:
                        problems.append(f"{method} {rule.rule} as {who}: 404 without audit row")
                if resp.status_code not in (403, 404):
                    problems.append(
                        f"{method} {rule.rule} as {who}: {resp.status_code} "
                        f"{resp.get_data(as_text=True)[:200]}"
                    )
            if 404 not in statuses.values():
                problems.append(
                    f"{method} {rule.rule}: nobody got 404 ({statuses}); "
                    "add a VALID_BODIES entry if validation answered first"
                )
    assert not problems, "\n".join(problems)


def test_denials_record_who_asked_for_what(client, tenants, bearer):
    client.get(f"/api/v1/users/{tenants.b.owner.id}", headers=bearer(tenants.a.credit))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "authz_denied"))
    assert event.actor_id == tenants.a.credit.id
    assert event.org_id == tenants.a.org.id
    assert event.object_type == "users" and event.object_id == str(tenants.b.owner.id)
    assert event.details["route"] == f"/api/v1/users/{tenants.b.owner.id}"


def test_role_denials_are_audited_too(client, tenants, bearer):
    resp = client.get("/api/v1/users", headers=bearer(tenants.a.sales))
    assert resp.status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "authz_denied"))
    assert event.actor_id == tenants.a.sales.id
    assert event.details["status"] == 403 and event.object_id == "auth_api.Members"
