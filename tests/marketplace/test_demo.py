"""`flask demo seed` gives agencies a track record, live listings and work in progress."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from agencies.demo import FAIRWAY
from agencies.models import AgencyProfile
from agencies.statistics import statistics_for
from core.auth.models import Organization, OrgKind, User
from core.extensions import db
from ledger import demo
from ledger.clock import today
from ledger.models import Allocation, Debtor, Invoice
from marketplace.models import Bid, Case
from marketplace.states import BidStatus, CaseOutcome, CaseStatus
from marketplace.workspace.models import CaseActivity, CaseCost, CostStatus, Recovery
from tests.factories import bearer_headers


@pytest.fixture
def seeded(app, monkeypatch):
    """The real `flask demo seed`, on a smaller ledger (the full one is timed by hand)."""
    monkeypatch.setattr(demo, "DEBTORS", 40)
    monkeypatch.setattr(demo, "INVOICES", 2000)
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 90
    return result.output


def agencies():
    query = select(Organization).where(Organization.kind == OrgKind.AGENCY)
    return db.session.scalars(query.order_by(Organization.id)).all()


def test_agencies_have_profiles_logins_and_a_track_record(seeded):
    orgs = agencies()
    assert len(orgs) == 5 and FAIRWAY in {o.name for o in orgs}
    assert "owner@lakeside.example" in seeded and "Marketplace:" in seeded
    stats = statistics_for([o.id for o in orgs])
    for org in orgs:
        profile = db.session.scalar(select(AgencyProfile).where(AgencyProfile.org_id == org.id))
        assert profile.countries and profile.specialties
        assert profile.licence_number and profile.description
        assert {
            u.role.value for u in db.session.scalars(select(User).where(User.org_id == org.id))
        } >= {"owner", "collector"}
        figures = stats[org.id]
        assert figures.cases_closed >= 1
        assert figures.rating.count >= 1 or figures.cases_closed < 3
        assert figures.median_days_to_first_contact is not None
    assert any(s.recovery_rate and s.recovery_rate > 0 for s in stats.values())
    outcomes = set(db.session.scalars(select(Case.outcome).where(Case.status == CaseStatus.CLOSED)))
    assert CaseOutcome.RECOVERED_FULL in outcomes and CaseOutcome.RECOVERED_PARTIAL in outcomes
    # history is spread over the past months, never in the future, award before close
    closed = db.session.scalars(select(Case).where(Case.status == CaseStatus.CLOSED)).all()
    assert min(c.awarded_at.date() for c in closed) < today().replace(day=1)
    assert all(c.published_at < c.awarded_at <= c.closed_at for c in closed)
    for recovery in db.session.scalars(select(Recovery)):
        case = db.session.get(Case, recovery.case_id)
        assert case.awarded_at.date() <= recovery.received_on <= today()


def test_listed_cases_have_live_bids_from_different_agencies(seeded):
    listed = db.session.scalars(select(Case).where(Case.status == CaseStatus.LISTED)).all()
    assert len(listed) >= 5
    assert any(c.instant_terms is not None for c in listed)
    assert any(not c.open_to_all for c in listed)
    for case in listed:
        bidders = db.session.scalars(
            select(Bid.agency_org_id).where(Bid.case_id == case.id, Bid.status == BidStatus.LIVE)
        ).all()
        assert 1 <= len(bidders) <= 4 and len(set(bidders)) == len(bidders)
        if not case.open_to_all:
            assert set(bidders) <= set(case.invited_agency_ids)


def test_the_demo_agency_has_cases_in_progress(seeded):
    fairway = db.session.scalar(select(Organization).where(Organization.name == FAIRWAY))
    running = db.session.scalars(
        select(Case).where(
            Case.awarded_agency_org_id == fairway.id,
            Case.status.in_([CaseStatus.AWARDED, CaseStatus.ACTIVE]),
        )
    ).all()
    assert len(running) >= 3
    assert any(c.status is CaseStatus.ACTIVE for c in running)
    ids = [c.id for c in running]
    assert db.session.scalar(select(func.count()).where(CaseActivity.case_id.in_(ids)))
    assert db.session.scalar(select(func.count()).where(Recovery.case_id.in_(ids)))
    pending = select(func.count()).where(
        CaseCost.case_id.in_(ids), CaseCost.status == CostStatus.PENDING
    )
    assert db.session.scalar(pending)
    assert all(c.thread_id is not None for c in running)
    for case in running:
        for invoice in case.invoices:
            assert invoice.case_id == case.id
            # a partial recovery may have paid the oldest invoice in full: it reads `paid`
            expected = "in_collection" if invoice.outstanding_minor else "paid"
            assert invoice.status_on(today()).value == expected


def test_the_ledger_still_adds_up(seeded):
    allocated = (
        select(Allocation.invoice_id, func.sum(Allocation.amount_minor).label("total"))
        .group_by(Allocation.invoice_id)
        .subquery()
    )
    wrong = db.session.scalar(
        select(func.count(Invoice.id))
        .outerjoin(allocated, allocated.c.invoice_id == Invoice.id)
        .where(
            Invoice.outstanding_minor != Invoice.amount_minor - func.coalesce(allocated.c.total, 0)
        )
    )
    assert wrong == 0
    on_case = db.session.scalars(select(Invoice).where(Invoice.case_id.is_not(None))).all()
    running = {CaseStatus.AWARDED, CaseStatus.ACTIVE}
    assert on_case and all(db.session.get(Case, i.case_id).status in running for i in on_case)
    still_owed = [i for i in on_case if i.outstanding_minor]
    assert still_owed and all(i.status_on(today()).value == "in_collection" for i in still_owed)


def test_no_listing_names_its_debtor(seeded, client):
    fairway = db.session.scalar(select(Organization).where(Organization.name == FAIRWAY))
    owner = db.session.scalar(select(User).where(User.org_id == fairway.id).order_by(User.id))
    headers = bearer_headers(owner)
    listed = db.session.scalars(select(Case).where(Case.status == CaseStatus.LISTED)).all()
    seen = 0
    for case in listed:
        response = client.get(f"/api/v1/marketplace/listings/{case.id}", headers=headers)
        if response.status_code == 404:  # invitation-only, not for this agency
            assert not case.open_to_all and fairway.id not in case.invited_agency_ids
            continue
        assert response.status_code == 200, response.get_json()
        debtor = db.session.get(Debtor, case.debtor_id)
        body = response.get_data(as_text=True)
        assert debtor.name not in body
        assert all(i.number not in body for i in case.invoices)
        seen += 1
    assert seen >= 5
