"""Reading CSV bytes: encoding, delimiter, physical row numbers, header and column mapping."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator

from .presets import CANONICAL, DISPUTE_COLUMNS, EXTRA, Preset, normalise_header

_DELIMITERS = (",", ";", "\t", "|")


class CsvFileProblem(Exception):
    """The file as a whole cannot be read; `error` is (code, message, row)."""

    def __init__(self, code: str, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.error = (code, message, row)


def decode(data: bytes) -> str:
    """UTF-8 (BOM optional) or BOM-marked UTF-16 text; CsvFileProblem otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CsvFileProblem("invalid_encoding", "The file is not valid UTF-16.") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise CsvFileProblem(
            "nul_byte", "The file contains a NUL byte: it is binary, not a CSV text file.", line
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileProblem(
            "invalid_encoding",
            f"The file is not UTF-8 (bad byte at line {line}): save it as 'CSV UTF-8'.",
            line,
        ) from None


def sniff_delimiter(text: str) -> str:
    """The most frequent of , ; TAB | outside quotes in the first lines (',' if none)."""
    sample = [re.sub(r'"[^"]*"', "", line) for line in text.splitlines()[:20] if line.strip()]
    counts = {d: sum(line.count(d) for line in sample) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def iter_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) for every record, blank lines included as []."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvFileProblem(
                "malformed_csv", f"Line {reader.line_num}: {exc}", reader.line_num
            ) from None
        yield start, cells
        start = reader.line_num + 1


def map_columns(header: list[str], preset: Preset) -> dict[str, int]:
    """field -> column index, first alias wins, a column serves one field only."""
    names = [normalise_header(h) for h in header]
    taken: set[int] = set()
    mapping: dict[str, int] = {}
    aliases = preset.aliases()
    for name in (*CANONICAL, *DISPUTE_COLUMNS, *EXTRA):
        for alias in aliases.get(name, ()):
            idx = next((i for i, n in enumerate(names) if n == alias and i not in taken), None)
            if idx is not None:
                mapping[name] = idx
                taken.add(idx)
                break
    return mapping


def find_header(rows: Iterator[tuple[int, list[str]]], preset: Preset) -> tuple[int, list[str]]:
    """The header row: line 1, or for report layouts the first row naming an invoice number."""
    scanned = 0
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if not preset.report_layout:
            return line, cells
        if "invoice_number" in map_columns(cells, preset):
            return line, cells
        scanned += 1
        if scanned >= 15:
            break
    raise CsvFileProblem("empty_file", "The file has no header row with an invoice number column.")
