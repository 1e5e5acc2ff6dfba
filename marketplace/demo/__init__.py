"""`flask demo seed`'s marketplace: agency track records, live listings and work in progress.

Runs last (hooks run in feature order: ledger, disputes, agencies, marketplace). Every case
goes through the real services (create → publish → bid → accept or take → activity →
cost → recovery → close → review), so recoveries are booked in the ledger as payments and
every balance and statistic agrees. Cases only take invoices that are overdue, unpaid,
undisputed, of one non-consumer debtor in one currency and on no other case.

- History: 5-10 closed cases per agency on the demo creditors' older overdue invoices
  (fully unpaid ones, so the recoveries are their only payments), with bids, activities,
  costs, recoveries, every closing outcome and most with a review. The services stamp
  "now"; the award is moved into the past (up to 18 months) right after it, so activities
  and recoveries are dated after it as the services require, and once the case is closed
  the remaining timestamps (creation, publication, bids, events, close, review, row
  creation times) are moved with bulk UPDATEs to match. The audit log keeps the real
  seeding time. Notifications about that past are marked done without being sent.
- Now: `LISTED` listed cases with 1-4 live bids each (some with instant terms, two by
  invitation only) and `ACTIVE` cases awarded to the demo agency with a shared thread, an
  activity, a partial recovery and an expense waiting for the creditor's approval.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask
from sqlalchemy import func, select, text, update

from agencies.demo import FAIRWAY
from core import hooks
from core.extensions import db
from core.jobs.outbox import OutboxMessage
from marketplace.demo.common import OVERDUE_BEFORE_CASE, _groups, _setup
from marketplace.demo.current import _in_progress, _listings
from marketplace.demo.history import _closed_case
from marketplace.models import Case

#: closed cases per agency (the demo agency gets the most)
HISTORY = (5, 9)
HISTORY_FAIRWAY = 10


def init_app(app: Flask) -> None:
    """Seed the marketplace after the ledger, disputes and agencies demo seeds."""
    hooks.register("demo_seed", seed_marketplace)


def seed_marketplace() -> list[str]:
    """Cases for the demo creditors and agencies; does nothing once any case exists."""
    if db.session.scalar(select(Case.id).limit(1)) is not None:
        return []
    seed = _setup()
    if seed is None:
        return []
    first_job = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    due_before = seed.today - timedelta(days=2 * OVERDUE_BEFORE_CASE)
    groups = _groups(seed, due_before=due_before, never_paid=True)
    wanted = {
        agency.org.id: HISTORY_FAIRWAY if agency is seed.fairway else seed.rng.randint(*HISTORY)
        for agency in seed.agencies
    }
    # round robin, so a small ledger still gives every agency a few cases
    slots = [
        agency
        for n in range(max(wanted.values()))
        for agency in seed.agencies
        if n < wanted[agency.org.id]
    ]
    for agency, group in zip(slots, groups, strict=False):
        _closed_case(seed, agency, group)
    closed = min(len(slots), len(groups))
    # the past is past: its notifications are marked done, never sent
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > first_job, OutboxMessage.done_at.is_(None))
        .values(done_at=seed.now)
    )
    seed.used_debtors.clear()  # a debtor with a closed case may be listed again
    listed, bids = _listings(seed)
    active = _in_progress(seed)
    for table in ("cases", "case_invoices", "bids", "case_events", "agency_reviews"):
        db.session.execute(text(f"ANALYZE {table}"))
    line = (
        f"  Marketplace: {closed} closed cases for {len(seed.agencies)} agencies, "
        f"{listed} listed with {bids} live bids, {active} in progress for {FAIRWAY}"
    )
    click.echo(line)
    return [line]
