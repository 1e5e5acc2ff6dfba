"""CSV column aliases and presets for the open-invoice exports of common accounting tools.

Headers are compared after `normalise_header` (lower case, letters and digits only), so
"Invoice No.", "invoice_no" and "*InvoiceNo" are one name. For each field the first alias
present in the header wins; other columns are ignored.

Where the preset column names come from (looked up 2026-11; exports change, so every preset
also accepts the generic aliases):
- Xero: the sales-invoice CSV export/import template columns ContactName, EmailAddress,
  POCountry, InvoiceNumber, Reference, InvoiceDate, DueDate, Total, InvoiceAmountDue,
  Currency, Type ("Sales invoice"), Status ("Awaiting Payment"), one row per line item, dates
  DD/MM/YYYY (UK) or MM/DD/YYYY (US): docs.milientsoftware.com .../xero/xero-templates and
  Xero's own import guide ("Use the format DD/MM/YYYY", online.flippingbook.com/view/399081).
- QuickBooks Online: import/export field names "Invoice no", "Customer", "Invoice date",
  "Due date" (quickbooks.intuit.com/learn-support/en-ca/.../394876). The "Open Invoices"
  report layout (Reports > Customers > Open Invoices: Date, Transaction Type, Num, Customer,
  Due Date, Amount, Open Balance, grouped by customer with "Total for ..." rows, US dates,
  1,234.56 amounts) is from product knowledge: no page showing its exact CSV was found, so
  check it against a real export.
- Odoo (account.move list view, Export): Number, Customer/Partner, Invoice Date
  ("Invoice/Bill Date"), Due Date, Total, Total in Currency, Amount Due, Currency, Status
  (Draft/Posted/Cancelled), Type ("Customer Invoice"/"Customer Credit Note"), Reference
  (list-view labels: cybrosys.com/odoo/odoo-books/v17/accounting/customer-invoices; the
  Status/Type values and ISO dates in the CSV are from product knowledge).
- Zoho Books: invoice export/import columns Invoice Number, Invoice Date, Invoice Status,
  Customer Name, PurchaseOrder, Due Date, Currency Code, Total, Balance, one row per item
  (Zoho's "Sample Invoices" import file; docs.cashflowy.io .../zoho_books/fetch_invoices);
  ISO dates by default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

CANONICAL = (
    "invoice_number", "debtor_name", "debtor_vat_id", "debtor_country", "debtor_email",
    "issue_date", "due_date", "currency", "amount", "outstanding", "po_number",
    "sales_rep_email",
)  # fmt: skip
DISPUTE_COLUMNS = (
    "dispute_reason", "dispute_opened_on", "dispute_resolved_on", "dispute_outcome",
    "dispute_amount",
)  # fmt: skip
#: internal fields a preset may fill from its own columns (document type, status)
EXTRA = ("kind", "status")


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def normalise_header(name: str) -> str:
    """'Invoice No.' -> 'invoiceno'; '*ContactName' -> 'contactname'."""
    return _NOT_ALNUM.sub("", name.casefold()) if name else ""


def _names(*names: str) -> tuple[str, ...]:
    return tuple(normalise_header(n) for n in names)


#: generic aliases, in priority order (the canonical name always comes first)
GENERIC: dict[str, tuple[str, ...]] = {
    "invoice_number": _names(
        "invoice_number",
        "Invoice Number",
        "Invoice No",
        "Invoice Nr",
        "Invoice Num",
        "Invoice #",
        "Invoice",
        "Number",
        "No",
        "Num",
        "Document Number",
        "Doc Number",
        "Invoice ID",
    ),
    "debtor_name": _names(
        "debtor_name",
        "Debtor",
        "Customer Name",
        "Customer",
        "Client Name",
        "Client",
        "Contact Name",
        "Contact",
        "Partner",
        "Buyer",
        "Company",
        "Account Name",
    ),
    "debtor_vat_id": _names(
        "debtor_vat_id",
        "VAT",
        "VAT ID",
        "VAT Number",
        "VAT No",
        "Tax ID",
        "USt-IdNr",
        "Customer VAT Number",
    ),
    "debtor_country": _names("debtor_country", "Country Code", "Country", "Customer Country"),
    "debtor_email": _names(
        "debtor_email", "Email", "Email Address", "E-mail", "Customer Email", "Contact Email"
    ),
    "issue_date": _names(
        "issue_date", "Invoice Date", "Date", "Issue Date", "Document Date", "Invoice/Bill Date"
    ),
    "due_date": _names("due_date", "Due Date", "Payment Due Date", "Due On", "Due"),
    "currency": _names("currency", "Currency Code", "Invoice Currency", "Curr", "CCY"),
    "amount": _names(
        "amount",
        "Total",
        "Invoice Total",
        "Invoice Amount",
        "Total Amount",
        "Gross Amount",
        "Amount Incl VAT",
        "Grand Total",
    ),
    "outstanding": _names(
        "outstanding",
        "Amount Due",
        "Balance",
        "Balance Due",
        "Open Balance",
        "Outstanding Amount",
        "Open Amount",
        "Amount Outstanding",
        "Residual",
    ),
    "po_number": _names(
        "po_number",
        "PO Number",
        "PO",
        "P.O. Number",
        "Purchase Order",
        "Purchase Order Number",
        "Order Number",
        "Customer PO",
    ),
    "sales_rep_email": _names("sales_rep_email", "Sales Rep Email", "Salesperson Email"),
    "dispute_reason": _names("dispute_reason"),
    "dispute_opened_on": _names("dispute_opened_on"),
    "dispute_resolved_on": _names("dispute_resolved_on"),
    "dispute_outcome": _names("dispute_outcome"),
    "dispute_amount": _names("dispute_amount"),
    "kind": _names("kind", "Document Type"),
}

#: values of the `kind` column meaning a credit note, in every mode
CREDIT_WORDS = frozenset({"creditnote", "credit", "creditmemo"})
INVOICE_WORDS = frozenset({"invoice", ""})


@dataclass(frozen=True)
class Preset:
    """How one accounting tool writes its open-invoice export."""

    name: str
    description: str
    #: field -> extra header names (normalised) tried before the generic aliases
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: date layouts tried in order (see values.DATE_FORMATS); ISO is always accepted
    date_formats: tuple[str, ...] = ("YYYY-MM-DD",)
    decimal_sep: str = "."
    thousands_sep: str | None = None
    #: one row per invoice line: rows with the same number and equal header fields merge
    line_items: bool = False
    #: report layout: title lines above the header, customer group rows, "Total" rows
    report_layout: bool = False
    #: normalised status values whose rows are not receivables (drafts, voided)
    skip_statuses: frozenset[str] = frozenset()
    #: normalised document-type values: credit notes / rows to leave out (payments, bills)
    credit_types: frozenset[str] = frozenset()
    skip_types: frozenset[str] = frozenset()

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Every field's header names, preset-specific first."""
        merged = dict(GENERIC)
        for name, extra in self.columns.items():
            merged[name] = tuple(dict.fromkeys((*_names(*extra), *merged.get(name, ()))))
        return merged


