"""Aging and DSO endpoints at 100,000 open invoices against the hand-written SQL (P3).

Run by hand, never in CI:

    .venv/bin/python bench/reports_bench.py [--invoices 100000] [--calls 50] [--keep]

Creates its own PostgreSQL database (dropped afterwards unless --keep), bulk-loads the
ledger with SQLAlchemy Core, then times each endpoint through the Flask test client and
the single SQL aggregate giving the same headline figure, and prints p50/p95 and ratios.
Target (issue 3): endpoint p95 <= 1.5 x SQL p95 + 10 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import importlib.metadata

import sqlalchemy as sa
from sqlalchemy import insert, text

ADMIN_URL = os.environ.get(
    "DUEBRIDGE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = "duebridge_bench_reports"

AGING_SQL = """
SELECT
  SUM(CASE WHEN i.due_date >= :d THEN o END) AS not_due,
  SUM(CASE WHEN i.due_date < :d AND i.due_date >= :d - 30 THEN o END) AS d1_30,
  SUM(CASE WHEN i.due_date < :d - 30 AND i.due_date >= :d - 60 THEN o END) AS d31_60,
  SUM(CASE WHEN i.due_date < :d - 60 AND i.due_date >= :d - 90 THEN o END) AS d61_90,
  SUM(CASE WHEN i.due_date < :d - 90 AND i.due_date >= :d - 120 THEN o END) AS d91_120,
  SUM(CASE WHEN i.due_date < :d - 120 THEN o END) AS d120_plus
FROM (SELECT i.due_date, i.outstanding_minor + COALESCE(a.later, 0) AS o
      FROM invoices i
      LEFT JOIN (SELECT invoice_id, SUM(amount_minor) AS later FROM allocations
                 WHERE org_id = :org AND applied_on > :d GROUP BY invoice_id) a
             ON a.invoice_id = i.id
      WHERE i.org_id = :org AND i.currency = 'EUR' AND i.issue_date <= :d
        AND i.cancelled_on IS NULL AND i.written_off_on IS NULL) i
WHERE o > 0
"""

DSO_SQL = """
SELECT SUM(i.outstanding_minor + COALESCE(a.later, 0))::float
       / NULLIF((SELECT SUM(amount_minor) FROM invoices WHERE org_id = :org AND currency = 'EUR'
                 AND issue_date > :d - 90 AND issue_date <= :d), 0) * 90 AS dso
FROM invoices i
LEFT JOIN (SELECT invoice_id, SUM(amount_minor) AS later FROM allocations
           WHERE org_id = :org AND applied_on > :d GROUP BY invoice_id) a ON a.invoice_id = i.id
WHERE i.org_id = :org AND i.currency = 'EUR' AND i.issue_date <= :d
  AND i.cancelled_on IS NULL AND i.written_off_on IS NULL
