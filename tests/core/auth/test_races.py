"""Exactly-once rules under real concurrency (PostgreSQL, threads released by a barrier)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.auth import services
from core.auth.models import User
from core.errors import DomainError
from core.extensions import db
from core.mail import OutgoingEmail
from tests.factories import make_tenant

TRIALS = 30


@pytest.mark.postgres_only
@pytest.mark.committed
def test_an_invitation_link_is_accepted_once_when_clicked_twice_at_once(app):
    tenant = make_tenant("creditor", "Race Creditor")
    for trial in range(TRIALS):
        email = f"racer{trial}@example.com"
        services.invite(tenant.org, email=email, role="credit", actor=tenant.owner)
        db.session.commit()
        mail = db.session.execute(
            select(func.max(OutgoingEmail.body_text)).where(OutgoingEmail.to == email)
        ).scalar_one()
        secret = mail.split("/invitations/")[1].split()[0]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def accept(
            secret: str = secret,
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            with app.app_context():
                barrier.wait()
                try:
                    services.accept_invitation(secret, name="Racer", password="a long passphrase")
                    db.session.commit()
                    outcomes.append("created")
                except DomainError as exc:
                    db.session.rollback()
                    outcomes.append(exc.code)

        threads = [threading.Thread(target=accept) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["created", "invitation_accepted"], (trial, outcomes)
        assert db.session.scalar(select(func.count(User.id)).where(User.email == email)) == 1
