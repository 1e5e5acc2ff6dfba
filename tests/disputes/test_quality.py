"""QUALITY.md cases for the disputes and threads API that the feature tests left open.

Already covered elsewhere (not repeated here):
- T1/T2 404 + `authz_denied` row for every id route: tests/core/test_tenancy_walker.py
- T3 foreign invoice/owner ids → 422: tests/disputes/test_disputes_api.py; foreign
  attachment ids → 422: tests/disputes/threads/test_comments_api.py
- T10 guessed keys, traversal, headers: tests/disputes/attachments/test_api.py
- T18 comment Markdown: tests/disputes/threads/test_comments_api.py
- T22 comment edits: tests/disputes/threads/test_comments_api.py
- T40 NUL/RLO in comments, 10 MB comment under a 1 MB limit: same file
Here: T1 bodies without B's data, T2 "unchanged", T3 "nothing created", T18 in e-mails,
T22 for the dispute note (incl. a barrier race on PostgreSQL), T40 at the default limits
and in descriptions, T43 for JSON bodies. Uploads: tests/disputes/attachments/.
"""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from core.mail import OutgoingEmail
from core.money import Money
from core.notifications.models import Notification
from disputes import services
from disputes.attachments.models import Attachment
from disputes.attachments.service import store_attachment
from disputes.jobs import notify_sla_breaches
from disputes.models import Dispute, DisputeEvent
from disputes.threads import services as threads
from disputes.threads.models import Comment, CommentRevision, Thread
from ledger.clock import today
from ledger.models import CreditNote, Invoice
from tests import factories
from tests.core.jobs import conftest as jobs
from tests.core.jobs.conftest import SmtpSink

# the real SMTP sink of the job tests (tests/core/jobs/conftest.py)
smtp_server = jobs.smtp_server
smtp = jobs.smtp

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'
JS_LINK = "[click](javascript:alert(1))"
#: tables a refused or foreign request must leave exactly as they were
WATCHED = (
    Dispute,
    DisputeEvent,
    Thread,
    Comment,
    CommentRevision,
    Attachment,
    Notification,
    OutgoingEmail,
    Invoice,
    CreditNote,
)


def open_one(org, actor, description):
    """A 10.00 EUR delivery dispute on a new invoice of `org`."""
    return services.open_dispute(
        factories.make_invoice(org),
        actor=actor,
        reason="delivery.damaged",
        amount=Money.parse("10.00", "EUR"),
        description=description,
    )


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the watched tables, read from the database."""
    db.session.expire_all()
    return {
        model.__tablename__: [
            tuple(row)
            for row in db.session.execute(select(model.__table__).order_by(model.__table__.c.id))
        ]
        for model in WATCHED
    }


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def new_dispute_body(invoice_id: int, **change) -> dict:
    return {
        "invoice_id": invoice_id,
        "reason": "delivery.damaged",
        "amount": eur("100.00"),
        "description": "Two pallets arrived crushed.",
        **change,
    }


class B:
    """Tenant B's dispute, comment and attachment, each carrying a marker string."""

    MARKERS = ("B-SECRET-DEBTOR", "B-SECRET-INV", "B-SECRET-DESCRIPTION", "B-SECRET-COMMENT")

    def __init__(self, tenants) -> None:
        b = tenants.b
        debtor = factories.make_debtor(b.org, "B-SECRET-DEBTOR GmbH")
        invoice = factories.make_invoice(b.org, debtor, number="B-SECRET-INV-1")
        self.dispute = services.open_dispute(
            invoice,
            actor=b.credit,
            reason="invoicing.price",
            amount=Money.parse("100.00", "EUR"),
            description="B-SECRET-DESCRIPTION",
        )
        self.attachment = store_attachment(
            b.org, uploader=b.credit, filename="B-SECRET-FILE.pdf", data=PDF
        )
        self.comment = threads.add_comment(
            self.dispute,
            actor=b.credit,
            body="B-SECRET-COMMENT",
            visibility="shared",
            attachment_ids=[self.attachment.id],
        )
        db.session.commit()
        self.invoice_id, self.dispute_id = invoice.id, self.dispute.id
        self.comment_id, self.attachment_id = self.comment.id, self.attachment.id
        self.user_ids = [u.id for u in b.users.values()]


def leaks(text: str) -> list[str]:
    return [marker for marker in B.MARKERS if marker in text]


# --- T1: reads of B's objects answer nothing of B ------------------------------------------


