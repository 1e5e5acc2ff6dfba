"""The demo ledger's history as plain rows: debtors, invoices, payments, credits, promises."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.money import exponent
from ledger.demo.debtors import (
    HISTORY_DAYS,
    PROFILES,
    Debtor,
    Row,
    at,
    limits_and_holds,
    make_debtors,
)
from ledger.models import PromiseStatus, Source

SOURCES = (Source.CSV,) * 7 + (Source.UBL,) * 2 + (Source.MANUAL,)
CREDIT_REASONS = ("Damaged goods", "Short delivery", "Price correction", "Returned items")
RECENT = timedelta(days=182)


@dataclass
class Ledger:
    """Rows to insert; `debtor` is an index into `debtors`, `invoice` an invoice number."""

    debtors: list[Debtor] = field(default_factory=list)
    invoices: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    credit_notes: list[Row] = field(default_factory=list)
    #: each with `invoice` and either `payment` (a reference) or `credit_note` (a number)
    allocations: list[Row] = field(default_factory=list)
    promises: list[Row] = field(default_factory=list)


def _issue_day(rng: random.Random, today: date) -> date:
    """A weekday in the last 24 months, slightly more often recent (a growing business)."""
    if rng.random() < 0.2:
        back = int(rng.triangular(0, HISTORY_DAYS, 0))
    else:
        back = rng.randrange(HISTORY_DAYS)
    day = today - timedelta(days=back)
    if day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)
    return day


def _bank_day(day: date, run_day: int | None, issue: date) -> date:
    """Money arrives on a weekday, on the nearest payment run if the debtor has one."""
    if run_day is not None:
        day += timedelta(days=(run_day - day.weekday() + 3) % 7 - 3)
    day = max(day, issue + timedelta(days=1))
    if day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday())
    return day


def build(
    rng: random.Random,
    *,
    org_id: int,
    prefix: str,
    currency: str,
    second_currency: str,
    debtors: int,
    invoices: int,
    today: date,
    sales_rep_id: int | None,
    credit_user_id: int | None,
) -> Ledger:
    """The whole ledger of one creditor, deterministic for a given `rng` state and `today`."""
    pair = (currency, second_currency)
    ledger = Ledger(debtors=make_debtors(rng, debtors, org_id, pair, sales_rep_id))
    base = 3 if invoices >= 3 * debtors else 0
    counts = Counter({i: base for i in range(debtors)})
    weights = [rng.lognormvariate(0, 1.0) for _ in range(debtors)]
    counts.update(rng.choices(range(debtors), weights=weights, k=invoices - base * debtors))
    drafts = sorted((_issue_day(rng, today), i) for i in range(debtors) for _ in range(counts[i]))
    per_year: Counter[int] = Counter()
    groups: dict[tuple[int, date], list[tuple[str, int]]] = {}
    for issue, i in drafts:
        per_year[issue.year] += 1
        number = f"{prefix}-{issue.year}-{per_year[issue.year]:05d}"
        _invoice(rng, ledger, ledger.debtors[i], i, number, issue, today, groups, credit_user_id)
    _payments(rng, ledger, prefix, groups)
    limits_and_holds(rng, ledger.debtors, ledger.invoices, counts, today)
    return ledger


def _invoice(
    rng: random.Random,
    ledger: Ledger,
    debtor: Debtor,
    index: int,
    number: str,
    issue: date,
    today: date,
    groups: dict[tuple[int, date], list[tuple[str, int]]],
    credit_user_id: int | None,
) -> None:
    """One invoice and what happened to it up to `today`."""
    cur = debtor.row["currency"]
    cents = max(2000, round(debtor.scale * rng.lognormvariate(0, 0.6) * 100))
    amount = cents * 10 ** exponent(cur) // 100
    due = issue + timedelta(days=debtor.row["payment_terms_days"])
    mean, spread, stuck = PROFILES[debtor.profile]
    late = round(rng.gauss(mean, spread)) + (debtor.drift if due >= today - RECENT else 0)
    pay_on = _bank_day(due + timedelta(days=late), debtor.run_day, issue)
    never = rng.random() < stuck
    events: list[tuple[date, str, int]] = []
    remaining = amount
    if rng.random() < 0.012:
        credit_on = min(issue + timedelta(days=rng.randint(2, 20)), pay_on)
        if credit_on <= today:
            credit = (
                amount if rng.random() < 0.2 else max(1, round(amount * rng.uniform(0.05, 0.3)))
            )
            events.append((credit_on, "credit", credit))
            remaining -= credit
    if remaining and rng.random() < 0.06:
        first_on = _bank_day(pay_on - timedelta(days=rng.randint(10, 45)), None, issue)
        if first_on < pay_on and first_on <= today:
            first = max(1, round(remaining * rng.uniform(0.3, 0.7)))
            events.append((first_on, "pay", first))
            remaining -= first
    if remaining and not never and pay_on <= today:
        events.append((pay_on, "pay", remaining))
        remaining = 0
    row = {
        "org_id": debtor.row["org_id"],
        "number": number,
        "debtor": index,
        "issue_date": issue,
        "due_date": due,
        "currency": cur,
        "amount_minor": amount,
        "outstanding_minor": remaining,
        "disputed_minor": 0,
        "sales_rep_id": debtor.row["sales_rep_id"],
        "po_number": f"PO-{rng.randrange(10000, 99999)}" if rng.random() < 0.4 else None,
        "source": rng.choice(SOURCES),
        "paid_on": max(d for d, _k, _a in events) if remaining == 0 else None,
        "written_off_on": None,
        "version": 1,
        "created_at": at(issue),
        "updated_at": at(min(today, max([issue, *(d for d, _k, _a in events)]))),
    }
    if remaining and never and due < today - timedelta(days=400) and rng.random() < 0.6:
        row["written_off_on"] = min(today, due + timedelta(days=rng.randint(240, 360)))
    ledger.invoices.append(row)
    for on, kind, part in events:
        if kind == "pay":
            groups.setdefault((index, on), []).append((number, part))
            continue
        cn = f"{number}-CN"
        ledger.credit_notes.append(
            {
                "org_id": row["org_id"],
                "invoice": number,
                "debtor": index,
                "number": cn,
                "currency": cur,
                "amount_minor": part,
                "unapplied_minor": 0,
                "issued_on": on,
                "reason": rng.choice(CREDIT_REASONS),
                "recorded_by_id": credit_user_id,
            }
        )
        ledger.allocations.append(
            {"org_id": row["org_id"], "invoice": number, "credit_note": cn, "amount_minor": part}
            | {"applied_on": on}
        )
    _promise(rng, ledger, row, late, today, credit_user_id)


def _promise(
    rng: random.Random, ledger: Ledger, inv: Row, late: int, today: date, user_id: int | None
) -> None:
    """Open promises on some overdue invoices, kept and broken ones in the history."""
    due, owed = inv["due_date"], inv["outstanding_minor"]
    status, on = None, None
    if owed and inv["written_off_on"] is None and due < today and rng.random() < 0.06:
        status, on = PromiseStatus.OPEN, today + timedelta(days=rng.randint(2, 21))
    elif owed and due < today - timedelta(days=45) and rng.random() < 0.03:
        status, on = PromiseStatus.BROKEN, due + timedelta(days=rng.randint(15, 40))
    elif not owed and inv["paid_on"] and late > 20 and rng.random() < 0.02:
        status, on = PromiseStatus.KEPT, inv["paid_on"]
    if status is None or on is None:
        return
    made = min(today, on - timedelta(days=rng.randint(3, 10)))
    ledger.promises.append(
        {
            "org_id": inv["org_id"],
            "invoice": inv["number"],
            "currency": inv["currency"],
            "amount_minor": owed or inv["amount_minor"],
            "promised_on": on,
            "status": status,
            "created_by_id": user_id,
            "created_at": at(max(made, inv["due_date"])),
        }
    )


def _payments(
    rng: random.Random,
    ledger: Ledger,
    prefix: str,
    groups: dict[tuple[int, date], list[tuple[str, int]]],
) -> None:
    """One bank transfer per debtor and day, covering that day's invoices; a few overpay."""
    for n, ((index, on), parts) in enumerate(sorted(groups.items()), start=1):
        reference = f"{prefix}-RCPT-{n:06d}"
        paid = sum(part for _number, part in parts)
        extra = max(100, round(paid * rng.uniform(0.005, 0.05))) if rng.random() < 0.003 else 0
        debtor = ledger.debtors[index]
        ledger.payments.append(
            {
                "org_id": debtor.row["org_id"],
                "debtor": index,
                "currency": debtor.row["currency"],
                "amount_minor": paid + extra,
                "unapplied_minor": extra,
                "received_on": on,
                "reference": reference,
                "created_at": at(on),
            }
        )
        for number, part in parts:
            ledger.allocations.append(
                {"org_id": debtor.row["org_id"], "invoice": number, "payment": reference}
                | {"amount_minor": part, "applied_on": on}
            )
