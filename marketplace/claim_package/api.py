"""JSON API: `GET /api/v1/cases/{id}/claim-package`, the case as one zip (SPEC §4)."""

from __future__ import annotations

from flask import Response, send_file
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from core import audit
from core.auth.models import Organization
from core.auth.permissions import require_login
from core.extensions import db
from core.tenancy import deny
from marketplace.claim_package import archive, sources
from marketplace.claim_package.permissions import can_export
from marketplace.loaders import load_case

blp = Blueprint(
    "claim_package_api", __name__, url_prefix="/api/v1", description="Case claim package"
)


@blp.route("/cases/<int:case_id>/claim-package")
class ClaimPackage(MethodView):
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/zip",
        description="manifest.json, invoices.csv, interest.json, thread.md, timeline.json, "
        "disputes.json, dunning.json and evidence/ files, as one download",
    )
    @blp.alt_response(403, description="A party whose role may not export the case")
    @blp.alt_response(404, description="Not a party to the case (audited)")
    @blp.alt_response(422, description="The package would exceed the export size limit")
    @require_login
    def get(self, case_id: int) -> Response:
        """The case as a zip another agency or a lawyer can take over: the creditor's owner
        and credit users; the awarded agency while the case is awarded or active."""
        case = load_case(case_id)
        if not can_export(current_user, case):
            deny("cases", case_id, status=403)
        package = archive.build(sources.gather(case, current_user))
        audit.record(
            "case.claim_package_exported",
            actor=current_user,
            org=db.session.get(Organization, case.org_id),  # the creditor: its case left
            object_type="case",
            object_id=case.id,
            details={
                "actor_org_id": current_user.org_id,
                "files": len(package.members),
                "bytes": package.size,
            },
        )
        db.session.commit()
        response = send_file(
            package.file,
            mimetype="application/zip",
            as_attachment=True,
            download_name=f"case-{case.id}-claim-package.zip",
            max_age=0,
        )
        response.content_length = package.size
        # quoted, as the API documents it (werkzeug leaves a plain token unquoted)
        response.headers["Content-Disposition"] = (
            f'attachment; filename="case-{case.id}-claim-package.zip"'
        )
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
