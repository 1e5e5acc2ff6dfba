"""The import pages: upload form, report with counts and errors, progress while running."""

from __future__ import annotations

import io

from core.extensions import db
from ledger.imports.models import ImportBatch, ImportStatus

from .helpers import csv_rows


def _post(client, csrf_token, data: bytes, **extra):
    token = csrf_token("/imports/new")
    form = {"csrf_token": token, "file": (io.BytesIO(data), "a.csv"), "preset": "", **extra}
    return client.post("/imports/new", data=form, content_type="multipart/form-data")


def test_upload_form_lists_presets(login_as, tenants):
    page = login_as(tenants.a.credit).get("/imports/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html and "xero" in html and "csrf_token" in html


def test_upload_shows_the_report(login_as, tenants, csrf_token):
    client = login_as(tenants.a.owner)
    resp = _post(client, csrf_token, csv_rows(3).encode())
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Succeeded" in html and 'data-testid="import-counts"' in html
    assert "Refresh" not in page.headers


def test_refused_upload_shows_every_error(login_as, tenants, csrf_token):
    client = login_as(tenants.a.owner)
    bad = csv_rows(3).replace(",EUR,102", ",EURO,102")
    resp = _post(client, csrf_token, bad.encode())
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="import-errors"' in html and "nothing was imported" in html


def test_running_import_shows_a_progress_bar_that_refreshes(login_as, tenants):
    batch = ImportBatch(
        org_id=tenants.a.org.id, filename="big.csv", sha256="1" * 64, size=1, content=b"x",
        status=ImportStatus.RUNNING, progress=0.4, counts={}, errors=[],
    )  # fmt: skip
    db.session.add(batch)
    db.session.commit()
    page = login_as(tenants.a.owner).get(f"/imports/{batch.id}")
    assert page.headers["Refresh"] == "2"
    assert '<progress value="0.4"' in page.get_data(as_text=True)


def test_sales_cannot_open_the_import_page(login_as, tenants):
    assert login_as(tenants.a.sales).get("/imports/new").status_code == 403
