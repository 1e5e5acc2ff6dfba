"""The creditor dashboard's "Getting started" card is true with or without invoices."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("with_invoices", [False, True])
def test_getting_started_card_never_claims_the_ledger_is_empty(
    tenants, login_as, request, with_invoices
):
    if with_invoices:
        request.getfixturevalue("ledger")
    html = login_as(tenants.a.owner).get("/").text
    assert "once your ledger is imported" not in html
    assert 'invoices and aging are under <a href="/debtors">Debtors</a>' in html
    assert '<a href="/imports/new">Import invoices</a>' in html


def test_only_ledger_writers_are_offered_the_import(tenants, login_as):
    for user in (tenants.a.viewer, tenants.a.sales):
        html = login_as(user).get("/").text
        assert 'href="/imports/new"' not in html and 'under <a href="/debtors">' in html
    html = login_as(tenants.x.owner).get("/").text  # an agency has no ledger
    assert 'href="/imports/new"' not in html and 'href="/debtors"' not in html
