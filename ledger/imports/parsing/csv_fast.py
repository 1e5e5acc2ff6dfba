"""The happy path of a CSV data row, for 100k-row files: plain ASCII cells, valid values.

`FastRows(...)(line, cells, group)` returns the InvoiceRecord the full row parser
(`csv_rows._parse_row`) would build, or None whenever anything is unusual: non-ASCII or
control characters, a value that would be refused, a skipped status or type, dispute
columns, a row longer or shorter than the header. The caller then runs the full parser,
so every error is still found and worded in one place. Nothing is validated less: each
check below is the full parser's rule specialised to printable ASCII text.
"""

from __future__ import annotations

from datetime import date

from core.money import Money, MoneyError, exponent

from .presets import CREDIT_WORDS, DISPUTE_COLUMNS, Preset, normalise_header
from .records import InvoiceRecord, Location, PartyRecord, builder
from .values import _EMAIL, MAX_LENGTH, ValueProblem, clean_currency, parse_date

#: integer digits that cannot reach `amount_too_large`, even with 4 minor digits
_MAX_INT_DIGITS = 14
_MAX_EXPONENT = 4
_ID_MAX = MAX_LENGTH["identifier"]
_NAME_MAX = MAX_LENGTH["name"]
_AMOUNT_MAX = MAX_LENGTH["amount"]
#: distinct dates / currencies / kinds / debtors remembered per file
_CACHE_MAX = 50_000
#: positional constructors without the frozen-dataclass __init__ (see records.builder)
_invoice, _location = builder(InvoiceRecord), builder(Location)
#: Money without its __post_init__: the currency passed exponent() in _currency and the
#: amount is a non-negative int of at most 18 digits, so every check there would pass
_money = builder(Money)


class _Slow(Exception):
    """Not the happy path: let the full row parser decide (and word any error)."""


