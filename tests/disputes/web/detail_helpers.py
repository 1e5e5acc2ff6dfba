"""Shared pieces for the dispute page tests: a small scene, form posts, stored files."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.extensions import db
from core.money import Money
from disputes import services
from disputes.models import Dispute
from tests import factories
from tests.factories import Tenants

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
HTML_BYTES = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'
FETCH = {"X-Requested-With": "fetch"}

_TOKEN = re.compile(r'name="[a-z_-]*csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass
class Scene:
    """Creditor A: debtor Alpha (A's sales rep), a 1000.00 EUR invoice with a 300.00 dispute
    owned by A's credit user; creditor B: an invoice and a dispute of its own."""

    t: Tenants
    debtor: Any
    invoice: Any
    dispute: Dispute
    foreign_invoice: Any
    foreign_dispute: Dispute


def open_on(invoice: Any, *, amount: str = "300.00", owner: Any = None, **extra: Any) -> Dispute:
    """An open dispute through the real service (committed)."""
    dispute = services.open_dispute(
        invoice,
        actor=None,
        reason=extra.pop("reason", "delivery.damaged"),
        amount=Money.parse(amount, invoice.currency),
        description=extra.pop("description", "Two pallets arrived crushed."),
        owner_id=owner.id if owner is not None else None,
        **extra,
    )
    db.session.commit()
    return dispute


def make_scene(tenants: Tenants) -> Scene:
    a, b = tenants.a, tenants.b
    debtor = factories.make_debtor(a.org, "Alpha GmbH", sales_rep_id=a.sales.id)
    invoice = factories.make_invoice(a.org, debtor, number="INV-100", amount="1000.00")
    foreign_invoice = factories.make_invoice(b.org, number="B-100", amount="800.00")
    return Scene(
        t=tenants,
        debtor=debtor,
        invoice=invoice,
        dispute=open_on(invoice, owner=a.credit),
        foreign_invoice=foreign_invoice,
        foreign_dispute=open_on(foreign_invoice, owner=b.credit),
    )


def token(client: FlaskClient, path: str) -> str:
    """A CSRF token of this client's session, read from a page's form."""
    html = client.get(path).text
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_comment(
    client: FlaskClient,
    dispute_id: int,
    body: str,
    *,
    visibility: str = "internal",
    file: tuple[bytes, str] | None = None,
    fragment: bool = False,
    csrf: str | None = None,
) -> Any:
    """POST the page's comment form (multipart, as the browser sends it)."""
    data: dict[str, Any] = {
        "comment-csrf_token": csrf
        if csrf is not None
        else token(client, f"/disputes/{dispute_id}"),
        "comment-body": body,
        "comment-visibility": visibility,
    }
    if file is not None:
        data["comment-attachment"] = (io.BytesIO(file[0]), file[1])
    return client.post(
        f"/disputes/{dispute_id}/comments",
        data=data,
        content_type="multipart/form-data",
        headers=FETCH if fragment else {},
    )


def post_form(client: FlaskClient, path: str, page: str, prefix: str = "", **fields: Any) -> Any:
    """POST `fields` (named without the form's `prefix`) and a CSRF token read from `page`."""
    name = (lambda field: f"{prefix}-{field}") if prefix else (lambda field: field)
    data = {name(k): v for k, v in fields.items()}
    data.setdefault(name("csrf_token"), token(client, page))
    return client.post(path, data=data)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def reload(obj: Any) -> Any:
    """The row as the database has it now (what the request wrote)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def stored_files(store: Path) -> list[str]:
    return sorted(p.name for p in store.iterdir()) if store.exists() else []