"""


def create_database() -> str:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"


def drop_database() -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
    admin.dispose()


def load(db: Any, org_id: int, invoices: int, today: date) -> None:
    """Debtors, open invoices (10 % USD), part payments on a fifth, promises on a tenth."""
    from ledger.models import Allocation, Debtor, Invoice, Payment, PromiseToPay

    rng = random.Random(42)
    debtor_rows = [
        {
            "org_id": org_id,
            "name": f"Debtor {n}",
            "name_key": f"debtor {n}",
            "debtor_type": "company",
            "country": "DE",
            "emails": [],
            "payment_terms_days": 30,
            "currency": "EUR",
            "on_hold": False,
        }
        for n in range(2000)
    ]
    debtor_ids = list(db.session.scalars(insert(Debtor).returning(Debtor.id), debtor_rows))
    rows = []
    for n in range(invoices):
        issue = today - timedelta(days=rng.randint(0, 400))
        amount = rng.randint(1_000, 5_000_000)
        rows.append(
            {
                "org_id": org_id,
                "number": f"B{n:07d}",
                "debtor_id": rng.choice(debtor_ids),
                "issue_date": issue,
                "due_date": issue + timedelta(days=30),
                "currency": "USD" if n % 10 == 0 else "EUR",
                "amount_minor": amount,
                "outstanding_minor": amount // 2 if n % 5 == 0 else amount,
                "disputed_minor": 0,
                "source": "manual",
                "version": 1,
            }
        )
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(Invoice), rows[start : start + 10_000])
    payment_id = db.session.scalar(
        insert(Payment).returning(Payment.id),
        {
            "org_id": org_id,
            "debtor_id": debtor_ids[0],
            "currency": "EUR",
            "amount_minor": 2_000_000_000,  # INTEGER column: an upper bound, not a sum
            "unapplied_minor": 0,
            "received_on": today,
        },
    )
    invoice_rows = db.session.execute(
        text("SELECT id, amount_minor, outstanding_minor, due_date, currency FROM invoices")
    ).all()
    allocations = [
        {
            "org_id": org_id,
            "invoice_id": i.id,
            "payment_id": payment_id,
            "amount_minor": i.amount_minor - i.outstanding_minor,
            "applied_on": min(today, i.due_date + timedelta(days=rng.randint(-10, 60))),
        }
        for i in invoice_rows
        if i.outstanding_minor < i.amount_minor
    ]
    promises = [
        {
            "org_id": org_id,
            "invoice_id": i.id,
            "currency": i.currency,
            "amount_minor": 100,
            "promised_on": today + timedelta(days=10),
            "status": "open",
        }
        for i in invoice_rows[::10]
    ]
    for start in range(0, len(allocations), 10_000):
        db.session.execute(insert(Allocation), allocations[start : start + 10_000])
    db.session.execute(insert(PromiseToPay), promises)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def timed(fn: Callable[[], Any], calls: int) -> list[float]:
    for _ in range(5):
        fn()  # warm caches and compiled statements
    out = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    from core.app import create_app
    from core.auth import services
    from core.extensions import db
    from ledger.clock import today

    url = create_database()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-" * 10,
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SERVER": None,
            "SESSION_COOKIE_SECURE": False,
            "CHEAP_PASSWORD_HASHING": True,
        }
    )
    try:
        with app.app_context():
            db.create_all()
            org = services.create_organization("Bench Creditor", "creditor")
            user = services.create_user(
                org,
                email="owner@bench.example",
                name="Owner",
                role="owner",
                password=os.urandom(16).hex(),
            )
            db.session.commit()
            org_id, user_key = org.id, user.get_id()
            started = time.perf_counter()
            load(db, org_id, args.invoices, today())
            print(f"loaded {args.invoices:,} invoices in {time.perf_counter() - started:.1f} s")
            pg_version = db.session.scalar(text("SHOW server_version"))
            db.session.remove()

            client = app.test_client()
            with client.session_transaction() as sess:
                sess["_user_id"], sess["_fresh"] = user_key, True
            now = today()

            def sql(statement: str) -> Callable[[], Any]:
                def run() -> Any:
                    with db.engine.connect() as conn:
                        return conn.execute(text(statement), {"org": org_id, "d": now}).all()

                return run

            def endpoint(path: str) -> Callable[[], Any]:
                def run() -> Any:
                    resp = client.get(path)
                    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
                    return resp

                return run

            print(f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.platform()}")
            print(
                f"python {platform.python_version()}, flask {importlib.metadata.version('flask')}, "
                f"sqlalchemy {sa.__version__}, postgresql {pg_version}"
            )
            print(
                f"{'':8} {'SQL p50':>9} {'SQL p95':>9} {'API p50':>9} {'API p95':>9} "
                f"{'ratio':>7} {'target':>9}  ok"
            )
            for name, path, statement in (
                ("aging", "/api/v1/reports/aging", AGING_SQL),
                ("dso", "/api/v1/reports/dso", DSO_SQL),
            ):
                base = timed(sql(statement), args.calls)
                api = timed(endpoint(path), args.calls)
                target = 1.5 * p(base, 95) + 10
                print(
                    f"{name:8} {p(base, 50):8.1f}ms {p(base, 95):8.1f}ms {p(api, 50):8.1f}ms "
                    f"{p(api, 95):8.1f}ms {p(api, 95) / p(base, 95):6.2f}x {target:8.1f}ms  "
                    f"{'yes' if p(api, 95) <= target else 'NO'}"
                )
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            drop_database()


if __name__ == "__main__":
    main()
