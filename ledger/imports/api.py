"""JSON API of API.md "Ledger" imports: upload a file, poll its progress and report."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.datastructures import FileStorage

from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.extensions import db
from core.tenancy import current_org, load_for_org_or_404
from ledger import permissions
from ledger.imports import service
from ledger.imports.models import ImportBatch, ImportStatus
from ledger.imports.schemas import ImportFileSchema, ImportFormSchema, ImportSchema

blp = Blueprint("ledger_imports_api", __name__, url_prefix="/api/v1", description="Ledger imports")

writers = require_kind(OrgKind.CREDITOR, *permissions.WRITERS)


def read_upload(file: FileStorage) -> bytes:
    """The upload's bytes, reading at most one byte past the import limit."""
    return file.stream.read(service.MAX_IMPORT_BYTES + 1)


def submit(args: dict[str, Any], form: dict[str, Any]) -> tuple[ImportBatch, bool]:
    """Start the import and commit once: (batch, queued?). A refused file keeps its row."""
    file: FileStorage = args["file"]
    batch = service.start_import(
        current_org,
        actor=current_user,
        filename=file.filename or "upload",
        data=read_upload(file),
        dry_run=form["dry_run"],
        preset=form["preset"],
    )
    queued = batch.status is ImportStatus.QUEUED  # read before the commit runs the job inline
    db.session.commit()
    return batch, queued


@blp.route("/imports")
class Imports(MethodView):
    @blp.arguments(ImportFileSchema, location="files")
    @blp.arguments(ImportFormSchema, location="form")
    @blp.response(201, ImportSchema)
    @blp.alt_response(202, schema=ImportSchema, description="Queued: poll GET /imports/{id}")
    @blp.alt_response(409, description="The same file is being imported (details.import_id)")
    @blp.alt_response(413, description="The file is too large")
    @blp.alt_response(422, description="Refused: details.import_id and details.errors")
    @writers
    def post(self, args: dict[str, Any], form: dict[str, Any]) -> Any:
        """Import a CSV, UBL/CII XML, Factur-X PDF or zip; upsert by invoice number.

        Small files (up to 1 MB and 2,000 CSV rows) run in the request: 201 with the report.
        Larger ones are queued: 202, then poll `GET /imports/{id}` for `progress`.
        A file with any bad row is refused whole and nothing is written: the answer is 422
        `import_refused` with `details.errors` (every error: file, row, field, code,
        message) and `details.import_id`; the refused import stays readable by GET.
        The same file submitted while it is still being imported: 409 `import_in_progress`
        with `details.import_id`. `dry_run=true` reports the counts and writes nothing.
        """
        batch, queued = submit(args, form)
        if batch.status is ImportStatus.FAILED:
            raise service.ImportRefused(batch)
        return batch, (202 if queued else 201)


@blp.route("/imports/<int:import_id>")
class ImportResource(MethodView):
    @blp.response(200, ImportSchema)
    @writers
    def get(self, import_id: int) -> Any:
        """One import: status (queued/running/succeeded/failed), progress 0..1, counts, errors."""
        return load_for_org_or_404(ImportBatch, import_id)
