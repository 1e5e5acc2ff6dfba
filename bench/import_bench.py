"""P1 by hand (never in CI): a 100,000-row CSV import against PostgreSQL COPY of the same rows.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--profile]

Creates a database of its own (duebridge_bench_<pid>) on DUEBRIDGE_TEST_PG's server, drops it
afterwards, and prints rows/s for COPY and for the app's import (parse, validate, match, bulk
insert, one commit), their ratio, and the RSS growth of the import.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ADMIN = os.environ.get("DUEBRIDGE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEBTORS = 1_000
#: every column the import writes, so COPY moves the same data
COLUMNS = (
    "org_id, number, debtor_id, issue_date, due_date, currency, amount_minor, outstanding_minor, "
    "disputed_minor, source, version, created_at, updated_at"
)


def make_rows(n: int) -> list[tuple[str, int, date, date, int, int]]:
    """(number, debtor index, issue, due, amount, outstanding) for `n` invoices."""
    start = date(2025, 1, 1)
    rows = []
    for i in range(n):
        issue = start + timedelta(days=i % 365)
        amount = 10_000 + (i * 7919) % 900_000
        rows.append((f"INV-{i:07d}", i % DEBTORS, issue, issue + timedelta(days=30), amount,
                     amount if i % 3 else amount // 2))  # fmt: skip
    return rows


def to_csv(rows: list[tuple[str, int, date, date, int, int]]) -> bytes:
    out = io.StringIO()
    out.write("invoice_number,debtor_name,debtor_vat_id,debtor_country,issue_date,due_date,"
              "currency,amount,outstanding\n")  # fmt: skip
    for number, debtor, issue, due, amount, outstanding in rows:
        out.write(f"{number},Customer {debtor:04d} GmbH,DE{100000000 + debtor},DE,{issue},{due},"
                  f"EUR,{amount // 100}.{amount % 100:02d},"
                  f"{outstanding // 100}.{outstanding % 100:02d}\n")  # fmt: skip
    return out.getvalue().encode()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_copy(url: str, rows: list[tuple[str, int, date, date, int, int]]) -> float:
    """COPY the rows into an empty table shaped like `invoices` (indexes and checks too)."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE copy_target (LIKE invoices INCLUDING ALL)")
        conn.commit()
        now = datetime.now(UTC)
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY copy_target ({COLUMNS}) FROM STDIN") as copy:
            for number, debtor, issue, due, amount, outstanding in rows:
                copy.write_row((1, number, debtor + 1, issue, due, "EUR", amount, outstanding,
                                0, "csv", 1, now, now))  # fmt: skip
        conn.commit()
        return time.perf_counter() - started


def time_import(app, data: bytes, profile: bool) -> tuple[float, dict[str, int], float]:
    from core.auth import services as auth_services
    from core.extensions import db
    from ledger.imports.service import start_import

    with app.app_context():
        org = auth_services.create_organization("Bench Creditor", "creditor")
        db.session.commit()
        rss_before = rss_mb()
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        batch = start_import(org, actor=None, filename="bench.csv", data=data, inline=True)
        db.session.commit()
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        assert batch.status.value == "succeeded", batch.errors[:5]
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return elapsed, dict(batch.counts), rss_mb() - rss_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    opts = parser.parse_args()
    name = f"duebridge_bench_{os.getpid()}"
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        from core.app import create_app
        from core.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "TESTING": True,
                          "SECRET_KEY": "bench-" * 8})  # fmt: skip
        with app.app_context():
            db.create_all()
        rows = make_rows(opts.rows)
        data = to_csv(rows)
        copy_s = time_copy(url, rows)
        import_s, counts, rss = time_import(app, data, opts.profile)
        with app.app_context():
            db.engine.dispose()
        copy_rate, import_rate = opts.rows / copy_s, opts.rows / import_s
        with admin.connect() as conn:
            server = conn.execute(sa.text("SHOW server_version")).scalar()
        print(f"rows: {opts.rows:,}  file: {len(data) / 1e6:.1f} MB  PostgreSQL {server}  "
              f"Python {sys.version.split()[0]}  SQLAlchemy {sa.__version__}  "
              f"psycopg {psycopg.__version__}")  # fmt: skip
        print(f"COPY:   {copy_s:7.2f} s  {copy_rate:10,.0f} rows/s")
        print(f"import: {import_s:7.2f} s  {import_rate:10,.0f} rows/s  counts {counts}")
        print(f"ratio:  {import_rate / copy_rate:.3f}x COPY   RSS growth {rss:.0f} MB")
    finally:
        admin.dispose()
        admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
