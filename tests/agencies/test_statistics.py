"""Statistics computed from platform events: reviews here, case figures from providers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agencies.statistics import AgencyStatistics, CaseFigures, Rating, statistics_for
from tests.agencies.helpers import make_review


def test_without_a_provider_case_figures_are_honestly_empty(
    client, tenants, bearer, no_case_providers
):
    stats = client.get(
        f"/api/v1/agencies/{tenants.x.org.id}", headers=bearer(tenants.a.owner)
    ).json["statistics"]
    assert stats == {
        "cases_closed": 0,
        "recovery_rate": None,
        "median_days_to_recover": None,
        "median_days_to_first_contact": None,
        "rating": {"average": None, "count": 0},
        "has_data": False,
    }


def test_a_provider_feeds_the_case_figures(client, tenants, bearer, provide_case_figures):
    asked: list[list[int]] = []
    # plain ids: the provider runs inside the request, away from the test's session
    x, a = tenants.x.org.id, tenants.a.org.id

    def provider(agency_org_ids: list[int]) -> dict[int, object]:
        asked.append(agency_org_ids)
        return {
            x: {
                "cases_closed": 12,
                "recovery_rate": Decimal("87.456"),
                "median_days_to_recover": 41.5,
                "median_days_to_first_contact": 2,
            },
            a: {"cases_closed": 99},  # not asked for: ignored
        }

    provide_case_figures(provider)
    resp = client.get("/api/v1/agencies?page_size=200", headers=bearer(tenants.a.owner))
    by_id = {item["id"]: item["statistics"] for item in resp.json["items"]}
    assert by_id[tenants.x.org.id] == {
        "cases_closed": 12,
        "recovery_rate": "87.46",
        "median_days_to_recover": 41.5,
        "median_days_to_first_contact": 2.0,
        "rating": {"average": None, "count": 0},
        "has_data": True,
    }
    assert by_id[tenants.y.org.id]["cases_closed"] == 0
    assert tenants.a.org.id not in by_id
    # asked once for the whole page, with exactly the page's agencies
    assert len(asked) == 1 and set(asked[0]) == set(by_id)


def test_providers_send_partial_figures_and_later_keys_win(tenants, provide_case_figures):
    x = tenants.x.org.id
    provide_case_figures(lambda ids: {x: {"cases_closed": 3, "recovery_rate": "50"}})
    provide_case_figures(lambda ids: {x: {"recovery_rate": 62.5}})
    provide_case_figures(lambda ids: None)  # a provider with nothing to say
    stats = statistics_for([x])[x]
    assert stats.cases_closed == 3
    assert stats.recovery_rate == Decimal("62.5")
    assert stats.median_days_to_recover is None


def test_a_provider_may_answer_with_the_dataclass(tenants, provide_case_figures):
    y = tenants.y.org.id
    figures = CaseFigures(cases_closed=1, recovery_rate=Decimal(100))
    provide_case_figures(lambda ids: {y: figures})
    stats = statistics_for([y])[y]
    assert stats.cases_closed == 1 and stats.recovery_rate == Decimal(100)


def test_an_unknown_figure_from_a_provider_fails_loudly(tenants, provide_case_figures):
    provide_case_figures(lambda ids: {tenants.x.org.id: {"cases_won": 3}})
    with pytest.raises(TypeError, match="cases_won"):
        statistics_for([tenants.x.org.id])


def test_rating_is_the_exact_average_and_count_of_reviews(tenants, no_case_providers):
    for rating in (5, 4, 4):
        make_review(tenants.x.org, tenants.a.owner, rating=rating)
    make_review(tenants.y.org, tenants.b.owner, rating=1)
    found = statistics_for([tenants.x.org.id, tenants.y.org.id])
    assert found[tenants.x.org.id].rating == Rating(Decimal("4.33"), 3)
    assert found[tenants.y.org.id].rating == Rating(Decimal("1.00"), 1)
    # reviews alone are data worth showing
    assert found[tenants.x.org.id].has_data
    assert found[tenants.x.org.id].cases_closed == 0


def test_no_ids_means_no_work(provide_case_figures):
    def provider(ids: list[int]) -> dict[int, object]:
        raise AssertionError("asked for nothing")

    provide_case_figures(provider)
    assert statistics_for([]) == {}


def test_empty_statistics_say_there_is_no_data():
    assert not AgencyStatistics().has_data
    assert AgencyStatistics(cases_closed=1).has_data
