"""Case workspace req/s (100 comments, 20 attachments) against a TechEmpower-style `/db` (P5),
and SQL statements per request at 10 and 1,000 rows (P6).

Run by hand, never in CI:

    .venv/bin/python bench/workspace_bench.py [--seconds 10] [--keep]

Creates its own PostgreSQL database (dropped afterwards unless --keep) and attachment
directory, bulk-loads 1,000 listed cases of 20 other creditors (marketplace_bench.load, which
also creates TechEmpower's `world` table), then builds through the real services a case of
"Bench Creditor" awarded to "Bench Agency" with 100 comments (a quarter internal, a third
Markdown), 20 PDF attachments stored by disputes.attachments.service, and 30 activities,
recoveries and costs each. The real app (ATTACHMENTS_DIR pointing at the bench's directory)
and the minimal `/db` app are served under gunicorn with (2 x cores) + 1 sync workers;
plain threads with http.client load them at c=4 and c=16 for `--seconds` each: the comments
API (page_size=100) as the agency's collector and as the creditor, the summary API and the
HTML workspace page (the page accepts the bearer token like the API: core/auth/session.py's
request_loader). Prints req/s, p50/p95/p99, the ratio to `/db` and QUALITY P5's targets
(>= 0.20x /db, p95 <= 250 ms at c=4).

P6: the statements of one request, counted in-process (test client) with a
`before_cursor_execute` listener, at two sizes: listing (10 vs 1,000 matching cases),
workspace comments API, workspace page and summary (a case of 10 vs 1,000 comments,
activities, recoveries and costs), dashboard (a creditor of 10 vs 1,000 cases), bid and
accept (a case with 10 vs 1,000 live bids; their jobs go to a redis-server of the bench's
own, as in production, so the count is the request's own work). Counts above 6 are flagged,
the write paths' statements are listed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import marketplace_bench as mb  # noqa: E402  (bench/ is not a package)

#: the served app's attachment directory (set for the gunicorn children)
FILES_ENV = "DUEBRIDGE_BENCH_ATTACHMENTS_DIR"
CONFIG = {**mb.CONFIG, "SECRET_KEY": "bench-workspace-" * 4}
P6_LIMIT = 6
MARKDOWN = (
    "**Update {i}:** called the debtor's *accounts payable*.\n\n"
    "- promised a part payment\n- asked for the [statement](https://example.com/s/{i})\n\n"
    "> Please confirm the `IBAN` before Friday."
)


def pdf_bytes(i: int) -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
        + f"% bench document {i}\n".encode()
        + b"x" * 2_000
        + b"\ntrailer << >>\n%%EOF\n"
    )


# -- the two served apps (gunicorn factories: "workspace_bench:workspace_app()") ---------------


def workspace_app(redis_url: str | None = None) -> Any:
    """The real Duebridge app on the bench database (production mode, not TESTING); jobs go
    to `redis_url` (the seed's and the write counts'; never worked) or run inline."""
    from core.app import create_app

    return create_app(
        {
            **CONFIG,
            "SQLALCHEMY_DATABASE_URI": os.environ[mb.URL_ENV],
            "ATTACHMENTS_DIR": os.environ[FILES_ENV],
            "REDIS_URL": redis_url,
        }
    )


def tfb_app() -> Any:
    """TechEmpower's single-query `/db` (marketplace_bench's)."""
    return mb.tfb_app()


def serve(factory: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn with `workers` sync workers running `factory` of this module, on loopback."""
    return mb.serve(factory, None, workers, module="workspace_bench")


# -- seed ----------------------------------------------------------------------------------


