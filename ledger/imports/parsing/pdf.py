"""Factur-X / ZUGFeRD 2 / XRechnung PDFs: pull out the embedded CII (or UBL) and parse it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

import facturx
from lxml import etree

from .einvoice import parse_xml
from .records import DEFAULT_LIMITS, Limits, ParseResult, failure
from .xml import hardened_parser

PDF_MAGIC = b"%PDF-"
NO_EINVOICE = (
    "This PDF carries no Factur-X/ZUGFeRD e-invoice (no embedded factur-x.xml, "
    "zugferd-invoice.xml or xrechnung.xml); upload the e-invoice XML or a CSV instead."
)

log = logging.getLogger(__name__)


@contextmanager
def _hardened_default_parser() -> Iterator[None]:
    """factur-x parses attachments with lxml's default parser: make it ours meanwhile.

    lxml keeps the default parser per thread, so this does not leak into other requests.
    """
    previous = etree.get_default_parser()
    etree.set_default_parser(hardened_parser())
    try:
        yield
    finally:
        etree.set_default_parser(previous)


def parse_pdf(file: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> ParseResult:
    """Parse a Factur-X/ZUGFeRD PDF; a PDF without an e-invoice is a clear RowError."""
    if not data.startswith(PDF_MAGIC):
        return failure(file, "not_a_pdf", _not_pdf_message(data))
    try:
        with _hardened_default_parser():
            xml_name, xml_bytes = facturx.get_xml_from_pdf(BytesIO(data), check_xsd=False)
    except Exception as exc:  # pypdf raises a zoo of errors on broken files
        log.info("unreadable PDF %s: %r", file, exc)
        return failure(
            file, "pdf_unreadable", "This PDF is damaged or encrypted and cannot be read."
        )
    if not xml_bytes:
        return failure(file, "pdf_no_einvoice", NO_EINVOICE)
    log.debug("%s: embedded %s (%d bytes)", file, xml_name, len(xml_bytes))
    return parse_xml(file, xml_bytes, limits=limits, source="facturx")


def _not_pdf_message(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "This file is named .pdf but is an HTML page, not a PDF."
    return "This file is named .pdf but its content is not a PDF (it does not start with %PDF-)."
