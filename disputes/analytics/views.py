"""The dispute analytics page and its CSV export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import marshmallow as ma
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.extensions import limiter
from core.tenancy import current_org
from disputes import permissions
from disputes.analytics import chart, export, queries
from disputes.analytics.period import Period, PeriodArgs, last_12_months
from disputes.labels import OUTCOME_LABELS
from ledger.clock import today
from ledger.permissions import sees_only_own_debtors
from ledger.views.export import EXPORT_LIMIT, csv_lines

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("dispute_analytics", __name__, template_folder="../templates")


def readers(view: F) -> F:
    """Signed in (else the login page) and a creditor member who reads disputes (else 403)."""
    gate = require_kind(OrgKind.CREDITOR, *permissions.READERS)
    return login_required(gate(view))  # type: ignore[return-value]


def period_from_query() -> Period:
    """`?from=&to=` of the request (blank ones take their defaults); 400 when invalid."""
    given = {k: v.strip() for k, v in request.args.items() if k in ("from", "to") and v.strip()}
    try:
        return PeriodArgs().load(given)  # type: ignore[no-any-return]
    except ma.ValidationError as exc:
        fields = ", ".join(sorted(exc.messages))  # type: ignore[arg-type]
        abort(400, description=f"Invalid period: {fields}.")


def _report(period: Period) -> queries.DisputeAnalytics:
    return queries.dispute_analytics(current_org.id, current_user, period, today=today())


@bp.route("/disputes/analytics")
@readers
def analytics() -> ResponseReturnValue:
    """Disputes by team and reason, time to resolve and cash blocked, with a chart per currency."""
    period = period_from_query()
    report = _report(period)
    return render_template(
        "disputes/analytics.html",
        report=report,
        charts=chart.team_charts(report),
        outcome_labels=OUTCOME_LABELS,
        default_period=last_12_months(today()),
        link_debtors=not sees_only_own_debtors(current_user),
    )


@bp.get("/disputes/analytics.csv")
@readers
@limiter.limit(EXPORT_LIMIT)
def analytics_csv() -> ResponseReturnValue:
    """One row per (currency, team, reason) with every figure, streamed."""
    period = period_from_query()
    report = _report(period)
    name = f"dispute-analytics-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        stream_with_context(csv_lines(export.report_rows(report), header=export.HEADER)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
