"""JSON API: the agency directory and profiles (any user), the owner's profile edit."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from agencies import permissions, services
from agencies.directory import AgencyEntry, agency_entry, directory_page
from agencies.loaders import load_agency
from agencies.schemas import (
    AgencyDetailSchema,
    AgencyFilterSchema,
    AgencySchema,
    ProfileUpdateSchema,
)
from core.auth.models import OrgKind
from core.auth.permissions import require_kind, require_login
from core.extensions import db
from core.pagination import PageArgs, page_of
from core.tenancy import current_org

blp = Blueprint("agencies_api", __name__, url_prefix="/api/v1", description="Agencies")

members = require_kind(OrgKind.AGENCY)
editors = require_kind(OrgKind.AGENCY, *permissions.EDITORS)


class PageAndFilter(AgencyFilterSchema, PageArgs):
    """Directory filters plus page arguments in one query string."""


@blp.route("/agencies")
class Agencies(MethodView):
    @blp.arguments(PageAndFilter, location="query")
    @blp.response(200, page_of(AgencySchema))
    @require_login
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Agencies by name with profile and statistics; filter by country, specialty, name."""
        page, page_size = args.pop("page"), args.pop("page_size")
        if "country" in args:
            args["country"] = args["country"].upper()
        return directory_page(page, page_size, **args)


@blp.route("/agencies/<int:agency_id>")
class AgencyResource(MethodView):
    @blp.response(200, AgencyDetailSchema)
    @require_login
    def get(self, agency_id: int) -> AgencyEntry:
        """One agency's public profile, statistics and latest reviews; not an agency: 404."""
        return agency_entry(load_agency(agency_id))


@blp.route("/agency/profile")
class OwnProfile(MethodView):
    @blp.response(200, AgencyDetailSchema)
    @members
    def get(self) -> AgencyEntry:
        """The caller's agency as everyone sees it (agency members)."""
        return agency_entry(current_org)

    @blp.arguments(ProfileUpdateSchema)
    @blp.response(200, AgencyDetailSchema)
    @editors
    def patch(self, args: dict[str, Any]) -> AgencyEntry:
        """Change the caller's agency profile (agency owner); statistics cannot be set."""
        services.update_profile(current_org, actor=current_user, **args)
        db.session.commit()
        return agency_entry(current_org)
