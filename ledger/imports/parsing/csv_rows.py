"""CSV open-invoice lists (generic columns or a preset) to InvoiceRecords, every error collected.

Row numbers are physical lines with the header as line 1 (API.md), so the first data row is
row 2; a quoted field spanning lines gives the row its first line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from core.money import Money

from .csv_fast import FastRows
from .csv_read import CsvFileProblem, decode, find_header, iter_rows, map_columns, sniff_delimiter
from .dedupe import deduplicate
from .disputes import DisputeColumns, parse_dispute
from .presets import (
    CREDIT_WORDS,
    DISPUTE_COLUMNS,
    INVOICE_WORDS,
    PRESETS_BY_NAME,
    Preset,
    normalise_header,
)
from .records import (
    DEFAULT_LIMITS,
    InvoiceRecord,
    Limits,
    Location,
    ParseResult,
    PartyRecord,
    RowError,
    failure,
)
from .values import (
    ValueProblem,
    clean_country,
    clean_currency,
    clean_email,
    clean_identifier,
    clean_name,
    clean_vat,
    parse_date,
    parse_decimal,
    parse_money,
)

REQUIRED = ("invoice_number", "debtor_name", "issue_date", "due_date", "currency", "amount")
_INVOICE_TYPES = INVOICE_WORDS | {"salesinvoice", "customerinvoice", "accrec"}


@dataclass
class _Context:
    file: str
    preset: Preset
    columns: dict[str, int]
    default_currency: str | None
    width: int
    #: the preset's date layouts, then ISO
    date_formats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.date_formats = tuple(dict.fromkeys((*self.preset.date_formats, "YYYY-MM-DD")))


def _is_group_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return len(filled) == 1 and bool(cells) and bool(cells[0].strip())


def parse_csv(
    file: str,
    data: bytes,
    *,
    preset: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    default_currency: str | None = None,
) -> ParseResult:
    """Parse a CSV export; every error of every row is returned, nothing stops at the first."""
    chosen = PRESETS_BY_NAME.get(preset or "generic")
    if chosen is None:
        names = ", ".join(PRESETS_BY_NAME)
        return failure(file, "unknown_preset", f"Unknown preset {preset!r}: use one of {names}.")
    try:
        text = decode(data)
        rows = iter_rows(text, sniff_delimiter(text))
        return _parse_rows(file, rows, chosen, limits, default_currency)
    except CsvFileProblem as exc:
        code, message, row = exc.error
        return failure(file, code, message, row=row)


def _parse_rows(
    file: str,
    rows: Iterator[tuple[int, list[str]]],
    preset: Preset,
    limits: Limits,
    default_currency: str | None,
) -> ParseResult:
    header_line, header = find_header(rows, preset)
    columns = map_columns(header, preset)
    missing = [
        name
        for name in REQUIRED
        if name not in columns
        and not (name == "currency" and default_currency)
        and not (name == "debtor_name" and preset.report_layout)
    ]
    if missing:
        found = ", ".join(h for h in header if h.strip()) or "nothing"
        return ParseResult(
            errors=tuple(
                RowError(
                    file,
                    header_line,
                    name,
                    "missing_column",
                    f"No column for {name} (the header has: {found}).",
                )
                for name in missing
            )
        )
    ctx = _Context(file, preset, columns, default_currency, len(header))
    fast = FastRows(file, preset, columns, ctx.width, ctx.date_formats, default_currency,
                    _INVOICE_TYPES)  # fmt: skip
    records: list[InvoiceRecord] = []
    errors: list[RowError] = []
    skipped: list[RowError] = []
    group: str | None = None
    count = 0
    first_row: dict[str, int] = {}  # invoice number -> first row, failed rows included
    clashing: set[str] = set()
    for line, cells in rows:
        if not "".join(cells).strip():
            continue  # blank line, or only separators and spaces
        if preset.report_layout:
            first = next(c for c in cells if c.strip()).strip().casefold()
            if first == "total" or first.startswith("total for "):
                continue  # the report's subtotal and grand-total lines
            if _is_group_row(cells):
                group = cells[0].strip()
                continue
        count += 1
        if count > limits.max_rows:
            return failure(
                file,
                "too_many_rows",
                f"More than {limits.max_rows:,} rows: split the file.",
                row=line,
            )
        record = fast(line, cells, group)
        if record is not None:
            number = record.number
        else:
            number, record, row_errors, skip = _parse_row(ctx, line, cells, group)
            errors.extend(row_errors)
            if skip:
                skipped.append(skip)
                continue
        if number and not preset.line_items:
            if number in first_row:
                clashing.add(number)
                errors.append(_duplicate(file, line, number, first_row[number]))
            else:
                first_row[number] = line
        if record:
            records.append(record)
    if count == 0 and not skipped:
        errors.append(RowError(file, None, None, "empty_file", "The file has no data rows."))
    kept = [r for r in records if r.number not in clashing]
    if preset.line_items:  # otherwise every repeated number is in `clashing` already
        kept, dup_errors = deduplicate(kept, merge_equal=True)
        errors.extend(dup_errors)
    errors.sort(key=lambda e: e.row or 0)
    return ParseResult(tuple(kept), tuple(errors), 1, tuple(skipped))


def _duplicate(file: str, line: int, number: str, first: int) -> RowError:
    return RowError(
        file, line, "invoice_number", "duplicate_number",
        f"Invoice number {number!r} already appears in row {first}; "
        "each invoice may appear once per import.",
    )  # fmt: skip


def _parse_row(
    ctx: _Context, line: int, cells: list[str], group: str | None
) -> tuple[str | None, InvoiceRecord | None, list[RowError], RowError | None]:
    """One data row: (its number, the record or None, its errors, a note if left out)."""
    errors: list[RowError] = []

    def err(field: str | None, code: str, message: str) -> None:
        errors.append(RowError(ctx.file, line, field, code, message))

    if len(cells) > ctx.width and any(c.strip() for c in cells[ctx.width :]):
        err(
            None,
            "extra_cells",
            f"The row has {len(cells)} cells but the header only "
            f"{ctx.width}: an unquoted separator (like 1,000.00) shifted the columns.",
        )
        return None, None, errors, None
    raw = {name: (cells[idx] if idx < len(cells) else "") for name, idx in ctx.columns.items()}
    preset = ctx.preset

    status = normalise_header(raw.get("status", ""))
    if status and status in preset.skip_statuses:
        note = f"Status {raw['status'].strip()!r} is not an issued receivable; not imported."
        return None, None, [], RowError(ctx.file, line, "status", "skipped", note)
    doc_type = normalise_header(raw.get("kind", ""))
    if doc_type in preset.skip_types:
        note = f"{raw['kind'].strip()!r} rows are not invoices; not imported."
        return None, None, [], RowError(ctx.file, line, "kind", "skipped", note)
    credit = doc_type in CREDIT_WORDS or doc_type in preset.credit_types
    if not credit and doc_type not in _INVOICE_TYPES:
        err(
            "kind",
            "invalid_kind",
            f"Unknown document type {raw['kind'].strip()!r}: expected an invoice or a credit note.",
        )

    def get(field: str, convert: Callable[..., Any], *args: Any) -> Any:
        try:
            return convert(raw.get(field), *args)
        except ValueProblem as exc:
            err(field, exc.code, exc.message)
            return None

    def required(field: str, value: object, label: str) -> None:
        if value is None and not any(e.field == field for e in errors):
            err(field, "missing_value", f"{label} is missing.")

    number = get("invoice_number", clean_identifier)
    required("invoice_number", number, "Invoice number")
    name_raw = raw.get("debtor_name") if "debtor_name" in ctx.columns else group
    try:
        debtor_name = clean_name(name_raw)
    except ValueProblem as exc:
        err("debtor_name", exc.code, exc.message)
        debtor_name = None
    required("debtor_name", debtor_name, "Debtor name")
    vat = get("debtor_vat_id", clean_vat)
    country = get("debtor_country", clean_country)
    email = get("debtor_email", clean_email)
    rep = get("sales_rep_email", clean_email)
    po_number = get("po_number", clean_identifier)
    formats = ctx.date_formats
    issue = get("issue_date", parse_date, formats)
    due = get("due_date", parse_date, formats)
    if issue and due and due < issue:
        err("due_date", "due_before_issue", f"Due date {due} is before the issue date {issue}.")
    currency_raw = raw.get("currency") if "currency" in ctx.columns else None
    if not (currency_raw or "").strip() and ctx.default_currency:
        currency_raw = ctx.default_currency
    currency = get("currency", lambda _v: clean_currency(currency_raw))
    amount = outstanding = None
    money = {"decimal_sep": preset.decimal_sep, "thousands_sep": preset.thousands_sep}
    if currency:
        amount = get("amount", _money, currency, credit, False, money)
        required("amount", amount, "Amount")
        if (raw.get("outstanding") or "").strip():
            outstanding = get("outstanding", _money, currency, credit, True, money)
        if amount and outstanding and outstanding.minor > amount.minor:
            err(
                "outstanding",
                "outstanding_above_amount",
                f"Outstanding {outstanding.amount} is more than the amount {amount.amount}.",
            )
    else:  # still say what is wrong with the amounts themselves
        for field in ("amount", "outstanding"):
            if (raw.get(field) or "").strip():
                get(field, _check_number, field == "outstanding", credit, money)
    dispute = None
    if any((raw.get(c) or "").strip() for c in DISPUTE_COLUMNS):
        dispute = parse_dispute(
            DisputeColumns(*(raw.get(c) for c in DISPUTE_COLUMNS)),
            issue_date=issue,
            currency=currency,
            amount=amount,
            outstanding=outstanding,
            date_formats=formats,
            money=(preset.decimal_sep, preset.thousands_sep),
            err=err,
        )
    if errors:
        return number, None, errors, None
    assert number and debtor_name and issue and due and currency and amount
    record = InvoiceRecord(
        number=number,
        kind="credit_note" if credit else "invoice",
        type_code="381" if credit else "380",
        issue_date=issue,
        due_date=due,
        currency=currency,
        amount=amount,
        outstanding=outstanding,
        po_number=po_number,
        debtor=PartyRecord(
            name=debtor_name,
            vat_id=vat,
            country=country,
            email=email,
        ),
        seller=None,
        sales_rep_email=rep,
        customization=None,
        syntax="CSV",
        source="csv",
        location=Location(ctx.file, line),
        dispute=dispute,
    )
    return number, record, [], None


def _money(
    raw: str | None, currency: str, credit: bool, allow_zero: bool, seps: dict[str, Any]
) -> Money:
    """Amount of an invoice (> 0) or outstanding (>= 0); credit notes may be written negative."""
    money = parse_money(raw or "", currency, allow_zero=allow_zero, allow_negative=credit, **seps)
    return Money(abs(money.minor), money.currency)


def _check_number(raw: str | None, allow_zero: bool, credit: bool, seps: dict[str, Any]) -> None:
    """Amount checks that need no currency (syntax, sign, zero)."""
    value = parse_decimal(raw or "", **seps)
    if value < 0 and not credit:
        raise ValueProblem("negative_amount", f"{(raw or '').strip()} is negative.")
    if value == 0 and not allow_zero:
        raise ValueProblem("zero_amount", "Amount is 0; it must be greater than zero.")
