"""Dispute lists: all disputes with filters, "my disputes", the open-dispute form."""
