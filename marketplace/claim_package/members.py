"""The package's documents, rendered from `Sources`: pure functions, no queries.

Each returns what goes into one zip member (JSON-ready data or text); `archive` writes them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.money import Money
from disputes.threads.models import Comment
from ledger import interest
from ledger.views.export import csv_lines, safe_cell
from ledger.views.invoices import jurisdiction_for, statutory_interest
from marketplace.claim_package.sources import Sources
from marketplace.models import CaseInvoice
from marketplace.schemas import (
    AcceptedTermsSchema,
    CaseDebtorSchema,
    CaseInvoiceSchema,
    FeeTermsSchema,
    ListingTermsOutSchema,
)
from marketplace.workspace.schemas import WorkspaceSummarySchema

FORMAT = "duebridge.claim-package"
FORMAT_VERSION = 1

INVOICE_HEADER = (
    "number",
    "issue_date",
    "due_date",
    "currency",
    "amount",
    "outstanding",
    "outstanding_at_listing",
    "status",
    "days_overdue",
    "po_number",
)

DUNNING_NOTE = (
    "Dunning history is not recorded yet: it arrives with the dunning feature. "
    "The case's timeline (timeline.json) lists what the agency did."
)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def manifest(src: Sources, *, generated_at: datetime, files: list[dict[str, Any]]) -> dict:
    """The package's table of contents and the case's key facts."""
    case = src.case
    agency = case.awarded_agency
    award = None
    if agency is not None:
        award = {
            "agency": {"id": agency.id, "name": agency.name},
            "awarded_at": iso(case.awarded_at),
            "terms": AcceptedTermsSchema().dump(case.accepted_terms)
            if case.accepted_terms
            else None,
        }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": generated_at.isoformat(),
        "generated_for": {
            "organization": src.user.organization.name,
            "kind": src.user.kind.value,
            "user": src.user.name,
        },
        "case": {
            "id": case.id,
            "status": case.status.value,
            "outcome": case.outcome.value if case.outcome else None,
            "currency": case.currency,
            "claimed": case.claimed.to_dict(),
            "terms": ListingTermsOutSchema().dump(case.terms),
            "instant_terms": FeeTermsSchema().dump(case.instant_terms)
            if case.instant_terms
            else None,
            "award": award,
            "created_at": iso(case.created_at),
            "published_at": iso(case.published_at),
            "closed_at": iso(case.closed_at),
        },
        "creditor": {"id": src.creditor.id, "name": src.creditor.name},
        "debtor": CaseDebtorSchema().dump(case.debtor),
        "invoices": CaseInvoiceSchema(many=True).dump(src.case_invoices),
        "summary": WorkspaceSummarySchema().dump(src.money),
        "files": files,
    }


def invoices_csv(src: Sources, today: date) -> str:
    """The case's invoices as CSV, every cell formula-safe (ledger's export rules)."""

    def row(ci: CaseInvoice) -> list[str]:
        invoice = ci.invoice
        return [
            safe_cell(v)
            for v in (
                invoice.number,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                invoice.currency,
                invoice.amount.amount,
                invoice.outstanding.amount,
                ci.outstanding_at_listing.amount,
                invoice.status_on(today).value,
                invoice.days_overdue(today),
                invoice.po_number,
            )
        ]

    return "".join(csv_lines((row(ci) for ci in src.case_invoices), INVOICE_HEADER))


def interest_json(src: Sources, today: date) -> dict[str, Any]:
    """Statutory interest and fixed compensation per invoice as of `today` (invoice page's)."""
    entries = []
    total_interest = Money(0, src.case.currency)
    total_compensation = Money(0, src.case.currency)
    for ci in src.case_invoices:
        invoice = ci.invoice
        entry: dict[str, Any] = {"invoice_id": invoice.id, "number": invoice.number}
        code = jurisdiction_for(invoice)
        found = statutory_interest(invoice, src.allocations.get(invoice.id, []), today)
        if found is None:
            entry.update(
                applies=False,
                jurisdiction=code,
                reason=(
                    "Not covered by the statutory rules (consumer debtor or country "
                    "without configured rules)."
                    if code is None
                    else "Nothing due: not overdue, paid on time, cancelled or written off."
                ),
            )
        else:
            j: interest.Jurisdiction = found["jurisdiction"]
            entry.update(
                applies=True,
                jurisdiction=j.code,
                rates={
                    "jurisdiction_name": j.name,
                    "legal_basis": j.legal_basis,
                    "reference_rate_table": j.rate_table,
                    "margin_bp": j.margin_bp,
                    "margin_percent": interest.percent(j.margin_bp),
                    "fixing": j.fixing,
                    "refix": j.refix,
                    "day_count": j.day_count,
                },
            )
            if "error" in found:
                entry["error"] = found["error"]
            else:
                result: interest.InterestResult = found["result"]
                compensation: interest.Compensation = found["compensation"]
                entry["interest"] = result.to_dict()
                entry["compensation"] = compensation.to_dict()
                if result.currency == src.case.currency:
                    total_interest = total_interest + result.total
                    if compensation.amount is not None:
                        total_compensation = total_compensation + compensation.amount
        entries.append(entry)
    return {
        "as_of": today.isoformat(),
        "currency": src.case.currency,
        "total_interest": total_interest.to_dict(),
        "total_compensation": total_compensation.to_dict(),
        "invoices": entries,
    }


def _inline(text: str | None) -> str:
    """A name or label on one line (no line breaks to forge a heading)."""
    return " ".join((text or "").split()) or "?"


def thread_md(src: Sources, evidence: dict[int, str]) -> str:
    """The case's thread as the caller sees it, oldest first; deleted comments as traces.

    `evidence`: attachment id → its member name in the package.
    """
    orgs = src.org_names
    mine = orgs.get(src.user.org_id, src.user.organization.name)
    lines = [
        f"# Case #{src.case.id}: thread",
        "",
        f"Shared comments and {_inline(mine)}'s internal comments, oldest first. "
        "Comment bodies are quoted Markdown source.",
        "",
    ]
    for comment in src.comments:
        lines += ["---", "", _comment_heading(comment, orgs), ""]
        if comment.deleted:
            who = comment.deleted_by.name if comment.deleted_by else "a former user"
            lines += [f"_Deleted by {_inline(who)} at {iso(comment.deleted_at)}._", ""]
            continue
        if comment.edited_at is not None:
            lines += [f"_Edited at {iso(comment.edited_at)}._", ""]
        lines += [f"> {line}" if line else ">" for line in comment.body.splitlines() or [""]]
        lines.append("")
        files = [evidence[a.id] for a in comment.attachments if a.id in evidence]
        if files:
            lines += ["Attachments:", ""] + [f"- `{name}`" for name in files] + [""]
    if not src.comments:
        lines += ["_No comments._", ""]
    return "\n".join(lines)


def _comment_heading(comment: Comment, orgs: dict[int, str]) -> str:
    author = comment.author.name if comment.author else "a former user"
    org = orgs.get(comment.org_id, "another organisation")
    return (
        f"## Comment {comment.id} · {_inline(author)} ({_inline(org)}) · "
        f"{iso(comment.created_at)} · {comment.visibility}"
    )


def timeline_json(src: Sources) -> list[dict[str, Any]]:
    """Case events, agency activities, recoveries and costs, by the time they were recorded."""
    orgs, users = src.org_names, src.user_names
    items: list[tuple[datetime, int, int, dict[str, Any]]] = []
    for e in src.events:
        items.append(
            (
                e.created_at,
                0,
                e.id,
                {
                    "type": "case_event",
                    "id": e.id,
                    "at": iso(e.created_at),
                    "kind": e.kind,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "actor": users.get(e.actor_id) if e.actor_id else None,
                    "actor_organization": orgs.get(e.actor_org_id) if e.actor_org_id else None,
                    "details": e.details,
                },
            )
        )
    for a in src.activities:
        items.append(
            (
                a.created_at,
                1,
                a.id,
                {
                    "type": "activity",
                    "id": a.id,
                    "at": iso(a.created_at),
                    "kind": a.kind.value,
                    "occurred_on": iso(a.occurred_on),
                    "note": a.note,
                    "actor": a.author.name if a.author else None,
                    "actor_organization": orgs.get(a.agency_org_id),
                },
            )
        )
    for r in src.recoveries:
        items.append(
            (
                r.created_at,
                2,
                r.id,
                {
                    "type": "recovery",
                    "id": r.id,
                    "at": iso(r.created_at),
                    "received_on": iso(r.received_on),
                    "source": r.source.value,
                    "amount": r.amount.to_dict(),
                    "split": {k: m.to_dict() for k, m in r.split.items()},
                    "agency_fee": r.agency_fee.to_dict(),
                    "allocations": [
                        {"invoice": al.invoice.number, "amount": al.amount.to_dict()}
                        for al in r.allocations
                    ],
                    "note": r.note,
                    "actor": r.recorded_by.name if r.recorded_by else None,
                    "actor_organization": orgs.get(r.recorded_by_org_id)
                    if r.recorded_by_org_id
                    else None,
                },
            )
        )
    for c in src.costs:
        items.append(
            (
                c.created_at,
                3,
                c.id,
                {
                    "type": "cost",
                    "id": c.id,
                    "at": iso(c.created_at),
                    "kind": c.kind.value,
                    "amount": c.amount.to_dict(),
                    "description": c.description,
                    "borne_by": c.borne_by.value,
                    "recoverable": c.recoverable,
                    "status": c.status.value,
                    "decided_at": iso(c.decided_at),
                    "decided_by": c.decided_by.name if c.decided_by else None,
                    "actor": c.author.name if c.author else None,
                    "actor_organization": orgs.get(c.author_org_id) if c.author_org_id else None,
                },
            )
        )
    items.sort(key=lambda item: item[:3])
    return [item[3] for item in items]


def disputes_json(src: Sources) -> list[dict[str, Any]]:
    """Disputes on the case's invoices, each with its event history."""
    users = src.user_names
    return [
        {
            "id": d.id,
            "invoice": d.invoice.number,
            "reason": d.reason,
            "amount": d.amount.to_dict(),
            "status": d.status.value,
            "outcome": d.outcome.value if d.outcome else None,
            "description": d.description,
            "resolution_note": d.resolution_note,
            "due_date": iso(d.due_date),
            "opened_at": iso(d.created_at),
            "resolved_at": iso(d.resolved_at),
            "events": [
                {
                    "at": iso(e.created_at),
                    "kind": e.kind,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "actor": users.get(e.actor_id) if e.actor_id else None,
                    "details": e.details,
                }
                for e in src.dispute_events.get(d.id, [])
            ],
        }
        for d in src.disputes
    ]


def dunning_json() -> dict[str, Any]:
    """No dunning model exists in the ledger yet: an empty history that says so."""
    return {"steps": [], "note": DUNNING_NOTE}
