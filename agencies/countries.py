"""ISO 3166-1 alpha-2 country codes, checked against pycountry's copy of the standard."""

from __future__ import annotations

from functools import cache

import pycountry


def is_country(code: str) -> bool:
    """True for an upper-case alpha-2 code ISO 3166-1 assigns (DE, FR; not XX or de)."""
    return len(code) == 2 and code.isascii() and code.isupper() and code in _names()


def country_name(code: str) -> str:
    """ "DE" → "Germany" (unknown codes read as themselves)."""
    return _names().get(code, code)


@cache
def _names() -> dict[str, str]:
    return {c.alpha_2: c.name for c in pycountry.countries}


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for every country, by name: the pages' select boxes."""
    return sorted(_names().items(), key=lambda item: item[1])
