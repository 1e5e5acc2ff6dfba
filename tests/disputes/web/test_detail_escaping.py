"""T18 on the dispute pages: hostile text in comments, descriptions, names and file names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from core.extensions import db
from disputes import services
from disputes.attachments.models import Attachment
from disputes.states import DisputeStatus, Outcome
from tests import factories
from tests.disputes.web.detail_helpers import ATTRIBUTE, PDF_BYTES, SCRIPT, open_on, post_comment

IMG = "<img src=x onerror=alert(1)>"
HOSTILE_BODY = (
    f"{SCRIPT} and {ATTRIBUTE} and {IMG}\n\n"
    "[click me](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
    '<a href="javascript:alert(2)">raw</a>'
)
HOSTILE_FILE = f"{IMG}'.pdf"


@pytest.fixture(autouse=True)
def store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(path))
    return path


def assert_neutral(html: str, where: str) -> None:
    """No script, event handler or script URL made it into the markup."""
    assert "<script>alert" not in html, where
    assert not re.search(r"<[^>]+\son\w+\s*=", html), where  # no event-handler attribute
    assert not re.search(r"""<[^>]+\shref\s*=\s*["']?\s*(javascript|data):""", html, re.I), where
    assert "<img src=x" not in html, where


def test_hostile_text_is_escaped_or_neutralised_on_the_dispute_pages(tenants, login_as):
    a = tenants.a
    evil = factories.make_user(a.org, "credit", name=f"Mallory {SCRIPT}{ATTRIBUTE}")
    debtor = factories.make_debtor(a.org, f"Evil {SCRIPT}{ATTRIBUTE}", sales_rep_id=a.sales.id)
    invoice = factories.make_invoice(a.org, debtor, number=f"N{ATTRIBUTE}")
    dispute = open_on(invoice, owner=evil, description=f"{SCRIPT}\n{ATTRIBUTE}\n{IMG}")
    services.transition_dispute(dispute, actor=evil, to=DisputeStatus.IN_REVIEW)
    services.resolve_dispute(
        dispute, actor=evil, outcome=Outcome.REJECTED, note=f"{SCRIPT} {ATTRIBUTE} {IMG}"
    )
    db.session.commit()
    client = login_as(evil)
    resp = post_comment(client, dispute.id, HOSTILE_BODY, file=(PDF_BYTES, HOSTILE_FILE))
    assert resp.status_code == 302
    fragment = post_comment(client, dispute.id, HOSTILE_BODY, fragment=True)
    assert fragment.status_code == 201
    assert_neutral(fragment.text, "fragment")

    viewer = login_as(a.owner)
    page = viewer.get(f"/disputes/{dispute.id}").text
    assert_neutral(page, "dispute page")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # description, note, names: as text
    assert "Evil &lt;script&gt;" in page and "Mallory &lt;script&gt;" in page
    assert ">click me<" in page or "click me" in page  # the link text stays, its URL does not
    name = db.session.scalars(select(Attachment.filename)).one()
    assert "<" not in name and '"' not in name and name.endswith(".pdf")
    other = factories.make_invoice(a.org, debtor, number=f"M{SCRIPT}")
    open_page = viewer.get(f"/invoices/{other.id}/disputes/new").text
    assert_neutral(open_page, "open page")
    assert "Evil &lt;script&gt;" in open_page


def test_mention_suggestions_carry_names_as_json_text(tenants, login_as):
    a = tenants.a
    evil = factories.make_user(a.org, "credit", name=f"Mallory {SCRIPT}")
    dispute = open_on(factories.make_invoice(a.org), owner=a.credit)
    resp = login_as(a.owner).get(f"/disputes/{dispute.id}/mentions?q=mallory")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.json["users"][0]["name"] == evil.name  # shown by mentions.js with textContent
