"""HTML pages for imports: the upload form and the report (with a progress bar while running)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.errors import DomainError
from core.extensions import db
from core.tenancy import current_org, load_for_org_or_404
from ledger import permissions
from ledger.imports import service
from ledger.imports.models import ACTIVE, ImportBatch
from ledger.imports.parsing import PRESETS
from ledger.imports.schemas import ImportSchema

bp = Blueprint("ledger_imports", __name__, template_folder="templates")


class ImportForm(FlaskForm):
    file = FileField(
        "File",
        validators=[FileRequired("Choose a file.")],
        description="CSV, UBL or CII XML, Factur-X/ZUGFeRD PDF, or a zip of them.",
    )
    preset = SelectField(
        "Layout",
        choices=[SelectChoice("", "Generic columns")]
        + [SelectChoice(k, k.title()) for k in sorted(PRESETS)],
        default="",
        description="The accounting tool the CSV was exported from.",
    )
    dry_run = BooleanField("Dry run: show what would change, write nothing")


def _gate(view):  # type: ignore[no-untyped-def]
    return login_required(require_kind(OrgKind.CREDITOR, *permissions.WRITERS)(view))


@bp.route("/imports/new", methods=["GET", "POST"])
@_gate
def new_import() -> ResponseReturnValue:
    """Upload a file (owner and credit)."""
    form = ImportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("ledger_imports/new.html", form=form, presets=PRESETS), status
    upload = form.file.data
    try:
        batch = service.start_import(
            current_org,
            actor=current_user,
            filename=upload.filename or "upload",
            data=upload.stream.read(service.MAX_IMPORT_BYTES + 1),
            dry_run=bool(form.dry_run.data),
            preset=form.preset.data or None,
        )
    except service.ImportInProgress as exc:
        flash(exc.message, "error")
        return redirect(url_for("ledger_imports.detail", import_id=exc.details["import_id"]))
    except DomainError as exc:
        db.session.rollback()
        form.file.errors = [*form.file.errors, exc.message]
        return render_template("ledger_imports/new.html", form=form, presets=PRESETS), exc.status
    db.session.commit()
    return redirect(url_for("ledger_imports.detail", import_id=batch.id))


@bp.get("/imports/<int:import_id>")
@_gate
def detail(import_id: int) -> ResponseReturnValue:
    """The import's report; refreshes itself every 2 s while queued or running."""
    batch = load_for_org_or_404(ImportBatch, import_id)
    report = ImportSchema().dump(batch)
    active = batch.status.value in ACTIVE
    html = render_template("ledger_imports/detail.html", batch=batch, report=report, active=active)
    # a Refresh header, not a script: the CSP allows no inline scripts
    return html, 200, ({"Refresh": "2"} if active else {})