class Seed:
    """The bench's organisations, users, tokens and cases (ids and bearer headers)."""

    def __init__(self) -> None:
        self.headers: dict[str, dict[str, str]] = {}
        self.cases: dict[str, int] = {}
        self.bids: dict[str, int] = {}
        self.users: dict[str, Any] = {}
        self._invoice_no = 0

    def user(self, key: str, org: Any, role: str) -> Any:
        from core.auth import services

        user = services.create_user(
            org,
            email=f"{key}@bench.example",
            name=key.replace("_", " ").title(),
            role=role,
            password=os.urandom(16).hex(),
        )
        _token, secret = services.issue_token(user, name="bench")
        self.headers[key] = {"Authorization": f"Bearer {secret}"}
        self.users[key] = user
        return user

    def listed_case(self, org: Any) -> Any:
        """A listed case of `org` on two overdue invoices of a new debtor (real services)."""
        from core.db import utcnow
        from core.money import Money
        from ledger import services as ledger
        from ledger.clock import today
        from marketplace.services import cases

        self._invoice_no += 1
        n = self._invoice_no
        debtor = ledger.create_debtor(
            org, actor=None, name=f"Bench Debtor {n}", debtor_type="company", country="DE"
        )
        invoices = [
            ledger.create_invoice(
                org,
                actor=None,
                number=f"WB-{n:05d}-{k}",
                debtor=debtor,
                issue_date=today() - timedelta(days=days + 30),
                due_date=today() - timedelta(days=days),
                amount=Money.parse(amount, "EUR"),
            )
            for k, (amount, days) in enumerate((("1000.00", 45), ("500.00", 100)))
        ]
        case = cases.create_case(
            org,
            actor=None,
            debtor=debtor,
            invoice_ids=[i.id for i in invoices],
            bidding_deadline=utcnow() + timedelta(days=7),
            terms={"fee_models": ["contingency", "fixed", "hybrid"], "max_percent": 3000},
        )
        cases.publish_case(case, actor=None)
        return case


