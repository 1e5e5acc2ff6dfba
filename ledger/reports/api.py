"""JSON API of the ledger's reports: aging, DSO, payer lists and a debtor's credit status."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from core.tenancy import current_org
from ledger.api import readers
from ledger.loaders import load_debtor
from ledger.reports import aging, credit, dso, payers
from ledger.reports.schemas import (
    AgingArgs,
    AgingSchema,
    CreditStatusSchema,
    DsoArgs,
    DsoSchema,
    PayerArgs,
    PayerListSchema,
)

blp = Blueprint("ledger_reports_api", __name__, url_prefix="/api/v1", description="Ledger reports")


@blp.route("/reports/aging")
class Aging(MethodView):
    @blp.arguments(AgingArgs, location="query")
    @blp.response(200, AgingSchema)
    @readers
    def get(self, args: dict[str, Any]) -> Any:
        """Aging buckets as of a date in one currency, with the debtors owing most overdue."""
        return aging.aging_report(
            current_org.id,
            current_user,
            args["as_of"],
            args.get("currency") or current_org.currency,
            limit=args["limit"],
        )


@blp.route("/reports/dso")
class Dso(MethodView):
    @blp.arguments(DsoArgs, location="query")
    @blp.response(200, DsoSchema)
    @readers
    def get(self, args: dict[str, Any]) -> Any:
        """DSO standard, countback, best possible, days delinquent and a 12-month trend."""
        return dso.dso_report(
            current_org.id,
            current_user,
            args["as_of"],
            args.get("currency") or current_org.currency,
            period_days=args["period_days"],
            target_dso_days=current_org.target_dso_days,
        )


@blp.route("/reports/payers")
class Payers(MethodView):
    @blp.arguments(PayerArgs, location="query")
    @blp.response(200, PayerListSchema)
    @readers
    def get(self, args: dict[str, Any]) -> Any:
        """Good payers (grade A/B with enough paid invoices) or deteriorating payers."""
        return payers.payer_list(
            current_org.id,
            current_user,
            args["as_of"],
            args["kind"],
            min_paid=args["min_paid_invoices"],
            limit=args["limit"],
        )


@blp.route("/debtors/<int:debtor_id>/credit-status")
class CreditStatus(MethodView):
    @blp.response(200, CreditStatusSchema)
    @readers
    def get(self, debtor_id: int) -> Any:
        """Whether to block a new order for this debtor, with the reasons (for ERPs)."""
        return credit.credit_status(load_debtor(debtor_id), current_org)
