def test_me_answers_for_a_token_holder(client, tenants, bearer):
    resp = client.get("/api/v1/me", headers=bearer(tenants.a.owner))
    assert resp.status_code == 200
    assert resp.json["organization"]["kind"] == "creditor"


def test_rows_from_the_previous_test_are_gone(client, tenants, bearer):
    from core.auth.models import Organization
    from core.extensions import db

    assert db.session.query(Organization).count() == 4
