"""POST/GET /api/v1/imports: refusal whole, dry run, upsert counts, limits and role gates."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from ledger.imports import service
from ledger.imports.models import ImportBatch
from ledger.models import Allocation, Invoice, Payment

from .helpers import HEADER, SAMPLES, csv_rows, table_counts, upload


def _invoice(org, number):
    return db.session.scalar(
        select(Invoice).where(Invoice.org_id == org.id, Invoice.number == number)
    )


def test_csv_with_bad_rows_is_refused_whole_with_every_error(client, tenants, bearer):
    body = csv_rows(20).splitlines(keepends=True)
    body[7] = body[7].replace("2026-02-04", "2026-02-31")  # row 8: impossible due date
    body[12] = body[12].replace(",EUR,", ",EURO,")  # row 13: not a currency
    before = table_counts()
    resp = upload(client, bearer(tenants.a.owner), "bad.csv", "".join(body).encode())
    assert resp.status_code == 422
    error = resp.json["error"]
    assert error["code"] == "import_refused"
    rows = {(e["row"], e["field"]) for e in error["details"]["errors"]}
    assert rows == {(8, "due_date"), (13, "currency")}
    assert table_counts() == before
    shown = client.get(
        f"/api/v1/imports/{error['details']['import_id']}", headers=bearer(tenants.a.owner)
    ).json
    assert shown["status"] == "failed"
    assert shown["counts"]["rejected"] == 2 and len(shown["errors"]) == 2


def test_dry_run_reports_counts_and_writes_nothing(client, tenants, bearer):
    before = table_counts()
    resp = upload(client, bearer(tenants.a.owner), "a.csv", csv_rows(5).encode(), dry_run=True)
    assert resp.status_code == 201, resp.json
    assert resp.json["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 0}
    assert resp.json["dry_run"] is True
    assert table_counts() == before


def test_reimport_is_unchanged_and_lower_outstanding_is_a_payment(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    first = upload(client, headers, "a.csv", csv_rows(3).encode())
    assert first.json["counts"]["created"] == 3
    again = upload(client, headers, "a.csv", csv_rows(3).encode())
    assert again.json["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    paid = csv_rows(3).replace("EUR,101.50,\n", "EUR,101.50,40.00\n")
    resp = upload(client, headers, "a2.csv", paid.encode())
    assert resp.json["counts"] == {"created": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    invoice = _invoice(tenants.a.org, "T-000001")
    assert invoice.outstanding_minor == 4000 and invoice.version == 2
    payment = db.session.scalar(select(Payment).where(Payment.debtor_id == invoice.debtor_id))
    assert payment.amount_minor == 6150 and payment.reference.startswith("Import #")
    allocation = db.session.scalar(select(Allocation).where(Allocation.invoice_id == invoice.id))
    assert allocation.amount_minor == 6150


def test_outstanding_above_what_is_booked_is_refused(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    upload(client, headers, "a.csv", csv_rows(1, outstanding="10.00").encode())
    resp = upload(client, headers, "b.csv", csv_rows(1, outstanding="50.00").encode())
    assert resp.status_code == 422
    assert resp.json["error"]["details"]["errors"][0]["code"] == "outstanding_increased"
    assert _invoice(tenants.a.org, "T-000001").outstanding_minor == 1000


def test_credit_note_is_applied_to_the_debtors_open_invoice(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    upload(client, headers, "a.csv", csv_rows(1).encode())
    note = (
        "invoice_number,kind,debtor_name,debtor_country,issue_date,due_date,currency,amount\n"
        "CN-1,credit_note,Customer 1,DE,2026-01-20,2026-01-20,EUR,-20.00\n"
    )
    resp = upload(client, headers, "cn.csv", note.encode())
    assert resp.status_code == 201, resp.json
    assert resp.json["counts"]["created"] == 1
    assert _invoice(tenants.a.org, "T-000001").outstanding_minor == 10150 - 2000


def test_debtors_are_matched_by_vat_then_name(client, tenants, bearer):
    from tests.factories import make_debtor

    known = make_debtor(tenants.a.org, "Known GmbH", vat_id="DE123456789")
    csv = HEADER + "V-1,Other Spelling AG,DE 123456789,DE,2026-01-01,2026-01-31,EUR,10,\n"
    csv += "V-2,KNOWN  gmbh,,DE,2026-01-01,2026-01-31,EUR,10,\n"
    resp = upload(client, bearer(tenants.a.owner), "v.csv", csv.encode())
    assert resp.status_code == 201, resp.json
    assert {_invoice(tenants.a.org, n).debtor_id for n in ("V-1", "V-2")} == {known.id}


def test_queued_import_runs_after_commit_and_reports_progress(client, tenants, bearer, monkeypatch):
    monkeypatch.setattr(service, "SYNC_MAX_ROWS", 10)
    headers = bearer(tenants.a.owner)
    resp = upload(client, headers, "big.csv", csv_rows(50).encode())
    assert resp.status_code == 202, resp.json
    # REDIS_URL is unset: the job ran right after the commit, before the body was written
    assert resp.json["status"] in {"queued", "running", "succeeded"}
    shown = client.get(f"/api/v1/imports/{resp.json['id']}", headers=headers).json
    assert shown["status"] == "succeeded" and shown["progress"] == 1.0
    assert shown["counts"]["created"] == 50


def test_same_file_while_queued_is_409_with_its_id(client, tenants, bearer):
    data = csv_rows(3).encode()
    headers = bearer(tenants.a.owner)  # commits: make it before the uncommitted batch
    queued = service.start_import(
        tenants.a.org, actor=None, filename="a.csv", data=data, inline=False
    )
    db.session.flush()  # not committed: the job has not run, the batch is still active
    resp = upload(client, headers, "a.csv", data)
    assert resp.status_code == 409
    assert resp.json["error"]["details"]["import_id"] == queued.id


def test_too_large_file_is_413(client, tenants, bearer, monkeypatch):
    monkeypatch.setattr(service, "MAX_IMPORT_BYTES", 100)
    resp = upload(client, bearer(tenants.a.owner), "a.csv", csv_rows(5).encode())
    assert resp.status_code == 413
    assert db.session.scalar(select(db.func.count(ImportBatch.id))) == 0


def test_unknown_preset_is_422(client, tenants, bearer):
    resp = upload(client, bearer(tenants.a.owner), "a.csv", b"x", preset="sage")
    assert resp.status_code == 422


@pytest.mark.parametrize(
    ("tenant", "role", "status"),
    [("a", "owner", 201), ("a", "credit", 201), ("a", "sales", 403), ("a", "viewer", 403),
     ("x", "owner", 403)],
)  # fmt: skip
def test_only_owner_and_credit_import(client, tenants, bearer, tenant, role, status):
    user = getattr(getattr(tenants, tenant), role)
    path = SAMPLES / "factur-x-akretion/ubl-21-en16931.xml"
    resp = upload(client, bearer(user), path.name, path.read_bytes())
    assert resp.status_code == status


def test_other_tenants_import_is_404(client, tenants, bearer):
    from .helpers import make_import

    other = make_import(tenants.b.org)
    assert (
        client.get(f"/api/v1/imports/{other}", headers=bearer(tenants.a.owner)).status_code == 404
    )
