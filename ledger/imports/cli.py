"""`flask imports run FILE --org NAME [--dry-run] [--preset P]`: the same service as the API."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from core.cli import domain_errors_exit, org_by_name
from core.extensions import db
from ledger.imports import service
from ledger.imports.models import ImportStatus
from ledger.imports.parsing import PRESETS

imports_cli = AppGroup("imports", help="Import invoices.")


@imports_cli.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_name", required=True, help="Name of the creditor organisation.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default=None)
@domain_errors_exit
def run_command(file: Path, org_name: str, dry_run: bool, preset: str | None) -> None:
    """Import FILE into organisation NAME now (no queue), print counts and every error."""
    org = org_by_name(org_name)
    batch = service.start_import(
        org,
        actor=None,
        filename=file.name,
        data=file.read_bytes(),
        dry_run=dry_run,
        preset=preset,
        inline=True,  # the operator waits at the terminal: no queue, whatever the size
    )
    db.session.commit()
    counts = batch.counts
    click.echo(
        f"import #{batch.id} {batch.status.value}{' (dry run)' if dry_run else ''}: "
        + ", ".join(
            f"{k} {counts.get(k, 0)}" for k in ("created", "updated", "unchanged", "rejected")
        )
    )
    for entry in batch.errors:
        where = entry["file"] + (f":{entry['row']}" if entry.get("row") else "")
        field = f" [{entry['field']}]" if entry.get("field") else ""
        label = "warning" if entry.get("severity") == "warning" else "error"
        click.echo(f"{label}: {where}{field} {entry['code']}: {entry['message']}")
    if batch.status is ImportStatus.FAILED:
        raise click.ClickException("The file was refused; nothing was imported.")


def init_cli(app: Flask) -> None:
    """Add `flask imports` to the app's CLI."""
    app.cli.add_command(imports_cli)
