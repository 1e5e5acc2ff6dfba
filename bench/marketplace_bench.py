"""Marketplace listing req/s at 10,000 open cases against a TechEmpower-style `/db` (P4, P6).

Run by hand, never in CI:

    .venv/bin/python bench/marketplace_bench.py [--cases 10000] [--seconds 15] [--explain] [--keep]

Creates its own PostgreSQL database (dropped afterwards unless --keep), bulk-loads listed
cases across creditors, debtors, countries, sectors and currencies plus one agency owner
with an API token, then serves the real app and a minimal Flask-SQLAlchemy `/db` app (one
random `world` row as JSON) on the same database, each under gunicorn with (2 x cores) + 1
sync workers. Plain threads with http.client load each server at c=4 and c=16 for
`--seconds` each, alternating baseline and app, and print req/s, p50/p95/p99, the ratio
and QUALITY P4's targets: >= 0.25x /db (stretch 0.5x), p95 <= 200 ms at c=4,
p99 <= 500 ms at c=16. Also prints the SQL statements of one listing request (P6: <= 6,
the same for 10 and 50 rows); --explain prints EXPLAIN ANALYZE of its queries.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.metadata
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get(
    "DUEBRIDGE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
#: the served apps read the bench database's URL from here (set for the gunicorn children)
URL_ENV = "DUEBRIDGE_BENCH_MARKETPLACE_URL"
WORLD_ROWS = 10_000
COUNTRIES = ("DE", "DE", "DE", "FR", "FR", "NL", "AT", "BE", "IT", "ES", "PL", "SE")
CURRENCIES = ("EUR",) * 7 + ("USD", "GBP", "CHF")
SECTORS = ("construction", "retail", "logistics", "software", "healthcare", "manufacturing")
#: the three filters of P4 (country, currency, min_amount), 50 a page
LISTING_PATH = "/api/v1/marketplace/listings?country=DE&currency=EUR&min_amount=1000&page_size=50"
CONFIG = {
    "SECRET_KEY": "bench-marketplace-" * 4,
    "REDIS_URL": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    "MAIL_SERVER": None,
    "SESSION_COOKIE_SECURE": False,
}


# -- the two served apps (gunicorn factories: "marketplace_bench:listing_app()") -------------


def listing_app() -> Any:
    """The real Duebridge app on the bench database (production mode, not TESTING)."""
    from core.app import create_app

    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": os.environ[URL_ENV]})


def tfb_app() -> Any:
    """TechEmpower's single-query test: `/db` reads one random `world` row, answers JSON."""
    from flask import Flask, jsonify
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass

    tfb_db = SQLAlchemy(model_class=Base)

    class World(tfb_db.Model):  # type: ignore[name-defined]
        __tablename__ = "world"
        id = sa.Column(sa.Integer, primary_key=True)
        randomnumber = sa.Column(sa.Integer, nullable=False)

    app = Flask("tfb")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ[URL_ENV]
    tfb_db.init_app(app)

    @app.get("/db")
    def single_query() -> Any:
        world = tfb_db.session.get(World, random.randint(1, WORLD_ROWS))
        return jsonify(id=world.id, randomNumber=world.randomnumber)

    return app


# -- database ----------------------------------------------------------------------------


