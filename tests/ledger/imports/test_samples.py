"""Every sample in shared/samples/expected_fields.json imports through the API (one test each)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.extensions import db
from ledger.models import Invoice

from .helpers import SAMPLES, table_counts, upload

EXPECTED = json.loads((SAMPLES / "expected_fields.json").read_text(encoding="utf-8"))
NEGATIVE = {e["file"] for e in EXPECTED if "number" not in e}


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    digits = text.replace("-", "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_sample_file_imports_with_the_expected_fields(client, tenants, bearer, expected):
    path = SAMPLES / expected["file"]
    before = table_counts()
    resp = upload(client, bearer(tenants.a.credit), path.name, path.read_bytes())
    if expected["file"] in NEGATIVE:
        assert resp.status_code == 422, resp.json
        error = resp.json["error"]
        assert error["code"] == "import_refused"
        assert [e["code"] for e in error["details"]["errors"]] == ["pdf_no_einvoice"]
        assert "carries no Factur-X/ZUGFeRD e-invoice" in error["details"]["errors"][0]["message"]
        assert table_counts() == before
        return
    assert resp.status_code == 201, resp.json
    assert resp.json["status"] == "succeeded"
    assert resp.json["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    invoice = db.session.scalar(
        select(Invoice).where(
            Invoice.org_id == tenants.a.org.id, Invoice.number == expected["number"]
        )
    )
    assert invoice is not None
    assert invoice.issue_date == _date(expected["issue_date"])
    expected_due = _date(expected["due_date"])
    if expected_due is None:  # no due date in the file: the debtor's terms (30 days)
        assert (invoice.due_date - invoice.issue_date).days == 30
    else:
        assert invoice.due_date == expected_due
    assert invoice.currency == expected["currency"]
    assert Decimal(invoice.amount.amount) == Decimal(expected["payable_amount"])
    assert invoice.outstanding_minor == invoice.amount_minor
    assert invoice.debtor.name == expected["buyer"]
    # the seller in the sample is somebody else's company: a warning, not an error
    assert any(w["code"] == "seller_mismatch" for w in resp.json["warnings"])
