"""Recoveries exactly once under real concurrency (PostgreSQL, threads released by a barrier).

Each thread posts through the real API with its own app context, session and connection;
the requests commit for real.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.extensions import db
from ledger.clock import today
from ledger.models import Invoice, Payment
from marketplace.workspace.models import CaseCost, Recovery
from tests.marketplace.workspace.helpers import eur, make_awarded_case

pytestmark = [pytest.mark.postgres_only, pytest.mark.committed]

TRIALS = 25
THREADS = 4


def race(app: Flask, posts: list[Callable[[Any], Any]]) -> list[Any]:
    """Run each post in its own thread with its own test client, released together."""
    barrier = threading.Barrier(len(posts))
    responses: list[Any] = [None] * len(posts)

    def runner(index: int, post: Callable[[Any], Any]) -> None:
        client = app.test_client()
        barrier.wait(timeout=20)
        try:
            responses[index] = post(client)
        except Exception as exc:  # reported by the assertions below
            responses[index] = exc

    threads = [threading.Thread(target=runner, args=item) for item in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racer is stuck"
    return responses


def poster(case_id: int, headers: dict[str, str], amount: str, key: str | None):
    body = {"amount": eur(amount), "received_on": today().isoformat()}
    if key:
        body["idempotency_key"] = key

    def post(client: Any) -> Any:
        return client.post(f"/api/v1/cases/{case_id}/recoveries", json=body, headers=headers)

    return post


def count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count(model.id)).where(*where)) or 0


def test_a_double_submitted_recovery_books_once(app, tenants, bearer):
    headers = bearer(tenants.x.owner)
    for trial in range(TRIALS):
        awarded = make_awarded_case(tenants, loser=False)
        key = f"wire-{trial}"
        responses = race(app, [poster(awarded.id, headers, "700.00", key)] * THREADS)
        statuses = [getattr(r, "status_code", r) for r in responses]
        assert statuses == [201] * THREADS, (
            trial,
            statuses,
            [getattr(r, "json", r) for r in responses],
        )
        ids = {r.json["id"] for r in responses}
        assert len(ids) == 1, (trial, ids)
        assert sum(1 for r in responses if "Idempotent-Replayed" in r.headers) == THREADS - 1
        db.session.expire_all()
        assert count(Recovery, Recovery.case_id == awarded.id) == 1
        assert count(CaseCost, CaseCost.case_id == awarded.id) == 1  # one success fee
        assert db.session.get(Invoice, awarded.oldest.id).outstanding_minor == 0
        assert db.session.get(Invoice, awarded.newer.id).outstanding_minor == 80_000
        debtor_id = awarded.oldest.debtor_id
        assert count(Payment, Payment.debtor_id == debtor_id) == 2


def test_concurrent_recoveries_never_exceed_the_outstanding(app, tenants, bearer):
    """Different keys, 4 x 500.00 against 1,500.00 owed: three book, one is a 422."""
    headers = bearer(tenants.x.owner)
    for trial in range(TRIALS):
        awarded = make_awarded_case(tenants, loser=False)
        posts = [poster(awarded.id, headers, "500.00", f"k{trial}-{i}") for i in range(THREADS)]
        responses = race(app, posts)
        statuses = sorted(getattr(r, "status_code", r) for r in responses)
        assert statuses == [201, 201, 201, 422], (trial, statuses)
        db.session.expire_all()
        booked = db.session.scalar(
            select(func.sum(Recovery.amount_minor)).where(Recovery.case_id == awarded.id)
        )
        assert booked == 150_000
        for invoice in (awarded.oldest, awarded.newer):
            assert db.session.get(Invoice, invoice.id).outstanding_minor == 0
