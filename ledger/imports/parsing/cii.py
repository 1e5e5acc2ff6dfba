"""UN/CEFACT CII D16B (EN 16931, XRechnung, Factur-X/ZUGFeRD 2) to InvoiceRecord."""

from __future__ import annotations

from lxml import etree

from .fields import DocReader, kind_for
from .records import InvoiceRecord, Location, RowError, Source

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}

_TX = "rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TX}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_TX}/ram:ApplicableHeaderTradeSettlement"

_PARTY = {
    "name": ("ram:Name",),
    "vat": (
        "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
        "ram:SpecifiedTaxRegistration/ram:ID",
    ),
    "country": "ram:PostalTradeAddress/ram:CountryID",
    "email": (
        "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID",
        "ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']",
    ),
    "legal_id": "ram:SpecifiedLegalOrganization/ram:ID",
}


def parse_cii(
    file: str, root: etree._Element, source: Source = "cii"
) -> tuple[InvoiceRecord | None, list[RowError]]:
    """Read one CrossIndustryInvoice; the record is None when any required term is bad."""
    doc = DocReader(file, root, NS)
    header = doc.node(root, "rsm:ExchangedDocument")
    number = doc.required(
        header if header is not None else root,
        "ram:ID",
        "invoice_number",
        "BT-1 invoice number (rsm:ExchangedDocument/ram:ID)",
    )
    type_code = doc.text(header, "ram:TypeCode") or "380"
    issue_date = doc.date(
        header, "ram:IssueDateTime/udt:DateTimeString", "issue_date", "BT-2 issue date", cii=True
    )
    if issue_date is None and not any(e.field == "issue_date" for e in doc.errors):
        doc.error("issue_date", "missing_value", "BT-2 issue date (ram:IssueDateTime) is missing.")
    settlement = doc.node(root, _SETTLEMENT)
    due_date = doc.date(
        settlement,
        "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
        "due_date",
        "BT-9 due date",
        cii=True,
    )
    currency = doc.currency(
        doc.text(settlement, "ram:InvoiceCurrencyCode"),
        "currency",
        "BT-5 invoice currency (ram:InvoiceCurrencyCode)",
    )
    amount = None
    if currency:
        amount = doc.amount(
            settlement,
            "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount",
            "amount",
            "BT-115 payable amount (ram:DuePayableAmount)",
            currency,
        )
    agreement = doc.node(root, _AGREEMENT)
    seller, debtor = doc.seller_and_buyer(
        doc.node(agreement, "ram:SellerTradeParty"),
        doc.node(agreement, "ram:BuyerTradeParty"),
        _PARTY,
    )
    po_number = doc.identifier(
        doc.text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"), "po_number"
    )
    customization = doc.identifier(
        doc.text(
            root,
            "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        ),
        "customization",
    )
    if doc.errors or None in (number, issue_date, currency, amount, debtor):
        return None, doc.errors
    assert number and issue_date and currency and amount and debtor  # for the type checker
    record = InvoiceRecord(
        number=number,
        kind=kind_for(type_code),
        type_code=type_code,
        issue_date=issue_date,
        due_date=due_date,
        currency=currency,
        amount=amount,
        outstanding=None,
        po_number=po_number,
        debtor=debtor,
        seller=seller,
        sales_rep_email=None,
        customization=customization,
        syntax="CII",
        source=source,
        location=Location(file, root.sourceline),
    )
    return record, doc.errors
