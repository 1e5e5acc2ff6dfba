"""One EN 16931 XML document (bytes) to a ParseResult: load safely, detect syntax, extract."""

from __future__ import annotations

from .cii import parse_cii
from .records import DEFAULT_LIMITS, Limits, ParseResult, RowError, Source
from .ubl import parse_ubl
from .xml import XmlRefused, detect_syntax, load_xml


def parse_xml(
    file: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS, source: Source | None = None
) -> ParseResult:
    """Parse one UBL or CII invoice; hostile or foreign XML becomes a RowError, never raises."""
    try:
        root, syntax = detect_syntax(load_xml(data, limits=limits))
    except XmlRefused as exc:
        return ParseResult(errors=(RowError(file, exc.line, None, exc.code, exc.message),))
    if syntax == "CII":
        record, errors = parse_cii(file, root, source or "cii")
    else:
        record, errors = parse_ubl(file, root, syntax, source or "ubl")
    if record is None:
        return ParseResult(errors=tuple(errors))
    line = record.location.row
    if record.amount.minor < 0:
        message = (
            f"BT-115 payable amount is negative ({record.amount}); "
            "send a refund or credit as a credit note with a positive amount."
        )
        return ParseResult(errors=(RowError(file, line, "amount", "negative_amount", message),))
    if record.amount.minor == 0:
        note = RowError(
            file,
            line,
            "amount",
            "skipped",
            f"Invoice {record.number} has nothing left to pay (BT-115 is 0); not imported.",
        )
        return ParseResult(skipped=(note,))
    return ParseResult(records=(record,))
