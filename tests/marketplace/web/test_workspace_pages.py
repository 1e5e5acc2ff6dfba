"""The case workspace page: thread, activities, recoveries, costs, approvals, summary."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.extensions import db
from disputes.threads.models import Comment
from marketplace.models import Case
from marketplace.states import CaseStatus
from marketplace.workspace.models import CaseActivity, CaseCost, Recovery
from tests.marketplace.helpers import make_case
from tests.marketplace.web.helpers import SCRIPT, token
from tests.marketplace.workspace.helpers import add_cost, add_recovery, make_awarded_case

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
HTML_FILE = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(path))
    return path


@pytest.fixture
def awarded(tenants):
    tenants.a.org.expense_approval_threshold_minor = 25_000  # 250.00 EUR
    db.session.commit()
    return make_awarded_case(tenants)


def page(case_id: int) -> str:
    return f"/cases/{case_id}/workspace"


def send(client, path: str, prefix: str, data: dict[str, Any] | None = None, **kw: Any):
    """POST a prefixed workspace form with the session's CSRF token."""
    fields = {
        f"{prefix}-csrf_token": token(client),
        **{f"{prefix}-{k}": v for k, v in (data or {}).items()},
    }
    return client.post(path, data=fields, **kw)


def count(model: Any, case_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.case_id == case_id)
    )


def comment_count(case_id: int) -> int:
    thread_id = db.session.scalar(select(Case.thread_id).where(Case.id == case_id))
    return db.session.scalar(select(func.count(Comment.id)).where(Comment.thread_id == thread_id))


# -- the page and its gates ----------------------------------------------------------------


def test_both_parties_open_the_workspace_from_the_case_page(tenants, login_as, awarded):
    creditor = login_as(tenants.a.owner)
    html = creditor.get(f"/cases/{awarded.id}").text
    assert f'href="{page(awarded.id)}"' in html
    got = creditor.get(page(awarded.id))
    assert got.status_code == 200
    for testid in ("ws-summary", "thread", "ws-recoveries", "ws-costs", "ws-activities"):
        assert f'data-testid="{testid}"' in got.text
    # the creditor records direct payments and costs, but does not log the agency's work
    assert 'data-testid="recovery-form"' in got.text and 'data-testid="cost-form"' in got.text
    assert 'data-testid="activity-form"' not in got.text
    agency = login_as(tenants.x.collector)
    got = agency.get(page(awarded.id))
    assert got.status_code == 200
    assert awarded.case.debtor.name in got.text
    for form in ("comment-form", "activity-form", "recovery-form", "cost-form"):
        assert f'data-testid="{form}"' in got.text


def test_a_viewer_reads_but_has_no_forms_and_cannot_write(tenants, login_as, awarded):
    viewer = login_as(tenants.a.viewer)
    html = viewer.get(page(awarded.id)).text
    for form in ("comment-form", "activity-form", "recovery-form", "cost-form"):
        assert f'data-testid="{form}"' not in html
    base = page(awarded.id)
    assert send(viewer, f"{base}/comments", "comment", {"body": "hi"}).status_code == 403
    assert send(viewer, f"{base}/recoveries", "recovery", {"amount": "10.00"}).status_code == 403
    assert send(viewer, f"{base}/costs", "cost", {"amount": "10.00"}).status_code == 403
    assert send(viewer, f"{base}/activities", "activity", {"note": "x"}).status_code == 403
    assert count(Recovery, awarded.id) == 0 and count(CaseCost, awarded.id) == 0


@pytest.mark.parametrize("who", ["loser", "other_creditor", "other_agency_owner"])
def test_non_parties_get_404_on_the_page_and_every_post(tenants, login_as, awarded, who):
    cost = add_cost(awarded.case, tenants.x.owner, "300.00")  # pending (above 250.00)
    user = {"loser": tenants.y.owner, "other_creditor": tenants.b.owner}.get(
        who, tenants.y.collector
    )
    client = login_as(user)
    base = page(awarded.id)
    assert client.get(base).status_code == 404
    assert send(client, f"{base}/comments", "comment", {"body": "hi"}).status_code == 404
    assert send(client, f"{base}/activities", "activity", {"note": "x"}).status_code == 404
    assert send(client, f"{base}/recoveries", "recovery", {"amount": "10.00"}).status_code == 404
    assert send(client, f"{base}/costs", "cost", {"amount": "10.00"}).status_code == 404
    approve = client.post(f"{base}/costs/{cost.id}/approve", data={"csrf_token": token(client)})
    assert approve.status_code == 404
    db.session.expire_all()
    assert db.session.get(CaseCost, cost.id).status.value == "pending"


