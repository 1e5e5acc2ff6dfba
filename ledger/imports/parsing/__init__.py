"""Pure parsing of receivables import files: bytes in, typed records and row errors out.

No database, no Flask: the import service decides what to create or update. Supported:
CSV (generic columns or a preset), UBL 2.1 Invoice/CreditNote, UN/CEFACT CII, Factur-X /
ZUGFeRD 2 PDFs, saved Xero `GET /Invoices` JSON, and zips of those.

    result = parse_file("invoices.csv", data, preset="xero")
    if result.errors: ...  # refuse the import, list result.errors
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .archive import EMPTY_ZIP_MAGIC, NESTED, ZIP_MAGIC, parse_zip
from .csv_rows import parse_csv
from .disputes import DISPUTE_OUTCOMES, DISPUTE_REASONS
from .einvoice import parse_xml
from .pdf import PDF_MAGIC, parse_pdf
from .presets import PRESETS
from .records import (
    DEFAULT_LIMITS,
    DisputeHistory,
    InvoiceRecord,
    Limits,
    Location,
    ParseResult,
    PartyRecord,
    RowError,
    failure,
)
from .xero_json import parse_xero_json

__all__ = [
    "DEFAULT_LIMITS",
    "DISPUTE_OUTCOMES",
    "DISPUTE_REASONS",
    "PRESETS",
    "DisputeHistory",
    "InvoiceRecord",
    "Limits",
    "Location",
    "ParseResult",
    "PartyRecord",
    "RowError",
    "detect_kind",
    "parse_file",
]

#: file extension -> the kind of content it promises
_EXTENSIONS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xml": "xml", ".pdf": "pdf", ".json": "json", ".zip": "zip",
}  # fmt: skip
#: zip-based office formats: refused as spreadsheets/documents, not as nested archives
_OFFICE = frozenset({".xlsx", ".xlsm", ".docx", ".ods", ".odt", ".pptx"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML = re.compile(rb"<(!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_LABEL = {"csv": "a CSV", "xml": "XML", "pdf": "a PDF", "json": "JSON", "zip": "a zip archive",
          "html": "an HTML page"}  # fmt: skip


def _content_kind(data: bytes) -> str:
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return "zip"
    if data.startswith(PDF_MAGIC):
        return "pdf"
    head = data[:2048]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    head = head.replace(b"\x00", b"").lstrip()  # UTF-16 XML shows as '<\0?\0x\0...'
    if _HTML.match(head) or (head.startswith(b"<") and _HTML.search(head[:512])):
        return "html"
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json"
    return "csv"


def detect_kind(filename: str, data: bytes) -> tuple[str | None, str | None]:
    """(kind, None) with kind in csv/xml/pdf/json/zip, or (None, reason) when refused.

    The content's magic bytes decide; a known extension that promises something else (a
    `.pdf` that is HTML) is refused, as is any extension we do not read (.xlsx, .png).
    """
    if not data:
        return None, "The file is empty."
    ext = PurePosixPath(filename).suffix.lower()
    kind = _content_kind(data)
    if kind == "html":
        return None, "This file is an HTML page, not an invoice file (CSV, XML, PDF or zip)."
    expected = _EXTENSIONS.get(ext)
    if ext and expected is None:
        hint = (
            " Save spreadsheets as 'CSV UTF-8'."
            if ext in {".xls", ".xlsx", ".xlsm", ".ods"}
            else ""
        )
        return None, f"{ext} files cannot be imported: use CSV, XML, PDF, JSON or zip.{hint}"
    if expected and expected != kind:
        return None, f"This file is named {ext} but its content is {_LABEL[kind]}."
    return kind, None


def parse_file(
    filename: str,
    data: bytes,
    *,
    preset: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    default_currency: str | None = None,
) -> ParseResult:
    """Parse one uploaded file (or zip of files); never raises on bad input, errors are data.

    `preset` names a CSV layout from PRESETS (None: generic columns); `default_currency`
    fills CSV rows of a file that has no currency column (single-currency exports).
    """
    kind, reason = detect_kind(filename, data)
    if kind is None:
        return failure(filename, "unsupported_file", reason or "Unsupported file.")
    if kind == "zip":

        def member(name: str, content: bytes) -> ParseResult:
            suffix = PurePosixPath(name).suffix.lower()
            if _content_kind(content) == "zip" and suffix not in _OFFICE:
                return failure(name, "zip_nested", NESTED)
            member_kind, why = detect_kind(name, content)
            if member_kind is None or member_kind == "zip":
                return failure(name, "unsupported_file", why or NESTED)
            return _parse_single(name, content, member_kind, preset, limits, default_currency)

        return parse_zip(filename, data, member, limits=limits)
    return _parse_single(filename, data, kind, preset, limits, default_currency)


def _parse_single(
    name: str,
    data: bytes,
    kind: str,
    preset: str | None,
    limits: Limits,
    default_currency: str | None,
) -> ParseResult:
    if kind == "pdf":
        return parse_pdf(name, data, limits=limits)
    if kind == "xml":
        return parse_xml(name, data, limits=limits)
    if kind == "json":
        return parse_xero_json(name, data)
    return parse_csv(name, data, preset=preset, limits=limits, default_currency=default_currency)
