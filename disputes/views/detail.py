"""Dispute page: the dispute, its thread, transitions and the resolution form."""