def fill_case(
    seed: Seed, *, comments_n: int, files: int, each: int, label: str, creditor: Any
) -> int:
    """A case of `creditor` awarded to Bench Agency (Losing Agency's bid rejected) with
    `comments_n` comments (`files` of them with a PDF), `each` activities, recoveries, costs."""
    from core.extensions import db
    from core.money import Money
    from disputes.attachments import service as attachments
    from ledger.clock import today
    from marketplace.services import award, bidding
    from marketplace.workspace import activities, comments, costs, recoveries

    case = seed.listed_case(creditor)
    terms = {"fee_model": "contingency", "duration_days": 90, "legal_action": False}
    bid = bidding.place_bid(case, actor=seed.users["agency_owner"], percent=1500, **terms)
    bidding.place_bid(case, actor=seed.users["loser_owner"], percent=1200, **terms)
    award.accept_bid(bid, actor=seed.users["creditor_owner"])
    db.session.commit()
    authors = [seed.users[k] for k in ("creditor_credit", "agency_collector", "agency_owner")]
    file_every = max(comments_n // files, 1) if files else 0
    stored = 0
    for i in range(comments_n):
        author = authors[i % len(authors)]
        ids = []
        if files and i % file_every == 0 and stored < files:
            stored += 1
            ids = [
                attachments.store_attachment(
                    author.organization,
                    uploader=author,
                    filename=f"letter-{i}.pdf",
                    data=pdf_bytes(i),
                ).id
            ]
        comments.add_case_comment(
            case,
            actor=author,
            body=MARKDOWN.format(i=i) if i % 3 == 0 else f"Comment {i} on {label}.",
            visibility="internal" if i % 4 == 3 else "shared",
            attachment_ids=ids,
        )
        if i % 50 == 49:
            db.session.commit()
    kinds = ("call", "letter", "formal_notice", "visit")
    for i in range(each):
        activities.log_activity(
            case,
            actor=seed.users["agency_collector"],
            kind=kinds[i % len(kinds)],
            occurred_on=today() - timedelta(days=i % 20),
            note=f"Activity {i}",
        )
        recoveries.record_recovery(
            case,
            actor=seed.users["agency_owner"],
            amount=Money.parse("1.00", "EUR"),
            received_on=today(),
            note=f"Recovery {i}",
        )
        costs.add_cost(
            case,
            actor=seed.users[("creditor_credit", "agency_owner")[i % 2]],
            kind="expense",
            amount=Money.parse("2.00", "EUR"),
            description=f"Bailiff {i}",
            borne_by="creditor",
        )
        if i % 50 == 49:
            db.session.commit()
    db.session.commit()
    return case.id


def bulk_bids(seed: Seed, case_id: int, n: int, label: str) -> int:
    """`n` live bids of `n` new agencies on the case; the id of the first."""
    from core.auth.models import Organization, OrgKind
    from core.extensions import db
    from marketplace.models import Bid
    from marketplace.states import BidStatus

    agencies = list(
        db.session.scalars(
            insert(Organization).returning(Organization.id, sort_by_parameter_order=True),
            [{"name": f"Bidder {label} {k}", "kind": OrgKind.AGENCY} for k in range(n)],
        )
    )
    rows = [
        {
            "case_id": case_id,
            "agency_org_id": agency_id,
            "fee_model": "contingency",
            "currency": "EUR",
            "percent_bp": 1000 + k % 1000,
            "duration_days": 90,
            "legal_action": False,
            "status": BidStatus.LIVE,
        }
        for k, agency_id in enumerate(agencies)
    ]
    ids = list(
        db.session.scalars(insert(Bid).returning(Bid.id, sort_by_parameter_order=True), rows)
    )
    db.session.commit()
    return ids[0]


def bulk_cases(org_id: int, n: int, country: str) -> None:
    """`n` listed cases of one debtor of `org_id` in `country`, one invoice each."""
    from core.extensions import db
    from ledger.models import Debtor, DebtorType, Invoice
    from marketplace.models import Case, CaseInvoice
    from marketplace.states import CaseStatus

    now = datetime.now(UTC)
    debtor_id = db.session.scalar(
        insert(Debtor).returning(Debtor.id),
        [
            {
                "org_id": org_id,
                "name": f"Debtor {country} {org_id}",
                "name_key": f"debtor {country.lower()} {org_id}",
                "debtor_type": DebtorType.COMPANY,
                "country": country,
                "sector": "retail",
                "emails": [],
                "payment_terms_days": 30,
                "currency": "EUR",
                "on_hold": False,
            }
        ],
    )
    due = now.date() - timedelta(days=60)
    case_ids = list(
        db.session.scalars(
            insert(Case).returning(Case.id, sort_by_parameter_order=True),
            [
                {
                    "org_id": org_id,
                    "debtor_id": debtor_id,
                    "currency": "EUR",
                    "claimed_minor": 100_000 + k,
                    "status": CaseStatus.LISTED,
                    "fee_models": ["contingency"],
                    "max_percent_bp": 3000,
                    "bidding_deadline": now + timedelta(days=10),
                    "required_countries": [],
                    "required_specialties": [],
                    "open_to_all": True,
                    "listing_country": country,
                    "listing_sector": "retail",
                    "listing_debtor_type": DebtorType.COMPANY,
                    "invoice_count": 1,
                    "oldest_due_date": due,
                    "document_kinds": ["invoices"],
                    "published_at": now - timedelta(minutes=k),
                }
                for k in range(n)
            ],
        )
    )
    invoice_ids = list(
        db.session.scalars(
            insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True),
            [
                {
                    "org_id": org_id,
                    "number": f"B{country}{k:06d}",
                    "debtor_id": debtor_id,
                    "issue_date": due - timedelta(days=30),
                    "due_date": due,
                    "currency": "EUR",
                    "amount_minor": 100_000 + k,
                    "outstanding_minor": 100_000 + k,
                    "disputed_minor": 0,
                    "source": "manual",
                    "version": 1,
                }
                for k in range(n)
            ],
        )
    )
    db.session.execute(
        insert(CaseInvoice),
        [
            {
                "org_id": org_id,
                "case_id": case_id,
                "invoice_id": invoice_id,
                "outstanding_minor": 100_000 + k,
                "active": True,
            }
            for k, (case_id, invoice_id) in enumerate(zip(case_ids, invoice_ids, strict=True))
        ],
    )
    db.session.commit()


