"""Claim-package test helpers: a worked case with a thread, files, history and a dispute."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update

from core.extensions import db
from disputes.attachments.models import Attachment
from ledger.clock import today
from marketplace.models import Case
from marketplace.services import award
from marketplace.workspace import activities, comments
from tests.disputes.attachments.conftest import PDF_BYTES, upload
from tests.disputes.helpers import make_dispute
from tests.factories import Tenants, make_debtor
from tests.marketplace.helpers import make_bid, make_case, overdue_invoice
from tests.marketplace.workspace.helpers import add_cost, add_recovery


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/claim-package"


@dataclass
class Worked:
    """Creditor A's case awarded to agency X (Y lost), with comments of every kind."""

    case: Case
    invoices: list[Any]
    #: attachment ids by the comment that carries them
    files: dict[str, int] = field(default_factory=dict)


def comment(case: Case, author, body: str, visibility: str, files=()) -> None:
    comments.add_case_comment(
        case, actor=author, body=body, visibility=visibility, attachment_ids=list(files)
    )
    db.session.commit()


def uploaded(client, headers, name: str, data: bytes = PDF_BYTES) -> int:
    resp = upload(client, headers, name, data)
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def make_worked_case(
    client,
    tenants: Tenants,
    bearer,
    *,
    invoices: int = 2,
    debtor: str = "Debtor GmbH",
    prefix: str = "=CMD",
) -> Worked:
    """An awarded case with `invoices` overdue invoices (one disputed), a thread with a
    shared and an internal comment (with a file) from each side, and some history."""
    a, x = tenants.a, tenants.x
    customer = make_debtor(
        a.org, debtor, vat_id="DE123456789", address="Hauptstr. 1, Berlin", country="DE"
    )
    rows = [
        overdue_invoice(a.org, customer, amount="100.00", days=40 + i, number=f"{prefix}{i}|calc")
        for i in range(invoices)
    ]
    make_dispute(a.org, rows[0], amount="10.00")
    case = make_case(a.org, debtor=customer, invoices=rows)
    bid = make_bid(case, x.owner)
    make_bid(case, tenants.y.owner, percent=1200)
    award.accept_bid(bid, actor=a.owner)
    db.session.commit()
    worked = Worked(case, rows)
    worked.files["creditor_shared"] = uploaded(client, bearer(a.credit), "contract.pdf")
    worked.files["creditor_internal"] = uploaded(client, bearer(a.credit), "margin-notes.pdf")
    worked.files["agency_shared"] = uploaded(client, bearer(x.collector), "call-log.pdf")
    worked.files["agency_internal"] = uploaded(client, bearer(x.collector), "strategy.pdf")
    comment(case, a.credit, "Contract attached.", "shared", [worked.files["creditor_shared"]])
    comment(case, a.credit, "Creditor secret.", "internal", [worked.files["creditor_internal"]])
    comment(case, x.collector, "Called them.\n\n- twice", "shared", [worked.files["agency_shared"]])
    comment(case, x.collector, "Agency secret.", "internal", [worked.files["agency_internal"]])
    activities.log_activity(
        case, actor=x.collector, kind="call", occurred_on=today(), note="Debtor answered"
    )
    db.session.commit()
    add_recovery(case, x.owner, "50.00")
    add_cost(case, a.credit, "5.00", description="=HYPERLINK(1)")
    return worked


def rename(attachment_id: int, filename: str) -> None:
    """Give a stored file a name the upload path would have cleaned (old or imported rows)."""
    db.session.execute(
        update(Attachment).where(Attachment.id == attachment_id).values(filename=filename)
    )
    db.session.commit()


def open_zip(resp) -> zipfile.ZipFile:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return zipfile.ZipFile(io.BytesIO(resp.data))


def read_json(zf: zipfile.ZipFile, name: str) -> Any:
    return json.loads(zf.read(name))
