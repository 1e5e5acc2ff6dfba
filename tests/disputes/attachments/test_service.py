"""store_attachment when a write fails: no row without its file, no file without its row (T36)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from disputes.attachments import service
from disputes.attachments.models import Attachment
from tests.disputes.attachments.conftest import PDF_BYTES, stored_files, upload


def attachment_count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


@pytest.fixture
def read_only_store(store: Path) -> Iterator[Path]:
    """The storage directory made read-only for real (root ignores modes: chattr +i)."""
    store.mkdir()
    store.chmod(0o555)
    as_root = os.geteuid() == 0
    if as_root:
        subprocess.run(["chattr", "+i", str(store)], check=True)
    try:
        yield store
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(store)], check=True)
        store.chmod(0o755)


def test_a_storage_write_failure_is_503_with_no_row(client, tenants, bearer, read_only_store):
    resp = upload(client, bearer(tenants.a.sales), "report.pdf", PDF_BYTES)
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "storage_unavailable"
    assert attachment_count() == 0
    assert stored_files(read_only_store) == []


def test_a_storage_write_failure_in_the_service_raises_before_any_row(tenants, read_only_store):
    with pytest.raises(service.StorageUnavailable):
        service.store_attachment(
            tenants.a.org, uploader=tenants.a.sales, filename="a.pdf", data=PDF_BYTES
        )
    assert not any(isinstance(obj, Attachment) for obj in db.session.new)


def test_a_database_failure_after_the_write_leaves_no_orphan_file(tenants, store):
    missing_org = SimpleNamespace(id=2_000_000_000)  # the FK to organizations fails on flush
    with pytest.raises(IntegrityError):
        service.store_attachment(
            missing_org, uploader=tenants.a.sales, filename="a.pdf", data=PDF_BYTES
        )
    db.session.rollback()
    assert store.exists()  # the file was written first ...
    assert stored_files(store) == []  # ... and removed when the row failed
    assert attachment_count() == 0


def test_store_attachment_flushes_a_row_pointing_at_the_file(tenants, store):
    attachment = service.store_attachment(
        tenants.a.org, uploader=tenants.a.credit, filename="Scan 1.PDF", data=PDF_BYTES
    )
    assert attachment.id is not None and attachment.filename == "Scan 1.PDF"
    assert (store / attachment.storage_key).read_bytes() == PDF_BYTES
