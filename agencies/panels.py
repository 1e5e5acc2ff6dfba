"""The agencies' contributions to the shell: menu entries and the agency dashboard panel."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from markupsafe import Markup

from agencies import permissions
from agencies.directory import agency_entry
from core.auth.models import OrgKind, User


def nav_items(user: User) -> list[dict[str, Any]]:
    """ "Profile" (their own agency) for agency users; "Agencies" (the directory) for creditors."""
    if permissions.is_agency_member(user):
        return [
            {
                "label": "Profile",
                "url": url_for("agencies.profile", agency_id=user.org_id),
                "endpoint": "agencies.profile",
            }
        ]
    if user.kind is OrgKind.CREDITOR:
        directory = "agencies.directory"
        return [{"label": "Agencies", "url": url_for(directory), "endpoint": directory}]
    return []


def profile_panel(user: User) -> Markup | None:
    """The agency's own track record and what its profile still lacks (agency users only)."""
    if not permissions.is_agency_member(user):
        return None
    # render_template autoescapes every value; Markup only stops the shell escaping it again
    return Markup(  # noqa: S704
        render_template(
            "agencies/_dashboard_panel.html",
            agency=agency_entry(user.organization, reviews=False),
            can_edit=permissions.can_edit_profile(user),
        )
    )