def test_t1_reads_of_bs_objects_carry_none_of_bs_data(client, tenants, bearer):
    b = B(tenants)
    factories.make_invoice(tenants.a.org)  # A has data of its own
    for user in (tenants.a.owner, tenants.a.credit, tenants.a.sales, tenants.a.viewer):
        headers = bearer(user)
        for url in (
            f"/api/v1/disputes/{b.dispute_id}",
            f"/api/v1/disputes/{b.dispute_id}/comments",
            f"/api/v1/attachments/{b.attachment_id}",
        ):
            resp = client.get(url, headers=headers)
            assert resp.status_code == 404, (url, resp.status_code)
            assert leaks(resp.get_data(as_text=True)) == [], url
        # filters and lists naming B's ids: A's own (empty) results, no B rows
        for query in (
            f"invoice_id={b.invoice_id}",
            f"owner_id={tenants.b.credit.id}",
            "",
            "status=open",
        ):
            resp = client.get(f"/api/v1/disputes?{query}", headers=headers)
            assert resp.status_code == 200 and resp.json["total"] == 0, query
            assert leaks(resp.get_data(as_text=True)) == []


# --- T2: writes on B's objects change nothing -----------------------------------------------


def test_t2_writes_on_bs_dispute_and_comments_are_404_and_change_nothing(client, tenants, bearer):
    b = B(tenants)
    before = snapshot()
    writes = [
        ("PATCH", f"/api/v1/disputes/{b.dispute_id}", {"description": "A was here"}),
        ("PATCH", f"/api/v1/disputes/{b.dispute_id}", {"owner_id": tenants.a.credit.id}),
        ("PATCH", f"/api/v1/disputes/{b.dispute_id}", {"due_date": "2020-01-01", "version": 1}),
        ("POST", f"/api/v1/disputes/{b.dispute_id}/transition", {"to": "in_review"}),
        ("POST", f"/api/v1/disputes/{b.dispute_id}/resolve", {"outcome": "withdrawn"}),
        (
            "POST",
            f"/api/v1/disputes/{b.dispute_id}/comments",
            {"body": f"@{tenants.b.owner.email} hi", "visibility": "shared"},
        ),
        ("PATCH", f"/api/v1/comments/{b.comment_id}", {"body": "A was here", "version": 1}),
        ("DELETE", f"/api/v1/comments/{b.comment_id}", None),
    ]
    for user in (tenants.a.owner, tenants.a.credit):
        headers = bearer(user)
        for method, url, body in writes:
            resp = client.open(url, method=method, json=body, headers=headers)
            assert resp.status_code == 404, (method, url, resp.status_code)
            assert leaks(resp.get_data(as_text=True)) == []
    assert snapshot() == before


# --- T3: foreign ids in the body: 422 and nothing created ----------------------------------


@pytest.mark.parametrize("foreign", ["invoice_id", "owner_id", "both"])
def test_t3_a_dispute_naming_bs_invoice_or_user_creates_nothing(client, tenants, bearer, foreign):
    b = B(tenants)
    own = factories.make_invoice(tenants.a.org)
    body = new_dispute_body(b.invoice_id if foreign in ("invoice_id", "both") else own.id)
    if foreign in ("owner_id", "both"):
        body["owner_id"] = tenants.b.credit.id
    before = snapshot()

    resp = client.post("/api/v1/disputes", json=body, headers=bearer(tenants.a.credit))

    assert resp.status_code == 422, resp.json
    assert set(resp.json["error"]["details"]) <= {"invoice_id", "owner_id"}
    assert leaks(resp.get_data(as_text=True)) == []
    assert snapshot() == before


def test_t3_reassigning_a_dispute_to_bs_user_changes_nothing(client, tenants, bearer):
    dispute = services.open_dispute(
        factories.make_invoice(tenants.a.org),
        actor=tenants.a.credit,
        reason="delivery.late",
        amount=Money.parse("10.00", "EUR"),
        description="Late.",
    )
    db.session.commit()
    before = snapshot()
    for owner_id in (tenants.b.credit.id, tenants.x.owner.id):
        resp = client.patch(
            f"/api/v1/disputes/{dispute.id}",
            json={"owner_id": owner_id, "description": "Changed too"},
            headers=bearer(tenants.a.credit),
        )
        assert resp.status_code == 422 and "owner_id" in resp.json["error"]["details"]
    assert snapshot() == before


