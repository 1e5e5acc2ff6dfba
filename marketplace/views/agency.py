"""Agency pages: the marketplace of anonymised listings, bidding, taking, "My bids/cases".

Listings are rendered only from `services.listing.Listing` (staged disclosure, SPEC §4):
these views never load a listed case's debtor or invoices.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import raiseload

from core.extensions import db
from core.pagination import paginate
from core.tenancy import current_org
from marketplace import loaders, permissions
from marketplace.models import Bid, Case
from marketplace.schemas import ListingFilterSchema
from marketplace.services import award, bidding, listing
from marketplace.states import AWARDED_STATES, BidStatus
from marketplace.views import (
    agency_readers,
    bidders,
    bp,
    commit,
    page_args,
    pages,
    place_errors,
)
from marketplace.views.forms import BidForm, fee_model_choices

FILTERS = ("country", "currency", "min_amount", "max_amount", "min_days_overdue", "sector")


@bp.get("/marketplace")
@agency_readers
def listings() -> ResponseReturnValue:
    """Anonymised listings open to the caller's agency, newest first, filtered."""
    page, size = page_args()
    raw = {k: v.strip() for k in FILTERS if (v := request.args.get(k, ""))}
    errors: dict[str, Any] = {}
    try:
        filters = ListingFilterSchema().load(raw)
    except ma.ValidationError as exc:
        errors, filters = exc.normalized_messages(), {}  # type: ignore[assignment]
    found = listing.listing_page(current_org.id, filters, page, size)
    return render_template(
        "marketplace/listings.html",
        page=found,
        pages=pages(found),
        raw=raw,
        errors=errors,
    ), (422 if errors else 200)


def _own_live_bid(case_id: int) -> Bid | None:
    return db.session.scalar(
        select(Bid).where(
            Bid.case_id == case_id,
            Bid.agency_org_id == current_org.id,
            Bid.status == BidStatus.LIVE,
        )
    )


def _render_listing(case_id: int, form: BidForm, status: int = 200) -> ResponseReturnValue:
    case = loaders.load_listing(case_id, anonymous=True)
    item = listing.to_listings([case])[0]
    form.fee_model.choices = fee_model_choices(item.terms.fee_models)
    return render_template(
        "marketplace/listing.html",
        listing=item,
        form=form,
        live_bid=_own_live_bid(case_id),
        can_bid=current_user.role in permissions.BIDDERS,
    ), status


@bp.get("/marketplace/listings/<int:case_id>")
@agency_readers
def listing_page(case_id: int) -> ResponseReturnValue:
    """One anonymised listing, with the bid form (and "Take") for the agency's owner."""
    return _render_listing(case_id, BidForm())


@bp.post("/marketplace/listings/<int:case_id>/bid")
@bidders
def place_bid(case_id: int) -> ResponseReturnValue:
    """Bid on a listing; the agency's live bid on it, if any, is replaced."""
    case = loaders.load_listing(case_id)
    form = BidForm()
    form.fee_model.choices = fee_model_choices(case.fee_models)
    if not form.validate_on_submit():
        return _render_listing(case_id, form, 422)
    fields = form.service_fields(case.currency)
    if fields is None:
        return _render_listing(case_id, form, 422)
    _bid, error = commit(lambda: bidding.place_bid(case, actor=current_user, **fields))
    if error is not None:
        place_errors(form, error, {})
        if error.status == 409:
            return _gone_or_listing(case_id, form, error.status)
        return _render_listing(case_id, form, error.status)
    flash("Bid placed. The creditor sees it next to the other bids.", "success")
    return redirect(url_for("marketplace.my_bids"))


def _gone_or_listing(case_id: int, form: BidForm, status: int) -> ResponseReturnValue:
    """After a 409 the listing may be gone (awarded, withdrawn): then show "My bids"."""
    still_listed = db.session.scalar(
        select(Case.id).where(Case.id == case_id, listing.visible_to(current_org.id))
    )
    if still_listed:
        return _render_listing(case_id, form, status)
    return _render_bids(status)


@bp.post("/marketplace/listings/<int:case_id>/take")
@bidders
def take_case(case_id: int) -> ResponseReturnValue:
    """Take the case at once at its instant terms (the award, for the caller's agency)."""
    case = loaders.load_listing(case_id)
    _taken, error = commit(lambda: award.take_case(case, actor=current_user))
    if error is not None:
        place_errors(None, error, {})
        return _gone_or_listing(case_id, BidForm(), error.status)
    flash("The case is yours at its instant terms.", "success")
    return redirect(url_for("marketplace.case", case_id=case_id))


def _render_bids(status: int = 200) -> ResponseReturnValue:
    page, size = page_args()
    # columns only: a bid's case is shown by its anonymised facts, never its debtor
    query = (
        select(
            Bid,
            Case.status,
            Case.listing_sector,
            Case.listing_country,
            Case.claimed_minor,
            Case.awarded_agency_org_id,
        )
        .join(Case, Case.id == Bid.case_id)
        .where(Bid.agency_org_id == current_org.id)
        .order_by(Bid.created_at.desc(), Bid.id.desc())
    )
    total = db.session.scalar(select(func.count(Bid.id)).where(Bid.agency_org_id == current_org.id))
    rows = db.session.execute(query.limit(size).offset((page - 1) * size)).all()
    found = {"items": rows, "page": page, "page_size": size, "total": total or 0}
    return render_template(
        "marketplace/my_bids.html",
        page=found,
        pages=pages(found),
        awarded_states=AWARDED_STATES,
        can_bid=current_user.role in permissions.BIDDERS,
    ), status


@bp.get("/marketplace/bids")
@agency_readers
def my_bids() -> ResponseReturnValue:
    """The agency's bids, newest first, with their status and the case's state."""
    return _render_bids()


@bp.post("/marketplace/bids/<int:bid_id>/withdraw")
@bidders
def withdraw_bid(bid_id: int) -> ResponseReturnValue:
    """Withdraw a live bid (possible until the award)."""
    bid = loaders.load_own_bid(bid_id)
    _done, error = commit(lambda: bidding.withdraw_bid(bid, actor=current_user))
    if error is not None:
        place_errors(None, error, {})
        return _render_bids(error.status)
    flash("Bid withdrawn.", "success")
    return redirect(url_for("marketplace.my_bids"))


@bp.get("/marketplace/cases")
@agency_readers
def my_cases() -> ResponseReturnValue:
    """The cases awarded to the agency that it works on (awarded or active)."""
    page, size = page_args()
    query = (
        select(Case)
        .where(Case.awarded_agency_org_id == current_org.id, Case.status.in_(AWARDED_STATES))
        .options(raiseload(Case.case_invoices), raiseload(Case.invitations))
        .order_by(Case.awarded_at.desc(), Case.id.desc())
    )
    found = paginate(query, page, size)
    return render_template("marketplace/my_cases.html", page=found, pages=pages(found))
