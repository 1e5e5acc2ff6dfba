"""P6: the directory runs the same few statements for 3 agencies as for 30."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from core.extensions import db
from tests import factories
from tests.agencies.helpers import make_profile, make_review


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.engines[None]
    engine = getattr(engine, "engine", engine)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_agencies(n: int, reviewer) -> None:
    for _ in range(n):
        agency = factories.make_org("agency")
        make_profile(agency, countries=["DE", "FR"], specialties=["construction"])
        make_review(agency, reviewer, rating=4)
        make_review(agency, reviewer, rating=5)


def test_directory_statements_do_not_grow_with_agencies(
    client, tenants, bearer, login_as, no_case_providers, provide_case_figures
):
    """Only this test's provider (the marketplace's has its own count, 3 statements)."""
    provide_case_figures(lambda ids: {i: {"cases_closed": 1} for i in ids})
    headers = bearer(tenants.a.owner)
    add_agencies(1, tenants.a.owner)  # with X and Y: 3 agencies

    def statements() -> dict[str, int]:
        found = {}
        for name, path, kwargs in (
            ("api", "/api/v1/agencies?page_size=50", {"headers": headers}),
            (
                "api filtered",
                "/api/v1/agencies?country=DE&specialty=construction",
                {"headers": headers},
            ),
            ("page", "/agencies", {}),
        ):
            if name == "page":
                login_as(tenants.a.owner)
            with counting() as seen:
                resp = client.get(path, **kwargs)
            assert resp.status_code == 200
            found[name] = len(seen)
        return found

    statements()  # the first call also stamps the token's last use
    few = statements()
    add_agencies(27, tenants.a.owner)
    many = statements()
    assert many == few
    # counted: the test's SAVEPOINT/ROLLBACK TO, the caller, count, page, ratings
    # (the page adds the menu's unread badge)
    assert many["api"] <= 6 and many["page"] <= 7, many