def seed_all(db: Any) -> Seed:
    from core.auth import services
    from core.auth.models import OrgKind

    seed = Seed()
    creditor = services.create_organization("Bench Creditor", OrgKind.CREDITOR)
    small = services.create_organization("Small Creditor", OrgKind.CREDITOR)
    large = services.create_organization("Large Creditor", OrgKind.CREDITOR)
    agency = services.create_organization("Bench Agency", OrgKind.AGENCY)
    loser = services.create_organization("Losing Agency", OrgKind.AGENCY)
    other = services.create_organization("Other Agency", OrgKind.AGENCY)
    seed.user("creditor_owner", creditor, "owner")
    seed.user("creditor_credit", creditor, "credit")
    seed.user("small_owner", small, "owner")
    seed.user("large_owner", large, "owner")
    seed.user("agency_owner", agency, "owner")
    seed.user("agency_collector", agency, "collector")
    seed.user("loser_owner", loser, "owner")
    seed.user("bidder_10", services.create_organization("New Bidder 10", OrgKind.AGENCY), "owner")
    seed.user(
        "bidder_1000", services.create_organization("New Bidder 1000", OrgKind.AGENCY), "owner"
    )
    db.session.commit()
    mb.load(db, 1_000, agency.id, other.id)  # 20 other creditors' listed cases, `world`
    bulk_cases(small.id, 10, "LU")
    bulk_cases(large.id, 1_000, "MT")
    seed.cases["bench"] = fill_case(
        seed, comments_n=100, files=20, each=30, label="bench", creditor=creditor
    )
    seed.cases["10"] = fill_case(
        seed, comments_n=10, files=2, each=10, label="10 rows", creditor=creditor
    )
    seed.cases["1000"] = fill_case(
        seed, comments_n=1_000, files=20, each=1_000, label="1,000 rows", creditor=creditor
    )
    for n in (10, 1_000):
        case = seed.listed_case(creditor)
        db.session.commit()
        seed.cases[f"bids_{n}"] = case.id
        seed.bids[str(n)] = bulk_bids(seed, case.id, n, str(n))
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return seed


# -- statement counts (P6) -------------------------------------------------------------------


def what(statement: str) -> str:
    """'SELECT users', 'INSERT audit_log'...: the verb and first table of a statement."""
    flat = " ".join(statement.split())
    verb = flat.split(" ", 1)[0].upper()
    if verb == "SELECT":
        found = re.search(r"\bFROM \(?\"?(\w+)", flat)
    elif verb in ("INSERT", "DELETE"):
        found = re.search(r"\b(?:INTO|FROM) \"?(\w+)", flat)
    elif verb == "UPDATE":
        found = re.search(r"^UPDATE \"?(\w+)", flat)
    else:
        found = None
    return f"{verb} {found.group(1) if found else flat[:40]}"


def count(
    app: Any,
    method: str,
    path: str,
    headers: dict[str, str],
    *,
    body: dict[str, Any] | None = None,
    expect: int = 200,
    warm: bool = True,
) -> list[str]:
    """The SQL statements of one request (after a warm-up GET for reads, or /me for writes)."""
    from core.extensions import db

    client = app.test_client()
    with app.app_context():
        engine = db.engine
    client.get(path if warm else "/api/v1/me", headers=headers)
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        resp = client.open(path, method=method, headers=headers, json=body)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert resp.status_code == expect, (path, resp.status_code, resp.get_data(True)[:300])
    return seen


