"""T18 on the shell's pages: names and labels typed by users are escaped everywhere."""

from __future__ import annotations

from core.auth import services
from core.extensions import db
from tests import factories
from tests.core.web.conftest import csrf_of

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'


def test_hostile_names_are_escaped_on_every_shell_page(client, signed_in):
    org = factories.make_org("creditor", name=f"Evil {SCRIPT} GmbH")
    owner = factories.make_user(org, "owner", name=f"Mallory {ATTRIBUTE}")
    factories.make_user(org, "sales", name=f"Sam {SCRIPT}")
    services.invite(org, email="x@example.com", role="viewer", actor=owner)
    services.issue_token(owner, name=f"token {SCRIPT}")
    db.session.commit()
    signed_in(owner)
    client.post("/tokens", data={"csrf_token": csrf_of(client, "/tokens"), "name": SCRIPT})
    for path in ("/", "/team", "/tokens", "/account", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html, path
        assert 'onmouseover="alert' not in html, path
        assert "&lt;script&gt;" in html, path
