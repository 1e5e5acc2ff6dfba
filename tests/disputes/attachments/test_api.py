"""POST/GET /api/v1/attachments: round trip, limits, types, names, tenancy (T10, T43)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from disputes.attachments import permissions
from disputes.attachments.models import Attachment
from tests.disputes.attachments.conftest import PDF_BYTES, stored_files, upload

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def attachment_count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def test_upload_then_download_round_trip(client, tenants, bearer, store):
    headers = bearer(tenants.a.sales)
    resp = upload(client, headers, "report.pdf", PDF_BYTES)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body == {
        "id": body["id"],
        "filename": "report.pdf",
        "size": len(PDF_BYTES),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
    }
    row = db.session.get(Attachment, body["id"])
    assert row.org_id == tenants.a.org.id and row.uploader_id == tenants.a.sales.id
    assert row.comment_id is None
    assert stored_files(store) == [row.storage_key]

    got = client.get(f"/api/v1/attachments/{body['id']}", headers=headers)
    assert got.status_code == 200
    assert got.data == PDF_BYTES
    assert got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"] == "attachment; filename=report.pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in got.headers["Cache-Control"]


def test_non_ascii_names_use_rfc_5987(client, tenants, bearer):
    headers = bearer(tenants.a.credit)
    att_id = upload(client, headers, "Rechnung für März.pdf", PDF_BYTES).get_json()["id"]
    disposition = client.get(f"/api/v1/attachments/{att_id}", headers=headers).headers[
        "Content-Disposition"
    ]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''Rechnung%20f%C3%BCr%20M%C3%A4rz.pdf" in disposition


def test_a_file_over_the_limit_is_413_and_stores_nothing(client, tenants, bearer, app, store):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    try:
        resp = upload(client, bearer(tenants.a.owner), "big.txt", b"a" * 1001)
        assert resp.status_code == 413
        assert resp.get_json()["error"]["code"] == "payload_too_large"
        exactly = upload(client, bearer(tenants.a.owner), "ok.txt", b"a" * 1000)
        assert exactly.status_code == 201
    finally:
        del app.config["ATTACHMENT_MAX_BYTES"]
    assert attachment_count() == 1 and len(stored_files(store)) == 1


def test_a_body_far_over_the_limit_is_refused_from_its_length(client, tenants, bearer, store):
    resp = upload(client, bearer(tenants.a.owner), "huge.txt", b"a" * (11 * 1024 * 1024))
    assert resp.status_code == 413
    assert attachment_count() == 0 and stored_files(store) == []


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("invoice.pdf", HTML, "type_not_allowed"),
        (
            "image.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "type_not_allowed",
        ),
        ("blob.bin", b"\x7fELF\x02\x01\x01" + bytes(range(256)), "type_not_allowed"),
        ("photo.pdf", PNG_BYTES, "type_mismatch"),
    ],
)
def test_types_are_checked_by_content(client, tenants, bearer, store, name, data, code):
    resp = upload(client, bearer(tenants.a.sales), name, data)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == code
    assert attachment_count() == 0 and stored_files(store) == []


def test_a_dangerous_extension_gets_the_sniffed_one_appended(client, tenants, bearer):
    resp = upload(client, bearer(tenants.a.sales), "notes.html", b"just words\n")
    assert resp.status_code == 201
    assert resp.get_json()["filename"] == "notes.html.txt"
    assert resp.get_json()["content_type"] == "text/plain"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../tmp/evil.txt", "evil.txt"),
        ("..\\..\\evil.txt", "evil.txt"),
        ("/etc/cron.d/evil.txt", "evil.txt"),
        ("..%2fevil.txt", "_2fevil.txt"),
    ],
)
def test_uploaded_names_never_reach_the_filesystem(
    client, tenants, bearer, store, tmp_path, name, shown
):
    resp = upload(client, bearer(tenants.a.sales), name, b"payload\n")
    assert resp.status_code == 201
    row = db.session.get(Attachment, resp.get_json()["id"])
    assert row.filename == shown  # metadata only
    assert len(row.storage_key) == 32 and int(row.storage_key, 16) >= 0
    assert stored_files(store) == [row.storage_key]
    assert [p.name for p in tmp_path.rglob("*evil*")] == []


def test_guessed_keys_and_traversal_urls_are_404(client, tenants, bearer):
    headers = bearer(tenants.a.sales)
    att_id = upload(client, headers, "a.txt", b"hello\n").get_json()["id"]
    key = db.session.get(Attachment, att_id).storage_key
    for path in (
        f"/api/v1/attachments/{key}",
        "/api/v1/attachments/..%2f..%2fetc%2fpasswd",
        "/api/v1/attachments/../../etc/passwd",
        f"/api/v1/attachments/{att_id + 1000}",
    ):
        assert client.get(path, headers=headers).status_code == 404, path


def test_another_tenants_attachment_is_404_and_audited(client, tenants, bearer):
    att_id = upload(client, bearer(tenants.b.owner), "b.pdf", PDF_BYTES).get_json()["id"]
    resp = client.get(f"/api/v1/attachments/{att_id}", headers=bearer(tenants.a.owner))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "authz_denied", AuditEvent.actor_id == tenants.a.owner.id
            )
        )
        == 1
    )


def test_a_colleagues_unattached_upload_is_404(client, tenants, bearer):
    att_id = upload(client, bearer(tenants.a.sales), "mine.pdf", PDF_BYTES).get_json()["id"]
    for colleague in (tenants.a.owner, tenants.a.credit):
        resp = client.get(f"/api/v1/attachments/{att_id}", headers=bearer(colleague))
        assert resp.status_code == 404
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "authz_denied", AuditEvent.object_type == "attachments"
            )
        )
        == 2
    )


def test_attached_files_follow_the_comment_visibility_hook(client, tenants, bearer, monkeypatch):
    from disputes.threads.services import add_comment
    from tests.disputes.helpers import make_dispute

    headers = bearer(tenants.a.credit)
    att_id = upload(client, headers, "mine.pdf", PDF_BYTES).get_json()["id"]
    comment = add_comment(
        make_dispute(tenants.a.org),
        actor=tenants.a.credit,
        body="see file",
        visibility="internal",
        attachment_ids=[att_id],
    )
    db.session.commit()
    comment_id = comment.id  # read now: the lambdas run inside requests with their own session
    url = f"/api/v1/attachments/{att_id}"
    monkeypatch.setattr(permissions, "_comment_visible", lambda user, cid: False)
    assert client.get(url, headers=headers).status_code == 404
    monkeypatch.setattr(permissions, "_comment_visible", lambda user, cid: cid == comment_id)
    assert client.get(url, headers=bearer(tenants.a.viewer)).status_code == 200


def test_anonymous_callers_get_401(client, tenants, bearer):
    att_id = upload(client, bearer(tenants.a.sales), "a.txt", b"hi\n").get_json()["id"]
    assert client.get(f"/api/v1/attachments/{att_id}").status_code == 401
    # an anonymous cookie-less POST stops at CSRF (400) or login (401); nothing is stored
    assert upload(client, {}, "a.txt", b"hi\n").status_code in (400, 401)
    assert attachment_count() == 1
