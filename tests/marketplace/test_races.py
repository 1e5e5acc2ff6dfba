"""QUALITY T19, T20, R1 on PostgreSQL: exactly one award per case under real concurrency.

Every trial lists a fresh case and releases 20 threads at once with a barrier; each
thread has its own app context, session and connection and calls the real services, as
a request would (load → service → commit, rollback on a DomainError).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from core.auth.models import User
from core.db import utcnow
from core.errors import DomainError
from core.extensions import db
from core.jobs import OutboxMessage, execute
from core.notifications.models import Notification, NotificationPreference
from marketplace.models import Bid, Case
from marketplace.services import award, bidding
from marketplace.states import BidStatus
from marketplace.terms import FeeModel
from tests.factories import make_debtor, make_org, make_user
from tests.marketplace.helpers import make_case, overdue_invoice

pytestmark = [pytest.mark.postgres_only, pytest.mark.committed]

TRIALS = 200
THREADS = 20
INSTANT = {"fee_model": "contingency", "percent": 2500}
NOTIFY_JOB = "marketplace.notifications:notify_case_event"


@pytest.fixture
def racing_app(make_app, redis_server) -> Flask:
    """An app whose pool holds a connection for every thread at once.

    Its jobs go to a real Redis (a redis-server of the test's own), as in production:
    the trial then runs the award's notification job itself, as a worker would.
    """
    return make_app(
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": THREADS + 2}, REDIS_URL=redis_server.url
    )


def race(app: Flask, moves: list[Callable[[], Any]]) -> list[Any]:
    """Run each move in its own thread and app context, all released by one barrier.

    A move returns the service's work; it is committed. Outcomes, in the order of `moves`:
    "won", the DomainError's HTTP status, or the unexpected exception itself.
    """
    barrier = threading.Barrier(len(moves))
    outcomes: list[Any] = [None] * len(moves)

    def runner(index: int, move: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                db.session.connection()  # check a connection out before the start signal
                barrier.wait(timeout=20)
                move()
                db.session.commit()
                outcome: Any = "won"
            except DomainError as exc:
                db.session.rollback()
                outcome = exc.status
            except Exception as exc:
                db.session.rollback()
                outcome = exc
            finally:
                db.session.remove()
        outcomes[index] = outcome

    threads = [threading.Thread(target=runner, args=item) for item in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racer is stuck"
    return outcomes


def add_bids(case_id: int, agency_ids: list[int]) -> list[int]:
    """Live bids straight into the table (setup only: the race is what is under test)."""
    rows = [
        {
            "case_id": case_id,
            "agency_org_id": agency_id,
            "fee_model": FeeModel.CONTINGENCY,
            "currency": "EUR",
            "percent_bp": 1000 + n,
            "duration_days": 90,
            "legal_action": False,
            "status": BidStatus.LIVE,
            "taken": False,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for n, agency_id in enumerate(agency_ids)
    ]
    ids = db.session.scalars(insert(Bid).returning(Bid.id), rows).all()
    db.session.commit()
    return list(ids)


def accept_move(bid_id: int, user_id: int) -> Callable[[], Any]:
    def move() -> Any:
        bid = db.session.get(Bid, bid_id)
        return award.accept_bid(bid, actor=db.session.get(User, user_id))

    return move


def take_move(case_id: int, user_id: int) -> Callable[[], Any]:
    def move() -> Any:
        case = db.session.get(Case, case_id)
        return award.take_case(case, actor=db.session.get(User, user_id))

    return move


def withdraw_move(bid_id: int, user_id: int) -> Callable[[], Any]:
    def move() -> Any:
        bid = db.session.get(Bid, bid_id)
        return bidding.withdraw_bid(bid, actor=db.session.get(User, user_id))

    return move


def quiet(users: list[User]) -> None:
    """In-app notifications only for these users (their award e-mails would only slow
    the trials down; e-mail delivery has tests of its own)."""
    db.session.add_all(
        NotificationPreference(user_id=u.id, kind="award", email=False) for u in users
    )
    db.session.commit()


def new_case(org, debtor) -> int:
    invoice = overdue_invoice(org, debtor, amount="900.00", days=50)
    return make_case(org, debtor=debtor, invoices=[invoice], instant=INSTANT).id


def test_exactly_one_award_among_twenty_concurrent_accepts_and_takes(racing_app):
    """T19/R1: 8 accepts of different bids, 4 double clicks on a ninth, 8 takes."""
    started = time.monotonic()
    with racing_app.app_context():
        creditor = make_org("creditor")
        owner = make_user(creditor, "owner")
        agencies = [make_user(make_org("agency"), "owner") for _ in range(THREADS)]
        quiet(agencies)
        debtor = make_debtor(creditor)
        owner_id, agency_org_ids = owner.id, [a.org_id for a in agencies]
        agency_user_ids = [a.id for a in agencies]
        violations = []
        for trial in range(TRIALS):
            case_id = new_case(creditor, debtor)
            bid_ids = add_bids(case_id, agency_org_ids[:9])
            moves = [accept_move(bid_ids[i], owner_id) for i in range(8)]
            moves += [accept_move(bid_ids[8], owner_id) for _ in range(4)]
            moves += [take_move(case_id, agency_user_ids[i]) for i in range(12, THREADS)]

            outcomes = race(racing_app, moves)

            counted = Counter(o if isinstance(o, (str, int)) else "error" for o in outcomes)
            accepted = db.session.scalar(
                select(func.count(Bid.id)).where(
                    Bid.case_id == case_id, Bid.status == BidStatus.ACCEPTED
                )
            )
            case = db.session.get(Case, case_id)
            award_jobs = [
                row.id
                for row in db.session.scalars(
                    select(OutboxMessage).where(OutboxMessage.job == NOTIFY_JOB)
                )
                if row.args[0] == case_id and row.args[1] in ("awarded", "taken")
            ]
            db.session.rollback()
            for outbox_id in award_jobs:
                execute(outbox_id)  # what the worker does with the queued job
            winner_notes = db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.key == f"case:{case_id}:awarded"
                )
            )
            if (
                counted != Counter({"won": 1, 409: THREADS - 1})
                or accepted != 1
                or case.status.value != "awarded"
                or len(award_jobs) != 1
                or winner_notes != 1
            ):
                violations.append((trial, counted, accepted, case.status, award_jobs, outcomes))
            db.session.rollback()
        assert not violations, violations[:3]
    print(f"{TRIALS} trials x {THREADS} threads in {time.monotonic() - started:.1f}s")


def test_withdraw_and_accept_of_the_same_bid_never_both_succeed(racing_app):
    """T20: either awarded (withdraw → 409) or withdrawn (accept → 409), never both."""
    with racing_app.app_context():
        creditor = make_org("creditor")
        owner_id = make_user(creditor, "owner").id
        agency = make_user(make_org("agency"), "owner")
        debtor = make_debtor(creditor)
        seen: Counter[str] = Counter()
        violations = []
        for trial in range(TRIALS):
            case_id = new_case(creditor, debtor)
            [bid_id] = add_bids(case_id, [agency.org_id])
            outcomes = race(
                racing_app, [accept_move(bid_id, owner_id), withdraw_move(bid_id, agency.id)]
            )
            accept_outcome, withdraw_outcome = outcomes
            bid = db.session.get(Bid, bid_id)
            case = db.session.get(Case, case_id)
            if accept_outcome == "won" and withdraw_outcome == 409:
                ok = bid.status is BidStatus.ACCEPTED and case.status.value == "awarded"
                seen["awarded"] += 1
            elif accept_outcome == 409 and withdraw_outcome == "won":
                ok = bid.status is BidStatus.WITHDRAWN and case.status.value == "listed"
                seen["withdrawn"] += 1
            else:
                ok = False
            if not ok:
                violations.append((trial, outcomes, bid.status, case.status))
            db.session.rollback()
        assert not violations, violations[:3]
    print(f"T20 outcomes over {TRIALS} trials: {dict(seen)}")


def test_the_listing_deadline_is_respected_by_awards(racing_app):
    """A case whose deadline passed between listing and award is a 409 for every racer."""
    with racing_app.app_context():
        creditor = make_org("creditor")
        owner_id = make_user(creditor, "owner").id
        agencies = [make_user(make_org("agency"), "owner") for _ in range(4)]
        debtor = make_debtor(creditor)
        case_id = new_case(creditor, debtor)
        bid_ids = add_bids(case_id, [a.org_id for a in agencies])
        case = db.session.get(Case, case_id)
        case.bidding_deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
        outcomes = race(racing_app, [accept_move(b, owner_id) for b in bid_ids])
        assert outcomes == [409] * 4