@pytest.mark.parametrize("mix", [False, True])
def test_t3_a_comment_with_bs_attachment_creates_nothing(client, tenants, bearer, mix):
    """Not the comment, its thread, a mention's notification, nor a change to either file."""
    b = B(tenants)
    loose = store_attachment(tenants.b.org, uploader=tenants.b.credit, filename="b.pdf", data=PDF)
    mine = store_attachment(tenants.a.org, uploader=tenants.a.credit, filename="a.pdf", data=PDF)
    dispute = services.open_dispute(
        factories.make_invoice(tenants.a.org),
        actor=tenants.a.credit,
        reason="delivery.late",
        amount=Money.parse("10.00", "EUR"),
        description="Late.",
    )
    db.session.commit()
    ids = [mine.id, loose.id] if mix else [loose.id]
    before = snapshot()

    for attachment_ids in (ids, [b.attachment_id]):  # B's unattached and B's attached file
        resp = client.post(
            f"/api/v1/disputes/{dispute.id}/comments",
            json={
                "body": f"see @{tenants.a.sales.email}",
                "visibility": "shared",
                "attachment_ids": attachment_ids,
            },
            headers=bearer(tenants.a.credit),
        )
        assert resp.status_code == 422, resp.json
        assert list(resp.json["error"]["details"]) == ["attachment_ids"]
    assert snapshot() == before
    db.session.refresh(dispute)
    assert dispute.thread_id is None


# --- T22: two editors of one dispute note ---------------------------------------------------


def patch(client, headers, dispute_id, **body):
    return client.patch(f"/api/v1/disputes/{dispute_id}", json=body, headers=headers)


def test_t22_two_editors_from_version_3_first_wins_second_gets_409_with_current(
    client, tenants, bearer
):
    dispute = open_one(tenants.a.org, tenants.a.credit, "v1")
    db.session.commit()
    credit, sales_manager = bearer(tenants.a.credit), bearer(tenants.a.owner)
    url = f"/api/v1/disputes/{dispute.id}"
    assert client.get(url, headers=credit).json["version"] == 1
    assert patch(client, credit, dispute.id, description="v2", version=1).json["version"] == 2
    assert patch(client, credit, dispute.id, description="v3", version=2).json["version"] == 3

    first = patch(
        client, credit, dispute.id, description="from tab A", due_date="2031-01-31", version=3
    )
    second = patch(
        client,
        sales_manager,
        dispute.id,
        description="from tab B",
        owner_id=tenants.a.owner.id,
        version=3,
    )

    assert first.status_code == 200 and first.json["version"] == 4
    assert second.status_code == 409
    error = second.json["error"]
    assert error["code"] == "stale"
    assert error["details"]["current"] == {
        "description": "from tab A",
        "owner_id": tenants.a.credit.id,
        "due_date": "2031-01-31",
        "version": 4,
    }
    got = client.get(url, headers=credit).json
    assert (got["description"], got["owner_id"], got["version"]) == (
        "from tab A",
        tenants.a.credit.id,
        4,
    )
    updates = db.session.scalar(
        select(func.count(DisputeEvent.id)).where(
            DisputeEvent.dispute_id == dispute.id, DisputeEvent.kind == "updated"
        )
    )
    assert updates == 3  # v2, v3, tab A; tab B left no trace
    # a version from the future is stale too; without `version` the old contract holds
    assert patch(client, credit, dispute.id, description="x", version=9).status_code == 409
    assert patch(client, credit, dispute.id, description="merged").json["version"] == 5


def test_t22_a_save_between_check_and_write_is_409_not_a_lost_update(
    client, tenants, bearer, monkeypatch
):
    """The version check passes, then someone saves: the row's version guard answers 409."""
    dispute = open_one(tenants.a.org, tenants.a.credit, "v1")
    db.session.commit()
    dispute_id = dispute.id
    real = services._description

    def check_then_someone_saves(text):
        db.session.execute(
            update(Dispute)
            .where(Dispute.id == dispute_id)
            .values(version=Dispute.version + 1)
            .execution_options(synchronize_session=False)
        )
        return real(text)

    monkeypatch.setattr(services, "_description", check_then_someone_saves)
    resp = patch(client, bearer(tenants.a.credit), dispute_id, description="mine", version=1)

    assert resp.status_code == 409
    assert resp.json["error"]["code"] == "stale"
    assert resp.json["error"]["details"]["current"]["description"] == "v1"
    db.session.expire_all()
    assert db.session.get(Dispute, dispute_id).description == "v1"


