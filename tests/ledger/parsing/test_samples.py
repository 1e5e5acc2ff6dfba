"""Every XML/PDF listed in shared/samples/expected_fields.json parses to what it should."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from ledger.imports.parsing import parse_file

from .conftest import SAMPLES

EXPECTED = json.loads((SAMPLES / "expected_fields.json").read_text(encoding="utf-8"))
NEGATIVE = {e["file"] for e in EXPECTED if "number" not in e}


def _date(text: str | None) -> date | None:
    """CII writes YYYYMMDD (format 102), UBL YYYY-MM-DD."""
    if text is None:
        return None
    digits = text.replace("-", "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def test_the_expected_list_is_not_empty():
    assert len(EXPECTED) >= 20
    assert {"zugferd-horstoeko/pdf_plain.pdf", "zugferd-horstoeko/pdf_invalid.pdf"} == NEGATIVE


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_sample_parses_to_the_expected_fields(expected):
    path = SAMPLES / expected["file"]
    result = parse_file(path.name, path.read_bytes())
    if expected["file"] in NEGATIVE:
        assert not result.records
        assert [e.code for e in result.errors] == ["pdf_no_einvoice"]
        assert "carries no Factur-X/ZUGFeRD e-invoice" in result.errors[0].message
        return
    assert result.errors == (), result.errors
    assert len(result.records) == 1
    rec = result.records[0]
    assert rec.syntax == expected["syntax"]
    assert rec.number == expected["number"]
    assert rec.type_code == expected["type_code"]
    assert rec.kind == "invoice"
    assert rec.issue_date == _date(expected["issue_date"])
    assert rec.due_date == _date(expected["due_date"])
    assert rec.currency == expected["currency"]
    assert Decimal(rec.amount.amount) == Decimal(expected["payable_amount"])
    assert rec.amount.currency == expected["currency"]
    assert rec.seller is not None and rec.seller.name == expected["seller"]
    assert rec.debtor.name == expected["buyer"]
    assert rec.customization == expected["customization"]
    assert rec.outstanding is None
    assert rec.source == ("facturx" if path.suffix == ".pdf" else expected["syntax"][:3].lower())
    assert rec.location.file == path.name


def test_sample_parties_carry_vat_country_and_email():
    path = SAMPLES / "factur-x-akretion/ubl-21-en16931.xml"
    rec = parse_file(path.name, path.read_bytes()).records[0]
    assert rec.debtor.vat_id == "FR19787878784"
    assert rec.debtor.country == "FR"
    assert rec.debtor.email == "laetita.durand@jolieboutique.com"
    assert rec.debtor.legal_id == "787878784"
    assert rec.po_number == "PO1242"


def test_pdf_and_its_xml_agree():
    pdf = SAMPLES / "factur-x-akretion/invoice_EN16931.pdf"
    xml = SAMPLES / "factur-x-akretion/factur-x-en16931.xml"
    from_pdf = parse_file(pdf.name, pdf.read_bytes()).records[0]
    from_xml = parse_file(xml.name, xml.read_bytes()).records[0]
    assert (from_pdf.number, from_pdf.amount, from_pdf.debtor) == (
        from_xml.number,
        from_xml.amount,
        from_xml.debtor,
    )


def test_xrechnung_pdf_attachment_name_is_found():
    path = SAMPLES / "zugferd-horstoeko/pdf_zf_xrechnung_1.pdf"
    rec = parse_file(path.name, path.read_bytes()).records[0]
    assert rec.customization and "xrechnung" in rec.customization
