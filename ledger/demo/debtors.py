"""Demo debtors: names, terms, payer profiles and drift; credit limits and holds at the end."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core.money import exponent
from core.text import key
from ledger.demo import names
from ledger.models import DebtorType

Row = dict[str, Any]
HISTORY_DAYS = 730
#: payer profile → (mean days beyond terms, spread, share of invoices never paid)
PROFILES: dict[str, tuple[float, float, float]] = {
    "A": (-1.0, 3.0, 0.0),
    "B": (9.0, 4.0, 0.003),
    "C": (21.0, 6.0, 0.01),
    "D": (42.0, 10.0, 0.04),
    "E": (85.0, 25.0, 0.15),
}
PROFILE_SHARES = (("A", 0.45), ("B", 0.25), ("C", 0.15), ("D", 0.10), ("E", 0.05))
#: the creditor's home market by its currency: most customers are local
HOME = {"EUR": "DE", "GBP": "GB", "CHF": "CH"}
TERMS = (14, 30, 30, 30, 45, 60)


@dataclass
class Debtor:
    """A debtor row plus the hidden traits that drive its payment history."""

    row: Row
    profile: str
    #: extra days late on invoices due in the last 6 months (+ deteriorating, - improving)
    drift: int
    #: median invoice amount in major units
    scale: float
    #: weekday of the debtor's weekly payment run (None: pays invoice by invoice)
    run_day: int | None = None


def at(day: date) -> datetime:
    """9:00 UTC on `day` (timestamps of generated rows)."""
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _profiles(rng: random.Random, n: int) -> list[str]:
    """Every profile at least once (when n allows), the rest by share, shuffled."""
    counts = {grade: max(1, round(n * share)) for grade, share in PROFILE_SHARES}
    counts["A"] += n - sum(counts.values())
    out = [grade for grade, count in counts.items() for _ in range(max(count, 0))][:n]
    rng.shuffle(out)
    return out


def make_debtors(
    rng: random.Random, n: int, org_id: int, currencies: tuple[str, str], rep: int | None
) -> list[Debtor]:
    """`n` debtors with unique names; one in 20 is billed in the second currency."""
    seen: set[str] = set()
    out = []
    usd_every = 20  # one debtor in 20 is billed in the second currency
    for i, profile in enumerate(_profiles(rng, n)):
        while True:
            firm = names.company(rng, HOME.get(currencies[0]))
            sole = rng.random() < 0.08
            name = firm.name.rsplit(" ", 1)[0] if sole and " " in firm.name else firm.name
            if key(name) not in seen:
                seen.add(key(name))
                break
        drift = 0
        if profile in "ABC" and rng.random() < 0.12:
            drift = rng.randint(20, 45)
        elif profile in "CD" and rng.random() < 0.1:
            drift = -rng.randint(10, 20)
        row = {
            "org_id": org_id,
            "name": name,
            "name_key": key(name),
            "debtor_type": DebtorType.SOLE_TRADER if sole else DebtorType.COMPANY,
            "vat_id": names.vat_id(rng, firm.country),
            "country": firm.country,
            "sector": firm.sector,
            "emails": [f"accounts@{firm.domain}"]
            + ([f"finance@{firm.domain}"] if rng.random() < 0.3 else []),
            "phone": names.phone(rng, firm.country),
            "address": names.address(rng, firm.country, firm.city),
            "payment_terms_days": rng.choice(TERMS),
            "currency": currencies[i % usd_every == 3],
            "sales_rep_id": rep,
            "on_hold": False,
        }
        scale = rng.lognormvariate(math.log(1800), 0.9)
        run_day = rng.randrange(5) if rng.random() < 0.5 else None
        out.append(Debtor(row, profile, drift, scale, run_day))
    return out


def limits_and_holds(
    rng: random.Random,
    debtors: list[Debtor],
    invoices: list[Row],
    counts: Counter[int],
    today: date,
) -> None:
    """Credit limits from each debtor's volume; slow payers with old debt on credit hold."""
    long_overdue = {
        inv["debtor"]
        for inv in invoices
        if inv["outstanding_minor"] and inv["due_date"] < today - timedelta(days=60)
    }
    for i, debtor in enumerate(debtors):
        row = debtor.row
        monthly = counts[i] / 24 * debtor.scale * 1.2
        limit = math.ceil(monthly * rng.uniform(1.5, 3.0) / 5000) * 5000
        row["credit_limit_minor"] = (
            None if rng.random() < 0.1 else limit * 10 ** exponent(row["currency"])
        )
        row["on_hold"] = debtor.profile in "DE" and i in long_overdue
        row["created_at"] = row["updated_at"] = at(today - timedelta(days=HISTORY_DAYS + 30))
