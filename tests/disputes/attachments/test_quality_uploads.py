"""QUALITY.md upload cases left open by test_api.py: T18 (SVG, hostile names), T43 (limits).

Already in test_api.py: an .svg named SVG refused, HTML as .pdf refused, traversal names,
guessed keys, an 11 MB body refused.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from core.extensions import db
from disputes.attachments.models import Attachment
from tests.disputes.attachments.conftest import PDF_BYTES, stored_files, upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'


def attachment_count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


# --- T18: SVG and other markup never become a file a browser renders ------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),
        ("notes.txt", SVG),
        ("logo.svg", b"\xef\xbb\xbf  \n" + SVG),  # BOM and blank lines first
        ("logo.svg", b'<?xml version="1.0"?>\n' + SVG),
        ("logo.svg", b"<!-- harmless -->" + SVG),
        ("logo.svg", b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">' + SVG),
        ("page.txt", b"Hello\n<SCRIPT>alert(1)</SCRIPT>\n"),
    ],
)
def test_svg_and_markup_are_refused_whatever_the_name(client, tenants, bearer, store, name, data):
    resp = upload(client, bearer(tenants.a.credit), name, data)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"] == "type_not_allowed"
    assert attachment_count() == 0 and stored_files(store) == []


def test_markup_deep_inside_text_is_served_only_as_an_inert_download(client, tenants, bearer):
    """Past the sniffed head, markup stays text: served text/plain, attachment, sandboxed."""
    data = b"line of text\n" * 200 + SVG + b"\n"
    headers = bearer(tenants.a.credit)
    resp = upload(client, headers, "image.svg", data)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["filename"] == "image.svg.txt"  # never keeps a renderable name
    got = client.get(f"/api/v1/attachments/{resp.get_json()['id']}", headers=headers)
    assert got.status_code == 200 and got.data == data
    assert got.mimetype == "text/plain"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]


# --- T18: a hostile file name stays one harmless Content-Disposition value ------------------

HOSTILE_NAMES = [
    'evil"; filename="pwn.html.pdf',
    "a\tSet-Cookie: session=stolen\x0b.pdf",  # (a raw CR/LF cannot cross the multipart header)
    "<script>alert(1)</script>.pdf",
    '" onmouseover="alert(1)".pdf',
    "report\u202efdp.exe.pdf",
    "invoice%0d%0aX-Injected:%201.pdf",
    "\x00nul\x7f.pdf",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_become_one_safe_download_name(client, tenants, bearer, name):
    headers = bearer(tenants.a.credit)
    resp = upload(client, headers, name, PDF_BYTES)
    assert resp.status_code == 201, resp.get_json()
    shown = resp.get_json()["filename"]
    assert re.fullmatch(r"[^\"'<>;\\/\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]+\.pdf", shown)

    got = client.get(f"/api/v1/attachments/{resp.get_json()['id']}", headers=headers)
    assert got.status_code == 200
    assert "Set-Cookie" not in got.headers and "X-Injected" not in got.headers
    [disposition] = got.headers.getlist("Content-Disposition")
    assert "\r" not in disposition and "\n" not in disposition
    kind, options = parse_options_header(disposition)
    assert kind == "attachment"
    assert set(options) <= {"filename", "filename*"}
    assert options["filename"].endswith(".pdf")  # no second name, no .html the browser honours
    if "filename*" not in options:
        assert options["filename"] == shown


# --- T43: size and part limits before the body is parsed ------------------------------------


class CountingStream(io.BytesIO):
    """A request body that counts the bytes anyone read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


@pytest.mark.parametrize("limit", ["attachment", "app"])
def test_an_upload_announcing_too_many_bytes_is_413_before_the_body_is_read(
    client, app, tenants, bearer, store, limit
):
    """Only the Content-Length is looked at: over the attachment limit, or the app's."""
    from disputes.attachments.api import MULTIPART_OVERHEAD
    from disputes.attachments.service import max_bytes

    with app.app_context():
        announced = (
            max_bytes() + MULTIPART_OVERHEAD + 1
            if limit == "attachment"
            else app.config["MAX_CONTENT_LENGTH"] * 4
        )
    stream = CountingStream(b"--x\r\n")
    resp = client.post(
        "/api/v1/attachments",
        headers=bearer(tenants.a.credit),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"wsgi.input": stream, "CONTENT_LENGTH": str(announced)},
    )
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "payload_too_large"
    assert stream.taken == 0
    assert attachment_count() == 0 and stored_files(store) == []


def form_with_parts(parts: int) -> dict:
    """A multipart form of `parts` parts: the file and `parts - 1` small fields."""
    data: dict = {f"field{i}": "x" for i in range(parts - 1)}
    data["file"] = (io.BytesIO(PDF_BYTES), "proof.pdf")
    return data


def test_a_thousand_form_parts_are_refused(client, app, tenants, bearer, store):
    headers = bearer(tenants.a.credit)
    resp = client.post(
        "/api/v1/attachments",
        data=form_with_parts(1000),
        headers=headers,
        content_type="multipart/form-data",
    )
    assert resp.status_code in (400, 413)
    assert resp.get_json()["error"]["code"] in ("bad_request", "payload_too_large")
    assert attachment_count() == 0 and stored_files(store) == []
    # the limit is a setting, well above what a real form sends
    limit = app.config["MAX_FORM_PARTS"]
    assert 20 <= limit < 1000
    over = client.post(
        "/api/v1/attachments",
        data=form_with_parts(limit + 1),
        headers=headers,
        content_type="multipart/form-data",
    )
    assert over.status_code in (400, 413)
    at = client.post(
        "/api/v1/attachments",
        data=form_with_parts(limit),
        headers=headers,
        content_type="multipart/form-data",
    )
    assert at.status_code == 201, at.get_json()
    assert attachment_count() == 1
