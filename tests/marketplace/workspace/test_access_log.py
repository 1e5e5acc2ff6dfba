"""The access log: the creditor sees who at the agency opened the case file, and when."""

from __future__ import annotations

import pytest

from core import audit
from core.extensions import db
from marketplace.models import Case
from tests.marketplace.workspace.helpers import counting, make_awarded_case


@pytest.fixture
def awarded(tenants):
    return make_awarded_case(tenants, sales_rep=tenants.a.sales)


def url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/access-log"


def test_agency_reads_are_listed_newest_first(client, tenants, bearer, awarded):
    collector, owner = bearer(tenants.x.collector), bearer(tenants.x.owner)
    assert (
        client.get(f"/api/v1/cases/{awarded.id}/recoveries", headers=collector).status_code == 200
    )
    assert client.get(f"/api/v1/cases/{awarded.id}/timeline", headers=owner).status_code == 200
    # creditor reads are not logged as agency looks
    client.get(f"/api/v1/cases/{awarded.id}/timeline", headers=bearer(tenants.a.credit))
    resp = client.get(url(awarded.id), headers=bearer(tenants.a.credit))
    assert resp.status_code == 200, resp.json
    got = resp.json
    assert got["total"] == 2
    first, second = got["items"]
    assert first["section"] == "timeline" and first["action"] == "viewed"
    assert first["user"] == {"id": tenants.x.owner.id, "name": tenants.x.owner.name}
    assert first["organisation"] == {
        "id": tenants.x.org.id,
        "name": tenants.x.org.name,
        "kind": "agency",
    }
    assert second["section"] == "recoveries" and second["user"]["id"] == tenants.x.collector.id
    assert first["at"] >= second["at"]


def test_claim_package_exports_are_listed(client, tenants, bearer, awarded):
    case = db.session.get(Case, awarded.id)
    audit.record(
        "case.claim_package_exported",
        actor=tenants.a.owner,
        org=tenants.a.org,
        object_type="case",
        object_id=case.id,
    )
    # other cases' and other actions' rows are not
    audit.record(
        "case.viewed", actor=tenants.x.owner, org=tenants.a.org, object_type="case", object_id=0
    )
    audit.record("case.updated", actor=tenants.a.owner, object_type="case", object_id=case.id)
    db.session.commit()
    got = client.get(url(case.id), headers=bearer(tenants.a.owner)).json
    assert [(i["action"], i["user"]["id"]) for i in got["items"]] == [
        ("claim_package_exported", tenants.a.owner.id)
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [("x.owner", 403), ("x.collector", 403), ("a.sales", 403), ("a.viewer", 403)],
)
def test_only_the_creditor_managers_read_it(client, tenants, bearer, awarded, who, status):
    org, role = who.split(".")
    user = getattr(tenants, org).users[role]
    assert client.get(url(awarded.id), headers=bearer(user)).status_code == status


def test_strangers_and_losing_bidders_get_404(client, tenants, bearer, awarded):
    for user in (tenants.b.owner, tenants.y.owner):
        assert client.get(url(awarded.id), headers=bearer(user)).status_code == 404


def test_pages_and_statements(client, tenants, bearer, awarded):
    collector = bearer(tenants.x.collector)
    headers = bearer(tenants.a.credit)
    client.get("/api/v1/me", headers=headers)
    found = []
    for n in (3, 27):
        for _ in range(n):
            client.get(f"/api/v1/cases/{awarded.id}/summary", headers=collector)
        with counting() as seen:
            resp = client.get(url(awarded.id), headers=headers, query_string={"page_size": 50})
        assert resp.status_code == 200 and len(resp.json["items"]) == resp.json["total"]
        found.append(sum(1 for sql in seen if "SAVEPOINT" not in sql))
    assert resp.json["total"] == 30 and found[0] == found[1], found
    page2 = client.get(url(awarded.id), headers=headers, query_string={"page": 2, "page_size": 20})
    assert len(page2.json["items"]) == 10
