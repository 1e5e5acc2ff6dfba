"""`flask imports run`: the same service, counts and every error printed, non-zero when refused."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from ledger.models import Invoice

from .helpers import csv_rows


def test_cli_imports_and_prints_counts(app, tenants, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(csv_rows(4))
    result = app.test_cli_runner().invoke(
        args=["imports", "run", str(path), "--org", tenants.a.org.name]
    )
    assert result.exit_code == 0, result.output
    assert "succeeded: created 4, updated 0, unchanged 0, rejected 0" in result.output
    count = db.session.scalar(
        select(func.count(Invoice.id)).where(Invoice.org_id == tenants.a.org.id)
    )
    assert count == 4


def test_cli_dry_run_writes_nothing(app, tenants, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(csv_rows(2))
    result = app.test_cli_runner().invoke(
        args=["imports", "run", str(path), "--org", tenants.a.org.name, "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "(dry run): created 2" in result.output
    assert db.session.scalar(select(func.count(Invoice.id))) == 0


def test_cli_refused_file_lists_every_error_and_exits_non_zero(app, tenants, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        csv_rows(3).replace("T-000002,Customer 2", "T-000002,").replace(",EUR,103", ",XXX,103")
    )
    result = app.test_cli_runner().invoke(
        args=["imports", "run", str(path), "--org", tenants.a.org.name]
    )
    assert result.exit_code == 1
    assert "bad.csv:3 [debtor_name]" in result.output
    assert "bad.csv:4 [currency]" in result.output
    assert "nothing was imported" in result.output
    assert db.session.scalar(select(func.count(Invoice.id))) == 0


def test_cli_unknown_org_is_refused(app, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(csv_rows(1))
    result = app.test_cli_runner().invoke(args=["imports", "run", str(path), "--org", "Nobody"])
    assert result.exit_code != 0 and "No organisation named" in result.output