def test_a_case_before_award_has_no_workspace(tenants, login_as):
    listed = make_case(tenants.a.org)
    client = login_as(tenants.a.owner)
    assert client.get(page(listed.id)).status_code == 404
    assert 'data-testid="open-workspace"' not in client.get(f"/cases/{listed.id}").text


def test_every_write_needs_the_csrf_token(tenants, login_as, awarded):
    cost = add_cost(awarded.case, tenants.x.owner, "300.00")
    base = page(awarded.id)
    agency = login_as(tenants.x.owner)
    for path, data in (
        (f"{base}/comments", {"comment-body": "hi", "comment-visibility": "shared"}),
        (f"{base}/activities", {"activity-kind": "call", "activity-note": "x"}),
        (f"{base}/recoveries", {"recovery-amount": "10.00"}),
        (f"{base}/costs", {"cost-amount": "10.00", "cost-description": "x"}),
    ):
        assert agency.post(path, data=data).status_code == 400, path
    creditor = login_as(tenants.a.owner)
    assert creditor.post(f"{base}/costs/{cost.id}/approve", data={}).status_code == 400
    assert comment_count(awarded.id) == 0
    assert count(CaseActivity, awarded.id) == 0 and count(Recovery, awarded.id) == 0
    db.session.expire_all()
    assert db.session.get(CaseCost, cost.id).status.value == "pending"


# -- the thread ----------------------------------------------------------------------------


def test_shared_comments_reach_both_and_internal_ones_stay_home(tenants, login_as, awarded):
    base = page(awarded.id)
    agency = login_as(tenants.x.collector)
    resp = send(
        agency,
        f"{base}/comments",
        "comment",
        {"body": "Called the debtor.", "visibility": "shared"},
    )
    assert resp.status_code == 302 and "#comment-" in resp.headers["Location"]
    send(
        agency,
        f"{base}/comments",
        "comment",
        {"body": "Agency-only note", "visibility": "internal"},
    )
    creditor = login_as(tenants.a.credit)
    resp = send(
        creditor,
        f"{base}/comments",
        "comment",
        {"body": "Creditor-only note", "visibility": "internal"},
    )
    assert resp.status_code == 302
    html = creditor.get(base).text
    assert "Called the debtor." in html and "Creditor-only note" in html
    assert "Agency-only note" not in html
    html = login_as(tenants.x.owner).get(base).text
    assert "Called the debtor." in html and "Agency-only note" in html
    assert "Creditor-only note" not in html


def test_the_thread_posts_without_reload_and_refuses_in_place(tenants, login_as, awarded):
    base = page(awarded.id)
    agency = login_as(tenants.x.owner)
    headers = {"X-Requested-With": "fetch"}
    resp = send(
        agency,
        f"{base}/comments",
        "comment",
        {"body": "**Letter** sent", "visibility": "shared"},
        headers=headers,
    )
    assert resp.status_code == 201 and resp.headers["X-Thread-Fragment"] == "comment"
    assert "<strong>Letter</strong> sent" in resp.text and 'data-testid="comment"' in resp.text
    resp = send(
        agency, f"{base}/comments", "comment", {"body": "", "visibility": "shared"}, headers=headers
    )
    assert resp.status_code == 422 and resp.headers["X-Thread-Fragment"] == "errors"
    assert 'data-testid="comment-errors"' in resp.text


