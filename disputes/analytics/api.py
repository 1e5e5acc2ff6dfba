"""JSON API of the dispute analytics: `GET /api/v1/reports/disputes?from=&to=`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.tenancy import current_org
from disputes import permissions
from disputes.analytics import queries
from disputes.analytics.period import Period, PeriodArgs
from disputes.analytics.schemas import DisputeAnalyticsSchema
from ledger.clock import today

blp = Blueprint(
    "dispute_analytics_api", __name__, url_prefix="/api/v1", description="Dispute analytics"
)

readers = require_kind(OrgKind.CREDITOR, *permissions.READERS)


@blp.route("/reports/disputes")
class DisputeReport(MethodView):
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, DisputeAnalyticsSchema)
    @readers
    def get(self, period: Period) -> Any:
        """Disputes by team and reason: counts, outcomes, median days to resolve, cash blocked.

        Amounts are per currency and never added across currencies; cash blocked is in
        currency-days (amount x days held within the period). Sales reps see the disputes
        on their debtors and those they own.
        """
        return queries.dispute_analytics(current_org.id, current_user, period, today=today())
