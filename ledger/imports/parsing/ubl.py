"""UBL 2.1 Invoice and CreditNote (PEPPOL BIS Billing 3.0, XRechnung) to InvoiceRecord."""

from __future__ import annotations

from lxml import etree

from .fields import DocReader, kind_for
from .records import InvoiceRecord, Location, RowError, Source, Syntax

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

_PARTY = {
    # BT-27/BT-44 legal name, else BT-28/BT-45 trading name
    "name": ("cac:PartyLegalEntity/cbc:RegistrationName", "cac:PartyName/cbc:Name"),
    # BT-31/BT-48: the PartyTaxScheme whose scheme is VAT, else the first one
    "vat": (
        "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
        "cac:PartyTaxScheme/cbc:CompanyID",
    ),
    "country": "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    # BT-43/BT-58 contact e-mail, else an electronic address (BT-34/BT-49) in scheme EM
    "email": ("cac:Contact/cbc:ElectronicMail", "cbc:EndpointID[@schemeID='EM']"),
    "legal_id": "cac:PartyLegalEntity/cbc:CompanyID",
}


def parse_ubl(
    file: str, root: etree._Element, syntax: Syntax, source: Source = "ubl"
) -> tuple[InvoiceRecord | None, list[RowError]]:
    """Read one UBL Invoice/CreditNote; the record is None when any required term is bad."""
    doc = DocReader(file, root, NS)
    credit_root = syntax == "UBL-CreditNote"
    number = doc.required(root, "cbc:ID", "invoice_number", "BT-1 invoice number (cbc:ID)")
    type_path = "cbc:CreditNoteTypeCode" if credit_root else "cbc:InvoiceTypeCode"
    type_code = doc.text(root, type_path) or ("381" if credit_root else "380")
    issue_date = doc.date(root, "cbc:IssueDate", "issue_date", "BT-2 issue date", cii=False)
    if issue_date is None and not any(e.field == "issue_date" for e in doc.errors):
        doc.error("issue_date", "missing_value", "BT-2 issue date (cbc:IssueDate) is missing.")
    due_date = doc.date(root, "cbc:DueDate", "due_date", "BT-9 due date", cii=False)
    if due_date is None:
        due_date = doc.date(
            root, "cac:PaymentMeans/cbc:PaymentDueDate", "due_date", "BT-9 due date", cii=False
        )
    currency = doc.currency(
        doc.text(root, "cbc:DocumentCurrencyCode"), "currency", "BT-5 invoice currency"
    )
    amount = None
    if currency:
        amount = doc.amount(
            root,
            "cac:LegalMonetaryTotal/cbc:PayableAmount",
            "amount",
            "BT-115 payable amount (cac:LegalMonetaryTotal/cbc:PayableAmount)",
            currency,
        )
    seller, debtor = doc.seller_and_buyer(
        doc.node(root, "cac:AccountingSupplierParty/cac:Party"),
        doc.node(root, "cac:AccountingCustomerParty/cac:Party"),
        _PARTY,
    )
    po_number = doc.identifier(doc.text(root, "cac:OrderReference/cbc:ID"), "po_number")
    customization = doc.identifier(doc.text(root, "cbc:CustomizationID"), "customization")
    if doc.errors or None in (number, issue_date, currency, amount, debtor):
        return None, doc.errors
    assert number and issue_date and currency and amount and debtor  # for the type checker
    record = InvoiceRecord(
        number=number,
        kind=kind_for(type_code, credit_note_root=credit_root),
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
        syntax=syntax,
        source=source,
        location=Location(file, root.sourceline),
    )
    return record, doc.errors