def statement_counts(seed: Seed, app: Any) -> None:
    h = seed.headers
    ws = "/api/v1/cases/{}"
    bid_body = {"fee_model": "contingency", "percent": "12", "duration_days": 60}
    bid_body["legal_action"] = False
    rows: list[tuple[str, str, int, int, list[str]]] = []
    growth: list[str] = []
    for label, who, path_of in (
        ("comments API", "agency_collector", lambda c: ws.format(c) + "/comments?page_size=100"),
        ("comments API", "creditor_credit", lambda c: ws.format(c) + "/comments?page_size=100"),
        ("summary API", "agency_collector", lambda c: ws.format(c) + "/summary"),
        ("summary API", "creditor_credit", lambda c: ws.format(c) + "/summary"),
        ("workspace page", "agency_collector", lambda c: f"/cases/{c}/workspace"),
        ("workspace page", "creditor_credit", lambda c: f"/cases/{c}/workspace"),
    ):
        small = count(app, "GET", path_of(seed.cases["10"]), h[who])
        large = count(app, "GET", path_of(seed.cases["1000"]), h[who])
        rows.append((label, who, len(small), len(large), large))
        if len(small) != len(large):
            grown = Counter(what(x) for x in large) - Counter(what(x) for x in small)
            growth.append(f"  {label} ({who}) grows by: {', '.join(grown.elements())}")
    listing = "/api/v1/marketplace/listings?country={}&page_size=100"
    small = count(app, "GET", listing.format("LU"), h["agency_owner"])
    large = count(app, "GET", listing.format("MT"), h["agency_owner"])
    rows.append(("listing", "agency_owner", len(small), len(large), large))
    small = count(app, "GET", "/", h["small_owner"])
    large = count(app, "GET", "/", h["large_owner"])
    rows.append(("dashboard /", "creditor owner", len(small), len(large), large))
    bids = {
        n: count(
            app,
            "POST",
            f"/api/v1/cases/{seed.cases[f'bids_{n}']}/bids",
            h[f"bidder_{n}"],
            body=bid_body,
            expect=201,
            warm=False,
        )
        for n in ("10", "1000")
    }
    rows.append(("bid", "new agency owner", len(bids["10"]), len(bids["1000"]), bids["1000"]))
    accepts = {
        n: count(
            app,
            "POST",
            f"/api/v1/bids/{seed.bids[n]}/accept",
            h["creditor_owner"],
            warm=False,
        )
        for n in ("10", "1000")
    }
    rows.append(
        ("accept", "creditor owner", len(accepts["10"]), len(accepts["1000"]), accepts["1000"])
    )
    print(f"P6: SQL statements per request (target: constant, <= {P6_LIMIT})")
    print(f"  {'request':15} {'as':17} {'10 rows':>8} {'1,000':>6}  verdict")
    for label, who, few, many, _seen in rows:
        verdict = []
        if few != many:
            verdict.append("GROWS WITH ROWS")
        if max(few, many) > P6_LIMIT:
            verdict.append(f"ABOVE {P6_LIMIT}")
        print(f"  {label:15} {who:17} {few:8} {many:6}  {', '.join(verdict) or 'ok'}")
    print("\n".join(growth))
    for label, who, _few, many, seen in rows:
        if many > P6_LIMIT:
            parts = Counter(what(s) for s in seen)
            listed = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in parts.items())
            print(f"  {label} ({who}), {many}: {listed}")


