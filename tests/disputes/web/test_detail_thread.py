"""The dispute page's thread: posting (with and without JavaScript), files, visibility, mentions."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from disputes.attachments.models import Attachment
from disputes.threads import services as threads
from disputes.threads.models import Comment
from tests import factories
from tests.disputes.web.detail_helpers import (
    FETCH,
    HTML_BYTES,
    PDF_BYTES,
    Scene,
    count,
    make_scene,
    post_comment,
    stored_files,
)


@pytest.fixture
def scene(tenants) -> Scene:
    return make_scene(tenants)


@pytest.fixture(autouse=True)
def store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's attachment directory (created by the first save)."""
    path = tmp_path / "store"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(path))
    return path


def only_comment() -> Comment:
    return db.session.scalars(select(Comment)).one()


def test_a_comment_posts_and_redirects_back_to_it(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = post_comment(client, scene.dispute.id, "Asked the **carrier** for photos.")
    assert resp.status_code == 302
    comment = only_comment()
    assert resp.headers["Location"] == f"/disputes/{scene.dispute.id}#comment-{comment.id}"
    assert (comment.author_id, comment.visibility) == (scene.t.a.credit.id, "internal")
    html = client.get(f"/disputes/{scene.dispute.id}").text
    assert "Comment posted." in html and f'id="comment-{comment.id}"' in html
    assert "Asked the <strong>carrier</strong> for photos." in html  # Markdown rendered
    assert "No comments yet." in html  # the empty note is there, hidden for thread.js
    assert "data-thread-empty hidden" in html


def test_the_javascript_path_gets_the_rendered_comment_fragment(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = post_comment(
        client, scene.dispute.id, "Shared *note*", visibility="shared", fragment=True
    )
    assert resp.status_code == 201 and resp.headers["X-Thread-Fragment"] == "comment"
    comment = only_comment()
    body = resp.text
    assert body.lstrip().startswith(f'<li class="comment" id="comment-{comment.id}"')
    assert "<html" not in body and "Shared <em>note</em>" in body and ">Shared<" in body
    assert comment.visibility == "shared"


def test_the_javascript_path_gets_the_reasons_as_a_fragment(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = post_comment(client, scene.dispute.id, "   ", fragment=True)
    assert resp.status_code == 422 and resp.headers["X-Thread-Fragment"] == "errors"
    assert 'data-testid="comment-errors"' in resp.text and "<html" not in resp.text
    assert "Comment: This field is required." in resp.text
    assert count(Comment) == 0


def test_an_empty_comment_is_refused_next_to_the_field(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = post_comment(client, scene.dispute.id, "")
    assert resp.status_code == 422
    assert 'aria-invalid="true"' in resp.text and "This field is required." in resp.text
    resp = post_comment(client, scene.dispute.id, "x", visibility="public")
    assert resp.status_code == 422 and "Not a valid choice." in resp.text
    assert count(Comment) == 0


def test_the_javascript_path_needs_the_csrf_token_too(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = client.post(
        f"/disputes/{scene.dispute.id}/comments",
        data={"comment-body": "Hello", "comment-visibility": "shared"},
        headers={**FETCH, "X-CSRFToken": "forged"},
    )
    assert resp.status_code == 400 and count(Comment) == 0


def test_a_pdf_posted_with_the_comment_is_attached_and_downloadable(
    scene: Scene, login_as, store: Path
):
    client = login_as(scene.t.a.credit)
    resp = post_comment(
        client, scene.dispute.id, "Delivery note attached.", file=(PDF_BYTES, "delivery.pdf")
    )
    assert resp.status_code == 302
    comment = only_comment()
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.comment_id == comment.id and attachment.filename == "delivery.pdf"
    assert stored_files(store) == [attachment.storage_key]
    html = client.get(f"/disputes/{scene.dispute.id}").text
    link = f'href="/api/v1/attachments/{attachment.id}" download data-testid="attachment">'
    assert link + "delivery.pdf</a>" in html
    # a colleague who may see the comment downloads it
    download = login_as(scene.t.a.sales).get(f"/api/v1/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES


def test_a_file_through_the_javascript_path_comes_back_in_the_fragment(scene: Scene, login_as):
    client = login_as(scene.t.a.sales)
    resp = post_comment(
        client, scene.dispute.id, "Photos", file=(PDF_BYTES, "photos.pdf"), fragment=True
    )
    assert resp.status_code == 201
    assert 'data-testid="attachment">photos.pdf</a>' in resp.text


@pytest.mark.parametrize("fragment", [False, True])
def test_html_named_pdf_is_refused_and_leaves_no_comment_and_no_file(
    scene: Scene, login_as, store: Path, fragment: bool
):
    client = login_as(scene.t.a.credit)
    resp = post_comment(
        client, scene.dispute.id, "See file", file=(HTML_BYTES, "invoice.pdf"), fragment=fragment
    )
    assert resp.status_code == 422
    assert "This type of file is not allowed." in resp.text or "allowed: PDF" in resp.text
    if not fragment:
        assert 'aria-invalid="true"' in resp.text  # next to the file field
    assert (count(Comment), count(Attachment), stored_files(store)) == (0, 0, [])
    assert "<script>alert(1)" not in resp.text


def test_a_good_file_with_a_refused_comment_is_not_kept(scene: Scene, login_as, store: Path):
    client = login_as(scene.t.a.credit)
    too_long = "x" * (threads.MAX_BODY + 1)
    resp = post_comment(client, scene.dispute.id, too_long, file=(PDF_BYTES, "a.pdf"))
    assert resp.status_code == 422
    assert (count(Comment), count(Attachment), stored_files(store)) == (0, 0, [])


def test_the_file_is_discarded_when_the_comment_fails_in_the_service(
    scene: Scene, login_as, store: Path
):
    """The form lets a body through that the service refuses (only control characters)."""
    client = login_as(scene.t.a.credit)
    resp = post_comment(client, scene.dispute.id, "\u202e\u202e", file=(PDF_BYTES, "a.pdf"))
    assert resp.status_code == 422
    assert 'id="comment-body-help" class="error">Required.</small>' in resp.text
    assert (count(Comment), count(Attachment), stored_files(store)) == (0, 0, [])


def test_a_file_over_the_limit_is_refused(scene: Scene, login_as, store: Path, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 50)
    client = login_as(scene.t.a.credit)
    resp = post_comment(client, scene.dispute.id, "Big", file=(PDF_BYTES, "big.pdf"))
    assert resp.status_code == 413 and "The file is too large." in resp.text
    assert (count(Comment), count(Attachment), stored_files(store)) == (0, 0, [])


def test_internal_comments_of_another_organisation_stay_hidden(scene: Scene, login_as):
    """A party from another organisation (an agency, once cases share threads) writes both kinds."""
    mine = threads.add_comment(
        scene.dispute, actor=scene.t.a.credit, body="Our own note", visibility="internal"
    )
    for visibility in ("internal", "shared"):
        db.session.add(
            Comment(
                org_id=scene.t.x.org.id,
                thread_id=mine.thread_id,
                author_id=scene.t.x.owner.id,
                body=f"Agency {visibility} text",
                visibility=visibility,
            )
        )
    db.session.commit()
    html = login_as(scene.t.a.viewer).get(f"/disputes/{scene.dispute.id}").text
    assert "Our own note" in html and "Agency shared text" in html
    assert "Agency internal text" not in html
    assert html.count('data-testid="comment"') == 2


def test_deleted_and_edited_comments_show_as_such(scene: Scene, login_as):
    author = scene.t.a.credit
    gone = threads.add_comment(scene.dispute, actor=author, body="Secret typo", visibility="shared")
    kept = threads.add_comment(scene.dispute, actor=author, body="First text", visibility="shared")
    db.session.flush()
    threads.delete_comment(gone, actor=author)
    threads.edit_comment(kept, actor=author, body="Second text", expected_version=kept.version)
    db.session.commit()
    html = login_as(scene.t.a.owner).get(f"/disputes/{scene.dispute.id}").text
    assert "Secret typo" not in html and f"Comment deleted by {author.name}" in html
    assert "Second text" in html and "First text" not in html
    assert html.count('data-testid="comment-edited"') == 1


def test_attachments_of_a_deleted_comment_are_not_listed(scene: Scene, login_as):
    from disputes.attachments.service import store_attachment

    author = scene.t.a.credit
    upload = store_attachment(scene.t.a.org, uploader=author, filename="x.pdf", data=PDF_BYTES)
    comment = threads.add_comment(
        scene.dispute, actor=author, body="File", visibility="shared", attachment_ids=[upload.id]
    )
    db.session.flush()
    threads.delete_comment(comment, actor=author)
    db.session.commit()
    html = login_as(scene.t.a.owner).get(f"/disputes/{scene.dispute.id}").text
    assert 'data-testid="attachment"' not in html and "x.pdf" not in html


def test_a_mention_from_the_editor_notifies_the_colleague(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    sales = scene.t.a.sales
    candidates = client.get(f"/disputes/{scene.dispute.id}/mentions?q=sal").json["users"]
    assert [c["id"] for c in candidates] == [sales.id]
    token = candidates[0]["token"]
    assert token == f"@[{sales.name}](user:{sales.id})"
    resp = post_comment(client, scene.dispute.id, f"{token} can you check the delivery?")
    assert resp.status_code == 302
    comment = only_comment()
    assert comment.mentions == [sales.id]
    note = db.session.scalars(select(Notification).where(Notification.user_id == sales.id)).one()
    assert note.url == f"/disputes/{scene.dispute.id}#comment-{comment.id}"
    html = client.get(f"/disputes/{scene.dispute.id}").text
    assert f"@{sales.name} can you check the delivery?" in html and "(user:" not in html


def test_mention_candidates_are_the_colleagues_who_see_the_dispute(scene: Scene, login_as):
    a = scene.t.a
    outsider = factories.make_user(a.org, "sales", name="Sam Other Rep")  # not Alpha's rep
    gone = factories.make_user(a.org, "credit", name="Gone Colleague")
    gone.active = False
    db.session.commit()
    client = login_as(a.credit)
    found = client.get(f"/disputes/{scene.dispute.id}/mentions").json["users"]
    ids = {u["id"] for u in found}
    assert ids == {a.owner.id, a.sales.id, a.viewer.id}  # not me, the outsider, or B's users
    assert outsider.id not in ids and gone.id not in ids
    assert {u["role"] for u in found} == {"owner", "sales", "viewer"}
    by_mail = client.get(f"/disputes/{scene.dispute.id}/mentions?q={a.owner.email[:5]}")
    assert [u["id"] for u in by_mail.json["users"]] == [a.owner.id]
    nobody = client.get(f"/disputes/{scene.dispute.id}/mentions?q=%25").json["users"]
    assert nobody == []  # LIKE wildcards are escaped


def test_mention_names_cannot_break_the_token(scene: Scene, login_as):
    a = scene.t.a
    tricky = factories.make_user(a.org, "credit", name="Eve ](user:1) [x")
    found = login_as(a.owner).get(f"/disputes/{scene.dispute.id}/mentions?q=eve").json["users"]
    assert found == [
        {
            "id": tricky.id,
            "name": tricky.name,
            "role": "credit",
            "token": f"@[Eve (user:1) x](user:{tricky.id})",
        }
    ]


def test_an_empty_file_input_posts_a_comment_without_attachment(scene: Scene, login_as):
    client = login_as(scene.t.a.credit)
    resp = post_comment(client, scene.dispute.id, "No file", file=(b"", ""))
    assert resp.status_code == 302
    assert count(Comment) == 1 and count(Attachment) == 0
