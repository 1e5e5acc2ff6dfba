"""GET/POST /disputes/{id}/comments, PATCH/DELETE /comments/{id} (SPEC §3; T18, T22, T40)."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from disputes.attachments.models import Attachment
from disputes.threads.models import Comment, CommentRevision, Thread
from tests import factories
from tests.disputes.helpers import make_dispute

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def post(client, headers, dispute_id, body="Hello", visibility="internal", **extra):
    return client.post(
        f"/api/v1/disputes/{dispute_id}/comments",
        json={"body": body, "visibility": visibility, **extra},
        headers=headers,
    )


def listed(client, headers, dispute_id):
    resp = client.get(f"/api/v1/disputes/{dispute_id}/comments", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["items"]


def upload(client, headers, name="proof.pdf", data=PDF_BYTES):
    resp = client.post(
        "/api/v1/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


@pytest.fixture
def dispute(tenants):
    return make_dispute(tenants.a.org)


def test_post_then_list(client, tenants, bearer, dispute):
    headers = bearer(tenants.a.credit)
    resp = post(client, headers, dispute.id, body="We **checked** the delivery.")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body == {
        "id": body["id"],
        "author": {"id": tenants.a.credit.id, "name": tenants.a.credit.name},
        "body": "We **checked** the delivery.",
        "body_html": "<p>We <strong>checked</strong> the delivery.</p>\n",
        "visibility": "internal",
        "mentions": [],
        "attachments": [],
        "version": 1,
        "created_at": body["created_at"],
        "edited_at": None,
        "deleted": False,
        "deleted_at": None,
        "deleted_by": None,
    }
    db.session.refresh(dispute)
    assert dispute.thread_id is not None
    thread = db.session.get(Thread, dispute.thread_id)
    assert thread.org_id == tenants.a.org.id
    post(client, bearer(tenants.a.owner), dispute.id, body="Second", visibility="shared")
    items = listed(client, bearer(tenants.a.viewer), dispute.id)
    assert [c["body"] for c in items] == ["We **checked** the delivery.", "Second"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment.created"))


def test_a_dispute_without_comments_lists_none(client, tenants, bearer, dispute):
    assert listed(client, bearer(tenants.a.owner), dispute.id) == []
    db.session.refresh(dispute)
    assert dispute.thread_id is None


def test_viewers_read_but_do_not_post(client, tenants, bearer, dispute):
    assert post(client, bearer(tenants.a.viewer), dispute.id).status_code == 403


@pytest.mark.parametrize("payload", [{"visibility": "public"}, {"body": ""}, {"body": " \x00 "}])
def test_invalid_bodies_are_422(client, tenants, bearer, dispute, payload):
    data = {"body": "x", "visibility": "internal", **payload}
    resp = client.post(
        f"/api/v1/disputes/{dispute.id}/comments", json=data, headers=bearer(tenants.a.owner)
    )
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["details"]) <= {"body", "visibility"}


def test_a_comment_over_20000_characters_is_422(client, tenants, bearer, dispute):
    resp = post(client, bearer(tenants.a.owner), dispute.id, body="a" * 20_001)
    assert resp.status_code == 422
    assert "body" in resp.get_json()["error"]["details"]
    assert post(client, bearer(tenants.a.owner), dispute.id, body="a" * 20_000).status_code == 201


def test_a_10_mb_comment_is_413(client, tenants, bearer, dispute, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    resp = post(client, bearer(tenants.a.owner), dispute.id, body="a" * 10 * 1024 * 1024)
    assert resp.status_code == 413
    assert db.session.scalar(select(Comment).limit(1)) is None


def test_sales_see_only_threads_of_disputes_they_see(client, tenants, bearer):
    other_rep = factories.make_user(tenants.a.org, "sales")
    mine = make_dispute(tenants.a.org)
    mine.owner_id = tenants.a.sales.id
    db.session.commit()
    theirs = make_dispute(tenants.a.org)
    comment_id = post(client, bearer(tenants.a.credit), theirs.id).get_json()["id"]
    assert post(client, bearer(tenants.a.sales), mine.id).status_code == 201
    assert client.get(
        f"/api/v1/disputes/{theirs.id}/comments", headers=bearer(tenants.a.sales)
    ).status_code in (403, 404)
    # nor can they edit it by id
    resp = client.patch(
        f"/api/v1/comments/{comment_id}",
        json={"body": "x", "version": 1},
        headers=bearer(other_rep),
    )
    assert resp.status_code == 404


def test_internal_and_shared_comments_are_both_seen_by_the_creditor(
    client, tenants, bearer, dispute
):
    post(client, bearer(tenants.a.credit), dispute.id, body="internal note")
    post(client, bearer(tenants.a.credit), dispute.id, body="for all", visibility="shared")
    items = listed(client, bearer(tenants.a.owner), dispute.id)
    assert [(c["body"], c["visibility"]) for c in items] == [
        ("internal note", "internal"),
        ("for all", "shared"),
    ]


def test_internal_comments_of_another_org_are_hidden(tenants, dispute):
    """Agencies join with cases; a party from another org sees shared comments only."""
    from disputes.threads import permissions, services

    internal = services.add_comment(
        dispute, actor=tenants.a.credit, body="ours", visibility="internal"
    )
    shared = services.add_comment(dispute, actor=tenants.a.credit, body="all", visibility="shared")
    db.session.flush()
    assert permissions.can_see_comment(tenants.a.viewer, internal)
    assert permissions.can_see_comment(tenants.a.viewer, shared)
    # a user of B (or an agency) is no party to A's dispute yet
    assert not permissions.can_see_comment(tenants.b.owner, shared)
    assert not permissions.can_see_comment(tenants.x.owner, shared)


ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a"}


class Elements(HTMLParser):
    """Every (tag, attributes) the browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '" onmouseover="alert(1)',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    '<svg onload="alert(1)"></svg>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '[t](https://e.example "x\\" onmouseover=\\"alert(1)")',
    "<!-- x --><iframe src=//evil.example></iframe>",
]