class FastRows:
    """Row-to-record for one file: column indexes and caches resolved once, not per row."""

    def __init__(
        self,
        file: str,
        preset: Preset,
        columns: dict[str, int],
        width: int,
        date_formats: tuple[str, ...],
        default_currency: str | None,
        invoice_types: frozenset[str],
    ) -> None:
        self.file, self.preset, self.width = file, preset, width
        self.formats, self.default_currency = date_formats, default_currency
        self.invoice_types = invoice_types
        col = columns.get
        self.i_number, self.i_name = columns["invoice_number"], col("debtor_name")
        self.i_issue, self.i_due = columns["issue_date"], columns["due_date"]
        self.i_amount, self.i_outstanding = columns["amount"], col("outstanding")
        self.i_currency, self.i_kind, self.i_status = col("currency"), col("kind"), col("status")
        self.i_vat, self.i_country = col("debtor_vat_id"), col("debtor_country")
        self.i_email, self.i_rep, self.i_po = (
            col("debtor_email"), col("sales_rep_email"), col("po_number"),
        )  # fmt: skip
        self.i_party = (self.i_vat, self.i_country, self.i_email)
        self.i_disputes = tuple(columns[c] for c in DISPUTE_COLUMNS if c in columns)
        self.dates: dict[str, date] = {}
        self.currencies: dict[str | None, tuple[str, int]] = {}
        self.kinds: dict[tuple[str, str], bool | None] = {}
        #: raw (name, vat, country, email) cells -> the debtor, None if not the happy path
        self.parties: dict[tuple[str, ...], PartyRecord | None] = {}
        sep, thousands = preset.decimal_sep, preset.thousands_sep
        self.sep = sep if sep and sep != thousands else None

    def __call__(self, line: int, cells: list[str], group: str | None) -> InvoiceRecord | None:
        """The row's record, or None: run the full parser on it."""
        if len(cells) != self.width:
            return None
        joined = "".join(cells)
        if not (joined.isascii() and joined.isprintable()):
            return None  # NFC, invisible or control characters: the full parser cleans them
        try:
            return self._record(line, cells, group)
        except _Slow:
            return None

    def _record(self, line: int, cells: list[str], group: str | None) -> InvoiceRecord:
        for i in self.i_disputes:
            if cells[i].strip():
                raise _Slow
        credit = self._credit(cells)
        number = cells[self.i_number].strip()
        if not number or len(number) > _ID_MAX:
            raise _Slow
        if self.i_name is not None:
            name_raw = cells[self.i_name]
        elif group is not None and group.isascii() and group.isprintable():
            name_raw = group
        else:
            raise _Slow
        debtor = self._party(cells, name_raw)
        issue, due = self._date(cells[self.i_issue]), self._date(cells[self.i_due])
        if due < issue:
            raise _Slow
        code, digits = self._currency(cells)
        amount = self._minor(cells[self.i_amount], digits, credit, allow_zero=False)
        total = _money(amount, code)
        owed = None
        if self.i_outstanding is not None and cells[self.i_outstanding].strip():
            outstanding = self._minor(cells[self.i_outstanding], digits, credit, allow_zero=True)
            if outstanding > amount:
                raise _Slow
            owed = total if outstanding == amount else _money(outstanding, code)
        # the fields of InvoiceRecord in order (number, kind, type_code, issue_date, due_date,
        # currency, amount, outstanding, po_number, debtor, seller, sales_rep_email,
        # customization, syntax, source, location, dispute)
        return _invoice(
            number, "credit_note" if credit else "invoice", "381" if credit else "380",
            issue, due, code, total, owed, _ident(cells, self.i_po), debtor, None,
            _email(cells, self.i_rep), None, "CSV", "csv", _location(self.file, line), None,
        )  # fmt: skip

    def _party(self, cells: list[str], name_raw: str) -> PartyRecord:
        """The debtor of the row, built once per distinct set of debtor cells."""
        raw = (name_raw, *(cells[i] if i is not None else "" for i in self.i_party))
        if raw in self.parties:
            found = self.parties[raw]
        else:
            try:
                found = self._new_party(cells, name_raw)
            except _Slow:
                found = None
            if len(self.parties) < _CACHE_MAX:
                self.parties[raw] = found
        if found is None:
            raise _Slow
        return found

    def _new_party(self, cells: list[str], name_raw: str) -> PartyRecord:
        name = " ".join(name_raw.split())  # the \s+ collapse of clean_name, for ASCII
        if not name or len(name) > _NAME_MAX:
            raise _Slow
        country = _ident(cells, self.i_country)
        if country is not None:
            if len(country) != 2 or not country.isalpha():
                raise _Slow
            country = country.upper()
        vat = _ident(cells, self.i_vat)
        if vat is not None:
            vat = vat.replace(" ", "").replace(".", "").replace("-", "").upper() or None
        return PartyRecord(
            name=name, vat_id=vat, country=country, email=_email(cells, self.i_email)
        )

    def _credit(self, cells: list[str]) -> bool:
        """True for a credit note, False for an invoice; skipped or unknown types are slow."""
        status_raw = cells[self.i_status] if self.i_status is not None else ""
        kind_raw = cells[self.i_kind] if self.i_kind is not None else ""
        cache_key = (status_raw, kind_raw)
        if cache_key in self.kinds:
            credit = self.kinds[cache_key]
        else:
            preset = self.preset
            status, doc_type = normalise_header(status_raw), normalise_header(kind_raw)
            credit = doc_type in CREDIT_WORDS or doc_type in preset.credit_types
            if (
                (status and status in preset.skip_statuses)
                or doc_type in preset.skip_types
                or (not credit and doc_type not in self.invoice_types)
            ):
                credit = None
            if len(self.kinds) < _CACHE_MAX:
                self.kinds[cache_key] = credit
        if credit is None:
            raise _Slow
        return credit

    def _date(self, raw: str) -> date:
        found = self.dates.get(raw)
        if found is None:
            try:
                found = parse_date(raw, self.formats)
            except ValueProblem:
                raise _Slow from None
            if len(self.dates) < _CACHE_MAX:
                self.dates[raw] = found
        return found

    def _currency(self, cells: list[str]) -> tuple[str, int]:
        raw = cells[self.i_currency] if self.i_currency is not None else None
        if not (raw or "").strip() and self.default_currency:
            raw = self.default_currency
        found = self.currencies.get(raw)
        if found is None:
            try:
                code = clean_currency(raw)
                found = (code, exponent(code))
            except (ValueProblem, MoneyError):
                raise _Slow from None
            if len(self.currencies) < _CACHE_MAX:
                self.currencies[raw] = found
        return found

    def _minor(self, raw: str, digits: int, credit: bool, *, allow_zero: bool) -> int:
        """`_money(...).minor` of csv_rows for a plain decimal that it would accept."""
        text = raw.strip()
        if self.sep is None or len(text) > _AMOUNT_MAX or digits > _MAX_EXPONENT:
            raise _Slow
        # [+-]? digits{1,14} (sep digits*)? ; isdigit() is [0-9] here: the row is ASCII
        sign = text[:1]
        if sign == "+" or sign == "-":
            text = text[1:]
        whole, _sep, frac = text.partition(self.sep)
        if not (whole.isdigit() and len(whole) <= _MAX_INT_DIGITS):
            raise _Slow
        if (frac and not frac.isdigit()) or len(frac) > digits or (sign == "-" and not credit):
            raise _Slow
        minor = int(whole + frac) * 10 ** (digits - len(frac))
        if minor == 0 and not allow_zero:
            raise _Slow
        return minor


def _ident(cells: list[str], idx: int | None) -> str | None:
    """clean_identifier for printable ASCII (nothing to normalise or drop)."""
    if idx is None:
        return None
    value = cells[idx].strip()
    if len(value) > _ID_MAX:
        raise _Slow
    return value or None


def _email(cells: list[str], idx: int | None) -> str | None:
    """clean_email for printable ASCII."""
    value = _ident(cells, idx)
    if value is None:
        return None
    value = value.removeprefix("mailto:")
    if not _EMAIL.match(value):
        raise _Slow
    return value