def create_database(name: str) -> str:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def load(db: Any, cases: int, agency_id: int, other_agency_id: int) -> None:
    """Creditors, debtors, `cases` listed cases of two overdue invoices each, a dispute on one
    invoice in eight, invitations on one case in ten, and TechEmpower's `world` table."""
    from core.auth.models import Organization, OrgKind
    from disputes.models import Dispute
    from disputes.reasons import REASONS
    from disputes.states import DisputeStatus
    from ledger.models import Debtor, DebtorType, Invoice
    from marketplace.models import Case, CaseInvitation, CaseInvoice
    from marketplace.states import CaseStatus

    rng = random.Random(42)
    now = datetime.now(UTC)
    today = now.date()
    creditor_ids = list(
        db.session.scalars(
            insert(Organization).returning(Organization.id),
            [{"name": f"Creditor {n}", "kind": OrgKind.CREDITOR} for n in range(20)],
        )
    )
    debtor_rows = []
    for n in range(max(cases // 5, 1)):
        country = rng.choice(COUNTRIES)
        debtor_rows.append(
            {
                "org_id": creditor_ids[n % len(creditor_ids)],
                "name": f"Debtor {n}",
                "name_key": f"debtor {n}",
                "debtor_type": DebtorType.COMPANY if n % 4 else DebtorType.CONSUMER,
                "country": country,
                "sector": rng.choice(SECTORS),
                "emails": [],
                "payment_terms_days": 30,
                "currency": "EUR",
                "on_hold": False,
            }
        )
    debtors = db.session.execute(
        insert(Debtor).returning(Debtor.id, Debtor.org_id, Debtor.country, Debtor.sector),
        debtor_rows,
    ).all()
    case_rows, invoice_rows = [], []
    for n in range(cases):
        debtor = debtors[n % len(debtors)]
        currency = rng.choice(CURRENCIES)
        dues = sorted(today - timedelta(days=rng.randint(31, 400)) for _ in range(2))
        amounts = [rng.randint(5_000, 2_500_000) for _ in range(2)]
        published = now - timedelta(minutes=cases - n)
        case_rows.append(
            {
                "org_id": debtor.org_id,
                "debtor_id": debtor.id,
                "currency": currency,
                "claimed_minor": sum(amounts),
                "status": CaseStatus.LISTED,
                "fee_models": ["contingency", "fixed", "hybrid"],
                "max_percent_bp": 3000,
                "bidding_deadline": now + timedelta(days=rng.randint(1, 30)),
                "required_countries": [],
                "required_specialties": [],
                "open_to_all": n % 10 != 0,
                "listing_country": debtor.country,
                "listing_sector": debtor.sector,
                "listing_debtor_type": DebtorType.COMPANY,
                "invoice_count": 2,
                "oldest_due_date": dues[0],
                "document_kinds": ["invoices"],
                "published_at": published,
                "created_at": published,
                "updated_at": published,
            }
        )
        for k in range(2):
            invoice_rows.append(
                {
                    "org_id": debtor.org_id,
                    "number": f"M{n:07d}-{k}",
                    "debtor_id": debtor.id,
                    "issue_date": dues[k] - timedelta(days=30),
                    "due_date": dues[k],
                    "currency": currency,
                    "amount_minor": amounts[k],
                    "outstanding_minor": amounts[k],
                    "disputed_minor": 0,
                    "source": "manual",
                    "version": 1,
                }
            )
    case_ids: list[int] = []
    invoice_ids: list[int] = []
    for start in range(0, cases, 5_000):
        case_ids += db.session.scalars(
            insert(Case).returning(Case.id, sort_by_parameter_order=True),
            case_rows[start : start + 5_000],
        )
    for start in range(0, len(invoice_rows), 10_000):
        invoice_ids += db.session.scalars(
            insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True),
            invoice_rows[start : start + 10_000],
        )
    links = [
        {
            "org_id": invoice_rows[i]["org_id"],
            "case_id": case_ids[i // 2],
            "invoice_id": invoice_id,
            "outstanding_minor": invoice_rows[i]["amount_minor"],
            "active": True,
        }
        for i, invoice_id in enumerate(invoice_ids)
    ]
    for start in range(0, len(links), 10_000):
        db.session.execute(insert(CaseInvoice), links[start : start + 10_000])
    # an open dispute on one invoice in eight (the listing counts them per page)
    reasons = [(team, code) for team, codes in REASONS.items() for code in codes]
    disputes = [
        {
            "org_id": invoice_rows[i]["org_id"],
            "invoice_id": invoice_id,
            "reason_team": reasons[i % len(reasons)][0],
            "reason_code": reasons[i % len(reasons)][1],
            "currency": invoice_rows[i]["currency"],
            "amount_minor": invoice_rows[i]["amount_minor"],
            "description": "Bench dispute",
            "status": DisputeStatus.OPEN,
        }
        for i, invoice_id in enumerate(invoice_ids)
        if i % 8 == 0
    ]
    if disputes:
        db.session.execute(insert(Dispute), disputes)
    # one case in ten is by invitation: half invite the bench agency, half another one
    invitations = [
        {
            "org_id": case_rows[n]["org_id"],
            "case_id": case_ids[n],
            "agency_org_id": agency_id if n % 20 == 0 else other_agency_id,
        }
        for n in range(0, cases, 10)
    ]
    if invitations:
        db.session.execute(insert(CaseInvitation), invitations)
    db.session.execute(text("CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer)"))
    db.session.execute(
        text(
            "INSERT INTO world SELECT g, 1 + floor(random() * 10000)::int "
            "FROM generate_series(1, :n) g"
        ),
        {"n": WORLD_ROWS},
    )
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


# -- servers and load ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(
    factory: str, url: str | None, workers: int, *, module: str = "marketplace_bench"
) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn with `workers` sync workers running `module:factory()` from bench/, on loopback.

    `url`, when given, is the database the factory reads from URL_ENV.
    """
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--pythonpath",
            f"{ROOT / 'bench'},{ROOT}",
            f"{module}:{factory}()",
        ],
        cwd=ROOT,
        env={**os.environ, **({URL_ENV: url} if url else {}), "DUEBRIDGE_MODE": "production"},
    )
    return proc, port


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_ready(
    port: int, path: str, headers: dict[str, str], proc: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            status, body = get(port, path, headers)
        except OSError:
            time.sleep(0.2)
            continue
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
        return
    raise RuntimeError(f"{path} not ready within 60 s")


def load_test(
    port: int, path: str, headers: dict[str, str], clients: int, seconds: float
) -> tuple[float, list[float], int]:
    """`clients` threads, each a request after the other (a new connection each, as gunicorn's
    sync workers close it): (req/s, latencies in ms, non-200 answers)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_barrier = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(n: int) -> None:
        start_barrier.wait()
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status, _body = get(port, path, headers)
            except OSError:
                status = 0
            latencies[n].append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [ms for per_client in latencies for ms in per_client]
    return len(flat) / elapsed, flat, sum(errors)


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# -- statement count (P6) ------------------------------------------------------------------


def count_statements(app: Any, headers: dict[str, str], path: str) -> list[tuple[str, Any]]:
    """The SQL statements one request runs (after a warm-up request), with their parameters."""
    from core.extensions import db

    client = app.test_client()
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    resp = client.get(path, headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    event.listen(engine, "before_cursor_execute", record)
    try:
        resp = client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return seen


def explain(app: Any, statements: list[tuple[str, Any]]) -> None:
    from core.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n-- {' '.join(statement.split())[:200]}")
            plan = conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).scalars()
            for line in plan:
                print(f"   {line}")


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15, help="per endpoint and concurrency")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the listing")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    name = f"duebridge_bench_market_{os.getpid()}"
    url = create_database(name)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        from core.auth import services
        from core.auth.models import OrgKind
        from core.extensions import db

        os.environ[URL_ENV] = url
        app = listing_app()
        with app.app_context():
            db.create_all()
            agency = services.create_organization("Bench Agency", OrgKind.AGENCY)
            other = services.create_organization("Other Agency", OrgKind.AGENCY)
            owner = services.create_user(
                agency,
                email="owner@agency.bench.example",
                name="Owner",
                role="owner",
                password=os.urandom(16).hex(),
            )
            _token, secret = services.issue_token(owner, name="bench")
            db.session.commit()
            started = time.perf_counter()
            load(db, args.cases, agency.id, other.id)
            print(f"loaded {args.cases:,} listed cases in {time.perf_counter() - started:.1f} s")
            pg_version = db.session.scalar(text("SHOW server_version"))
            db.session.remove()
        headers = {"Authorization": f"Bearer {secret}"}

        statements = {
            size: count_statements(app, headers, LISTING_PATH.replace("=50", f"={size}"))
            for size in (10, 50)
        }
        resp = app.test_client().get(LISTING_PATH, headers=headers).get_json()
        with app.app_context():
            db.engine.dispose()

        tfb, tfb_port = serve("tfb_app", url, args.workers)
        procs.append(tfb)
        market, market_port = serve("listing_app", url, args.workers)
        procs.append(market)
        wait_ready(tfb_port, "/db", {}, tfb)
        wait_ready(market_port, LISTING_PATH, headers, market)

        print(f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.platform()}")
        print(
            f"python {platform.python_version()}, flask {importlib.metadata.version('flask')}, "
            f"sqlalchemy {sa.__version__}, gunicorn {importlib.metadata.version('gunicorn')} "
            f"({args.workers} sync workers each), postgresql {pg_version}"
        )
        print(
            f"listing: GET {LISTING_PATH}\n"
            f"         {len(resp['items'])} items of {resp['total']:,} matching; "
            f"baseline: GET /db (one random row of {WORLD_ROWS:,}); "
            f"{args.seconds:g} s per run after 2 s warm-up"
        )
        print(
            f"SQL statements per listing request: {len(statements[50])} at page_size=50, "
            f"{len(statements[10])} at page_size=10 "
            f"(P6 target <= 6, identical: "
            f"{'yes' if len(statements[50]) == len(statements[10]) <= 6 else 'NO'})"
        )
        for statement, _params in statements[50]:
            print(f"    {' '.join(statement.split())[:96]}")
        print(f"{'':8} {'c':>3} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'non-200':>8}")
        results: dict[tuple[str, int], tuple[float, list[float]]] = {}
        for clients in (4, 16):
            for label, port, path, hdrs in (
                ("/db", tfb_port, "/db", {}),
                ("listing", market_port, LISTING_PATH, headers),
            ):
                load_test(port, path, hdrs, clients, 2)  # warm-up
                rate, lat, bad = load_test(port, path, hdrs, clients, args.seconds)
                results[label, clients] = rate, lat
                print(
                    f"{label:8} {clients:3} {rate:8.1f} {p(lat, 50):6.1f}ms {p(lat, 95):6.1f}ms "
                    f"{p(lat, 99):6.1f}ms {bad:8}"
                )
        print("P4 targets:")
        for clients in (4, 16):
            ratio = results["listing", clients][0] / results["/db", clients][0]
            verdict = "yes" if ratio >= 0.5 else "yes (not stretch)" if ratio >= 0.25 else "NO"
            print(
                f"  c={clients:<2} listing / /db = {ratio:.2f}x  >= 0.25x (stretch 0.5x): {verdict}"
            )
        p95 = p(results["listing", 4][1], 95)
        p99 = p(results["listing", 16][1], 99)
        print(f"  p95 at c=4  {p95:6.1f} ms <= 200 ms: {'yes' if p95 <= 200 else 'NO'}")
        print(f"  p99 at c=16 {p99:6.1f} ms <= 500 ms: {'yes' if p99 <= 500 else 'NO'}")
        if args.explain:
            explain(app, statements[50])
            with app.app_context():
                db.engine.dispose()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep:
            drop_database(name)


if __name__ == "__main__":
    main()
