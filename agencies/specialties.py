"""The declared set of agency specialties: code (stored and sent in the API) → label."""

from __future__ import annotations

#: what an agency may say it is good at; codes are lower snake_case (API.md enumerations)
SPECIALTIES: dict[str, str] = {
    "b2b_commercial": "B2B commercial debt",
    "international": "International collection",
    "legal_enforcement": "Legal action and enforcement",
    "bailiff": "Bailiff services",
    "construction": "Construction",
    "healthcare": "Healthcare",
    "logistics": "Transport and logistics",
    "it_services": "IT and software services",
    "manufacturing": "Manufacturing and wholesale",
    "retail": "Retail",
    "energy_utilities": "Energy and utilities",
    "professional_services": "Professional services",
    "public_sector": "Public sector",
    "insolvency": "Insolvency claims",
    "small_claims": "Small claims",
}

CODES: tuple[str, ...] = tuple(SPECIALTIES)


def specialty_label(code: str) -> str:
    """ "it_services" → "IT and software services" (unknown codes read as themselves)."""
    return SPECIALTIES.get(code, code)
