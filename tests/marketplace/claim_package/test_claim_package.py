"""GET /api/v1/cases/{id}/claim-package: the zip's members, who may export it (T1, T5, T6),
what each party's package leaves out, safe member names (T10), formula-safe CSV, and a
statement count that does not grow with the case (P6)."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
import zipfile

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from disputes.attachments.models import Attachment
from disputes.threads.models import Comment
from disputes.threads.services import delete_comment
from marketplace.claim_package.archive import evidence_name
from marketplace.closing import close_case
from marketplace.models import Case
from marketplace.states import CaseOutcome
from tests.disputes.attachments.conftest import PDF_BYTES
from tests.marketplace.claim_package.helpers import (
    comment,
    make_worked_case,
    open_zip,
    read_json,
    rename,
    uploaded,
    url,
)
from tests.marketplace.helpers import make_case
from tests.marketplace.workspace.helpers import counting, make_awarded_case

DOCUMENTS = {
    "manifest.json",
    "invoices.csv",
    "interest.json",
    "thread.md",
    "timeline.json",
    "disputes.json",
    "dunning.json",
}


@pytest.fixture
def worked(client, tenants, bearer):
    return make_worked_case(client, tenants, bearer)


def evidence(zf: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in zf.namelist() if n.startswith("evidence/"))


def test_the_creditor_gets_every_member_and_manifest_field(client, tenants, bearer, worked):
    resp = client.get(url(worked.case.id), headers=bearer(tenants.a.credit))
    zf = open_zip(resp)
    assert resp.mimetype == "application/zip"
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="case-{worked.case.id}-claim-package.zip"'
    )
    assert "no-store" in resp.headers["Cache-Control"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert zf.testzip() is None
    names = set(zf.namelist())
    assert names >= DOCUMENTS and len(names) == len(DOCUMENTS) + 3  # 2 shared + own internal

    manifest = read_json(zf, "manifest.json")
    assert manifest["format"] == "duebridge.claim-package" and manifest["format_version"] == 1
    assert manifest["generated_at"] and manifest["generated_for"]["kind"] == "creditor"
    case = manifest["case"]
    assert case["id"] == worked.case.id and case["status"] == "active"  # work started
    assert case["currency"] == "EUR" and case["claimed"] == {"amount": "200.00", "currency": "EUR"}
    assert case["terms"]["fee_models"] == ["contingency", "fixed", "hybrid"]
    assert case["award"]["agency"] == {"id": tenants.x.org.id, "name": tenants.x.org.name}
    assert case["award"]["terms"]["fee_model"] == "contingency"
    assert case["award"]["terms"]["percent"] == "15"
    assert manifest["creditor"] == {"id": tenants.a.org.id, "name": tenants.a.org.name}
    debtor = manifest["debtor"]
    assert debtor["name"] == "Debtor GmbH" and debtor["vat_id"] == "DE123456789"
    assert debtor["address"] == "Hauptstr. 1, Berlin" and debtor["country"] == "DE"
    assert [i["number"] for i in manifest["invoices"]] == ["=CMD0|calc", "=CMD1|calc"]
    first = manifest["invoices"][0]
    assert {"issue_date", "due_date", "amount", "outstanding", "status"} <= set(first)
    assert manifest["summary"]["claimed"] == {"amount": "200.00", "currency": "EUR"}
    assert manifest["summary"]["recovered"] == {"amount": "50.00", "currency": "EUR"}
    assert manifest["summary"]["costs"]["amount"] == "12.50"  # 7.50 success fee + 5.00
    assert manifest["summary"]["net_recovery"]["amount"] == "37.50"
    # every other member is listed with its true size and digest
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == names - {"manifest.json"}
    for name, entry in listed.items():
        data = zf.read(name)
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert all(zf.read(n) == PDF_BYTES for n in evidence(zf))

    interest = read_json(zf, "interest.json")
    assert [i["number"] for i in interest["invoices"]] == ["=CMD0|calc", "=CMD1|calc"]
    line = interest["invoices"][0]
    assert line["applies"] is True and line["jurisdiction"] == "DE"
    assert line["rates"]["margin_bp"] == 900 and line["rates"]["day_count"]
    # the lines run up to the last confirmed reference rate (the gap names the data file)
    assert line["interest"]["total"]["currency"] == "EUR" and "complete" in line["interest"]
    assert line["interest"]["due_date"] == worked.invoices[0].due_date.isoformat()
    assert line["compensation"]["amount"] == {"amount": "40.00", "currency": "EUR"}
    assert interest["total_compensation"] == {"amount": "80.00", "currency": "EUR"}

    timeline = read_json(zf, "timeline.json")
    assert [t["at"] for t in timeline] == sorted(t["at"] for t in timeline)
    kinds = [(t["type"], t.get("kind")) for t in timeline]
    for expected in [
        ("case_event", "created"),
        ("case_event", "listed"),
        ("case_event", "awarded"),
        ("activity", "call"),
        ("recovery", None),
        ("cost", "expense"),
        ("cost", "success_fee"),
    ]:
        assert expected in kinds, kinds
    assert kinds.count(("case_event", "bid_placed")) == 2  # the creditor sees every bid

    disputes = read_json(zf, "disputes.json")
    assert len(disputes) == 1 and disputes[0]["invoice"] == "=CMD0|calc"
    assert disputes[0]["amount"] == {"amount": "10.00", "currency": "EUR"}
    assert disputes[0]["status"] == "open" and disputes[0]["events"][0]["kind"] == "opened"

    dunning = read_json(zf, "dunning.json")
    assert dunning["steps"] == [] and "dunning feature" in dunning["note"]


def test_the_thread_and_evidence_are_each_partys_own(client, tenants, bearer, worked):
    creditor = open_zip(client.get(url(worked.case.id), headers=bearer(tenants.a.owner)))
    agency = open_zip(client.get(url(worked.case.id), headers=bearer(tenants.x.collector)))
    f = worked.files

    c_thread = creditor.read("thread.md").decode()
    assert "Contract attached." in c_thread and "Creditor secret." in c_thread
    assert "> Called them.\n>\n> - twice" in c_thread
    assert "Agency secret." not in c_thread
    assert c_thread.index("Contract attached.") < c_thread.index("Called them.")
    assert [n.split("/")[1].split("-")[0] for n in evidence(creditor)] == sorted(
        str(i) for i in (f["creditor_shared"], f["creditor_internal"], f["agency_shared"])
    )

    a_thread = agency.read("thread.md").decode()
    assert "Contract attached." in a_thread and "Agency secret." in a_thread
    assert "Creditor secret." not in a_thread and "margin-notes" not in a_thread
    a_files = evidence(agency)
    assert f"evidence/{f['agency_internal']}-strategy.pdf" in a_files
    assert not any(str(f["creditor_internal"]) + "-" in n for n in a_files)
    assert not any("margin-notes" in n for n in agency.namelist())
    manifest = read_json(agency, "manifest.json")
    assert manifest["generated_for"]["kind"] == "agency"
    assert not any("margin-notes" in e["name"] for e in manifest["files"])
    # the losing agency's bid is not the winner's business
    kinds = [t.get("kind") for t in read_json(agency, "timeline.json")]
    assert kinds.count("bid_placed") == 1


def test_deleted_comments_stay_as_traces_without_text_or_files(client, tenants, bearer, worked):
    file_id = uploaded(client, bearer(tenants.a.credit), "retracted.pdf")
    comment(worked.case, tenants.a.credit, "Oops, wrong case.", "shared", [file_id])
    row = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    delete_comment(row, actor=tenants.a.credit)
    db.session.commit()
    zf = open_zip(client.get(url(worked.case.id), headers=bearer(tenants.x.owner)))
    thread = zf.read("thread.md").decode()
    assert f"Comment {row.id}" in thread and "_Deleted by" in thread
    assert "Oops" not in thread and "retracted" not in thread
    assert not any(n.startswith(f"evidence/{file_id}-") for n in zf.namelist())


def test_the_export_is_audited_with_its_actor(client, tenants, bearer, worked):
    client.get(url(worked.case.id), headers=bearer(tenants.x.collector)).close()
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.claim_package_exported")
    ).all()
    assert len(rows) == 1
    assert rows[0].actor_id == tenants.x.collector.id and rows[0].org_id == tenants.a.org.id
    assert rows[0].object_id == str(worked.case.id)
    assert rows[0].details["actor_org_id"] == tenants.x.org.id


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("a.owner", 200),
        ("a.credit", 200),
        ("a.sales", 404),  # not the debtor's sales rep: the case does not exist for them
        ("a.viewer", 403),
        ("x.owner", 200),
        ("x.collector", 200),
        ("y.owner", 404),  # lost the bid
        ("y.collector", 404),
        ("b.owner", 404),  # another creditor
        ("b.credit", 404),
    ],
)
def test_who_may_export(client, tenants, bearer, worked, who, status):
    org, role = who.split(".")
    user = getattr(getattr(tenants, org), role)
    resp = client.get(url(worked.case.id), headers=bearer(user))
    assert resp.status_code == status
    if status != 200:
        assert b"Debtor GmbH" not in resp.data
        denied = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "authz_denied", AuditEvent.actor_id == user.id
            )
        ).all()
        assert denied and denied[-1].object_id == str(worked.case.id)


def test_a_sales_rep_who_sees_the_case_may_not_export_it(client, tenants, bearer):
    awarded = make_awarded_case(tenants, sales_rep=tenants.a.sales)
    headers = bearer(tenants.a.sales)
    assert client.get(f"/api/v1/cases/{awarded.id}", headers=headers).status_code == 200
    assert client.get(url(awarded.id), headers=headers).status_code == 403


def test_the_agency_loses_the_package_when_the_case_closes(client, tenants, bearer, worked):
    case = db.session.get(Case, worked.case.id)
    close_case(case, actor=tenants.a.owner, outcome=CaseOutcome.UNRECOVERABLE)
    db.session.commit()
    assert client.get(url(case.id), headers=bearer(tenants.x.owner)).status_code == 404
    zf = open_zip(client.get(url(case.id), headers=bearer(tenants.a.owner)))
    assert read_json(zf, "manifest.json")["case"]["status"] == "closed"


def test_a_draft_is_exported_for_its_creditor_only(client, tenants, bearer):
    case = make_case(tenants.a.org, publish=False)
    zf = open_zip(client.get(url(case.id), headers=bearer(tenants.a.credit)))
    manifest = read_json(zf, "manifest.json")
    assert manifest["case"]["award"] is None and evidence(zf) == []
    assert "_No comments._" in zf.read("thread.md").decode()
    assert client.get(url(case.id), headers=bearer(tenants.x.owner)).status_code == 404
    assert client.get(url(10**9), headers=bearer(tenants.a.owner)).status_code == 404


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd",
        "a/b\\c.pdf",
        "..\\..\\windows\\system32\\x.pdf",
        "/abs/olute.pdf",
        "..",
        "x" * 240 + ".pdf",
        "Überweisung — 請求書 ✓.pdf",
        "bad\x07name\r\n\u202e.pdf",  # control and bidi characters (PostgreSQL refuses NUL)
    ],
)
def test_hostile_filenames_become_safe_member_names(client, tenants, bearer, worked, hostile):
    rename(worked.files["agency_shared"], hostile)
    zf = open_zip(client.get(url(worked.case.id), headers=bearer(tenants.a.credit)))
    names = evidence(zf)
    assert len(names) == len(set(names)) == 3
    mine = [n for n in names if n.startswith(f"evidence/{worked.files['agency_shared']}-")]
    assert len(mine) == 1
    name = mine[0]
    leaf = name.removeprefix("evidence/")
    assert "/" not in leaf and "\\" not in leaf and ".." not in leaf
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name) and len(name) <= 120
    assert zf.read(name) == PDF_BYTES
    if hostile.startswith("Über"):
        assert leaf.endswith("Überweisung — 請求書 ✓.pdf")
    for info in zf.infolist():
        assert not info.filename.startswith("/") and ".." not in info.filename


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd", "evidence/7-passwd"),
        ("..", "evidence/7-attachment"),
        ("a/b\\c.pdf", "evidence/7-c.pdf"),
        ("nul\x00in..name.pdf", "evidence/7-nulin_name.pdf"),
        ("y" * 300 + ".pdf", "evidence/7-" + "y" * 76 + ".pdf"),
    ],
)
def test_evidence_names_keep_no_path(filename, expected):
    assert evidence_name(Attachment(id=7, filename=filename)) == expected


def test_the_invoices_csv_is_formula_safe(client, tenants, bearer, worked):
    zf = open_zip(client.get(url(worked.case.id), headers=bearer(tenants.x.owner)))
    rows = list(csv.reader(io.StringIO(zf.read("invoices.csv").decode())))
    assert rows[0][:3] == ["number", "issue_date", "due_date"]
    assert [r[0] for r in rows[1:]] == ["'=CMD0|calc", "'=CMD1|calc"]
    assert rows[1][3:6] == ["EUR", "100.00", "100.00"]


def test_a_package_over_the_cap_is_refused_clearly(app, client, tenants, bearer, worked):
    app.config["CLAIM_PACKAGE_MAX_BYTES"] = 200  # the three PDFs alone are larger
    try:
        resp = client.get(url(worked.case.id), headers=bearer(tenants.a.credit))
        assert resp.status_code == 422
        assert resp.json["error"]["code"] == "package_too_large"
        assert resp.json["error"]["details"]["max_bytes"] == 200
        app.config["CLAIM_PACKAGE_MAX_BYTES"] = 1000  # files fit, documents do not
        resp = client.get(url(worked.case.id), headers=bearer(tenants.a.credit))
        assert resp.status_code == 422 and resp.json["error"]["code"] == "package_too_large"
    finally:
        app.config.pop("CLAIM_PACKAGE_MAX_BYTES")
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.claim_package_exported")
    ).all()


def statements(client, headers, case_id: int) -> int:
    client.get("/api/v1/me", headers=headers)  # the token's first use writes last_used_at
    with counting() as seen:
        resp = client.get(url(case_id), headers=headers)
    open_zip(resp)
    return sum(1 for sql in seen if "SAVEPOINT" not in sql)


@pytest.mark.parametrize("side", ["creditor", "agency"])
def test_statements_do_not_grow_with_the_case(client, tenants, bearer, side):
    few = make_worked_case(client, tenants, bearer, invoices=3, debtor="Few AG", prefix="F")
    many = make_worked_case(client, tenants, bearer, invoices=20, debtor="Many AG", prefix="M")
    for i in range(17):  # more comments and files on the big case
        author = (tenants.a.credit, tenants.x.collector)[i % 2]
        files = [uploaded(client, bearer(author), f"extra-{i}.pdf")] if i % 3 == 0 else []
        comment(many.case, author, f"More {i}", ("shared", "internal")[i % 2], files)
    headers = bearer(tenants.a.credit if side == "creditor" else tenants.x.collector)
    assert statements(client, headers, few.case.id) == statements(client, headers, many.case.id)


def test_the_route_is_documented_as_a_zip(client):
    spec = client.get("/api/openapi.json").json
    get = spec["paths"]["/api/v1/cases/{case_id}/claim-package"]["get"]
    assert list(get["responses"]["200"]["content"]) == ["application/zip"]
    assert {"403", "404", "422"} <= set(get["responses"])
