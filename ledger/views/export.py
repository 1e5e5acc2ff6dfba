"""`/invoices.csv`: the invoice list's filtered query, streamed, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, request, stream_with_context
from flask.typing import ResponseReturnValue

from core.extensions import db, limiter
from ledger.api import invoice_query
from ledger.clock import today
from ledger.models import Invoice
from ledger.views import bp, readers
from ledger.views.invoices import invoice_filters

HEADER = (
    "number",
    "debtor",
    "issue_date",
    "due_date",
    "currency",
    "amount",
    "outstanding",
    "status",
    "days_overdue",
    "po_number",
)
#: a cell starting with one of these is read as a formula by Excel, LibreOffice, Sheets
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: T44: exports are heavy; each client gets this many per minute, then 429
EXPORT_LIMIT = "20 per minute"


def safe_cell(value: object) -> str:
    """The cell as text, prefixed with ' when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def invoice_row(invoice: Invoice, now: date) -> list[str]:
    """One CSV row of `invoice`, every cell made formula-safe."""
    return [
        safe_cell(v)
        for v in (
            invoice.number,
            invoice.debtor.name,
            invoice.issue_date.isoformat(),
            invoice.due_date.isoformat(),
            invoice.currency,
            invoice.amount.amount,
            invoice.outstanding.amount,
            invoice.status_on(now).value,
            invoice.days_overdue(now),
            invoice.po_number,
        )
    ]


def csv_lines(rows: Iterable[list[str]], header: Iterable[str] = HEADER) -> Iterator[str]:
    """The header and `rows` as CSV text, one chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


@bp.get("/invoices.csv")
@readers
@limiter.limit(EXPORT_LIMIT)
def invoices_csv() -> ResponseReturnValue:
    """The filtered, sorted invoice list as CSV, streamed in batches (no page size)."""
    filters = invoice_filters(request.args)
    query = invoice_query(filters).execution_options(yield_per=500)
    now = today()

    def rows() -> Iterator[list[str]]:
        for invoice in db.session.scalars(query):
            yield invoice_row(invoice, now)

    return Response(
        stream_with_context(csv_lines(rows())),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="invoices-{now.isoformat()}.csv"',
            "Cache-Control": "no-store",
        },
    )
