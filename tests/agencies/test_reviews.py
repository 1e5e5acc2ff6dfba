"""agencies.services.add_review: what the marketplace's POST /cases/{id}/review will call."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from agencies import services
from agencies.models import COMMENT_MAX, Review
from core.audit import AuditEvent
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from tests.agencies.helpers import make_review, next_case_id


def test_a_review_records_who_wrote_it_for_which_case(tenants):
    case_id = next_case_id()
    review = services.add_review(
        tenants.x.org,
        case_id=case_id,
        rating=4,
        comment="  Fast\u200b and fair.  ",
        actor=tenants.a.credit,
    )
    db.session.commit()
    stored = db.session.get(Review, review.id)
    assert stored.agency_org_id == tenants.x.org.id
    assert stored.creditor_org_id == tenants.a.org.id
    assert stored.author_id == tenants.a.credit.id
    assert stored.case_id == case_id and stored.rating == 4
    assert stored.comment == "Fast and fair."
    assert stored.created_at.tzinfo is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "agency_review.created")
    )
    assert event.actor_id == tenants.a.credit.id and event.after["case_id"] == case_id


def test_an_empty_comment_is_stored_as_none(tenants):
    assert make_review(tenants.x.org, tenants.a.owner, comment="   ").comment is None


@pytest.mark.parametrize("rating", [0, 6, -1, True, "4", 4.5, None])
def test_the_rating_is_a_whole_number_from_1_to_5(tenants, rating):
    with pytest.raises(ValidationFailed) as caught:
        services.add_review(
            tenants.x.org, case_id=next_case_id(), rating=rating, actor=tenants.a.owner
        )
    assert "rating" in caught.value.details
    db.session.rollback()
    assert db.session.scalar(select(Review.id)) is None


def test_a_long_comment_is_refused(tenants):
    with pytest.raises(ValidationFailed) as caught:
        services.add_review(
            tenants.x.org,
            case_id=next_case_id(),
            rating=3,
            comment="x" * (COMMENT_MAX + 1),
            actor=tenants.a.owner,
        )
    assert "comment" in caught.value.details


def test_one_review_per_case(tenants):
    first = make_review(tenants.x.org, tenants.a.owner, rating=5)
    with pytest.raises(Conflict) as caught:
        services.add_review(tenants.x.org, case_id=first.case_id, rating=1, actor=tenants.a.credit)
    assert caught.value.status == 409 and caught.value.code == "already_reviewed"
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(Review.id))) == 1


def test_the_database_refuses_a_second_review_and_a_bad_rating(tenants):
    """The constraints hold for writers that skip the service (a race, a script)."""
    first = make_review(tenants.x.org, tenants.a.owner)
    row = {
        "agency_org_id": tenants.x.org.id,
        "creditor_org_id": tenants.a.org.id,
        "rating": 3,
        "created_at": first.created_at,
    }
    for values in (
        {**row, "case_id": first.case_id},
        {**row, "case_id": next_case_id(), "rating": 6},
    ):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.execute(insert(Review).values(**values))


def test_only_creditors_review_and_only_agencies_are_reviewed(tenants):
    with pytest.raises(ValueError, match="creditor reviews an agency"):
        services.add_review(tenants.x.org, case_id=next_case_id(), rating=3, actor=tenants.y.owner)
    with pytest.raises(ValueError, match="creditor reviews an agency"):
        services.add_review(tenants.b.org, case_id=next_case_id(), rating=3, actor=tenants.a.owner)
