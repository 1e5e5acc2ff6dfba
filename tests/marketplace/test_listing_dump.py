"""The lean listing dump is ListingSchema's dump, value for value and key for key (T4, P4)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.money import Money
from marketplace.schemas import ListingSchema, dump_listings
from marketplace.services.listing import Listing
from marketplace.terms import FeeModel, FeeTerms, ListingTerms


def listing(**changes) -> Listing:
    fields = {
        "id": 7,
        "sector": "Retail",
        "country": "DE",
        "size_band": "1k_5k",
        "debtor_type": "company",
        "claimed": Money(123456, "EUR"),
        "days_overdue_bucket": "d31_60",
        "invoice_count": 2,
        "dispute_summary": {"count": 1, "open_count": 1, "by_reason": {"delivery.damaged": 1}},
        "document_kinds": ["invoices"],
        "terms": ListingTerms(("contingency", "fixed"), "EUR", 1250, 50000),
        "instant_terms": FeeTerms(FeeModel.HYBRID, "EUR", 1500, None, 20000),
        "bidding_deadline": datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        "published_at": datetime(2026, 11, 1, 8, 30, 15, 123456, tzinfo=UTC),
        "by_invitation": True,
        "required_countries": ["DE", "AT"],
        "required_specialties": [],
    }
    return Listing(**{**fields, **changes})


def test_the_lean_dump_equals_the_schema_dump():
    listings = [
        listing(),
        listing(
            sector=None,
            country=None,
            debtor_type=None,
            instant_terms=None,
            published_at=None,
            terms=ListingTerms(("contingency",), "JPY", None, None),
            claimed=Money(99, "JPY"),
            dispute_summary={"count": 0, "open_count": 0, "by_reason": {}},
            by_invitation=False,
        ),
        listing(instant_terms=FeeTerms(FeeModel.FIXED, "EUR", None, 75000, None)),
    ]
    expected = ListingSchema(many=True).dump(listings)
    got = dump_listings(listings)
    assert got == expected
    assert [list(item) for item in got] == [list(item) for item in expected]
    assert got[0]["instant_terms"] == {
        "fee_model": "hybrid",
        "percent": "15",
        "fixed": None,
        "upfront": {"amount": "200.00", "currency": "EUR"},
    }
    assert got[1]["instant_terms"] is None and got[1]["terms"]["max_percent"] is None
