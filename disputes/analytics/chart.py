"""Bar geometry for the server-side SVG chart: per team, disputes opened and cash blocked.

Everything is an SVG attribute (x, y, width, height) computed here, so the page needs no
script and no inline style (the CSP allows neither); colours come from classes in app.css.
"""

from __future__ import annotations

from dataclasses import dataclass

from disputes.analytics.queries import CurrencySection, DisputeAnalytics, TeamLine
from ledger.views import ledger_money

WIDTH = 800
ROW = 30
BAR = 18
#: the column headings take this much room above the first bar
TOP = 30
LABEL_END = 116
COUNT_X, COUNT_MAX = 124, 170
CASH_X, CASH_MAX = 396, 210
#: a non-zero value never gets a bar thinner than this
MIN_BAR = 2


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    count: int
    count_width: int
    cash_width: int
    cash_text: str

    @property
    def text_y(self) -> int:
        return self.y + BAR - 5

    @property
    def count_text_x(self) -> int:
        return COUNT_X + self.count_width + 6

    @property
    def cash_text_x(self) -> int:
        return CASH_X + self.cash_width + 6


@dataclass(frozen=True)
class TeamChart:
    currency: str
    title: str
    description: str
    bars: list[Bar]

    width = WIDTH
    label_end = LABEL_END
    count_x = COUNT_X
    cash_x = CASH_X
    count_max = COUNT_MAX
    cash_max = CASH_MAX
    bar_height = BAR

    @property
    def height(self) -> int:
        return TOP + ROW * len(self.bars)


def _width(value: int, biggest: int, room: int) -> int:
    if value <= 0 or biggest <= 0:
        return 0
    return max(MIN_BAR, round(room * value / biggest))


def _cash_text(line: TeamLine) -> str:
    return f"{ledger_money(line.cash_blocked)}-days"


def team_chart(section: CurrencySection, report: DisputeAnalytics) -> TeamChart:
    """The chart of one currency: a count bar and a cash-blocked bar per team."""
    most_opened = max((t.opened for t in section.teams), default=0)
    most_blocked = max((t.blocked_minor_days for t in section.teams), default=0)
    bars = [
        Bar(
            label=line.label,
            y=TOP + n * ROW,
            count=line.opened,
            count_width=_width(line.opened, most_opened, COUNT_MAX),
            cash_width=_width(line.blocked_minor_days, most_blocked, CASH_MAX),
            cash_text=_cash_text(line),
        )
        for n, line in enumerate(section.teams)
    ]
    period = f"{report.start.isoformat()} to {report.end.isoformat()}"
    parts = [f"{line.label}: {line.opened} opened, {_cash_text(line)}" for line in section.teams]
    return TeamChart(
        currency=section.currency,
        title=f"Disputes opened and cash blocked per team, {section.currency}, {period}",
        description=(
            "Bars per responsible team. "
            + "; ".join(parts)
            + ". The table below holds the same figures."
        ),
        bars=bars,
    )


def team_charts(report: DisputeAnalytics) -> dict[str, TeamChart]:
    """One chart per currency, keyed by currency."""
    return {s.currency: team_chart(s, report) for s in report.currencies}
