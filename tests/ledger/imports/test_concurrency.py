"""T24 on PostgreSQL: the same file submitted twice at once is imported once, no duplicates."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from core.extensions import db
from ledger.imports import service
from ledger.imports.models import ImportBatch
from ledger.models import Invoice

from .helpers import csv_rows, upload

pytestmark = [pytest.mark.postgres_only, pytest.mark.committed]


@pytest.mark.parametrize("queued", [False, True], ids=["in-request", "queued"])
def test_same_file_twice_at_once_imports_once(app, tenants, bearer, monkeypatch, queued):
    if queued:
        monkeypatch.setattr(service, "SYNC_MAX_ROWS", 10)
    data = csv_rows(40).encode()
    headers = bearer(tenants.a.owner)
    org_id = tenants.a.org.id
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def submit() -> None:
        client = app.test_client()
        barrier.wait(timeout=10)
        resp = client.post(
            "/api/v1/imports",
            data={"file": (io.BytesIO(data), "same.csv")},
            headers=headers,
            content_type="multipart/form-data",
        )
        results.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    db.session.remove()
    statuses = sorted(code for code, _ in results)
    numbers = db.session.scalars(select(Invoice.number).where(Invoice.org_id == org_id)).all()
    assert len(numbers) == len(set(numbers)) == 40
    if 409 in statuses:  # the second found the first still active: same import_id
        ok = next(body for code, body in results if code != 409)
        refused = next(body for code, body in results if code == 409)
        assert refused["error"]["details"]["import_id"] == ok["id"]
        assert db.session.scalar(select(func.count(ImportBatch.id))) == 1
    else:  # the second waited for the first's commit, then found every invoice in place
        counts = sorted(
            (body["counts"]["created"], body["counts"]["unchanged"]) for _, body in results
        )
        assert counts == [(0, 40), (40, 0)], results
    assert set(statuses) <= {201, 202, 409}
    again = upload(app.test_client(), headers, "same.csv", data)
    assert again.json["counts"]["unchanged"] == 40
