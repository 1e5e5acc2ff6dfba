"""Helpers for import tests: sample paths, CSV builders, uploads and table counts."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.auth.models import Organization
from core.extensions import db
from ledger.imports.models import ImportBatch, ImportStatus
from ledger.models import Allocation, CreditNote, Debtor, Invoice, Payment

#: /work/shared/samples, next to the repository
SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"
HEADER = (
    "invoice_number,debtor_name,debtor_vat_id,debtor_country,issue_date,due_date,"
    "currency,amount,outstanding\n"
)


def csv_rows(n: int, *, start: int = 1, outstanding: str = "", prefix: str = "T") -> str:
    """A CSV of `n` good invoices over 7 debtors."""
    lines = [HEADER]
    issue = date(2026, 1, 5)
    for i in range(start, start + n):
        lines.append(
            f"{prefix}-{i:06d},Customer {i % 7},,DE,{issue},{issue + timedelta(days=30)},"
            f"EUR,{100 + i % 50}.50,{outstanding}\n"
        )
    return "".join(lines)


def upload(
    client: FlaskClient,
    headers: dict[str, str],
    name: str,
    data: bytes,
    **form: Any,
) -> Any:
    """POST /api/v1/imports with `data` as the file part."""
    fields: dict[str, Any] = {
        k: str(v).lower() if isinstance(v, bool) else v for k, v in form.items()
    }
    fields["file"] = (io.BytesIO(data), name)
    return client.post(
        "/api/v1/imports", data=fields, headers=headers, content_type="multipart/form-data"
    )


def table_counts() -> dict[str, int]:
    """Rows per ledger table (to prove a refused import wrote nothing)."""
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Invoice, Debtor, Payment, CreditNote, Allocation)
    }


def make_import(org: Organization) -> int:
    """A finished import of `org` (for the tenancy walker)."""
    batch = ImportBatch(
        org_id=org.id, filename="b.csv", sha256="0" * 64, size=1, content=b"x",
        status=ImportStatus.SUCCEEDED, progress=1.0, counts={}, errors=[],
    )  # fmt: skip
    db.session.add(batch)
    db.session.commit()
    return batch.id
