"""Dispute history in imports (API.md: the optional dispute_* CSV columns) becomes disputes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from disputes.models import Dispute, DisputeEvent, DisputeSource
from disputes.states import DisputeStatus, Outcome
from ledger.imports import service
from ledger.imports.models import ImportStatus
from ledger.models import Invoice
from tests.disputes.helpers import make_dispute
from tests.ledger.imports.helpers import table_counts, upload

HEADER = (
    "invoice_number,debtor_name,debtor_country,issue_date,due_date,currency,amount,outstanding,"
    "sales_rep_email,dispute_reason,dispute_opened_on,dispute_resolved_on,dispute_outcome,"
    "dispute_amount\n"
)


def row(number, *, amount="1000.00", outstanding="", rep="", dispute=",,,,", debtor="Acme AG"):
    """One CSV line issued 2026-01-05, due 2026-02-04; `dispute` is the five dispute cells."""
    return (
        f"{number},{debtor},DE,2026-01-05,2026-02-04,EUR,{amount},{outstanding},{rep},{dispute}\n"
    )


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


RESOLVED = "delivery.damaged,2026-01-20,2026-03-02,credit_note,150.00"
OPEN = "invoicing.price,2026-02-10,,,250.00"
WHOLE = "quality.defect,2026-02-15,,,"
FILE = csv(
    row("H-1", outstanding="850.00", dispute=RESOLVED),
    row("H-2", dispute=OPEN),
    row("H-3", outstanding="600.00", dispute=WHOLE),
    row("H-4"),
)


def invoice(org, number):
    return db.session.scalar(
        select(Invoice).where(Invoice.org_id == org.id, Invoice.number == number)
    )


def disputes_of(org):
    query = select(Dispute).where(Dispute.org_id == org.id).order_by(Dispute.id)
    return db.session.scalars(query.execution_options(populate_existing=True)).all()


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def midnight(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_resolved_and_open_history_become_disputes(client, tenants, bearer):
    org, headers = tenants.a.org, bearer(tenants.a.credit)
    resp = upload(client, headers, "history.csv", FILE)
    assert resp.status_code == 201, resp.json
    assert resp.json["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 0}
    resolved, open_, whole = disputes_of(org)
    # a resolved history: its outcome and dates, no credit note booked, nothing held
    assert resolved.invoice_id == invoice(org, "H-1").id
    assert resolved.status is DisputeStatus.RESOLVED and resolved.outcome is Outcome.CREDIT_NOTE
    assert resolved.source is DisputeSource.IMPORT and resolved.reason == "delivery.damaged"
    assert resolved.amount_minor == 15000 and resolved.credit_note_id is None
    assert resolved.created_at == midnight("2026-01-20")
    assert resolved.resolved_at == midnight("2026-03-02")
    assert (resolved.resolved_at - resolved.created_at).days == 41
    h1 = invoice(org, "H-1")
    assert h1.outstanding_minor == 85000 and h1.disputed_minor == 0
    assert table_counts()["credit_notes"] == 0
    # an open history holds its amount; without dispute_amount, the whole outstanding
    assert open_.status is DisputeStatus.OPEN and open_.amount_minor == 25000
    assert open_.created_at == midnight("2026-02-10") and open_.resolved_at is None
    assert open_.due_date.isoformat() == "2026-02-24"  # SLA from the day it opened
    assert open_.owner_id == tenants.a.credit.id and open_.raised_by_id is None
    assert invoice(org, "H-2").disputed_minor == 25000
    assert whole.amount_minor == 60000 and invoice(org, "H-3").disputed_minor == 60000
    assert invoice(org, "H-4").disputed_minor == 0
    # the invoice API shows the open dispute and the disputed status
    shown = client.get(f"/api/v1/invoices/{open_.invoice_id}", headers=headers).json
    assert shown["status"] == "disputed"
    assert shown["disputed"] == {"amount": "250.00", "currency": "EUR"}
    assert [d["id"] for d in shown["disputes"]] == [open_.id]
    assert client.get(f"/api/v1/disputes/{open_.id}", headers=headers).json["source"] == "import"
    # one "imported" event and audit row each
    events = db.session.scalars(
        select(DisputeEvent).where(DisputeEvent.org_id == org.id).order_by(DisputeEvent.id)
    ).all()
    assert [(e.kind, e.to_status, e.dispute_id) for e in events] == [
        ("imported", "resolved", resolved.id),
        ("imported", "open", open_.id),
        ("imported", "open", whole.id),
    ]
    assert events[0].details["outcome"] == "credit_note"
    assert events[0].actor_id == tenants.a.credit.id
    assert count(AuditEvent, AuditEvent.action == "dispute.imported") == 3


def test_resolved_history_without_amount_covers_the_invoice(tenants):
    data = csv(
        row("R-1", amount="400.00", outstanding="0", dispute="payment.set_off,2026-01-06,"
            "2026-01-09,withdrawn,"),
    )  # fmt: skip
    batch = service.start_import(
        tenants.a.org, actor=tenants.a.owner, filename="r.csv", data=data, inline=True
    )
    assert batch.status is ImportStatus.SUCCEEDED, batch.errors
    (dispute,) = disputes_of(tenants.a.org)
    assert dispute.amount_minor == 40000 and dispute.outcome is Outcome.WITHDRAWN
    assert invoice(tenants.a.org, "R-1").disputed_minor == 0


def test_the_rows_sales_rep_owns_the_dispute(tenants):
    rep = tenants.a.users["sales"]
    data = csv(row("S-1", rep=rep.email, dispute=OPEN), row("S-2", rep="nobody@x.example",
               dispute=OPEN))  # fmt: skip
    batch = service.start_import(
        tenants.a.org, actor=tenants.a.owner, filename="s.csv", data=data, inline=True
    )
    assert batch.status is ImportStatus.SUCCEEDED, batch.errors
    first, second = disputes_of(tenants.a.org)
    assert first.owner_id == rep.id
    assert second.owner_id == tenants.a.owner.id  # no such rep: the importer, like open_dispute


def test_reimport_updates_instead_of_duplicating(client, tenants, bearer):
    org, headers = tenants.a.org, bearer(tenants.a.credit)
    assert upload(client, headers, "history.csv", FILE).status_code == 201
    before = [(d.id, d.status, d.amount_minor) for d in disputes_of(org)]
    events = count(DisputeEvent, DisputeEvent.org_id == org.id)
    again = upload(client, headers, "history.csv", FILE)
    assert again.json["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "rejected": 0}
    assert [(d.id, d.status, d.amount_minor) for d in disputes_of(org)] == before
    assert count(DisputeEvent, DisputeEvent.org_id == org.id) == events
    # the ERP now reports H-2's dispute settled and H-3's narrowed to 100.00
    later = csv(
        row("H-1", outstanding="850.00", dispute=RESOLVED),
        row("H-2", dispute="invoicing.price,2026-02-10,2026-03-20,rejected,250.00"),
        row("H-3", outstanding="600.00", dispute="quality.defect,2026-02-15,,,100.00"),
        row("H-4"),
    )
    resp = upload(client, headers, "later.csv", later)
    assert resp.status_code == 201, resp.json
    resolved, settled, narrowed = disputes_of(org)
    assert [d.id for d in (resolved, settled, narrowed)] == [d[0] for d in before]
    assert settled.status is DisputeStatus.RESOLVED and settled.outcome is Outcome.REJECTED
    assert settled.resolved_at == midnight("2026-03-20") and settled.credit_note_id is None
    assert invoice(org, "H-2").disputed_minor == 0
    assert narrowed.amount_minor == 10000 and invoice(org, "H-3").disputed_minor == 10000
    kinds = db.session.scalars(
        select(DisputeEvent.kind)
        .where(DisputeEvent.dispute_id.in_([settled.id, narrowed.id]))
        .order_by(DisputeEvent.id)
    ).all()
    assert kinds == ["imported", "imported", "resolved", "updated"]
    # a dispute with another reason or opening day is another dispute, next to the first
    other = csv(row("H-3", outstanding="600.00", dispute="invoicing.tax,2026-02-15,,,50.00"))
    assert upload(client, headers, "other.csv", other).status_code == 201
    assert len(disputes_of(org)) == 4 and invoice(org, "H-3").disputed_minor == 15000
    table = table_counts()
    assert table["credit_notes"] == 0 and table["payments"] == 0


def test_whole_outstanding_default_leaves_out_what_others_hold(client, tenants, bearer):
    org, headers = tenants.a.org, bearer(tenants.a.owner)
    assert upload(client, headers, "a.csv", csv(row("W-1"))).status_code == 201
    manual = make_dispute(org, invoice(org, "W-1"), amount="300.00")
    resp = upload(client, headers, "b.csv", csv(row("W-1", dispute=WHOLE)))
    assert resp.status_code == 201, resp.json
    imported = disputes_of(org)[-1]
    assert imported.id != manual.id and imported.amount_minor == 70000
    assert invoice(org, "W-1").disputed_minor == 100000
    # re-importing the same history leaves both as they are
    assert upload(client, headers, "b2.csv", csv(row("W-1", dispute=WHOLE))).status_code == 201
    assert [d.amount_minor for d in disputes_of(org)] == [30000, 70000]


def test_more_than_can_be_held_refuses_the_whole_file(client, tenants, bearer):
    org, headers = tenants.a.org, bearer(tenants.a.owner)
    assert upload(client, headers, "a.csv", csv(row("B-1"))).status_code == 201
    make_dispute(org, invoice(org, "B-1"), amount="800.00")
    before, disputes = table_counts(), count(Dispute)
    bad = csv(
        row("B-2", dispute=OPEN),
        row("B-1", dispute="invoicing.price,2026-02-10,,,300.00"),
        row("B-3", amount="500.00", outstanding="0", dispute=WHOLE),
    )
    for dry_run in (True, False):
        resp = upload(client, headers, f"bad-{dry_run}.csv", bad, dry_run=dry_run)
        assert resp.status_code == 422, resp.json
        errors = resp.json["error"]["details"]["errors"]
        assert [(e["row"], e["field"], e["code"]) for e in errors] == [
            (3, "dispute_amount", "dispute_above_free"),
            (4, "dispute_amount", "nothing_to_dispute"),
        ]
        assert "200.00 EUR that can still be disputed" in errors[0]["message"]
        assert table_counts() == before and count(Dispute) == disputes


def test_a_dispute_that_no_longer_fits_when_written_rolls_everything_back(client, tenants, bearer):
    # planned, C-1 owes 1000.00; the credit note in the same file then lowers it to 400.00,
    # so the 900.00 dispute cannot be held: nothing of the file may stay
    org, headers = tenants.a.org, bearer(tenants.a.owner)
    before, disputes = table_counts(), count(Dispute)
    data = (
        "invoice_number,kind,debtor_name,debtor_country,issue_date,due_date,currency,amount,"
        "dispute_reason,dispute_opened_on,dispute_amount\n"
        "C-1,invoice,Crédit GmbH,DE,2026-01-05,2026-02-04,EUR,1000.00,"
        "delivery.partial,2026-01-12,900.00\n"
        "C-1-CN,credit note,Crédit GmbH,DE,2026-01-10,2026-01-10,EUR,600.00,,,\n"
    ).encode()
    resp = upload(client, headers, "c.csv", data)
    assert resp.status_code == 422, resp.json
    errors = resp.json["error"]["details"]["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [(2, "dispute_above_free")]
    assert table_counts() == before and count(Dispute) == disputes
    assert invoice(org, "C-1") is None
    shown = client.get(
        f"/api/v1/imports/{resp.json['error']['details']['import_id']}", headers=headers
    ).json
    assert shown["status"] == "failed" and shown["counts"]["rejected"] == 1


def test_a_credit_note_row_cannot_carry_a_dispute(client, tenants, bearer):
    data = (
        b"invoice_number,kind,debtor_name,debtor_country,issue_date,due_date,currency,amount,"
        b"dispute_reason,dispute_opened_on\n"
        b"N-1-CN,credit note,Acme AG,DE,2026-01-10,2026-01-10,EUR,50.00,delivery.late,2026-01-11\n"
    )
    resp = upload(client, bearer(tenants.a.owner), "n.csv", data)
    assert resp.status_code == 422
    assert resp.json["error"]["details"]["errors"][0]["code"] == "dispute_on_credit_note"


def test_open_history_on_a_closed_invoice_is_refused(client, tenants, bearer):
    org, headers = tenants.a.org, bearer(tenants.a.owner)
    assert upload(client, headers, "a.csv", csv(row("X-1"))).status_code == 201
    closed = invoice(org, "X-1")
    closed.written_off_on = closed.issue_date
    db.session.commit()
    resp = upload(client, headers, "b.csv", csv(row("X-1", dispute=OPEN)))
    assert resp.status_code == 422
    assert resp.json["error"]["details"]["errors"][0]["code"] == "invoice_closed"
    assert count(Dispute, Dispute.org_id == org.id) == 0


def test_dry_run_creates_nothing(client, tenants, bearer):
    before, disputes = table_counts(), count(Dispute)
    resp = upload(client, bearer(tenants.a.credit), "history.csv", FILE, dry_run=True)
    assert resp.status_code == 201, resp.json
    assert resp.json["counts"]["created"] == 4 and resp.json["errors"] == []
    assert table_counts() == before and count(Dispute) == disputes
    assert count(AuditEvent, AuditEvent.action == "dispute.imported") == 0


def test_a_queued_file_mixing_plain_and_dispute_rows(client, tenants, bearer):
    # 2,500 rows: queued (202) and run by the job; plain rows take the fast CSV path and, on
    # PostgreSQL, the invoices are written with COPY before the disputes are
    org, headers = tenants.a.org, bearer(tenants.a.credit)
    rows = [
        row(f"Q-{i:05d}", debtor=f"Customer {i % 9}", dispute=OPEN if i % 500 == 0 else ",,,,")
        for i in range(1, 2501)
    ]
    resp = upload(client, headers, "big.csv", csv(*rows))
    assert resp.status_code == 202, resp.json
    shown = client.get(f"/api/v1/imports/{resp.json['id']}", headers=headers).json
    assert shown["status"] == "succeeded", shown
    assert shown["counts"]["created"] == 2500
    found = disputes_of(org)
    assert [invoice(org, f"Q-{i:05d}").id for i in (500, 1000, 1500, 2000, 2500)] == [
        d.invoice_id for d in found
    ]
    assert {d.status for d in found} == {DisputeStatus.OPEN}
    assert {d.owner_id for d in found} == {tenants.a.credit.id}  # the job knows the importer
    held = select(func.sum(Invoice.disputed_minor)).where(Invoice.org_id == org.id)
    assert db.session.scalar(held) == 5 * 25000