@pytest.mark.parametrize("source", XSS)
def test_markdown_is_sanitised(client, tenants, bearer, dispute, source):
    resp = post(client, bearer(tenants.a.owner), dispute.id, body=source)
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["body"] == source  # the source is kept as typed
    for tag, attrs in elements(body["body_html"]):
        assert tag in ALLOWED_TAGS, body["body_html"]
        assert set(attrs) <= ({"href", "rel"} if tag == "a" else set()), body["body_html"]
        if tag == "a":
            assert attrs["href"].startswith(("http://", "https://", "mailto:"))
            assert attrs["rel"] == "noopener noreferrer nofollow"


def test_safe_links_get_rel_and_no_other_attributes(client, tenants, bearer, dispute):
    source = '[site](https://example.com "title") and [mail](mailto:a@example.com)'
    html = post(client, bearer(tenants.a.owner), dispute.id, body=source).get_json()["body_html"]
    assert html == (
        '<p><a href="https://example.com" rel="noopener noreferrer nofollow">site</a> and '
        '<a href="mailto:a@example.com" rel="noopener noreferrer nofollow">mail</a></p>\n'
    )


def test_mentions_resolve_to_members_of_the_authors_org(client, tenants, bearer, dispute):
    stranger = tenants.b.credit
    body = (
        f"@[{tenants.a.sales.name}](user:{tenants.a.sales.id}) please check with "
        f"@{tenants.a.credit.email.upper()}; not @[{stranger.name}](user:{stranger.id}) "
        f"nor @{stranger.email}, and @nobody@example.com"
    )
    resp = post(client, bearer(tenants.a.owner), dispute.id, body=body)
    got = resp.get_json()
    assert got["mentions"] == [tenants.a.sales.id, tenants.a.credit.id]
    assert f"@{tenants.a.sales.name}" in got["body_html"]
    assert "user:" not in got["body_html"]
    row = db.session.get(Comment, got["id"])
    assert row.mentions == [tenants.a.sales.id, tenants.a.credit.id]


def edit(client, headers, comment_id, body, version):
    return client.patch(
        f"/api/v1/comments/{comment_id}", json={"body": body, "version": version}, headers=headers
    )


def test_edit_keeps_a_revision(client, tenants, bearer, dispute):
    headers = bearer(tenants.a.credit)
    comment_id = post(client, headers, dispute.id, body="first").get_json()["id"]
    resp = edit(client, headers, comment_id, "second @" + tenants.a.sales.email, 1)
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["body"].startswith("second") and got["version"] == 2
    assert got["edited_at"] is not None and got["mentions"] == [tenants.a.sales.id]
    revisions = db.session.scalars(
        select(CommentRevision).where(CommentRevision.comment_id == comment_id)
    ).all()
    assert [(r.version, r.body, r.edited_by_id) for r in revisions] == [
        (1, "first", tenants.a.credit.id)
    ]


