"""P6: statements per analytics request are few and the same for 3 and 30 disputes."""

from __future__ import annotations

import pytest

from disputes.reasons import REASON_CODES
from tests import factories
from tests.disputes.analytics.helpers import PERIOD, at, dated_dispute
from tests.ledger.reports.test_query_counts import counting

URLS = (
    f"/api/v1/reports/disputes?{PERIOD}",
    f"/disputes/analytics?{PERIOD}",
    f"/disputes/analytics.csv?{PERIOD}",
)


def statements(client, make_org, make_user, login_as, role: str, count: int) -> dict[str, int]:
    org = make_org()
    user = make_user(org, role)
    debtors = [
        factories.make_debtor(org, sales_rep_id=user.id if n % 2 else None) for n in range(3)
    ]
    for n in range(count):
        dated_dispute(
            org,
            debtors[n % 3],
            reason=REASON_CODES[n % len(REASON_CODES)],
            amount="10.00",
            currency="USD" if n % 4 else "EUR",
            opened=at(f"2025-01-{n % 28 + 1:02d}"),
            resolved=at(f"2025-01-{n % 28 + 2:02d}") if n % 3 else None,
            owner=user if role == "sales" and n % 5 == 0 else None,
        )
    login_as(user)
    found = {}
    for url in URLS:
        with counting() as seen:
            resp = client.get(url, buffered=True)
        assert resp.status_code == 200
        # the report itself: one aggregate statement and one for the medians
        assert sum("per_debtor" in sql or "durations" in sql for sql in seen) == 2, url
        found[url] = len(seen)
    return found


@pytest.mark.parametrize("role", ["owner", "sales"])
def test_statement_count_is_small_and_flat(client, make_org, make_user, login_as, role):
    few = statements(client, make_org, make_user, login_as, role, 3)
    many = statements(client, make_org, make_user, login_as, role, 30)
    assert few == many
    # user and organisation loads, the two report statements, and the test's SAVEPOINTs
    assert max(many.values()) <= 8, many
