"""Factur-X PDFs built in the test: the embedded XML goes through the same hardened path."""

from __future__ import annotations

import io

from lxml import etree
from pypdf import PdfWriter

from ledger.imports.parsing import parse_file

from .xmldocs import cii


def pdf_with(name: str, xml: bytes) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment(name, xml)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_embedded_cii_is_parsed_as_facturx():
    result = parse_file("inv.pdf", pdf_with("factur-x.xml", cii("PDF-1").encode()))
    assert result.errors == ()
    [rec] = result.records
    assert (rec.number, rec.source, rec.syntax, rec.location.file) == (
        "PDF-1", "facturx", "CII", "inv.pdf",
    )  # fmt: skip


def test_zugferd_attachment_name_is_accepted():
    result = parse_file("inv.pdf", pdf_with("zugferd-invoice.xml", cii("Z-1").encode()))
    assert [r.number for r in result.records] == ["Z-1"]


def test_embedded_xml_with_external_entity_is_refused_and_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("PDF-CANARY-42")
    doc = cii("&x;").replace(
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE rsm:CrossIndustryInvoice [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n',
    )
    result = parse_file("evil.pdf", pdf_with("factur-x.xml", doc.encode()))
    assert result.records == ()
    assert [e.code for e in result.errors] == ["xml_forbidden_dtd"]
    assert "PDF-CANARY-42" not in repr(result)


def test_lxml_default_parser_is_restored_after_a_pdf():
    before = etree.get_default_parser()
    parse_file("inv.pdf", pdf_with("factur-x.xml", cii().encode()))
    assert etree.get_default_parser() is before


def test_pdf_with_an_unrelated_xml_attachment_has_no_einvoice():
    result = parse_file("inv.pdf", pdf_with("factur-x.xml", b"<note>hello</note>"))
    assert [e.code for e in result.errors] == ["pdf_no_einvoice"]