def _words(*values: str) -> frozenset[str]:
    return frozenset(normalise_header(v) for v in values)


GENERIC_PRESET = Preset(
    "generic",
    "Duebridge columns (invoice_number, debtor_name, ...) or common aliases; "
    "dates YYYY-MM-DD, amounts like 1234.56",
)

_XERO_COLUMNS = {
    "debtor_name": ("ContactName",),
    "debtor_email": ("EmailAddress",),
    "debtor_country": ("POCountry",),
    "invoice_number": ("InvoiceNumber",),
    "po_number": ("Reference",),
    "issue_date": ("InvoiceDate",),
    "due_date": ("DueDate",),
    "amount": ("Total",),
    "outstanding": ("InvoiceAmountDue",),
    "currency": ("Currency",),
    "kind": ("Type",),
    "status": ("Status",),
}
_XERO = {
    "columns": _XERO_COLUMNS,
    "line_items": True,
    "skip_statuses": _words("Draft", "Awaiting Approval", "Submitted", "Voided", "Deleted"),
    "credit_types": _words("Sales credit note", "Credit note", "ACCRECCREDIT"),
    "skip_types": _words("Bill", "Purchase credit note", "ACCPAY", "ACCPAYCREDIT"),
}

PRESET_LIST: tuple[Preset, ...] = (
    GENERIC_PRESET,
    Preset(
        "xero",
        "Xero sales-invoice export (ContactName, InvoiceNumber, InvoiceDate, DueDate, Total, "
        "InvoiceAmountDue, Currency; one row per line item); dates DD/MM/YYYY",
        date_formats=("DD/MM/YYYY", "YYYY-MM-DD"),
        **_XERO,  # type: ignore[arg-type]
    ),
    Preset(
        "xero_us",
        "Xero sales-invoice export from a US organisation: as xero, dates MM/DD/YYYY",
        date_formats=("MM/DD/YYYY", "YYYY-MM-DD"),
        **_XERO,  # type: ignore[arg-type]
    ),
    Preset(
        "quickbooks",
        "QuickBooks Online Open Invoices report or invoice export (Num, Customer, Date, "
        "Due Date, Amount, Open Balance); dates MM/DD/YYYY, amounts like 1,234.56",
        columns={
            "invoice_number": ("Num", "Invoice no", "No."),
            "debtor_name": ("Customer", "Customer full name", "Name"),
            "issue_date": ("Date", "Invoice date"),
            "due_date": ("Due Date",),
            "amount": ("Amount", "Total"),
            "outstanding": ("Open Balance", "Balance"),
            "po_number": ("P.O. Number",),
            "kind": ("Transaction Type",),
        },
        date_formats=("MM/DD/YYYY", "YYYY-MM-DD"),
        thousands_sep=",",
        report_layout=True,
        credit_types=_words("Credit Memo"),
        skip_types=_words(
            "Payment",
            "Journal Entry",
            "Sales Receipt",
            "Refund Receipt",
            "Deposit",
            "Statement Charge",
        ),
    ),
    Preset(
        "odoo",
        "Odoo customer invoices list exported to CSV (Number, Customer/Partner, Invoice Date, "
        "Due Date, Total in Currency/Total, Amount Due, Currency, Status, Type); ISO dates",
        columns={
            "invoice_number": ("Number",),
            "debtor_name": ("Customer", "Partner", "Invoice Partner Display Name"),
            "debtor_vat_id": ("Partner/Tax ID", "Tax ID"),
            "debtor_country": ("Partner/Country/Country Code",),
            "debtor_email": ("Partner/Email",),
            "issue_date": ("Invoice Date", "Invoice/Bill Date"),
            "due_date": ("Due Date",),
            "amount": ("Total in Currency", "Total in Currency Signed", "Total"),
            "outstanding": ("Amount Due",),
            "currency": ("Currency", "Invoice Currency"),
            "po_number": ("Customer Reference", "Reference"),
            "kind": ("Type",),
            "status": ("Status",),
        },
        skip_statuses=_words("Draft", "Cancelled", "Canceled"),
        credit_types=_words("Customer Credit Note", "Credit Note"),
        skip_types=_words(
            "Vendor Bill",
            "Vendor Credit Note",
            "Journal Entry",
            "Purchase Receipt",
            "Sales Receipt",
        ),
    ),
    Preset(
        "zoho_books",
        "Zoho Books invoice export (Invoice Number, Customer Name, Invoice Date, Due Date, "
        "Currency Code, Total, Balance, Invoice Status; one row per item); ISO dates",
        columns={
            "invoice_number": ("Invoice Number",),
            "debtor_name": ("Customer Name",),
            "issue_date": ("Invoice Date",),
            "due_date": ("Due Date",),
            "currency": ("Currency Code",),
            "amount": ("Total",),
            "outstanding": ("Balance",),
            "po_number": ("PurchaseOrder",),
            "status": ("Invoice Status",),
        },
        date_formats=("YYYY-MM-DD", "DD/MM/YYYY"),
        line_items=True,
        skip_statuses=_words("Draft", "Void", "Pending Approval"),
    ),
    Preset(
        "excel_eu",
        "Spreadsheet saved with European settings: ';' separated, 1.234,56 amounts, "
        "dates DD.MM.YYYY or DD/MM/YYYY, generic column names",
        date_formats=("DD.MM.YYYY", "DD/MM/YYYY", "YYYY-MM-DD"),
        decimal_sep=",",
        thousands_sep=".",
    ),
)

PRESETS_BY_NAME: dict[str, Preset] = {p.name: p for p in PRESET_LIST}
#: name -> description, for the API to list
PRESETS: dict[str, str] = {p.name: p.description for p in PRESET_LIST}
