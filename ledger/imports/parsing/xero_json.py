"""Xero API `GET /Invoices` responses saved as JSON (receivables, type ACCREC, only).

Numbers are read as Decimal straight from the JSON text, never as floats. The position in
`Invoices[]` (1-based) stands in for the row number.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from core.money import Money

from .dedupe import deduplicate
from .records import InvoiceRecord, Location, ParseResult, PartyRecord, RowError, failure
from .values import (
    ValueProblem,
    clean_currency,
    clean_email,
    clean_identifier,
    clean_name,
    clean_vat,
    parse_date,
    to_money,
)

#: Xero invoice statuses that are not (or no longer) receivables
SKIP_STATUSES = frozenset({"DRAFT", "SUBMITTED", "DELETED", "VOIDED"})


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def parse_xero_json(file: str, data: bytes) -> ParseResult:
    """Parse a saved Xero Invoices response; bills (ACCPAY), drafts and voided are skipped."""
    try:
        doc = json.loads(
            data.decode("utf-8-sig"), parse_float=Decimal, parse_constant=_no_constants
        )
    except (UnicodeDecodeError, ValueError) as exc:
        return failure(file, "invalid_json", f"Not a valid UTF-8 JSON document: {exc}.")
    invoices = doc.get("Invoices") if isinstance(doc, dict) else None
    if not isinstance(invoices, list):
        return failure(
            file,
            "unsupported_json",
            'This JSON is not a Xero Invoices response (no "Invoices" list); '
            "upload a CSV export or e-invoices instead.",
        )
    records: list[InvoiceRecord] = []
    errors: list[RowError] = []
    skipped: list[RowError] = []
    for pos, item in enumerate(invoices, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(file, pos, None, "invalid_row", "Not an invoice object."))
            continue
        if item.get("Type") != "ACCREC" or item.get("Status") in SKIP_STATUSES:
            what = item.get("Type") if item.get("Type") != "ACCREC" else item.get("Status")
            skipped.append(RowError(file, pos, None, "skipped", f"{what} invoice; not imported."))
            continue
        record, row_errors = _invoice(file, pos, item)
        errors.extend(row_errors)
        if record:
            records.append(record)
    kept, dup_errors = deduplicate(records)
    return ParseResult(tuple(kept), tuple(errors + dup_errors), 1, tuple(skipped))


def _invoice(file: str, pos: int, item: dict[str, Any]) -> tuple[InvoiceRecord | None, list]:
    errors: list[RowError] = []

    def attempt(field: str, fn: Any, *args: Any) -> Any:
        try:
            value = fn(*args)
        except ValueProblem as exc:
            errors.append(RowError(file, pos, field, exc.code, exc.message))
            return None
        if value is None and field in {"invoice_number", "debtor_name"}:
            errors.append(RowError(file, pos, field, "missing_value", f"{field} is missing."))
        return value

    contact = item.get("Contact") if isinstance(item.get("Contact"), dict) else {}
    number = attempt("invoice_number", clean_identifier, _text(item.get("InvoiceNumber")))
    name = attempt("debtor_name", clean_name, _text(contact.get("Name")))
    email = attempt("debtor_email", clean_email, _text(contact.get("EmailAddress")))
    vat = attempt("debtor_vat_id", clean_vat, _text(contact.get("TaxNumber")))
    issue = attempt("issue_date", parse_date, _text(item.get("DateString"))[:10])
    due = attempt("due_date", parse_date, _text(item.get("DueDateString"))[:10])
    currency = attempt("currency", clean_currency, _text(item.get("CurrencyCode")))
    amount = outstanding = None
    if currency:
        amount = attempt("amount", _money, item.get("Total"), currency)
        outstanding = attempt("outstanding", _money, item.get("AmountDue"), currency)
        if amount is not None and amount.minor <= 0:
            errors.append(RowError(file, pos, "amount", "zero_amount", "Total must be > 0."))
        if amount and outstanding and not 0 <= outstanding.minor <= amount.minor:
            errors.append(
                RowError(
                    file,
                    pos,
                    "outstanding",
                    "outstanding_above_amount",
                    "AmountDue must lie between 0 and Total.",
                )
            )
    if errors:
        return None, errors
    assert number and name and issue and due and currency and amount
    return InvoiceRecord(
        number=number,
        kind="invoice",
        type_code="380",
        issue_date=issue,
        due_date=due,
        currency=currency,
        amount=amount,
        outstanding=outstanding,
        po_number=clean_identifier(_text(item.get("Reference"))),
        debtor=PartyRecord(name=name, vat_id=vat, email=email),
        seller=None,
        sales_rep_email=None,
        customization=None,
        syntax="JSON",
        source="xero_json",
        location=Location(file, pos),
    ), []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _money(value: Any, currency: str) -> Money:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueProblem("invalid_amount", f"{value!r} is not a number.")
    return to_money(Decimal(value), currency)
