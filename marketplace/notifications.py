"""Who hears about bids and awards: jobs run after the commit that caused them.

Titles never name the debtor: a listing's bidders must learn nothing from a notification
(or its e-mail) that the listing does not show (QUALITY T4). `notify` keys make every
job safe to run twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.auth.models import Organization, Role, User
from core.extensions import db
from core.jobs import job
from core.notifications.services import notify
from marketplace.models import Bid, Case
from marketplace.states import BidStatus

CREDITOR_ROLES = (Role.OWNER, Role.CREDIT)
#: the agency users who hear about listings and lost bids (collectors hear about awards)
AGENCY_BIDDERS = (Role.OWNER,)
AGENCY_WORKERS = (Role.OWNER, Role.COLLECTOR)


@job("default")
def notify_new_bid(bid_id: int) -> None:
    """Tell the creditor's owner and credit users that a bid came in."""
    bid = db.session.get(Bid, bid_id)
    if bid is None:
        return
    case = bid.case
    _send(
        _users([case.org_id], CREDITOR_ROLES),
        kind="bid",
        title=f"New bid on case #{case.id} from {bid.agency.name}",
        url=f"/cases/{case.id}",
        key=f"bid:{bid.id}:placed",
    )


@job("default")
def notify_case_event(case_id: int, event: str) -> None:
    """Notify everyone concerned by a listing, award, take, withdrawal or expiry."""
    case = db.session.get(Case, case_id)
    if case is None:
        return
    losers = _rejected_agencies(case)
    if event == "listed":
        invited = [i.agency_org_id for i in case.invitations]
        _send(
            _users(invited, AGENCY_BIDDERS),
            kind="bid",
            title=f"You are invited to bid on listing #{case.id} ({case.claimed})",
            url=f"/marketplace/listings/{case.id}",
            key=f"case:{case.id}:invited",
        )
    elif event in ("awarded", "taken") and case.awarded_agency_org_id is not None:
        _send(
            _users([case.awarded_agency_org_id], AGENCY_WORKERS),
            kind="award",
            title=f"Case #{case.id} was awarded to your agency",
            url=f"/cases/{case.id}",
            key=f"case:{case.id}:awarded",
        )
        _send(
            _users(losers, AGENCY_BIDDERS),
            kind="award",
            title=f"Listing #{case.id} was awarded to another agency",
            url="/marketplace/listings",
            key=f"case:{case.id}:lost",
        )
        if event == "taken":
            agency = db.session.get(Organization, case.awarded_agency_org_id)
            _send(
                _users([case.org_id], CREDITOR_ROLES),
                kind="award",
                title=f"Case #{case.id} was taken by {agency.name if agency else 'an agency'}",
                url=f"/cases/{case.id}",
                key=f"case:{case.id}:taken",
            )
    elif event in ("withdrawn", "expired"):
        _send(
            _users(losers, AGENCY_BIDDERS),
            kind="status_change",
            title=f"Listing #{case.id} was {event} without an award",
            url="/marketplace/listings",
            key=f"case:{case.id}:{event}",
        )
        if event == "expired":
            _send(
                _users([case.org_id], CREDITOR_ROLES),
                kind="status_change",
                title=f"Case #{case.id} expired without an award",
                url=f"/cases/{case.id}",
                key=f"case:{case.id}:expired",
            )


def _rejected_agencies(case: Case) -> list[int]:
    """Agencies whose bids lost when the case left the marketplace (never the winner)."""
    ids = db.session.scalars(
        select(Bid.agency_org_id)
        .where(Bid.case_id == case.id, Bid.status == BidStatus.REJECTED)
        .distinct()
    ).all()
    return sorted(i for i in ids if i != case.awarded_agency_org_id)


def _users(org_ids: Iterable[int], roles: tuple[Role, ...]) -> list[User]:
    org_ids = list(org_ids)
    if not org_ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(User.org_id.in_(org_ids), User.role.in_(roles), User.active.is_(True))
            .order_by(User.id)
        )
    )


def _send(users: list[User], *, kind: str, title: str, url: str, key: str) -> None:
    for user in users:
        notify(user.id, org_id=user.org_id, kind=kind, title=title, url=url, key=key)
