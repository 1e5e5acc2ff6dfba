"""JSON API of API.md "Marketplace and cases": cases, listings, bids, award."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import raiseload

from core import audit, transactions
from core.auth.models import Organization, OrgKind
from core.auth.permissions import require_kind, require_login
from core.extensions import db
from core.pagination import PageArgs, page_of, paginate
from core.tenancy import current_org
from ledger.loaders import load_debtor
from ledger.models import Debtor
from marketplace import loaders, permissions
from marketplace.models import Bid, Case
from marketplace.schemas import (
    BidCreateSchema,
    BidSchema,
    CaseCreateSchema,
    CaseFilterSchema,
    CaseSchema,
    CaseSummarySchema,
    CaseUpdateSchema,
    CreditorCaseSchema,
    ListingFilterSchema,
    ListingSchema,
    dump_listings,
)
from marketplace.services import award, bidding, cases, listing
from marketplace.states import AWARDED_STATES, CaseStatus

blp = Blueprint("marketplace_api", __name__, url_prefix="/api/v1", description="Marketplace")

readers = require_kind(OrgKind.CREDITOR, *permissions.CREDITOR_READERS)
managers = require_kind(OrgKind.CREDITOR, *permissions.MANAGERS)
agency_readers = require_kind(OrgKind.AGENCY, *permissions.AGENCY_READERS)
bidders = require_kind(OrgKind.AGENCY, *permissions.BIDDERS)
#: every role of both kinds reads cases; the loaders decide which ones
any_party = require_login


T = TypeVar("T")


def commit_once(work: Callable[[], T]) -> T:
    """Run the service and commit; a concurrent change to the same case is a 409."""
    return transactions.commit_once(work, changed="this case")


def case_response(case: Case) -> Case | Response:
    """The creditor gets CreditorCaseSchema (the declared one); the awarded agency less."""
    if current_user.kind is OrgKind.CREDITOR:
        return case
    return jsonify(CaseSchema().dump(case))


class CasePageArgs(CaseFilterSchema, PageArgs):
    """Case filters plus page arguments."""


class ListingPageArgs(ListingFilterSchema, PageArgs):
    """Listing filters plus page arguments."""


@blp.route("/cases")
class Cases(MethodView):
    @blp.arguments(CasePageArgs, location="query")
    @blp.response(200, page_of(CaseSummarySchema))
    @any_party
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The creditor's cases, or the cases awarded to the caller's agency; newest first."""
        page, page_size = args.pop("page"), args.pop("page_size")
        query = select(Case).options(raiseload(Case.case_invoices), raiseload(Case.invitations))
        if current_user.kind is OrgKind.CREDITOR:
            query = query.join(Debtor, Debtor.id == Case.debtor_id).where(
                Case.org_id == current_org.id, permissions.visible_cases(current_user)
            )
        else:
            query = query.where(
                Case.awarded_agency_org_id == current_org.id, Case.status.in_(AWARDED_STATES)
            )
        if "status" in args:
            query = query.where(Case.status == CaseStatus(args["status"]))
        if "debtor_id" in args:
            query = query.where(Case.debtor_id == args["debtor_id"])
        return paginate(query.order_by(Case.created_at.desc(), Case.id.desc()), page, page_size)

    @blp.arguments(CaseCreateSchema)
    @blp.response(201, CreditorCaseSchema)
    @managers
    def post(self, args: dict[str, Any]) -> Case:
        """Create a draft case from overdue invoices of one debtor in one currency."""
        debtor = load_debtor(args.pop("debtor_id"), field="debtor_id")
        org = current_user.organization
        return commit_once(
            lambda: cases.create_case(org, actor=current_user, debtor=debtor, **args)
        )


@blp.route("/cases/<int:case_id>")
class CaseResource(MethodView):
    @blp.response(200, CreditorCaseSchema)
    @any_party
    def get(self, case_id: int) -> Case | Response:
        """The full case (debtor, invoices) for its creditor and the awarded agency."""
        case = loaders.load_case(case_id)
        if current_user.kind is OrgKind.AGENCY:
            # every look at a case file by an agency is logged for the creditor (SPEC §4)
            audit.record(
                "case.viewed",
                actor=current_user,
                org=db.session.get(Organization, case.org_id),
                object_type="case",
                object_id=case.id,
            )
            db.session.commit()
        return case_response(case)

    @blp.arguments(CaseUpdateSchema)
    @blp.response(200, CreditorCaseSchema)
    @blp.alt_response(409, description="Only a draft can be edited")
    @managers
    def patch(self, args: dict[str, Any], case_id: int) -> Case:
        """Change a draft's deadline, terms, invitations or requirements."""
        case = loaders.load_own_case(case_id)
        return commit_once(lambda: cases.update_case(case, actor=current_user, **args))