def test_stale_edit_is_409_with_the_current_text(client, tenants, bearer, dispute):
    """T22: two editors from the same version; the second gets the first one's text."""
    headers = bearer(tenants.a.credit)
    comment_id = post(client, headers, dispute.id, body="v1").get_json()["id"]
    assert edit(client, headers, comment_id, "v2", 1).get_json()["version"] == 2
    assert edit(client, headers, comment_id, "v3", 2).get_json()["version"] == 3
    assert edit(client, headers, comment_id, "from tab A", 3).get_json()["version"] == 4
    resp = edit(client, headers, comment_id, "from tab B", 3)
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "stale"
    assert error["details"]["current"] == {"body": "from tab A", "version": 4}
    assert db.session.get(Comment, comment_id).body == "from tab A"


def test_soft_delete_leaves_a_trace(client, tenants, bearer, dispute):
    headers = bearer(tenants.a.credit)
    comment_id = post(client, headers, dispute.id, body="oops").get_json()["id"]
    resp = client.delete(f"/api/v1/comments/{comment_id}", headers=headers)
    assert resp.status_code == 204
    (item,) = listed(client, bearer(tenants.a.owner), dispute.id)
    assert item["deleted"] is True
    assert item["body"] == "" and item["body_html"] == ""
    assert item["deleted_by"] == {"id": tenants.a.credit.id, "name": tenants.a.credit.name}
    assert item["deleted_at"] is not None
    row = db.session.get(Comment, comment_id)
    assert row.deleted_at is not None
    revision = db.session.scalar(
        select(CommentRevision).where(CommentRevision.comment_id == comment_id)
    )
    assert revision.body == "oops"
    # a deleted comment is not edited or deleted again
    assert edit(client, headers, comment_id, "back", row.version).status_code == 409
    assert client.delete(f"/api/v1/comments/{comment_id}", headers=headers).status_code == 409


def test_only_the_author_edits_or_deletes(client, tenants, bearer, dispute):
    comment_id = post(client, bearer(tenants.a.credit), dispute.id).get_json()["id"]
    for user in (tenants.a.owner, tenants.a.sales):
        if user is tenants.a.sales:
            dispute.owner_id = user.id  # so the rep can see the dispute
            db.session.commit()
        headers = bearer(user)
        assert edit(client, headers, comment_id, "mine now", 1).status_code == 403
        assert client.delete(f"/api/v1/comments/{comment_id}", headers=headers).status_code == 403
    assert db.session.get(Comment, comment_id).body == "Hello"


def test_other_tenants_get_404_everywhere(client, tenants, bearer, dispute):
    comment_id = post(client, bearer(tenants.a.credit), dispute.id).get_json()["id"]
    for user in (tenants.b.owner, tenants.x.owner):
        headers = bearer(user)
        statuses = {
            client.get(f"/api/v1/disputes/{dispute.id}/comments", headers=headers).status_code,
            post(client, headers, dispute.id).status_code,
            edit(client, headers, comment_id, "x", 1).status_code,
            client.delete(f"/api/v1/comments/{comment_id}", headers=headers).status_code,
        }
        # agencies are stopped by the role gate on dispute routes (403), B by the tenant gate
        assert statuses <= {403, 404}
        assert 404 in statuses
    assert db.session.get(Comment, comment_id).deleted_at is None


def test_attached_files_download_for_who_sees_the_comment(client, tenants, bearer, dispute):
    owner = bearer(tenants.a.credit)
    internal_id = upload(client, owner)
    shared_id = upload(client, owner, "shared.pdf")
    resp = post(client, owner, dispute.id, body="see file", attachment_ids=[internal_id])
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["attachments"] == [
        {
            "id": internal_id,
            "filename": "proof.pdf",
            "size": len(PDF_BYTES),
            "content_type": "application/pdf",
        }
    ]
    post(client, owner, dispute.id, visibility="shared", attachment_ids=[shared_id])
    assert db.session.get(Attachment, internal_id).comment_id == resp.get_json()["id"]
    other_rep = factories.make_user(tenants.a.org, "sales")
    for att in (internal_id, shared_id):
        for user in (tenants.a.viewer, tenants.a.owner):
            got = client.get(f"/api/v1/attachments/{att}", headers=bearer(user))
            assert got.status_code == 200 and got.data == PDF_BYTES
        for user in (other_rep, tenants.b.owner, tenants.x.owner):
            assert client.get(f"/api/v1/attachments/{att}", headers=bearer(user)).status_code == 404
    # once the comment is deleted, its files are gone for everyone
    client.delete(f"/api/v1/comments/{resp.get_json()['id']}", headers=owner)
    assert client.get(f"/api/v1/attachments/{internal_id}", headers=owner).status_code == 404


