"""The demo marketplace today: listed cases with live bids, work in progress for Fairway."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.extensions import db
from marketplace.demo.common import (
    OVERDUE_BEFORE_CASE,
    _bid,
    _groups,
    _moment,
    _open_case,
    _Seed,
    _Stamps,
    _work,
)
from marketplace.models import Bid
from marketplace.services import award, cases

LISTED = 10
INVITATION_ONLY = (3, 7)
ACTIVE = 5


def _listings(seed: _Seed) -> tuple[int, int]:
    """Listed cases with live bids from different agencies; returns (cases, bids)."""
    rng, now = seed.rng, seed.now
    groups = _groups(
        seed, due_before=seed.today - timedelta(days=OVERDUE_BEFORE_CASE), never_paid=False
    )
    listed = bids = 0
    for n, group in enumerate(groups[:LISTED]):
        invited = None
        pool = list(seed.agencies)
        if n in INVITATION_ONLY:
            pool = rng.sample(seed.agencies, min(3, len(seed.agencies)))
            if n == INVITATION_ONLY[0] and seed.fairway not in pool:
                pool[0] = seed.fairway
            invited = [a.org.id for a in pool]
        elif n % 3 == 1:
            pool.remove(seed.fairway)  # left for the demo agency to bid on
        deadline = now + timedelta(days=rng.randint(4, 21), hours=rng.randint(0, 8))
        case = _open_case(
            seed, group, rng.randint(1, 4), deadline=deadline, instant=n % 3 == 0, invited=invited
        )
        stamps = _Stamps(case)
        created = stamps.mark(now - timedelta(days=rng.randint(1, 8), hours=rng.randint(0, 8)))
        cases.publish_case(case, actor=seed.managers[group.creditor.id])
        published = stamps.mark(created + timedelta(hours=rng.randint(1, 4)))
        bidders = rng.sample(pool, rng.randint(1, min(4, len(pool))))
        for k, bidder in enumerate(bidders, start=1):
            bid = _bid(seed, case, bidder)
            bid.created_at = bid.updated_at = stamps.mark(
                published + (now - published) * k / (len(bidders) + 1)
            )
        stamps.apply()
        case.created_at, case.published_at = created, published
        db.session.flush()
        listed, bids = listed + 1, bids + len(bidders)
    return listed, bids


def _in_progress(seed: _Seed) -> int:
    """Cases awarded to the demo agency and being worked; returns how many."""
    rng, now, fairway = seed.rng, seed.now, seed.fairway
    groups = _groups(
        seed, due_before=seed.today - timedelta(days=OVERDUE_BEFORE_CASE), never_paid=False
    )
    others = [a for a in seed.agencies if a is not fairway]
    done = 0
    for n, group in enumerate(groups[:ACTIVE]):
        manager = seed.managers[group.creditor.id]
        ago = rng.randint(5, 40)
        award_day = seed.today - timedelta(days=ago)
        awarded = _moment(award_day, rng, now)
        created = awarded - timedelta(days=rng.randint(2, 6))
        published = created + timedelta(hours=2)
        case = _open_case(
            seed, group, rng.randint(1, 3), deadline=now + timedelta(days=10), instant=n == 0
        )
        stamps = _Stamps(case)
        stamps.mark(created)
        cases.publish_case(case, actor=manager)
        stamps.mark(published)
        for bidder in rng.sample(others, min(len(others), rng.randint(1, 2))):
            _bid(seed, case, bidder)
        if n == 0:
            award.take_case(case, actor=fairway.owner)
        else:
            award.accept_bid(_bid(seed, case, fairway), actor=manager)
        stamps.mark(awarded)
        db.session.refresh(case)  # the award's conditional UPDATE ran in SQL
        case.awarded_at = awarded
        db.session.flush()
        _work(seed, case, manager, stamps, award_day, worked=n < ACTIVE - 1)
        stamps.apply()
        db.session.execute(
            update(Bid)
            .where(Bid.case_id == case.id)
            .values(created_at=published + timedelta(hours=6))
            .execution_options(synchronize_session=False)
        )
        case.created_at, case.published_at = created, published
        case.bidding_deadline = awarded + timedelta(days=10)
        db.session.flush()
        done += 1
    return done
