"""`flask demo seed`'s agencies: a full profile for the demo agency and four more agencies.

Runs after the ledger and disputes seeds (hooks run in feature order) and before the
marketplace's, which gives every agency its case history. Each new agency has an owner and
a collector login with the demo password; they are printed with the seed's output.
"""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from agencies import services
from core import hooks
from core.auth import services as auth
from core.auth.models import Organization, OrgKind
from core.extensions import db

#: the agency `flask demo seed` creates itself (core/cli.py DEMO_ORGS)
FAIRWAY = "Fairway Collections Ltd"
PASSWORD = "duebridge-demo"  # noqa: S105 - the demo's shared login (core/cli.py DEMO_PASSWORD)

#: name → (currency, e-mail domain, (owner, collector), profile fields)
AGENCIES: dict[str, tuple[str, str, tuple[str, str], dict[str, object]]] = {
    FAIRWAY: (
        "EUR",
        "fairway.example",
        ("Olivia Hughes", "Harry Evans"),
        {
            "countries": ["DE", "FR", "GB", "IE", "NL"],
            "specialties": ["b2b_commercial", "international", "it_services", "logistics"],
            "licence_number": "FCA FRN 812345",
            "description": "Cross-border B2B collection for suppliers in the UK and the EU. "
            "Amicable first: calls and letters in the debtor's language within two days of "
            "award, formal notice after three weeks, court action only with your consent.",
            "website": "https://fairway.example",
        },
    ),
    "Hanse Inkasso GmbH": (
        "EUR",
        "hanse-inkasso.example",
        ("Katrin Vogel", "Lukas Brandt"),
        {
            "countries": ["AT", "CH", "DE"],
            "specialties": ["b2b_commercial", "legal_enforcement", "manufacturing"],
            "licence_number": "RDG-Register Hamburg 3712 E-14",
            "description": "Registered debt collection service under the German RDG. "
            "Dunning proceedings (Mahnverfahren) and enforcement through our panel lawyers; "
            "strong in machinery, automotive suppliers and wholesale.",
            "website": "https://hanse-inkasso.example",
        },
    ),
    "Lakeside Recovery BV": (
        "EUR",
        "lakeside.example",
        ("Sanne de Vries", "Ruben Jansen"),
        {
            "countries": ["BE", "DE", "LU", "NL"],
            "specialties": ["international", "logistics", "retail"],
            "licence_number": "KvK 71234567",
            "description": "Benelux collection for transport, logistics and retail "
            "suppliers. Multilingual team (NL, FR, DE, EN) and bailiff partners in every "
            "Benelux jurisdiction.",
            "website": "https://lakeside.example",
        },
    ),
    "Thames Credit Management Ltd": (
        "GBP",
        "thamescredit.example",
        ("George Barnes", "Amelia Clarke"),
        {
            "countries": ["GB", "IE"],
            "specialties": ["construction", "professional_services", "small_claims"],
            "licence_number": "FCA FRN 700112",
            "description": "UK commercial collections since 2004: construction retentions, "
            "professional fees and small claims through the county courts, with late "
            "payment compensation claimed where the law allows it.",
            "website": "https://thamescredit.example",
        },
    ),
    "Iberia Cobros SL": (
        "EUR",
        "iberiacobros.example",
        ("Lucía Fernández", "Pablo Ortega"),
        {
            "countries": ["ES", "FR", "PT"],
            "specialties": ["energy_utilities", "healthcare", "international"],
            "licence_number": "CIF B-87654321",
            "description": "Collection in Spain, Portugal and southern France for foreign "
            "suppliers: local negotiation, monitorio proceedings and insolvency claims.",
            "website": "https://iberiacobros.example",
        },
    ),
}


def init_app(app: Flask) -> None:
    """Seed agencies after the ledger and disputes, before the marketplace's cases."""
    hooks.register("demo_seed", seed_agencies)


def seed_agencies() -> list[str]:
    """Profile the demo agency, add the others; print and return their login lines.

    Does nothing without the demo agency (not the demo) or when another agency exists.
    """
    fairway = db.session.scalar(
        select(Organization).where(
            func.lower(Organization.name) == FAIRWAY.lower(), Organization.kind == OrgKind.AGENCY
        )
    )
    agencies = db.session.scalar(
        select(func.count(Organization.id)).where(Organization.kind == OrgKind.AGENCY)
    )
    if fairway is None or agencies != 1:
        return []
    lines = []
    for name, (currency, domain, people, profile) in AGENCIES.items():
        org = fairway if name == FAIRWAY else None
        if org is None:
            org = auth.create_organization(name, OrgKind.AGENCY, currency=currency)
            for role, person in zip(("owner", "collector"), people, strict=True):
                email = f"{role}@{domain}"
                auth.create_user(org, email=email, name=person, role=role, password=PASSWORD)
                lines.append(f"  {name:<28} {role:<10} {email}")
        services.update_profile(org, actor=None, **profile)
    click.echo(f"  Agencies: {len(AGENCIES)} with profiles; more agency logins:")
    for line in lines:
        click.echo(line)
    return lines
