"""The OpenAPI document describes every /api/v1 route; the reference page needs no CDN."""

import re


def test_every_api_route_and_method_is_documented(app, client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method) not in documented:
                missing.append(f"{method} {path}")
    assert not missing


def test_the_error_shape_and_money_are_described(client):
    spec = client.get("/api/openapi.json").json
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error"}
    money = spec["components"]["schemas"]["OrganizationUpdate"]["properties"][
        "expense_approval_threshold"
    ]
    assert money["properties"]["amount"]["type"] == "string"
    assert {"bearer", "session"} <= set(spec["components"]["securitySchemes"])


def test_the_reference_page_loads_its_assets_from_us(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/docs-assets/swagger-ui-bundle.js" in page
    assert not re.search(r"(src|href)=\"https?://", page)
    asset = client.get("/api/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
