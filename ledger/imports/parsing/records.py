"""Typed results of parsing an import file: records, row errors and limits. No I/O here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal, TypeVar

from core.money import Money

Kind = Literal["invoice", "credit_note"]
Syntax = Literal["UBL-Invoice", "UBL-CreditNote", "CII", "CSV", "JSON"]
Source = Literal["csv", "ubl", "cii", "facturx", "xero_json"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one upload from exhausting the worker."""

    #: members a zip may hold (directories included)
    max_members: int = 1_000
    #: total uncompressed bytes of a zip, from its headers and again while inflating
    max_uncompressed: int = 100 * 1024 * 1024
    #: data rows a CSV may hold
    max_rows: int = 200_000
    #: bytes of a single XML document (the 10k-line invoice is ~1 MB)
    max_xml_bytes: int = 50 * 1024 * 1024


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record came from: the file (or zip member) and its CSV row or XML line."""

    file: str
    #: CSV: physical line, the header being 1; XML: line of the root element; else None
    row: int | None = None

    def __str__(self) -> str:
        return self.file if self.row is None else f"{self.file}:{self.row}"


@dataclass(frozen=True, slots=True)
class PartyRecord:
    """A buyer (debtor) or seller as written in the file, cleaned but not matched."""

    name: str
    vat_id: str | None = None
    #: ISO 3166-1 alpha-2, upper case
    country: str | None = None
    email: str | None = None
    #: company register number (EN 16931 BT-30/BT-47), not the VAT id
    legal_id: str | None = None


@dataclass(frozen=True, slots=True)
class DisputeHistory:
    """A past or running dispute carried by a CSV row (the dispute_* columns)."""

    #: "<team>.<code>" as in SPEC §3, e.g. "delivery.damaged"
    reason: str
    opened_on: date
    resolved_on: date | None = None
    #: credit_note / corrected_invoice / rejected / withdrawn; None while unresolved
    outcome: str | None = None
    #: disputed amount; None means the whole outstanding amount
    amount: Money | None = None


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    """One invoice or credit note ready to be upserted by (creditor, number)."""

    #: BT-1, NFC-normalised, invisible characters removed: the upsert key
    number: str
    kind: Kind
    #: UNTDID 1001 code (BT-3): "380" invoice, "381" credit note, ...; CSV rows get "380"/"381"
    type_code: str
    issue_date: date
    due_date: date | None
    currency: str
    #: e-invoices: BT-115 payable amount; CSV: the `amount` column. Always > 0
    amount: Money
    #: CSV only: what is still owed (0 <= outstanding <= amount); None when the file has none
    outstanding: Money | None
    po_number: str | None
    debtor: PartyRecord
    seller: PartyRecord | None
    sales_rep_email: str | None
    #: BT-24 specification identifier (e-invoices only)
    customization: str | None
    syntax: Syntax
    source: Source
    location: Location
    dispute: DisputeHistory | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason a file, row or field cannot be imported; `row` is None for whole-file errors."""

    file: str
    row: int | None
    #: canonical field name (e.g. "due_date"), or None when the whole row/file is at fault
    field: str | None
    #: stable machine code, e.g. "invalid_date", "xml_forbidden_dtd"
    code: str
    message: str

    def to_dict(self) -> dict[str, object]:
        """The API's error row: {file, row, field, code, message}."""
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything read from one upload: good records, every error, and rows left out on purpose."""

    records: tuple[InvoiceRecord, ...] = ()
    errors: tuple[RowError, ...] = ()
    #: files looked at (1 for a single file, the members parsed for a zip)
    file_count: int = 1
    #: rows deliberately not imported (drafts, voided, payments in a report), code "skipped"
    skipped: tuple[RowError, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when nothing is in error (the import may go ahead as a whole)."""
        return not self.errors


def failure(file: str, code: str, message: str, *, row: int | None = None) -> ParseResult:
    """A result holding a single whole-file (or whole-document) error."""
    return ParseResult(errors=(RowError(file, row, None, code, message),))


def builder(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a frozen, slotted dataclass without checks of its own.

    Equal to `cls(*values)` (every field, in order) at about half the cost: the generated
    `__init__` of a frozen dataclass calls object.__setattr__ per field; this calls each
    slot's setter directly. Only for classes whose `__init__` adds nothing (no
    `__post_init__`), or callers that have already done what `__post_init__` checks.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope |= {f"set_{n}": getattr(cls, n).__set__ for n in names}
    body = "".join(f"    set_{n}(obj, {n})\n" for n in names)
    source = f"def build({', '.join(names)}):\n    obj = new(cls)\n{body}    return obj\n"
    exec(source, scope)  # noqa: S102 - the class's own field names, as dataclasses does
    return scope["build"]
