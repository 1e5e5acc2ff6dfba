"""The agency pages: directory, profile, the owner's form (CSRF, role gates, T18), shell."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from agencies.models import AgencyProfile
from core.extensions import db
from tests import factories
from tests.agencies.helpers import make_profile, make_review

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'


def test_directory_shows_agencies_and_filters_them(client, tenants, login_as):
    make_profile(tenants.x.org, countries=["DE"], specialties=["construction"])
    make_profile(tenants.y.org, countries=["FR"], specialties=["healthcare"])
    login_as(tenants.a.viewer)
    html = client.get("/agencies").text
    assert tenants.x.org.name in html and tenants.y.org.name in html
    assert tenants.a.org.name not in html.split("<main")[1]
    assert "Construction" in html and 'title="Germany"' in html
    html = client.get("/agencies?country=DE").text
    assert tenants.x.org.name in html and tenants.y.org.name not in html
    html = client.get("/agencies?specialty=healthcare").text
    assert tenants.y.org.name in html and tenants.x.org.name not in html
    assert "No agency matches" in client.get("/agencies?specialty=logistics").text


@pytest.mark.parametrize("query", ["country=ZZ", "specialty=%3Cscript%3E", "page=-1"])
def test_directory_refuses_filters_outside_the_allowlists(client, tenants, login_as, query):
    login_as(tenants.a.owner)
    assert client.get(f"/agencies?{query}").status_code == 400


def test_pages_need_a_signed_in_user(client, tenants):
    for path in ("/agencies", f"/agencies/{tenants.x.org.id}", "/agency/profile"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_profile_page_without_data_says_so(client, tenants, login_as, no_case_providers):
    login_as(tenants.a.owner)
    html = client.get(f"/agencies/{tenants.x.org.id}").text
    assert "Not enough data yet" in html
    assert "No profile yet" in html and "No reviews yet" in html
    assert 'data-testid="edit-profile"' not in html


def test_profile_page_shows_profile_figures_and_anonymous_reviews(
    client, tenants, login_as, provide_case_figures
):
    x = tenants.x.org.id
    make_profile(
        tenants.x.org,
        countries=["DE", "AT"],
        specialties=["legal_enforcement"],
        licence_number="Lic-77",
        website="https://x.example/",
        description="Line one.\nLine two.",
    )
    make_review(tenants.x.org, tenants.a.owner, rating=4, comment="Kept us informed.")
    provide_case_figures(lambda ids: {x: {"cases_closed": 7, "recovery_rate": "81.25"}})
    login_as(tenants.b.credit)
    html = client.get(f"/agencies/{x}").text
    assert "Not enough data yet" not in html
    assert 'data-testid="cases-closed">7<' in html
    assert "81.25%" in html and "4.0" in html
    assert "Germany (DE)" in html and "Austria (AT)" in html
    assert "Legal action and enforcement" in html and "Lic-77" in html
    assert 'href="https://x.example/" rel="nofollow noopener noreferrer"' in html
    assert "Kept us informed." in html and 'aria-label="4 out of 5"' in html
    # data minimisation: the reviewing creditor is not named
    assert tenants.a.org.name not in html and tenants.a.owner.name not in html


def test_profile_of_something_that_is_not_an_agency_is_404(client, tenants, login_as):
    login_as(tenants.x.owner)
    assert client.get(f"/agencies/{tenants.a.org.id}").status_code == 404
    assert client.get("/agencies/999999999").status_code == 404


def test_only_the_own_agency_owner_sees_the_edit_button(client, tenants, login_as):
    path = f"/agencies/{tenants.x.org.id}"
    assert 'data-testid="edit-profile"' in login_as(tenants.x.owner).get(path).text
    for user in (tenants.x.collector, tenants.y.owner, tenants.a.owner):
        assert 'data-testid="edit-profile"' not in login_as(user).get(path).text


def test_owner_edits_the_profile_through_the_form(client, tenants, login_as, csrf_token):
    login_as(tenants.x.owner)
    token = csrf_token("/agency/profile")
    resp = client.post(
        "/agency/profile",
        data={
            "csrf_token": token,
            "countries": "de, nl;BE",
            "specialties": ["logistics", "international"],
            "licence_number": "L-1",
            "website": "https://x.example",
            "description": "We speak Dutch.",
        },
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/agencies/{tenants.x.org.id}")
    profile = db.session.scalar(
        select(AgencyProfile).where(AgencyProfile.org_id == tenants.x.org.id)
    )
    assert profile.countries == ["BE", "DE", "NL"]
    assert profile.specialties == ["international", "logistics"]
    # the form comes back filled in
    html = client.get("/agency/profile").text
    assert 'value="BE, DE, NL"' in html
    checked = set(re.findall(r'<input checked[^>]*value="(\w+)"', html))
    assert checked == {"international", "logistics"}


def test_form_errors_are_shown_next_to_the_fields(client, tenants, login_as, csrf_token):
    login_as(tenants.x.owner)
    resp = client.post(
        "/agency/profile",
        data={
            "csrf_token": csrf_token("/agency/profile"),
            "countries": "DE, XX",
            "website": "javascript:alert(1)",
        },
    )
    assert resp.status_code == 422
    assert "Not ISO 3166-1 alpha-2 codes: XX." in resp.text
    assert "Use an http:// or https:// address" in resp.text
    assert db.session.scalar(select(AgencyProfile.id)) is None


def test_the_form_needs_its_csrf_token(client, tenants, login_as, csrf_token):
    login_as(tenants.x.owner)
    csrf_token("/agency/profile")  # a session with a token exists; the POST leaves it out
    resp = client.post("/agency/profile", data={"countries": "DE"})
    assert resp.status_code == 400
    stale = client.post("/agency/profile", data={"countries": "DE", "csrf_token": "stale"})
    assert stale.status_code == 400
    assert db.session.scalar(select(AgencyProfile.id)) is None


@pytest.mark.parametrize(("tenant", "role"), [("x", "collector"), ("a", "owner"), ("a", "sales")])
def test_only_agency_owners_reach_the_form(client, tenants, login_as, csrf_token, tenant, role):
    login_as(getattr(tenants, tenant).users[role])
    assert client.get("/agency/profile").status_code == 403
    token = csrf_token("/agencies")  # the sign-out form carries one on every page
    resp = client.post("/agency/profile", data={"countries": "DE", "csrf_token": token})
    assert resp.status_code == 403
    assert db.session.scalar(select(AgencyProfile.id)) is None


def test_hostile_profile_text_is_escaped_everywhere(client, tenants, login_as):
    """T18: description, licence, website, names and review comments are never markup."""
    agency = factories.make_org("agency", f"Evil {SCRIPT}{ATTRIBUTE}")
    owner = factories.make_user(agency, "owner")
    profile = make_profile(
        agency, description=f"{SCRIPT}\n{ATTRIBUTE}", licence_number=f"{ATTRIBUTE}{SCRIPT}"
    )
    # the service refuses quotes and brackets in addresses; a row written past it is escaped
    profile.website = f'https://evil.example/"onmouseover="alert(1)"{SCRIPT}'
    db.session.commit()
    make_review(agency, tenants.a.owner, comment=f"{SCRIPT}{ATTRIBUTE}")
    pages = ["/agencies", f"/agencies/{agency.id}", "/agency/profile", "/"]
    for user in (tenants.a.owner, owner):
        login_as(user)
        for path in pages if user is owner else pages[:2]:
            html = client.get(path).text
            assert "<script>alert" not in html, path
            assert 'onmouseover="alert' not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/agencies/{agency.id}").text


def test_a_stored_javascript_website_is_never_linked(client, tenants, login_as):
    """Defence in depth: even a row written past the service does not become a link."""
    profile = make_profile(tenants.x.org)
    profile.website = "javascript:alert(1)"
    db.session.commit()
    html = login_as(tenants.a.owner).get(f"/agencies/{tenants.x.org.id}").text
    assert 'href="javascript:' not in html


def test_menu_has_profile_for_agencies_and_the_directory_for_creditors(client, tenants, login_as):
    html = login_as(tenants.x.collector).get("/").text
    assert f'href="/agencies/{tenants.x.org.id}"' in html and ">Profile<" in html
    html = login_as(tenants.a.sales).get("/").text
    assert 'href="/agencies"' in html and ">Agencies<" in html
    assert ">Profile<" not in html


def test_agency_dashboard_shows_the_track_record_panel(client, tenants, login_as):
    html = login_as(tenants.x.owner).get("/").text
    assert 'data-testid="agency-panel"' in html and "Not enough data yet" in html
    assert 'data-testid="complete-profile"' in html
    html = login_as(tenants.x.collector).get("/").text
    assert 'data-testid="agency-panel"' in html
    assert 'data-testid="complete-profile"' not in html
    assert 'data-testid="agency-panel"' not in login_as(tenants.a.owner).get("/").text