@blp.route("/cases/<int:case_id>/publish")
class CasePublish(MethodView):
    @blp.response(200, CreditorCaseSchema)
    @blp.alt_response(409, description="Illegal move; `details.allowed` lists the legal ones")
    @managers
    def post(self, case_id: int) -> Case:
        """List a draft on the marketplace (the claim is fixed at its current outstanding)."""
        case = loaders.load_own_case(case_id)
        return commit_once(lambda: cases.publish_case(case, actor=current_user))


@blp.route("/cases/<int:case_id>/withdraw")
class CaseWithdraw(MethodView):
    @blp.response(200, CreditorCaseSchema)
    @blp.alt_response(409, description="Illegal move; `details.allowed` lists the legal ones")
    @managers
    def post(self, case_id: int) -> Case:
        """Take a draft or listed case off the marketplace; live bids are rejected."""
        case = loaders.load_own_case(case_id)
        return commit_once(lambda: cases.withdraw_case(case, actor=current_user))


@blp.route("/cases/<int:case_id>/bids")
class CaseBids(MethodView):
    @blp.response(200, BidSchema(many=True))
    @any_party
    def get(self, case_id: int) -> list[Bid]:
        """Every bid on the case for its creditor; an agency sees only its own bids."""
        case = loaders.load_case_for_bids(case_id)
        query = select(Bid).where(Bid.case_id == case.id)
        if current_user.kind is OrgKind.AGENCY:
            query = query.where(Bid.agency_org_id == current_org.id)
        return list(db.session.scalars(query.order_by(Bid.created_at.desc(), Bid.id.desc())))

    @blp.arguments(BidCreateSchema)
    @blp.response(201, BidSchema)
    @blp.alt_response(409, description="The case no longer takes bids")
    @bidders
    def post(self, args: dict[str, Any], case_id: int) -> Bid:
        """Bid on a listing open to the caller's agency; a live bid of yours is replaced."""
        case = loaders.load_listing(case_id)
        return commit_once(lambda: bidding.place_bid(case, actor=current_user, **args))


@blp.route("/cases/<int:case_id>/take")
class CaseTake(MethodView):
    @blp.response(200, CaseSchema)
    @blp.alt_response(409, description="Taken or awarded already, or no instant terms")
    @bidders
    def post(self, case_id: int) -> Case | Response:
        """Take the case at once at its instant terms: the award, for the caller's agency."""
        case = loaders.load_listing(case_id)
        taken = commit_once(lambda: award.take_case(case, actor=current_user))
        return case_response(taken)


@blp.route("/bids/<int:bid_id>/withdraw")
class BidWithdraw(MethodView):
    @blp.response(200, BidSchema)
    @blp.alt_response(409, description="Not live any more (accepted, rejected, withdrawn)")
    @bidders
    def post(self, bid_id: int) -> Bid:
        """Withdraw the agency's live bid (possible until the award)."""
        bid = loaders.load_own_bid(bid_id)
        return commit_once(lambda: bidding.withdraw_bid(bid, actor=current_user))


@blp.route("/bids/<int:bid_id>/accept")
class BidAccept(MethodView):
    @blp.response(200, CreditorCaseSchema)
    @blp.alt_response(409, description="Awarded already (exactly one award per case)")
    @managers
    def post(self, bid_id: int) -> Case:
        """Award the case to this bid; the other live bids are rejected."""
        bid = loaders.load_bid_for_creditor(bid_id)
        return commit_once(lambda: award.accept_bid(bid, actor=current_user))


@blp.route("/marketplace/listings")
class Listings(MethodView):
    @blp.arguments(ListingPageArgs, location="query")
    @blp.response(200, page_of(ListingSchema))
    @agency_readers
    def get(self, args: dict[str, Any]) -> Response:
        """Anonymised listings open to the caller's agency, newest first."""
        page, page_size = args.pop("page"), args.pop("page_size")
        found = listing.listing_page(current_org.id, args, page, page_size)
        # ListingSchema's own fields, dumped without marshmallow's per-field overhead
        found["items"] = dump_listings(found["items"])
        return jsonify(found)


@blp.route("/marketplace/listings/<int:listing_id>")
class ListingResource(MethodView):
    @blp.response(200, ListingSchema)
    @agency_readers
    def get(self, listing_id: int) -> Response:
        """One anonymised listing (SPEC §4): no debtor name, ids, contacts or invoice numbers."""
        case = loaders.load_listing(listing_id, anonymous=True)
        return jsonify(dump_listings(listing.to_listings([case]))[0])
