"""Importing this module is the side effect: a tampered outbox row must not cause it."""

IMPORTED = True


def anything(*_args: object) -> None:
    """Never meant to run."""