def test_a_comment_with_a_file_and_a_refused_file(tenants, login_as, awarded, store):
    base = page(awarded.id)
    agency = login_as(tenants.x.owner)
    good = {
        "body": "Signed notice attached",
        "visibility": "shared",
        "attachment": (io.BytesIO(PDF), "notice.pdf"),
    }
    resp = send(agency, f"{base}/comments", "comment", good, content_type="multipart/form-data")
    assert resp.status_code == 302
    html = login_as(tenants.a.owner).get(base).text
    assert "notice.pdf" in html and 'data-testid="attachment"' in html
    agency = login_as(tenants.x.owner)
    bad = {
        "body": "Fake PDF",
        "visibility": "shared",
        "attachment": (io.BytesIO(HTML_FILE), "x.pdf"),
    }
    resp = send(agency, f"{base}/comments", "comment", bad, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert 'id="comment-attachment-help" class="error"' in resp.text
    assert len(list(store.iterdir())) == 1  # the refused file was not kept
    assert comment_count(awarded.id) == 1


def test_an_empty_comment_is_refused_next_to_the_field(tenants, login_as, awarded):
    agency = login_as(tenants.x.owner)
    resp = send(
        agency, f"{page(awarded.id)}/comments", "comment", {"body": "  ", "visibility": "shared"}
    )
    assert resp.status_code == 422
    assert 'id="comment-body-help" class="error"' in resp.text


# -- activities ----------------------------------------------------------------------------


def test_the_agency_logs_an_activity(tenants, login_as, awarded):
    agency = login_as(tenants.x.collector)
    resp = send(
        agency,
        f"{page(awarded.id)}/activities",
        "activity",
        {"kind": "call", "occurred_on": "2020-01-01", "note": "Spoke to the CFO"},
    )
    assert resp.status_code == 302
    html = agency.get(resp.headers["Location"]).text
    assert "Activity logged." in html and "Spoke to the CFO" in html
    db.session.expire_all()
    assert db.session.get(Case, awarded.id).status is CaseStatus.ACTIVE


def test_an_activity_in_the_future_is_refused_next_to_the_date(tenants, login_as, awarded):
    agency = login_as(tenants.x.owner)
    resp = send(
        agency,
        f"{page(awarded.id)}/activities",
        "activity",
        {"kind": "visit", "occurred_on": "2999-01-01", "note": "Later"},
    )
    assert resp.status_code == 422
    assert 'id="activity-occurred_on-help" class="error">Must be today or earlier.' in resp.text
    assert count(CaseActivity, awarded.id) == 0


def test_the_creditor_cannot_log_activities(tenants, login_as, awarded):
    creditor = login_as(tenants.a.owner)
    resp = send(
        creditor,
        f"{page(awarded.id)}/activities",
        "activity",
        {"kind": "call", "occurred_on": "2020-01-01", "note": "x"},
    )
    assert resp.status_code == 403


# -- recoveries ----------------------------------------------------------------------------


def test_the_collector_records_a_recovery_once_even_if_sent_twice(tenants, login_as, awarded):
    agency = login_as(tenants.x.collector)
    data = {
        "amount": "300.00",
        "received_on": awarded.case.awarded_at.date().isoformat(),
        "note": "Bank transfer",
        "key": "k-1",
    }
    first = send(agency, f"{page(awarded.id)}/recoveries", "recovery", data)
    assert first.status_code == 302
    again = send(agency, f"{page(awarded.id)}/recoveries", "recovery", data)
    assert again.status_code == 302
    assert count(Recovery, awarded.id) == 1
    html = agency.get(page(awarded.id)).text
    assert "Already recorded." in html and "300.00 EUR" in html and "Bank transfer" in html


def test_a_recovery_over_the_outstanding_or_not_an_amount_is_refused(tenants, login_as, awarded):
    agency = login_as(tenants.x.owner)
    today = awarded.case.awarded_at.date().isoformat()
    resp = send(
        agency,
        f"{page(awarded.id)}/recoveries",
        "recovery",
        {"amount": "1500.01", "received_on": today},
    )
    assert resp.status_code == 422
    assert 'id="recovery-amount-help" class="error">At most 1500.00 EUR is owed.' in resp.text
    resp = send(
        agency,
        f"{page(awarded.id)}/recoveries",
        "recovery",
        {"amount": "lots", "received_on": today},
    )
    assert resp.status_code == 422 and 'id="recovery-amount-help" class="error"' in resp.text
    assert count(Recovery, awarded.id) == 0


def test_the_creditor_records_a_direct_payment(tenants, login_as, awarded):
    creditor = login_as(tenants.a.credit)
    html = creditor.get(page(awarded.id)).text
    assert "Record a direct payment" in html
    today = awarded.case.awarded_at.date().isoformat()
    resp = send(
        creditor,
        f"{page(awarded.id)}/recoveries",
        "recovery",
        {"amount": "100.00", "received_on": today},
    )
    assert resp.status_code == 302
    recovery = db.session.scalar(select(Recovery).where(Recovery.case_id == awarded.id))
    assert recovery.source.value == "direct" and recovery.amount_minor == 10_000


# -- costs ---------------------------------------------------------------------------------


def test_an_agency_expense_with_a_receipt_waits_and_the_creditor_approves(
    tenants, login_as, awarded
):
    base = page(awarded.id)
    agency = login_as(tenants.x.collector)
    data = {
        "amount": "300.00",
        "description": "Bailiff visit",
        "borne_by": "creditor",
        "receipt": (io.BytesIO(PDF), "bailiff.pdf"),
    }
    resp = send(agency, f"{base}/costs", "cost", data, content_type="multipart/form-data")
    assert resp.status_code == 302
    cost = db.session.scalar(select(CaseCost).where(CaseCost.case_id == awarded.id))
    assert cost.status.value == "pending" and cost.receipt_attachment_id is not None
    assert "It waits for the creditor" in agency.get(base).text
    # the agency cannot decide its own cost
    assert (
        agency.post(
            f"{base}/costs/{cost.id}/approve", data={"csrf_token": token(agency)}
        ).status_code
        == 403
    )
    creditor = login_as(tenants.a.credit)
    html = creditor.get(base).text
    assert f'data-testid="approve-{cost.id}"' in html and 'data-testid="cost-receipt"' in html
    resp = creditor.post(f"{base}/costs/{cost.id}/approve", data={"csrf_token": token(creditor)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(CaseCost, cost.id).status.value == "approved"
    # deciding again is a conflict, shown on the page
    resp = creditor.post(f"{base}/costs/{cost.id}/reject", data={"csrf_token": token(creditor)})
    assert resp.status_code == 409


def test_the_creditor_rejects_and_a_viewer_cannot(tenants, login_as, awarded):
    cost = add_cost(awarded.case, tenants.x.owner, "400.00")
    base = page(awarded.id)
    viewer = login_as(tenants.a.viewer)
    assert f'data-testid="reject-{cost.id}"' not in viewer.get(base).text
    assert (
        viewer.post(
            f"{base}/costs/{cost.id}/reject", data={"csrf_token": token(viewer)}
        ).status_code
        == 403
    )
    owner = login_as(tenants.a.owner)
    assert (
        owner.post(f"{base}/costs/{cost.id}/reject", data={"csrf_token": token(owner)}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(CaseCost, cost.id).status.value == "rejected"


def test_a_cost_of_another_case_is_404_here(tenants, login_as, awarded):
    other = make_awarded_case(tenants, loser=False)
    cost = add_cost(other.case, tenants.x.owner, "300.00")
    owner = login_as(tenants.a.owner)
    resp = owner.post(
        f"{page(awarded.id)}/costs/{cost.id}/approve", data={"csrf_token": token(owner)}
    )
    assert resp.status_code == 404


def test_an_invalid_expense_is_refused_next_to_its_fields(tenants, login_as, awarded):
    agency = login_as(tenants.x.owner)
    base = page(awarded.id)
    resp = send(
        agency,
        f"{base}/costs",
        "cost",
        {"amount": "50.00", "description": "Court fee", "borne_by": "debtor"},
    )
    assert resp.status_code == 422
    assert "A cost the debtor bears is recoverable from the debtor." in resp.text
    resp = send(
        agency, f"{base}/costs", "cost", {"amount": "", "description": "", "borne_by": "creditor"}
    )
    assert resp.status_code == 422
    assert 'id="cost-amount-help" class="error"' in resp.text
    assert 'id="cost-description-help" class="error"' in resp.text
    assert count(CaseCost, awarded.id) == 0


# -- the summary and escaping --------------------------------------------------------------


def test_the_summary_shows_net_recovery(tenants, login_as, awarded):
    add_recovery(awarded.case, tenants.x.owner, "1000.00")  # 15 %: success fee 150.00
    add_cost(awarded.case, tenants.a.owner, "40.00")  # the creditor's own: counts at once
    add_cost(awarded.case, tenants.x.owner, "300.00")  # pending: does not count
    html = login_as(tenants.a.viewer).get(page(awarded.id)).text
    assert 'data-testid="ws-recovered">1,000.00 EUR' in html
    assert 'data-testid="ws-net">810.00 EUR' in html
    assert 'data-testid="ws-pending">300.00 EUR' in html
    assert 'data-testid="ws-outstanding">500.00 EUR' in html


def test_user_text_is_escaped_everywhere_t18(tenants, login_as, awarded):
    base = page(awarded.id)
    agency = login_as(tenants.x.owner)
    today = awarded.case.awarded_at.date().isoformat()
    send(agency, f"{base}/comments", "comment", {"body": SCRIPT, "visibility": "shared"})
    send(
        agency,
        f"{base}/activities",
        "activity",
        {"kind": "letter", "occurred_on": today, "note": SCRIPT},
    )
    send(
        agency,
        f"{base}/recoveries",
        "recovery",
        {"amount": "10.00", "received_on": today, "note": SCRIPT},
    )
    send(
        agency,
        f"{base}/costs",
        "cost",
        {"amount": "10.00", "description": SCRIPT, "borne_by": "agency"},
    )
    assert count(CaseActivity, awarded.id) == 1 and count(Recovery, awarded.id) == 1
    for user in (tenants.x.owner, tenants.a.owner):
        html = login_as(user).get(base).text
        assert SCRIPT not in html
        assert html.count(ESCAPED) >= 3  # activity note, recovery note, cost description
