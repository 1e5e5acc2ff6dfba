"""The agencies' HTML pages: the directory, a profile, the owner's profile form."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from agencies import permissions, services
from agencies.countries import country_choices, country_name
from agencies.directory import agency_entry, directory_page
from agencies.forms import ProfileForm
from agencies.loaders import load_agency
from agencies.schemas import AgencyFilterSchema, percent_text
from agencies.specialties import SPECIALTIES, specialty_label
from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.errors import DomainError
from core.extensions import db
from core.tenancy import current_org

bp = Blueprint("agencies", __name__, template_folder="templates")

PAGE_SIZE = 20


@bp.app_template_filter("percent")
def percent(value: Any) -> str:
    """A percentage as the API writes it ("87.5"), or a dash."""
    text = percent_text(value)
    return "—" if text is None else f"{text}%"


@bp.context_processor
def agencies_context() -> dict[str, Any]:
    """Labels and predicates the agency templates use."""
    return {
        "country_name": country_name,
        "specialty_label": specialty_label,
        "can_edit_profile": permissions.can_edit_profile,
    }


def _filters(args: MultiDict[str, str]) -> dict[str, Any]:
    """The API's directory filters from a query string; 400 outside the allowlists."""
    given = {k: v.strip() for k, v in args.items() if k in AgencyFilterSchema().fields}
    try:
        filters = AgencyFilterSchema().load({k: v for k, v in given.items() if v})
    except ma.ValidationError as exc:
        fields = ", ".join(sorted(exc.messages))  # type: ignore[arg-type]
        abort(400, description=f"Invalid filter: {fields}.")
    if "country" in filters:
        filters["country"] = filters["country"].upper()
    return filters


@bp.get("/agencies")
@login_required
def directory() -> ResponseReturnValue:
    """Every agency with its countries, specialties and track record (any signed-in user)."""
    filters = _filters(request.args)
    page = request.args.get("page", type=int) or 1
    if not 1 <= page <= 10**9:
        abort(400, description="Invalid page.")
    result = directory_page(page, PAGE_SIZE, **filters)
    return render_template(
        "agencies/directory.html",
        page=result,
        filters=filters,
        pages=max(1, -(-result["total"] // PAGE_SIZE)),
        countries=country_choices(),
        specialties=SPECIALTIES,
    )


@bp.get("/agencies/<int:agency_id>")
@login_required
def profile(agency_id: int) -> ResponseReturnValue:
    """One agency's profile, statistics and latest reviews (reviewers are not shown)."""
    return render_template("agencies/profile.html", agency=agency_entry(load_agency(agency_id)))


def _render_form(form: ProfileForm, status: int = 200) -> ResponseReturnValue:
    return render_template("agencies/profile_form.html", form=form, agency=current_org), status


@bp.route("/agency/profile", methods=["GET", "POST"])
@login_required
@require_kind(OrgKind.AGENCY, *permissions.EDITORS)
def edit_profile() -> ResponseReturnValue:
    """The agency owner edits the profile every user sees."""
    form = ProfileForm()
    if request.method == "GET":
        own = agency_entry(current_org, reviews=False)
        form.countries.data = ", ".join(own.countries)
        form.specialties.data = own.specialties
        form.licence_number.data = own.licence_number or ""
        form.website.data = own.website or ""
        form.description.data = own.description or ""
        return _render_form(form)
    if not form.validate_on_submit():
        return _render_form(form, 422)
    try:
        services.update_profile(current_org, actor=current_user, **form.service_fields())
    except DomainError as exc:
        db.session.rollback()
        for name, messages in exc.details.items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = [*field.errors, *messages]
        flash(exc.message, "error")
        return _render_form(form, exc.status)
    db.session.commit()
    flash("Profile saved.", "success")
    return redirect(url_for("agencies.profile", agency_id=current_org.id))
