"""Reading EN 16931 business terms out of a parsed XML tree, collecting every problem."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from core.money import Money

from .records import Kind, PartyRecord, RowError
from .values import (
    ValueProblem,
    clean_country,
    clean_currency,
    clean_email,
    clean_identifier,
    clean_name,
    clean_vat,
    parse_date,
    to_money,
)

#: UNTDID 1001 document types that are credit notes (EN 16931 / PEPPOL code lists)
CREDIT_NOTE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)
#: xs:decimal lexical form (no exponent, no NaN/INF)
_XS_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def kind_for(type_code: str, *, credit_note_root: bool = False) -> Kind:
    """'credit_note' for a UBL CreditNote or a credit-note type code, else 'invoice'."""
    return "credit_note" if credit_note_root or type_code in CREDIT_NOTE_CODES else "invoice"


class DocReader:
    """XPath helpers bound to one document; problems become RowErrors in `self.errors`."""

    def __init__(self, file: str, root: etree._Element, namespaces: dict[str, str]) -> None:
        self.file = file
        self.root = root
        self.ns = namespaces
        self.errors: list[RowError] = []

    # -- raw access ----------------------------------------------------------------------------
    def node(self, ctx: Any, path: str) -> etree._Element | None:
        """First element at `path` below `ctx` (None when ctx is None or nothing matches)."""
        if ctx is None:
            return None
        found = ctx.xpath(path, namespaces=self.ns)
        return found[0] if found else None

    def text(self, ctx: Any, *paths: str) -> str | None:
        """Stripped text of the first non-empty match among `paths`."""
        for path in paths:
            el = self.node(ctx, path)
            if el is not None and el.text and el.text.strip():
                return el.text.strip()
        return None

    def line(self, ctx: Any, path: str | None = None) -> int | None:
        """Source line of the element at path (or of ctx, or of the root)."""
        el = self.node(ctx, path) if path else ctx
        return getattr(el if el is not None else self.root, "sourceline", None)

    def error(self, field: str | None, code: str, message: str, line: int | None = None) -> None:
        """Record a problem with this document."""
        self.errors.append(RowError(self.file, line or self.root.sourceline, field, code, message))

    # -- typed values --------------------------------------------------------------------------
    def required(self, ctx: Any, path: str, field: str, label: str) -> str | None:
        """Cleaned identifier at path; an error when missing."""
        raw = self.text(ctx, path)
        if raw is None:
            self.error(field, "missing_value", f"{label} is missing.", self.line(ctx))
            return None
        return self.identifier(raw, field, self.line(ctx, path))

    def identifier(self, raw: str | None, field: str, line: int | None = None) -> str | None:
        """clean_identifier with the problem recorded."""
        try:
            return clean_identifier(raw)
        except ValueProblem as exc:
            self.error(field, exc.code, exc.message, line)
            return None

    def date(self, ctx: Any, path: str, field: str, label: str, *, cii: bool) -> date | None:
        """An xs:date (UBL) or a format-102 DateTimeString (CII); None when absent."""
        el = self.node(ctx, path)
        if el is None or not (el.text or "").strip():
            return None
        raw = el.text.strip()
        fmt = el.get("format") if cii else None
        if cii and fmt not in (None, "102"):
            self.error(
                field,
                "invalid_date",
                f"{label}: date format {fmt} is not supported (EN 16931 uses 102, YYYYMMDD).",
                el.sourceline,
            )
            return None
        if not cii:  # xs:date may carry a time zone: 2016-04-04Z, 2016-04-04+02:00
            raw = re.sub(r"(Z|[+-]\d{2}:\d{2})$", "", raw)
        try:
            return parse_date(raw, ("YYYYMMDD",) if cii else ("YYYY-MM-DD",))
        except ValueProblem as exc:
            self.error(field, exc.code, f"{label}: {exc.message}", el.sourceline)
            return None

    def currency(self, raw: str | None, field: str, label: str) -> str | None:
        """BT-5 as a bookable ISO 4217 code."""
        try:
            return clean_currency(raw)
        except ValueProblem as exc:
            self.error(field, exc.code, f"{label}: {exc.message}")
            return None

    def amount(self, ctx: Any, path: str, field: str, label: str, currency: str) -> Money | None:
        """An exact amount in minor units; error when missing, not a number or inexact."""
        el = self.node(ctx, path)
        raw = (el.text or "").strip() if el is not None else ""
        if not raw:
            self.error(field, "missing_value", f"{label} is missing.", self.line(ctx))
            return None
        attr_currency = el.get("currencyID")
        if attr_currency and attr_currency.strip().upper() != currency:
            self.error(
                field,
                "currency_mismatch",
                f"{label} is in {attr_currency}, the invoice currency is {currency}.",
                el.sourceline,
            )
            return None
        if not _XS_DECIMAL.match(raw):
            self.error(
                field,
                "invalid_amount",
                f"{label} {raw!r} is not a finite decimal number.",
                el.sourceline,
            )
            return None
        try:
            return to_money(Decimal(raw), currency, text=raw)
        except (ValueProblem, InvalidOperation) as exc:
            code = getattr(exc, "code", "invalid_amount")
            self.error(field, code, f"{label}: {getattr(exc, 'message', exc)}", el.sourceline)
            return None

    def seller_and_buyer(
        self, seller_ctx: Any, buyer_ctx: Any, paths: dict[str, Any]
    ) -> tuple[PartyRecord | None, PartyRecord | None]:
        """The seller (optional) and the buyer (required: our debtor), read with `paths`."""
        seller = self.party(seller_ctx, "seller", **paths, label="Seller", required=False)
        buyer = self.party(buyer_ctx, "debtor", **paths, label="Buyer", required=True)
        return seller, buyer

    def party(
        self,
        ctx: Any,
        prefix: str,
        *,
        name: tuple[str, ...],
        vat: tuple[str, ...],
        country: str,
        email: tuple[str, ...],
        legal_id: str,
        label: str,
        required: bool,
    ) -> PartyRecord | None:
        """A PartyRecord from the given XPaths; errors are named `<prefix>_<field>`."""
        line = self.line(ctx)
        if ctx is None:
            if required:
                self.error(f"{prefix}_name", "missing_value", f"{label} is missing.", line)
            return None
        try:
            party_name = clean_name(self.text(ctx, *name))
        except ValueProblem as exc:
            self.error(f"{prefix}_name", exc.code, f"{label} name: {exc.message}", line)
            return None
        if party_name is None:
            if required:
                self.error(f"{prefix}_name", "missing_value", f"{label} name is missing.", line)
            return None
        values: dict[str, str | None] = {}
        for field, getter in (
            ("vat_id", lambda: clean_vat(self.text(ctx, *vat))),
            ("country", lambda: clean_country(self.text(ctx, country))),
            ("email", lambda: clean_email(self.text(ctx, *email))),
            ("legal_id", lambda: clean_identifier(self.text(ctx, legal_id))),
        ):
            try:
                values[field] = getter()
            except ValueProblem as exc:
                if required:  # the debtor's details matter; a seller's are informative only
                    self.error(f"{prefix}_{field}", exc.code, f"{label}: {exc.message}", line)
                values[field] = None
        return PartyRecord(name=party_name, **values)