def race_once(app, editors, dispute_id: int, version: int) -> dict[int, tuple[int, dict]]:
    """Both editors PATCH from `version` at once (a barrier); {editor: (status, body)}."""
    barrier = threading.Barrier(len(editors))
    results: dict[int, tuple[int, dict]] = {}

    def save(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        resp = patch(
            client, editors[n], dispute_id, description=f"t{version}-e{n}", version=version
        )
        results[n] = (resp.status_code, resp.get_json())

    workers = [threading.Thread(target=save, args=(n,)) for n in range(len(editors))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    return results


@pytest.mark.committed
@pytest.mark.postgres_only
def test_t22_concurrent_saves_of_one_version_on_postgresql(app, tenants, bearer):
    """Two editors released by a barrier, 200 trials: one 200 and one 409, never both 200."""
    dispute = open_one(tenants.a.org, tenants.a.credit, "start")
    db.session.commit()
    dispute_id = dispute.id
    editors = [bearer(tenants.a.credit), bearer(tenants.a.owner)]
    db.session.remove()
    violations = []
    for trial in range(200):
        version = trial + 1
        results = race_once(app, editors, dispute_id, version)
        statuses = sorted(status for status, _ in results.values())
        if statuses != [200, 409]:
            violations.append((trial, statuses))
            break
        [winner] = [n for n, (status, _) in results.items() if status == 200]
        [loser] = [body for status, body in results.values() if status == 409]
        if loser["error"]["details"]["current"]["description"] != f"t{version}-e{winner}":
            violations.append((trial, "409 without the winner's text"))
    assert violations == []
    with app.app_context():
        final = db.session.get(Dispute, dispute_id)
        assert final.version == 201
        events = db.session.scalar(
            select(func.count(DisputeEvent.id)).where(
                DisputeEvent.dispute_id == dispute_id, DisputeEvent.kind == "updated"
            )
        )
        assert events == 200  # one write per trial
        db.session.remove()


# --- T40: huge and invisible text -----------------------------------------------------------


def test_t40_a_10_mb_comment_at_the_default_limits_is_refused_and_nothing_stored(
    client, tenants, bearer
):
    dispute = open_one(tenants.a.org, tenants.a.credit, "d")
    db.session.commit()
    before = snapshot()
    huge = "a" * (10 * 1024 * 1024)
    resp = client.post(
        f"/api/v1/disputes/{dispute.id}/comments",
        json={"body": huge, "visibility": "internal"},
        headers=bearer(tenants.a.credit),
    )
    assert resp.status_code in (413, 422)
    error = resp.json["error"]
    assert error["code"] in ("payload_too_large", "validation_error") and error["message"]
    assert len(resp.data) < 2000  # a clear error, not an echo of the body
    assert snapshot() == before


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_t40_a_10_mb_description_is_refused_and_nothing_stored(client, tenants, bearer, method):
    invoice = factories.make_invoice(tenants.a.org)
    dispute = services.open_dispute(
        invoice,
        actor=tenants.a.credit,
        reason="delivery.damaged",
        amount=Money.parse("10.00", "EUR"),
        description="d",
    )
    db.session.commit()
    before = snapshot()
    huge = "b" * (10 * 1024 * 1024)
    if method == "POST":
        resp = client.post(
            "/api/v1/disputes",
            json=new_dispute_body(invoice.id, description=huge),
            headers=bearer(tenants.a.credit),
        )
    else:
        resp = patch(client, bearer(tenants.a.credit), dispute.id, description=huge)
    assert resp.status_code in (413, 422)
    assert len(resp.data) < 2000
    assert snapshot() == before


def test_t40_invisible_and_bidi_characters_in_descriptions_are_dropped(client, tenants, bearer):
    headers = bearer(tenants.a.credit)
    invoice = factories.make_invoice(tenants.a.org)
    hostile = "Pay\u200b to \u202eKCAB\u202c\u200d acc\ufeffount\x00 cafe\u0301"
    resp = client.post(
        "/api/v1/disputes", json=new_dispute_body(invoice.id, description=hostile), headers=headers
    )
    assert resp.status_code == 201, resp.json
    shown = "Pay to KCAB account caf\u00e9"
    assert resp.json["description"] == shown
    dispute_id = resp.json["id"]
    assert db.session.get(Dispute, dispute_id).description == shown
    edited = patch(client, headers, dispute_id, description="\u202egnorw\u202c \u2066x\u2069")
    assert edited.status_code == 200 and edited.json["description"] == "gnorw x"
    # nothing but invisible characters is no description
    empty = patch(client, headers, dispute_id, description="\u200b\u202e\u2060")
    assert empty.status_code == 422 and "description" in empty.json["error"]["details"]
    assert client.get(f"/api/v1/disputes/{dispute_id}", headers=headers).json["description"] == (
        "gnorw x"
    )


# --- T43: a JSON body over MAX_CONTENT_LENGTH is refused from its length ---------------------


class UnreadStream(io.BytesIO):
    """A request body that counts the bytes anyone read from it."""

    def __init__(self) -> None:
        super().__init__(b"{}")
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


@pytest.mark.parametrize("path", ["/disputes", "/disputes/{id}/comments"])
def test_t43_a_json_body_over_the_limit_is_413_before_it_is_read(
    client, app, tenants, bearer, path
):
    dispute = open_one(tenants.a.org, tenants.a.credit, "d")
    db.session.commit()
    before = snapshot()
    stream = UnreadStream()
    resp = client.post(
        "/api/v1" + path.format(id=dispute.id),
        headers=bearer(tenants.a.credit),
        content_type="application/json",
        environ_overrides={
            "wsgi.input": stream,
            "CONTENT_LENGTH": str(app.config["MAX_CONTENT_LENGTH"] + 1),
        },
    )
    assert resp.status_code == 413
    assert resp.json["error"]["code"] == "payload_too_large"
    assert stream.taken == 0
    assert snapshot() == before


# --- T18: hostile text in notification e-mails ----------------------------------------------

EXPECTED_HEADERS = {
    "from",
    "to",
    "subject",
    "message-id",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
}


def assert_plain_and_inert(message, link: str) -> str:
    """One text/plain part (nothing a mail client renders as HTML), no injected headers."""
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert {name.lower() for name in message} == EXPECTED_HEADERS
    body = message.get_content()
    assert re.findall(r"https?://\S+", body) == [link]  # the only link: ours
    return body


@pytest.fixture
def mail_to_sink(app, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> SmtpSink:
    """Inline jobs deliver to the real SMTP sink on loopback."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", smtp.host)
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    return smtp


def test_t18_a_mention_email_from_a_hostile_name_is_plain_inert_text(
    client, tenants, bearer, mail_to_sink
):
    mallory = factories.make_user(
        tenants.a.org, "credit", name=f"Mallory {SCRIPT} {ATTRIBUTE}\r\nBcc: x@evil.example"
    )
    dispute = open_one(tenants.a.org, tenants.a.credit, "d")
    db.session.commit()
    resp = client.post(
        f"/api/v1/disputes/{dispute.id}/comments",
        json={
            "body": f"@{tenants.a.owner.email} {SCRIPT} {JS_LINK} {ATTRIBUTE}",
            "visibility": "internal",
        },
        headers=bearer(mallory),
    )
    assert resp.status_code == 201, resp.json

    [message] = mail_to_sink.to(tenants.a.owner.email)
    link = f"http://localhost/disputes/{dispute.id}#comment-{resp.json['id']}"
    body = assert_plain_and_inert(message, link)
    assert "Mallory" in str(message["Subject"]) and "Mallory" in body
    assert "x@evil.example" not in message["To"]
    assert "javascript:" not in body  # the comment text itself is not mailed


def test_t18_an_sla_email_with_hostile_description_and_debtor_is_plain_inert_text(
    tenants, mail_to_sink
):
    debtor = factories.make_debtor(tenants.a.org, f"Evil {SCRIPT} {ATTRIBUTE} GmbH")
    hostile = f"{SCRIPT} {JS_LINK} <a href='javascript:alert(1)'>x</a> {ATTRIBUTE}"
    dispute = services.open_dispute(
        factories.make_invoice(tenants.a.org, debtor),
        actor=None,
        reason="delivery.damaged",
        amount=Money.parse("10.00", "EUR"),
        description=hostile,
        owner_id=tenants.a.sales.id,
        due_date=today() - timedelta(days=2),
    )
    db.session.commit()

    assert notify_sla_breaches() == 3
    db.session.commit()  # the e-mails go out after the commit (inline jobs)

    for user in (tenants.a.sales, tenants.a.credit, tenants.a.owner):
        [message] = mail_to_sink.to(user.email)
        body = assert_plain_and_inert(message, f"http://localhost/disputes/{dispute.id}")
        # shown literally, as typed: text/plain is never interpreted
        assert SCRIPT in body and "&lt;" not in body
        assert "Evil" in " ".join(str(message["Subject"]).split())
