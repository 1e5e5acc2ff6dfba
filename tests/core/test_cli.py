"""The command line of API.md: each command prints what it did; bad input exits non-zero."""

import pytest
from sqlalchemy import func, select

from core.auth.models import Organization, User
from core.extensions import db
from ledger import demo


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_orgs_create_prints_the_id(cli):
    result = cli.invoke(args=["orgs", "create", "Acme Trading", "--kind", "creditor"])
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organization).where(Organization.name == "Acme Trading"))
    assert result.output.strip() == str(org.id)


def test_orgs_create_refuses_duplicates_and_unknown_kinds(cli, make_org):
    make_org("creditor", "Acme Trading")
    dup = cli.invoke(args=["orgs", "create", "acme trading", "--kind", "creditor"])
    assert dup.exit_code != 0 and "exists already" in dup.output
    bad = cli.invoke(args=["orgs", "create", "Other", "--kind", "bank"])
    assert bad.exit_code != 0 and "bank" in bad.output


def test_users_create_and_tokens_create(cli, make_org, client):
    make_org("agency", "Recover Ltd")
    made = cli.invoke(
        args=[
            "users",
            "create",
            "Ann@Recover.example",
            "--org",
            "Recover Ltd",
            "--role",
            "collector",
            "--password",
            "a long passphrase",
        ]
    )
    assert made.exit_code == 0, made.output
    assert "ann@recover.example" in made.output
    token = cli.invoke(args=["tokens", "create", "ann@recover.example"])
    assert token.exit_code == 0
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.output.strip()}"})
    assert me.json["role"] == "collector"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--org", "Nowhere", "--role", "owner", "--password", "a long passphrase"],
            "No organisation",
        ),
        (["--org", "Recover Ltd", "--role", "sales", "--password", "a long passphrase"], "Role"),
        (["--org", "Recover Ltd", "--role", "owner", "--password", "short"], "Password"),
    ],
)
def test_users_create_explains_bad_input(cli, make_org, args, message):
    make_org("agency", "Recover Ltd")
    result = cli.invoke(args=["users", "create", "x@recover.example", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(User).where(User.email == "x@recover.example")) is None


def test_tokens_create_for_an_unknown_user_fails(cli):
    result = cli.invoke(args=["tokens", "create", "ghost@example.com"])
    assert result.exit_code != 0 and "No user" in result.output


def test_demo_seed_fills_an_empty_database_once(cli, monkeypatch):
    monkeypatch.setattr(demo, "DEBTORS", 12)  # the full ledger is timed by hand, not here
    monkeypatch.setattr(demo, "INVOICES", 200)
    first = cli.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "owner@northwind.example" in first.output and "collector@fairway.example" in first.output
    assert "sales@brightwell.example" in first.output
    assert "Brightwell Foods Ltd: 12 debtors, 200 invoices, open receivables GBP" in first.output
    kinds = db.session.execute(
        select(Organization.kind, func.count()).group_by(Organization.kind)
    ).all()
    assert {k.value: n for k, n in kinds} == {"creditor": 2, "agency": 5}  # agencies/demo.py
    roles = {u.role.value for u in db.session.scalars(select(User))}
    assert roles == {"owner", "credit", "sales", "viewer", "collector"}
    again = cli.invoke(args=["demo", "seed"])
    assert again.exit_code != 0 and "not empty" in again.output