# -- redis for the write counts ----------------------------------------------------------------


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes] | None, str | None]:
    """A redis-server of the bench's own (jobs queued as in production), or None."""
    if shutil.which("redis-server") is None:
        return None, None
    port = mb.free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}/0"


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="per endpoint and concurrency")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    args = parser.parse_args()

    name = f"duebridge_bench_workspace_{os.getpid()}"
    files = Path(tempfile.mkdtemp(prefix="duebridge-bench-files-"))
    url = mb.create_database(name)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        from core.extensions import db

        os.environ[mb.URL_ENV] = url
        os.environ[FILES_ENV] = str(files)
        redis, redis_url = start_redis(files)
        if redis is not None:
            procs.append(redis)
        app = workspace_app(redis_url)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            seed = seed_all(db)
            print(f"seeded in {time.perf_counter() - started:.1f} s")
            pg_version = db.session.scalar(text("SHOW server_version"))
            db.session.remove()

        statement_counts(seed, app)
        if redis is None:
            print("  (no redis-server: bid/accept jobs ran inline and are in their counts)")
        with app.app_context():
            db.engine.dispose()

        case_id = seed.cases["bench"]
        agency, creditor = seed.headers["agency_collector"], seed.headers["creditor_credit"]
        targets = (
            ("comments", f"/api/v1/cases/{case_id}/comments?page_size=100", agency),
            ("comments/cr", f"/api/v1/cases/{case_id}/comments?page_size=100", creditor),
            ("summary", f"/api/v1/cases/{case_id}/summary", agency),
            ("page", f"/cases/{case_id}/workspace", agency),
        )
        client = app.test_client()
        seen = client.get(targets[0][1], headers=agency).get_json()
        seen_cr = client.get(targets[1][1], headers=creditor).get_json()
        files_n = sum(len(c["attachments"]) for c in seen["items"])
        with app.app_context():
            db.engine.dispose()

        tfb, tfb_port = serve("tfb_app", args.workers)
        procs.append(tfb)
        served, port = serve("workspace_app", args.workers)
        procs.append(served)
        mb.wait_ready(tfb_port, "/db", {}, tfb)
        for _label, path, hdrs in targets:
            mb.wait_ready(port, path, hdrs, served)

        print(f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.platform()}")
        print(
            f"python {platform.python_version()}, flask {importlib.metadata.version('flask')}, "
            f"sqlalchemy {sa.__version__}, gunicorn {importlib.metadata.version('gunicorn')} "
            f"({args.workers} sync workers each), postgresql {pg_version}"
        )
        print(
            f"case #{case_id}: the collector sees {seen['total']} comments "
            f"({files_n} files), the creditor {seen_cr['total']}; "
            f"baseline GET /db; {args.seconds:g} s per run after 2 s warm-up; the agency's "
            "reads also write its access-log row (SPEC §4)"
        )
        for label, path, _hdrs in targets:
            print(f"  {label:11} GET {path}")
        print(f"{'':11} {'c':>3} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'non-200':>8}")
        results: dict[tuple[str, int], tuple[float, list[float]]] = {}
        for clients in (4, 16):
            for label, prt, path, hdrs in (
                ("/db", tfb_port, "/db", {}),
                *((lbl, port, pth, h) for lbl, pth, h in targets),
            ):
                mb.load_test(prt, path, hdrs, clients, 2)  # warm-up
                rate, lat, bad = mb.load_test(prt, path, hdrs, clients, args.seconds)
                results[label, clients] = rate, lat
                print(
                    f"{label:11} {clients:3} {rate:8.1f} {mb.p(lat, 50):6.1f}ms "
                    f"{mb.p(lat, 95):6.1f}ms {mb.p(lat, 99):6.1f}ms {bad:8}"
                )
        print("P5 targets (>= 0.20x /db; p95 <= 250 ms at c=4):")
        for label, _path, _hdrs in targets:
            for clients in (4, 16):
                ratio = results[label, clients][0] / results["/db", clients][0]
                line = (
                    f"  {label:11} c={clients:<2} {ratio:.2f}x: {'yes' if ratio >= 0.2 else 'NO'}"
                )
                if clients == 4:
                    p95 = mb.p(results[label, 4][1], 95)
                    line += f"; p95 {p95:.1f} ms: {'yes' if p95 <= 250 else 'NO'}"
                print(line)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep:
            mb.drop_database(name)
            shutil.rmtree(files, ignore_errors=True)
        else:
            print(f"kept database {name} and files in {files}")


if __name__ == "__main__":
    main()
