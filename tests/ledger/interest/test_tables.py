"""The data files: they load, say where they come from, and agree with published figures."""

from __future__ import annotations

from datetime import date
from importlib import resources
from itertools import pairwise

import pytest

from ledger.interest import jurisdictions, percent, rate_table, reference_rate_bp

DATA = resources.files("ledger.interest") / "data"
HALF_YEARS = [date(y, m, 1) for y in range(2013, 2027) for m in (1, 7)][:-1]  # to 2026 H1


def test_jurisdictions_and_margins() -> None:
    table = {
        j.code: (j.rate_table, j.margin_bp, j.refix, j.day_count) for j in jurisdictions().values()
    }
    assert table == {
        "EU": ("ecb_mro", 800, "each_half_year", "ACT/365"),
        "FR": ("ecb_mro", 1000, "each_half_year", "ACT/365"),
        "DE": ("de_basiszins", 900, "each_half_year", "ACT/365"),
        "UK": ("boe_base", 800, "once", "ACT/365"),
    }


@pytest.mark.parametrize(
    "name", ["ecb_mro", "de_basiszins", "boe_base", "jurisdictions", "compensation"]
)
def test_every_data_file_cites_its_sources(name: str) -> None:
    text = (DATA / f"{name}.csv").read_text(encoding="utf-8")
    assert text.startswith("#")
    assert "http" in text or "BGB" in text


def test_every_half_year_from_2013_to_2026_h1_has_a_confirmed_rate() -> None:
    for code in ("EU", "FR", "DE", "UK"):
        for half_year in HALF_YEARS:
            reference_rate_bp(code, half_year)  # raises RateUnavailable on a gap


def test_ecb_reference_rates_recent_half_years() -> None:
    got = [reference_rate_bp("FR", date(y, m, 1)) for y in (2023, 2024, 2025) for m in (1, 7)]
    assert got == [250, 400, 450, 425, 315, 215]
    assert reference_rate_bp("EU", date(2026, 1, 1)) == 215


def test_basiszins_moves_by_the_mro_change_each_half_year() -> None:
    # § 247(1) BGB: the Basiszins changes by exactly what the MRO rate changed since the last
    # adjustment, so the two tables must step together in every half-year
    ecb, de = rate_table("ecb_mro"), rate_table("de_basiszins")
    for before, after in pairwise(HALF_YEARS):
        assert de.rate_on(after) - de.rate_on(before) == ecb.rate_on(after) - ecb.rate_on(before)
    assert de.rate_on(date(2016, 7, 1)) == -88 and de.rate_on(date(2026, 1, 1)) == 127


# reference rates per half-year as published at payontime.co.uk (Bank Rate on 31 Dec / 30 Jun)
PUBLISHED_UK = {
    (2013, 1): 50,
    (2013, 7): 50,
    (2014, 1): 50,
    (2014, 7): 50,
    (2015, 1): 50,
    (2015, 7): 50,
    (2016, 1): 50,
    (2016, 7): 50,
    (2017, 1): 25,
    (2017, 7): 25,
    (2018, 1): 50,
    (2018, 7): 50,
    (2019, 1): 75,
    (2019, 7): 75,
    (2020, 1): 75,
    (2020, 7): 10,
    (2021, 1): 10,
    (2021, 7): 10,
    (2022, 1): 25,
    (2022, 7): 125,
    (2023, 1): 350,
    (2023, 7): 500,
    (2024, 1): 525,
}


def test_boe_history_gives_the_published_uk_reference_rates() -> None:
    got = {k: reference_rate_bp("UK", date(k[0], k[1], 1)) for k in PUBLISHED_UK}
    assert got == PUBLISHED_UK
    # later fixings: 30.6.2024 5.25, 31.12.2024 4.75, 30.6.2025 4.25, 31.12.2025 and 30.6.2026 3.75
    later = [
        reference_rate_bp("UK", date(y, m, 1))
        for y, m in ((2024, 7), (2025, 1), (2025, 7), (2026, 1), (2026, 7))
    ]
    assert later == [525, 475, 425, 375, 375]


def test_percent_strings() -> None:
    assert [percent(bp) for bp in (1450, 812, -88, 5, 0)] == [
        "14.50",
        "8.12",
        "-0.88",
        "0.05",
        "0.00",
    ]
