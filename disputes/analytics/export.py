"""CSV rows of the analytics: one per (currency, team, reason), every cell formula-safe."""

from __future__ import annotations

from collections.abc import Iterator

from core.money import Money
from disputes.analytics.queries import OUTCOMES, DisputeAnalytics, ReasonLine
from ledger.views.export import safe_cell

HEADER = (
    "period_from",
    "period_to",
    "currency",
    "team",
    "team_label",
    "reason",
    "reason_label",
    "opened",
    "open_now",
    "resolved",
    *(f"outcome_{name}" for name in OUTCOMES),
    "median_days_to_resolve",
    "disputed",
    "open_amount",
    "cash_blocked_currency_days",
    "top_debtor",
)


def _amount(value: Money | None) -> str:
    return "" if value is None else value.amount


def reason_row(report: DisputeAnalytics, line: ReasonLine) -> list[str]:
    """One CSV row: labels and figures; amounts as decimal strings of the row's currency."""
    median = line.median_days_to_resolve
    return [
        safe_cell(value)
        for value in (
            report.start.isoformat(),
            report.end.isoformat(),
            line.currency,
            line.team,
            line.team_label,
            line.reason,
            line.label,
            line.opened,
            line.open_now,
            line.resolved,
            *(line.outcomes.get(name, 0) for name in OUTCOMES),
            "" if median is None else f"{median:.1f}",
            _amount(line.disputed),
            _amount(line.open_amount),
            _amount(line.cash_blocked),
            line.top_debtor_name,
        )
    ]


def report_rows(report: DisputeAnalytics) -> Iterator[list[str]]:
    """Rows by currency, then team (SPEC order), then cash blocked."""
    for section in report.currencies:
        for line in section.reasons:
            yield reason_row(report, line)
