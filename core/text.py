"""Text normalisation for identifiers people type and compare (invoice numbers, names)."""

from __future__ import annotations

import re
import unicodedata

#: zero-width and bidi-control characters: invisible, and used to spoof look-alikes (T40)
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00]")


def clean(value: str | None) -> str | None:
    """NFC-normalise, drop invisible characters, trim; empty becomes None."""
    if value is None:
        return None
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(value))).strip()
    return text or None


def key(value: str) -> str:
    """A comparison key: cleaned, casefolded and with runs of spaces collapsed."""
    return " ".join((clean(value) or "").casefold().split())