@pytest.mark.parametrize("whose", ["foreign", "colleague", "attached", "missing"])
def test_attachment_ids_must_be_your_own_new_uploads(client, tenants, bearer, dispute, whose):
    mine = bearer(tenants.a.credit)
    if whose == "foreign":
        att_id = upload(client, bearer(tenants.b.owner))
    elif whose == "colleague":
        att_id = upload(client, bearer(tenants.a.owner))
    elif whose == "attached":
        att_id = upload(client, mine)
        assert post(client, mine, dispute.id, attachment_ids=[att_id]).status_code == 201
    else:
        att_id = 999_999
    before = db.session.scalar(select(db.func.count(Comment.id)))
    resp = post(client, mine, dispute.id, body="with file", attachment_ids=[att_id])
    assert resp.status_code == 422
    assert "attachment_ids" in resp.get_json()["error"]["details"]
    assert db.session.scalar(select(db.func.count(Comment.id))) == before


def test_nul_and_bidi_override_are_handled_safely(client, tenants, bearer, dispute):
    """T40: NUL is dropped (PostgreSQL refuses it), RLO cannot reorder what others read."""
    source = "pay\x00 to \u202eKCAB\u202c cafe\u0301"
    resp = post(client, bearer(tenants.a.owner), dispute.id, body=source)
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert got["body"] == "pay to KCAB caf\u00e9"
    assert "\x00" not in got["body_html"] and "\u202e" not in got["body_html"]
    assert listed(client, bearer(tenants.a.owner), dispute.id)[0]["body"] == got["body"]


def notified(user) -> list[str]:
    from core.notifications.models import Notification

    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == "mention")
    ).all()
    return [row.url for row in rows]


def test_mentions_notify_those_who_may_see_the_comment(client, tenants, bearer, dispute):
    dispute.owner_id = tenants.a.sales.id  # the rep may see this dispute
    db.session.commit()
    blind_rep = factories.make_user(tenants.a.org, "sales")
    headers = bearer(tenants.a.credit)
    body = f"@{tenants.a.sales.email} and @{blind_rep.email} and me @{tenants.a.credit.email}"
    comment = post(client, headers, dispute.id, body=body).get_json()
    assert comment["mentions"] == [tenants.a.sales.id, blind_rep.id, tenants.a.credit.id]
    url = f"/disputes/{dispute.id}#comment-{comment['id']}"
    assert notified(tenants.a.sales) == [url]
    assert notified(blind_rep) == [] and notified(tenants.a.credit) == []
    # an edit notifies newly mentioned people, never the same person twice
    edited = edit(client, headers, comment["id"], body + f" @{tenants.a.owner.email}", 1)
    assert edited.status_code == 200
    assert notified(tenants.a.owner) == [url] and notified(tenants.a.sales) == [url]


def test_a_concurrent_save_between_check_and_write_is_409(
    client, tenants, bearer, dispute, monkeypatch
):
    """The version check races with another save: the UPDATE's version guard answers 409."""
    from sqlalchemy import update

    from disputes.threads import services

    headers = bearer(tenants.a.credit)
    comment_id = post(client, headers, dispute.id, body="v1").get_json()["id"]
    real_clean = services.clean_body

    def clean_then_someone_saves(body):
        db.session.execute(
            update(Comment)
            .where(Comment.id == comment_id)
            .values(version=Comment.version + 1)
            .execution_options(synchronize_session=False)
        )
        return real_clean(body)

    monkeypatch.setattr(services, "clean_body", clean_then_someone_saves)
    resp = edit(client, headers, comment_id, "mine", 1)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "stale"
    assert "current" in resp.get_json()["error"]["details"]
