"""A case's money at a glance: claimed, recovered, costs and net recovery (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import func, select

from core.extensions import db
from core.money import Money
from ledger.models import Invoice
from marketplace.models import Case, CaseInvoice
from marketplace.workspace.models import CaseCost, CostBearer, CostKind, CostStatus, Recovery

#: costs that come out of the creditor's pocket: its own, and the debtor's, which the
#: creditor advances until a recovery repays them (that repayment is inside `recovered`)
CREDITOR_POCKET = (CostBearer.CREDITOR, CostBearer.DEBTOR)


@dataclass(frozen=True)
class CaseMoney:
    claimed: Money
    recovered: Money
    costs: Money
    net_recovery: Money
    success_fees: Money
    pending_costs: Money
    outstanding: Money


def summarize(case: Case) -> CaseMoney:
    """The case's figures, in its currency, in three statements whatever the row counts.

    claimed       the invoices' outstanding when the case was listed (Case.claimed)
    recovered     every recovery: agency collections and direct payments
    costs         approved costs borne by the creditor or the debtor, success fees
                  included (a success fee is borne by the creditor); pending and
                  rejected costs and the agency's own costs do not count
    net_recovery  recovered - costs

    Example: claimed 1,500.00; a 1,000.00 recovery at 15 % contingency (success fee
    150.00); a 40.00 creditor expense; a 300.00 agency expense still pending:
    recovered 1,000.00, costs 190.00, net 810.00, pending 300.00, outstanding 500.00.
    """
    counted = (CaseCost.status == CostStatus.APPROVED) & CaseCost.borne_by.in_(CREDITOR_POCKET)
    costs_row = db.session.execute(
        select(
            func.coalesce(func.sum(when((counted, CaseCost.amount_minor), else_=0)), 0),
            func.coalesce(
                func.sum(
                    when(
                        (
                            (CaseCost.kind == CostKind.SUCCESS_FEE)
                            & (CaseCost.status == CostStatus.APPROVED),
                            CaseCost.amount_minor,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(
                func.sum(
                    when((CaseCost.status == CostStatus.PENDING, CaseCost.amount_minor), else_=0)
                ),
                0,
            ),
        ).where(CaseCost.case_id == case.id)
    ).one()
    recovered = db.session.scalar(
        select(func.coalesce(func.sum(Recovery.amount_minor), 0)).where(Recovery.case_id == case.id)
    )
    outstanding = db.session.scalar(
        select(func.coalesce(func.sum(Invoice.outstanding_minor), 0))
        .join(CaseInvoice, CaseInvoice.invoice_id == Invoice.id)
        .where(CaseInvoice.case_id == case.id, CaseInvoice.active.is_(True))
    )

    def money(minor: Any) -> Money:
        return Money(int(minor or 0), case.currency)

    costs = money(costs_row[0])
    return CaseMoney(
        claimed=case.claimed,
        recovered=money(recovered),
        costs=costs,
        net_recovery=money(recovered) - costs,
        success_fees=money(costs_row[1]),
        pending_costs=money(costs_row[2]),
        outstanding=money(outstanding),
    )
