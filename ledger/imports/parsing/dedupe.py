"""One record per invoice number within an upload (numbers compared after NFC cleaning)."""

from __future__ import annotations

from dataclasses import replace

from .records import InvoiceRecord, RowError


def deduplicate(
    records: list[InvoiceRecord], *, merge_equal: bool = False
) -> tuple[list[InvoiceRecord], list[RowError]]:
    """Drop every record whose number repeats, with an error naming the earlier place.

    `merge_equal` (line-item exports): a repeat that agrees on every invoice field is just
    another line of the same invoice and is folded in silently.
    """
    first: dict[str, InvoiceRecord] = {}
    errors: list[RowError] = []
    clashing: set[str] = set()
    for rec in records:
        seen = first.get(rec.number)
        if seen is None:
            first[rec.number] = rec
            continue
        if merge_equal and replace(rec, location=seen.location) == seen:
            continue
        clashing.add(rec.number)
        where = (
            f"row {seen.location.row}"
            if seen.location.file == rec.location.file
            else str(seen.location)
        )
        detail = " with different invoice details" if merge_equal else ""
        errors.append(
            RowError(
                rec.location.file,
                rec.location.row,
                "invoice_number",
                "duplicate_number",
                f"Invoice number {rec.number!r} already appears in {where}{detail}; "
                "each invoice may appear once per import.",
            )
        )
    return [r for r in first.values() if r.number not in clashing], errors
