"""Ledger reports (SPEC §2): aging, DSO, payer lists and credit hold, all as SQL aggregates."""
