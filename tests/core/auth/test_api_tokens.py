"""GET/POST /api/v1/tokens, DELETE /api/v1/tokens/{id}."""


def test_a_new_token_is_shown_once_and_works(client, tenants, bearer):
    headers = bearer(tenants.a.credit)
    resp = client.post("/api/v1/tokens", json={"name": "ERP"}, headers=headers)
    assert resp.status_code == 201
    secret = resp.json["token"]
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    listed = client.get("/api/v1/tokens", headers=headers).json["items"]
    assert {t["name"] for t in listed} == {"ERP", "test"}
    assert all("token" not in t for t in listed)
    assert secret.startswith(next(t["prefix"] for t in listed if t["name"] == "ERP"))


def test_revoked_tokens_stop_working(client, tenants, bearer):
    headers = bearer(tenants.a.credit)
    created = client.post("/api/v1/tokens", json={"name": "ERP"}, headers=headers).json
    assert client.delete(f"/api/v1/tokens/{created['id']}", headers=headers).status_code == 204
    other = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=other).status_code == 401


def test_a_colleagues_token_is_404_unless_you_are_owner(client, tenants, bearer):
    colleague = client.post(
        "/api/v1/tokens", json={"name": "mine"}, headers=bearer(tenants.a.credit)
    ).json
    resp = client.delete(f"/api/v1/tokens/{colleague['id']}", headers=bearer(tenants.a.sales))
    assert resp.status_code == 404
    resp = client.delete(f"/api/v1/tokens/{colleague['id']}", headers=bearer(tenants.a.owner))
    assert resp.status_code == 204


def test_token_name_is_validated(client, tenants, bearer):
    resp = client.post("/api/v1/tokens", json={"name": ""}, headers=bearer(tenants.a.credit))
    assert resp.status_code == 422


def test_use_is_stamped_on_the_token(client, tenants, bearer):
    headers = bearer(tenants.a.credit)
    client.get("/api/v1/me", headers=headers)
    listed = client.get("/api/v1/tokens", headers=headers).json["items"]
    assert listed[0]["last_used_at"] is not None
