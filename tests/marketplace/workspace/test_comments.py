"""The case's thread: shared vs internal across the two organisations, mentions, edits,
attachments, and who may not even see it (T1, T5, T6)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.notifications.models import Notification
from disputes.threads.models import Comment
from marketplace.models import Case
from tests.disputes.attachments.conftest import PDF_BYTES, upload
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import make_awarded_case


@pytest.fixture
def awarded(tenants):
    return make_awarded_case(tenants)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/comments"


def post(client, headers, case_id, body="Called the debtor.", visibility="shared", **extra):
    payload = {"body": body, "visibility": visibility, **extra}
    return client.post(url(case_id), json=payload, headers=headers)


def bodies(client, headers, case_id) -> list[str]:
    resp = client.get(url(case_id), headers=headers)
    assert resp.status_code == 200, resp.json
    return [c["body"] for c in resp.json["items"]]


def test_shared_comments_reach_both_organisations_internal_ones_stay_home(
    client, tenants, bearer, awarded
):
    creditor, agency = bearer(tenants.a.credit), bearer(tenants.x.collector)
    assert post(client, creditor, awarded.id, "For both of you.").status_code == 201
    assert post(client, creditor, awarded.id, "Between us.", "internal").status_code == 201
    first = post(client, agency, awarded.id, "Debtor promised Friday.")
    assert first.status_code == 201, first.json
    assert first.json["visibility"] == "shared" and first.json["author"]["id"] == (
        tenants.x.collector.id
    )
    assert post(client, agency, awarded.id, "Agency only.", "internal").status_code == 201

    assert bodies(client, creditor, awarded.id) == [
        "For both of you.",
        "Between us.",
        "Debtor promised Friday.",
    ]
    assert bodies(client, bearer(tenants.a.viewer), awarded.id) == [
        "For both of you.",
        "Between us.",
        "Debtor promised Friday.",
    ]
    assert bodies(client, bearer(tenants.x.owner), awarded.id) == [
        "For both of you.",
        "Debtor promised Friday.",
        "Agency only.",
    ]
    thread_id = db.session.get(Case, awarded.id).thread_id
    orgs = db.session.scalars(select(Comment.org_id).where(Comment.thread_id == thread_id)).all()
    assert sorted(set(orgs)) == sorted({tenants.a.org.id, tenants.x.org.id})


def test_a_case_without_comments_lists_none(client, tenants, bearer, awarded):
    resp = client.get(url(awarded.id), headers=bearer(tenants.x.owner))
    assert resp.json == {"items": [], "page": 1, "page_size": 50, "total": 0}


def test_the_creditor_may_comment_before_the_award(client, tenants, bearer):
    case = make_case(tenants.a.org)
    headers = bearer(tenants.a.owner)
    assert post(client, headers, case.id, "Note to self", "internal").status_code == 201
    assert bodies(client, headers, case.id) == ["Note to self"]
    # the listing's agencies are not parties yet
    assert client.get(url(case.id), headers=bearer(tenants.x.owner)).status_code == 404
    assert post(client, bearer(tenants.x.owner), case.id).status_code == 404


@pytest.mark.parametrize("who", ["b.owner", "y.owner", "y.collector"])
def test_other_tenants_and_losing_bidders_get_404(client, tenants, bearer, awarded, who):
    org, role = who.split(".")
    user = getattr(getattr(tenants, org), role)
    headers = bearer(user)
    assert client.get(url(awarded.id), headers=headers).status_code == 404
    assert post(client, headers, awarded.id).status_code == 404
    denied = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "authz_denied", AuditEvent.actor_id == user.id
        )
    ).all()
    assert len(denied) == 2


def test_the_agency_loses_the_thread_when_the_case_closes(client, tenants, bearer, awarded):
    headers = bearer(tenants.x.owner)
    comment_id = post(client, headers, awarded.id).json["id"]
    case = db.session.get(Case, awarded.id)
    case.status, case.outcome = "closed", "returned_by_agency"
    db.session.commit()
    assert client.get(url(awarded.id), headers=headers).status_code == 404
    edit = client.patch(
        f"/api/v1/comments/{comment_id}", json={"body": "late", "version": 1}, headers=headers
    )
    assert edit.status_code == 404
    # the creditor keeps the whole file
    assert bodies(client, bearer(tenants.a.credit), awarded.id) == ["Called the debtor."]


def test_viewers_read_but_do_not_post(client, tenants, bearer, awarded):
    resp = post(client, bearer(tenants.a.viewer), awarded.id)
    assert resp.status_code == 403


@pytest.mark.parametrize(
    "payload",
    [
        {"visibility": "shared"},
        {"body": "x", "visibility": "public"},
        {"body": "", "visibility": "shared"},
        {"body": "x", "visibility": "shared", "case_id": 1},
    ],
)
def test_invalid_bodies_are_422(client, tenants, bearer, awarded, payload):
    resp = client.post(url(awarded.id), json=payload, headers=bearer(tenants.x.owner))
    assert resp.status_code == 422
    assert db.session.scalar(select(Comment.id)) is None


def test_authors_of_either_side_edit_and_delete_their_own_comments(
    client, tenants, bearer, awarded
):
    agency = bearer(tenants.x.collector)
    comment = post(client, agency, awarded.id, "Frist bis Freitag").json
    edited = client.patch(
        f"/api/v1/comments/{comment['id']}",
        json={"body": "Deadline Friday", "version": comment["version"]},
        headers=agency,
    )
    assert edited.status_code == 200, edited.json
    assert edited.json["body"] == "Deadline Friday" and edited.json["edited_at"]
    # the creditor sees the shared comment but may not change it
    creditor = bearer(tenants.a.owner)
    other = client.patch(
        f"/api/v1/comments/{comment['id']}", json={"body": "no", "version": 2}, headers=creditor
    )
    assert other.status_code == 404  # not a comment of the creditor's organisation
    colleague = client.delete(f"/api/v1/comments/{comment['id']}", headers=bearer(tenants.x.owner))
    assert colleague.status_code == 403
    deleted = client.delete(f"/api/v1/comments/{comment['id']}", headers=agency)
    assert deleted.status_code == 204
    shown = client.get(url(awarded.id), headers=creditor).json["items"][0]
    assert shown["deleted"] and shown["body"] == ""


def test_shared_comments_may_mention_both_sides_internal_ones_only_colleagues(
    client, tenants, bearer, awarded
):
    creditor = bearer(tenants.a.credit)
    body = f"@{tenants.x.collector.email} please call, cc @{tenants.a.owner.email}"
    shared = post(client, creditor, awarded.id, body).json
    assert shared["mentions"] == [tenants.x.collector.id, tenants.a.owner.id]
    internal = post(client, creditor, awarded.id, body, "internal").json
    assert internal["mentions"] == [tenants.a.owner.id]
    stranger = post(client, creditor, awarded.id, f"@{tenants.y.owner.email}").json
    assert stranger["mentions"] == []
    urls = db.session.scalars(
        select(Notification.url).where(
            Notification.user_id == tenants.x.collector.id, Notification.kind == "mention"
        )
    ).all()
    assert urls == [f"/cases/{awarded.id}#comment-{shared['id']}"]
    title = db.session.scalar(
        select(Notification.title).where(
            Notification.user_id == tenants.x.collector.id, Notification.kind == "mention"
        )
    )
    assert title.endswith(f"mentioned you on case #{awarded.id}")


def test_an_edit_may_add_a_mention_of_the_other_side(client, tenants, bearer, awarded):
    agency = bearer(tenants.x.owner)
    comment = post(client, agency, awarded.id, "Paid?").json
    edited = client.patch(
        f"/api/v1/comments/{comment['id']}",
        json={"body": f"Paid? @{tenants.a.credit.email}", "version": 1},
        headers=agency,
    )
    assert edited.json["mentions"] == [tenants.a.credit.id]
    assert db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == tenants.a.credit.id, Notification.kind == "mention"
        )
    )


def test_files_on_shared_comments_download_for_the_agency_not_on_internal_ones(
    client, tenants, bearer, awarded
):
    creditor, agency = bearer(tenants.a.credit), bearer(tenants.x.collector)
    shared_file = upload(client, creditor, "contract.pdf", PDF_BYTES).json["id"]
    internal_file = upload(client, creditor, "notes.pdf", PDF_BYTES).json["id"]
    resp = post(client, creditor, awarded.id, "Contract", attachment_ids=[shared_file])
    assert resp.status_code == 201 and resp.json["attachments"][0]["id"] == shared_file
    post(client, creditor, awarded.id, "Mine", "internal", attachment_ids=[internal_file])

    got = client.get(f"/api/v1/attachments/{shared_file}", headers=agency)
    assert got.status_code == 200 and got.data == PDF_BYTES
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/api/v1/attachments/{internal_file}", headers=agency).status_code == 404
    # losing bidders and other tenants see neither
    for user in (tenants.y.owner, tenants.b.owner):
        got = client.get(f"/api/v1/attachments/{shared_file}", headers=bearer(user))
        assert got.status_code == 404
    # the agency's own file on a shared comment reaches the creditor
    agency_file = upload(client, agency, "letter.pdf", PDF_BYTES).json["id"]
    post(client, agency, awarded.id, "Letter sent", attachment_ids=[agency_file])
    assert client.get(f"/api/v1/attachments/{agency_file}", headers=creditor).status_code == 200


def test_another_partys_upload_cannot_be_attached(client, tenants, bearer, awarded):
    creditor_file = upload(client, bearer(tenants.a.credit), "a.pdf", PDF_BYTES).json["id"]
    resp = post(client, bearer(tenants.x.owner), awarded.id, attachment_ids=[creditor_file])
    assert resp.status_code == 422 and "attachment_ids" in resp.json["error"]["details"]


def test_markdown_is_sanitised_in_body_html_and_raw_in_body(client, tenants, bearer, awarded):
    source = '<script>alert(1)</script> [x](javascript:alert(1)) " onmouseover="x'
    got = post(client, bearer(tenants.x.owner), awarded.id, source).json
    assert got["body"] == source
    assert "<script" not in got["body_html"] and 'href="javascript' not in got["body_html"]
