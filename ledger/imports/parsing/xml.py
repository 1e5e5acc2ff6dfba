"""Hardened XML loading for e-invoices and detection of the EN 16931 syntax.

Two locks, either of which is enough on its own:
1. any DTD (DOCTYPE) or ENTITY declaration is refused by a byte scan *before* parsing, so the
   parser never sees billion laughs, quadratic blow-up, external entities or external DTDs;
2. the parser itself resolves no entities, loads no DTD, opens no network connection and keeps
   libxml2's size limits (huge_tree=False); after parsing, a document that still carries a
   DOCTYPE is refused.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from .records import DEFAULT_LIMITS, Limits, Syntax

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
_SBDH = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
_ZUGFERD_1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"

ROOTS: dict[str, Syntax] = {
    f"{{{UBL_INVOICE}}}Invoice": "UBL-Invoice",
    f"{{{UBL_CREDIT_NOTE}}}CreditNote": "UBL-CreditNote",
    f"{{{CII}}}CrossIndustryInvoice": "CII",
}

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


class XmlRefused(ValueError):
    """The bytes are not a safe, well-formed EN 16931 invoice; `code` is stable."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entity, loads no DTD and opens no connection."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _as_utf8_for_scan(data: bytes) -> bytes:
    """The bytes to scan for declarations: UTF-16/32 documents are transcoded first."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace").encode("utf-8")
    if data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        codec = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
        return data.decode(codec, errors="replace").encode("utf-8")
    return data


def refuse_declarations(data: bytes) -> None:
    """Raise XmlRefused if the document declares a DTD or entities (before any parsing)."""
    match = _FORBIDDEN.search(_as_utf8_for_scan(data))
    if match:
        what = match.group(1).decode().upper()
        raise XmlRefused(
            "xml_forbidden_dtd",
            f"XML with a <!{what}> declaration is refused: DTDs and entities are not allowed "
            "in e-invoices (they can expand without bound or read local files).",
        )


def load_xml(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """Parse untrusted XML safely and return the root element; XmlRefused on any problem."""
    if len(data) > limits.max_xml_bytes:
        raise XmlRefused(
            "file_too_large",
            f"XML document is {len(data):,} bytes; at most {limits.max_xml_bytes:,} are accepted.",
        )
    refuse_declarations(data)
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or None
        raise XmlRefused(
            "xml_malformed", f"Not well-formed XML: {exc.msg or exc}", line=line
        ) from None
    if root is None:  # pragma: no cover - lxml raises on empty input
        raise XmlRefused("xml_malformed", "The XML document is empty.")
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url or info.public_id:
        raise XmlRefused("xml_forbidden_dtd", "XML with a DOCTYPE is refused.")
    return root


def detect_syntax(root: etree._Element) -> tuple[etree._Element, Syntax]:
    """The invoice element and its EN 16931 syntax; a PEPPOL SBDH envelope is unwrapped."""
    if root.tag == f"{{{_SBDH}}}StandardBusinessDocument":
        payload = [c for c in root if isinstance(c.tag, str) and not c.tag.endswith("Header")]
        if len(payload) != 1:
            raise XmlRefused(
                "xml_not_einvoice",
                f"The business document envelope holds {len(payload)} documents; expected 1.",
                line=root.sourceline,
            )
        root = payload[0]
    syntax = ROOTS.get(root.tag) if isinstance(root.tag, str) else None
    if syntax is None:
        tag = root.tag if isinstance(root.tag, str) else "?"
        qname = etree.QName(tag) if tag.startswith("{") else None
        shown = f"{qname.localname} in namespace {qname.namespace}" if qname else tag
        hint = ""
        if qname and qname.namespace == _ZUGFERD_1:
            hint = " ZUGFeRD 1.0 predates EN 16931: export as ZUGFeRD 2 / Factur-X."
        elif qname and qname.localname in {"Invoice", "CreditNote", "CrossIndustryInvoice"}:
            hint = " The element name is right but the namespace is not the EN 16931 one."
        raise XmlRefused(
            "xml_not_einvoice",
            f"Not an EN 16931 invoice (root element {shown}): expected a UBL 2.1 Invoice or "
            f"CreditNote, or a UN/CEFACT CrossIndustryInvoice.{hint}",
            line=root.sourceline,
        )
    return root, syntax
