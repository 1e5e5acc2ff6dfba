"""Expected net recovery per bid and GET /api/v1/cases/{id}/bids/comparison."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from core.extensions import db
from marketplace import expected
from marketplace.models import Case
from tests.factories import make_tenant
from tests.marketplace.closing_helpers import closed_case
from tests.marketplace.helpers import make_bid, make_case, overdue_invoice
from tests.marketplace.workspace.helpers import counting, eur, money


def history(tenants) -> None:
    """X recovered 1500 of 1500 on three similar closed cases; Y 300 of 1500 on three and
    nothing on a fourth, which cost the creditor a 70.00 expense it cannot claim back.

    Every case: 1500.00 EUR, debtor in DE, oldest invoice 100 days overdue when listed.
    Similar cases: 7, claimed 10500, recovered 5400; expected costs 70 / 7 = 10.00.
    """
    for _ in range(expected.MIN_CASES):
        closed_case(tenants, agency=tenants.x, recovered="1500.00")
        closed_case(tenants, agency=tenants.y, recovered="300.00", outcome="recovered_partial")
    closed_case(tenants, agency=tenants.y, outcome="unrecoverable", creditor_cost="70.00")


def new_case(tenants):
    """A similar listing: 1500.00 EUR on invoices 45 and 100 days overdue, debtor in DE."""
    return make_case(tenants.a.org)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/bids/comparison"


def test_a_cheaper_fee_with_a_worse_record_ranks_below(client, tenants, bearer):
    history(tenants)
    case = new_case(tenants)
    cheap = make_bid(case, tenants.y.owner, percent=1000)
    dear = make_bid(case, tenants.x.owner, percent=3000)
    resp = client.get(url(case.id), headers=bearer(tenants.a.viewer))
    assert resp.status_code == 200, resp.json
    first, second = resp.json
    assert (first["id"], second["id"]) == (dear.id, cheap.id)
    assert (first["expected_recovery_rate"], first["rate_basis"]) == ("100.00", "agency_similar")
    assert first["expected_costs"] == eur("10.00")
    assert first["expected_net_recovery"] == eur("1040.00")  # 1500 x 1.00 x 0.70 - 10
    assert (second["expected_recovery_rate"], second["rate_basis"]) == ("15.00", "agency_similar")
    assert second["expected_net_recovery"] == eur("192.50")  # 1500 x 0.15 x 0.90 - 10
    assert second["percent"] == "10" and second["status"] == "live"  # the bid's own fields


def test_fixed_and_hybrid_fees_are_subtracted(tenants):
    history(tenants)
    case = new_case(tenants)
    fixed = make_bid(case, tenants.x.owner, fee_model="fixed", fixed=money("100.00"), percent=None)
    hybrid = make_bid(
        case, tenants.y.owner, fee_model="hybrid", upfront=money("50.00"), percent=1000
    )
    got = {e.bid.id: e for e in expected.compare_bids(case)}
    assert got[fixed.id].expected_net_recovery == money("1390.00")  # 1500 - 100 - 10
    assert got[hybrid.id].rate == Decimal("0.15")
    assert got[hybrid.id].expected_net_recovery == money("142.50")  # 202.50 - 50 - 10


def test_falls_back_to_the_platform_on_similar_cases_then_everything_then_default(tenants):
    case = new_case(tenants)
    z = make_tenant("agency", "Agency Z")
    bid = make_bid(case, z.owner, percent=2000)
    [only] = expected.compare_bids(case)
    assert (only.basis, only.rate) == ("default", expected.DEFAULT_RATE)
    assert only.expected_net_recovery == money("360.00")  # 1500 x 0.30 x 0.80
    history(tenants)
    [only] = expected.compare_bids(db.session.get(Case, case.id))
    assert only.bid.id == bid.id and only.basis == "platform_similar"
    assert only.rate == Decimal(5400) / Decimal(10500)  # 3 x 1500 + 3 x 300 over 7 x 1500
    # 1500 x 0.5142857... x 0.80 = 617.14, less 10.00 costs
    assert only.expected_net_recovery == money("607.14")
    # the history is in another country: no similar case, the platform's rate overall
    db.session.execute(
        update(Case).where(Case.id != case.id).values(listing_country="FR"),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    [only] = expected.compare_bids(db.session.get(Case, case.id))
    assert only.basis == "platform" and only.expected_costs.minor == 0


def test_a_different_size_band_or_age_is_not_similar(tenants):
    history(tenants)
    listed = new_case(tenants)
    small = make_case(
        tenants.a.org,
        debtor=listed.debtor,
        invoices=[overdue_invoice(tenants.a.org, listed.debtor, amount="200.00", days=10)],
    )
    bid = make_bid(small, tenants.x.owner, percent=1000)
    [got] = expected.compare_bids(small)
    assert got.bid.id == bid.id and got.basis == "platform"  # under_1k, d1_30: no match
    assert got.expected_costs == money("0.00")


def test_constant_statements_in_the_number_of_bids(tenants, make_org, make_user):
    history(tenants)
    case = new_case(tenants)
    make_bid(case, tenants.x.owner)
    db.session.refresh(case)
    with counting() as one:
        assert len(expected.compare_bids(case)) == 1
    for _ in range(5):
        make_bid(case, make_user(make_org("agency"), "owner"))
    db.session.refresh(case)
    with counting() as six:
        assert len(expected.compare_bids(case)) == 6
    assert len(one) == len(six) == 2


@pytest.mark.parametrize("who", [("a", "owner"), ("a", "credit"), ("a", "viewer")])
def test_creditor_readers_compare(client, tenants, bearer, who):
    case = new_case(tenants)
    make_bid(case, tenants.x.owner)
    user = getattr(getattr(tenants, who[0]), who[1])
    resp = client.get(url(case.id), headers=bearer(user))
    assert resp.status_code == 200 and len(resp.json) == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (("a", "sales"), 403),
        (("x", "owner"), 403),
        (("y", "collector"), 403),
        (("b", "owner"), 404),
    ],
)
def test_others_cannot_compare(client, tenants, bearer, who, status):
    case = new_case(tenants)
    make_bid(case, tenants.x.owner)
    user = getattr(getattr(tenants, who[0]), who[1])
    assert client.get(url(case.id), headers=bearer(user)).status_code == status
    assert client.get(url(999_999), headers=bearer(tenants.a.owner)).status_code == 404
