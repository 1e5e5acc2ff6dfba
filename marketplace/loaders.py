"""The marketplace's tenant gate: load what the caller may see, else 404 (audited).

A case is shared across tenants in exactly two ways: its anonymised listing (agencies it
is open to, while listed) and the full case (the awarded agency). Everything else about
another organisation's case, listing or bid answers 404.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from core.auth.models import OrgKind
from core.extensions import db
from core.tenancy import deny
from marketplace import permissions
from marketplace.models import Bid, Case
from marketplace.services.listing import ANONYMOUS, visible_to


def load_case(case_id: int) -> Case:
    """A case the caller is a party to: its creditor (rows it sees) or the awarded agency."""
    case = db.session.get(Case, case_id)
    if case is None or not permissions.can_see_case(current_user, case):
        deny("cases", case_id)
    return case


def load_own_case(case_id: int) -> Case:
    """A case of the caller's (creditor) organisation; 403 for roles that cannot manage it."""
    case = db.session.get(Case, case_id)
    if case is None or not permissions.creditor_sees(current_user, case):
        deny("cases", case_id)
    if not permissions.can_manage(current_user, case):
        deny("cases", case_id, status=403)
    return case


def load_listing(case_id: int, *, anonymous: bool = False) -> Case:
    """A listed case open to the caller's agency, before its deadline.

    `anonymous`: for showing the listing; the debtor and invoices are not even loaded.
    """
    query = select(Case).where(Case.id == case_id, visible_to(current_user.org_id))
    if anonymous:
        query = query.options(*ANONYMOUS)
    case = db.session.scalar(query)
    if case is None:
        deny("listings", case_id)
    return case


def load_case_for_bids(case_id: int) -> Case:
    """The creditor's case, or for an agency: a listing open to it or a case it won."""
    if current_user.kind is OrgKind.CREDITOR:
        return load_case(case_id)
    case = db.session.scalar(
        select(Case).where(Case.id == case_id, visible_to(current_user.org_id))
    )
    if case is None:
        case = db.session.get(Case, case_id)
        if case is None or not permissions.agency_works_on(current_user, case):
            deny("cases", case_id)
    return case


def load_own_bid(bid_id: int) -> Bid:
    """A bid of the caller's agency."""
    bid = db.session.scalar(
        select(Bid).where(Bid.id == bid_id, Bid.agency_org_id == current_user.org_id)
    )
    if bid is None:
        deny("bids", bid_id)
    return bid


def load_bid_for_creditor(bid_id: int) -> Bid:
    """A bid on one of the caller's cases (a case the caller sees)."""
    bid = db.session.scalar(
        select(Bid)
        .join(Case, Case.id == Bid.case_id)
        .where(Bid.id == bid_id, Case.org_id == current_user.org_id)
    )
    if bid is None or not permissions.creditor_sees(current_user, bid.case):
        deny("bids", bid_id)
    return bid
