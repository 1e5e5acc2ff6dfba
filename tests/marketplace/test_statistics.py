"""The marketplace's agency statistics provider, checked by hand on known cases."""

from __future__ import annotations

from decimal import Decimal

from agencies.statistics import statistics_for
from marketplace.statistics import agency_case_figures
from tests.marketplace.closing_helpers import closed_case
from tests.marketplace.workspace.helpers import counting, make_awarded_case


def three_closed_cases(tenants):
    """X: 1500 recovered of 1500 (award 10 days ago, call after 2 days), 300 of 1500
    (20 days, call after 5), none of 1500 (unrecoverable, call after 3)."""
    closed_case(tenants, recovered="1500.00", awarded_days_ago=10, contact_after_days=2)
    closed_case(
        tenants,
        outcome="recovered_partial",
        recovered="300.00",
        awarded_days_ago=20,
        contact_after_days=5,
    )
    closed_case(tenants, outcome="unrecoverable", awarded_days_ago=30, contact_after_days=3)


def test_figures_by_hand(tenants):
    three_closed_cases(tenants)
    got = agency_case_figures([tenants.x.org.id, tenants.y.org.id])
    assert set(got) == {tenants.x.org.id}  # Y has no cases: the defaults stand
    x = got[tenants.x.org.id]
    assert x.cases_closed == 3
    assert x.recovery_rate == Decimal("40.00")  # (1500 + 300) / 4500
    assert x.median_days_to_recover == 15.0  # median(10, 20); the unrecoverable one is out
    assert x.median_days_to_first_contact == 3.0  # median(2, 5, 3)


def test_open_cases_count_for_first_contact_only(tenants):
    closed_case(tenants, outcome="unrecoverable", awarded_days_ago=4, contact_after_days=1)
    awarded = make_awarded_case(tenants, loser=False)  # awarded, no activity yet
    assert awarded.case.status.value == "awarded"
    x = agency_case_figures([tenants.x.org.id])[tenants.x.org.id]
    assert (x.cases_closed, x.recovery_rate) == (1, Decimal("0.00"))
    assert x.median_days_to_recover is None and x.median_days_to_first_contact == 1.0


def test_the_agency_profile_shows_them(client, tenants, bearer):
    three_closed_cases(tenants)
    resp = client.get(f"/api/v1/agencies/{tenants.x.org.id}", headers=bearer(tenants.b.viewer))
    stats = resp.json["statistics"]
    assert stats["cases_closed"] == 3 and stats["median_days_to_recover"] == 15.0
    assert stats["median_days_to_first_contact"] == 3.0 and stats["has_data"] is True
    merged = statistics_for([tenants.x.org.id, tenants.y.org.id])
    assert merged[tenants.x.org.id].recovery_rate == Decimal("40.00")
    assert merged[tenants.y.org.id].cases_closed == 0


def test_a_constant_number_of_queries(tenants, make_org):
    three_closed_cases(tenants)
    few = [tenants.x.org.id]
    many = few + [tenants.y.org.id] + [make_org("agency").id for _ in range(5)]
    with counting() as one:
        agency_case_figures(few)
    with counting() as seven:
        agency_case_figures(many)
    assert len(one) == len(seven) == 3
    assert agency_case_figures([]) == {}
