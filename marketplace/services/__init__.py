"""Marketplace workflows: cases, bidding, award. Flush, never commit."""
