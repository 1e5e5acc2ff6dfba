"""P6: the workspace's reads run the same statements for 3 rows as for 30."""

from __future__ import annotations

import pytest

from core.extensions import db
from ledger.clock import today
from marketplace.models import Case
from marketplace.workspace import activities, comments
from tests.disputes.attachments.conftest import PDF_BYTES, upload
from tests.marketplace.workspace.helpers import add_cost, add_recovery, counting, make_awarded_case

SECTIONS = ("comments", "activities", "recoveries", "costs", "summary")


def fill(client, tenants, bearer, n: int) -> int:
    """An awarded case with `n` comments (half with a file), activities, recoveries, costs."""
    awarded = make_awarded_case(tenants, loser=False)
    case = db.session.get(Case, awarded.id)
    creditor_headers = bearer(tenants.a.credit)
    for i in range(n):
        author = (tenants.a.credit, tenants.x.collector)[i % 2]
        files = []
        if i % 2 == 0:
            files = [upload(client, creditor_headers, f"f{i}.pdf", PDF_BYTES).json["id"]]
        comments.add_case_comment(
            case, actor=author, body=f"Comment {i}", visibility="shared", attachment_ids=files
        )
        activities.log_activity(
            case, actor=tenants.x.collector, kind="call", occurred_on=today(), note=f"Call {i}"
        )
        db.session.commit()
        add_recovery(case, tenants.x.owner, "1.00")
        add_cost(case, (tenants.a.credit, tenants.x.owner)[i % 2], "2.00")
    return awarded.id


def statements(client, headers, case_id: int) -> dict[str, int]:
    client.get("/api/v1/me", headers=headers)  # the token's first use writes last_used_at
    found = {}
    for section in SECTIONS:
        with counting() as seen:
            resp = client.get(f"/api/v1/cases/{case_id}/{section}", headers=headers)
        assert resp.status_code == 200, (section, resp.json)
        if section != "summary":
            assert resp.json["total"] >= 3
        # the test harness's savepoints are not the request's statements
        found[section] = sum(1 for sql in seen if "SAVEPOINT" not in sql)
    return found


@pytest.mark.parametrize("side", ["creditor", "agency"])
def test_reads_do_not_grow_with_rows(client, tenants, bearer, side):
    user = tenants.a.credit if side == "creditor" else tenants.x.collector
    headers = bearer(user)
    few = statements(client, headers, fill(client, tenants, bearer, 3))
    many = statements(client, headers, fill(client, tenants, bearer, 30))
    assert few == many, (few, many)
    # token, case, page count, page, eager loads; an agency adds its access log row
    assert max(many.values()) <= (6 if side == "creditor" else 10), many


def bulk_comments(case_id: int, author, n: int) -> None:
    """`n` more shared comments on the case's thread, one in two with a file (plain rows)."""
    from sqlalchemy import insert

    from disputes.attachments.models import Attachment
    from disputes.threads.models import Comment

    case = db.session.get(Case, case_id)
    comments.add_case_comment(case, actor=author, body="First", visibility="shared")
    db.session.commit()
    ids = db.session.scalars(
        insert(Comment).returning(Comment.id, sort_by_parameter_order=True),
        [
            {
                "org_id": author.org_id,
                "thread_id": case.thread_id,
                "author_id": author.id,
                "body": f"Comment {i}",
                "visibility": "shared",
                "mentions": [],
            }
            for i in range(n)
        ],
    ).all()
    files = [
        {
            "org_id": author.org_id,
            "uploader_id": author.id,
            "comment_id": comment_id,
            "filename": f"f{i}.pdf",
            "storage_key": f"bulk{comment_id:08d}",
            "size": len(PDF_BYTES),
            "content_type": "application/pdf",
            "sha256": "0" * 64,
        }
        for i, comment_id in enumerate(ids)
        if i % 2 == 0
    ]
    db.session.execute(insert(Attachment), files)
    db.session.commit()


def test_workspace_page_does_not_grow_with_a_long_thread(client, tenants, login_as):
    """The page renders the whole thread: 3 or 600 comments, the same statements."""
    found = {}
    for n in (3, 600):
        case_id = make_awarded_case(tenants, loser=False).id
        bulk_comments(case_id, tenants.a.credit, n)
        login_as(tenants.a.credit)
        client.get(f"/cases/{case_id}/workspace")
        with counting() as seen:
            resp = client.get(f"/cases/{case_id}/workspace")
        assert resp.status_code == 200
        assert resp.get_data(as_text=True).count('data-testid="attachment"') == (n + 1) // 2
        found[n] = sum(1 for sql in seen if "SAVEPOINT" not in sql)
    assert found[3] == found[600], found
