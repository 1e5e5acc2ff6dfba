"""Where attachment bytes live: a small interface, and a local directory behind it for now.

Keys are chosen here (random hex), never derived from anything a user sent, so no
uploaded name or guessed key can reach a path outside the directory.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

#: the only shape a key may have; anything else is refused before touching the disk
KEY = re.compile(r"[0-9a-f]{32}")


class Storage(Protocol):
    """What the service needs from a store (object storage can implement it later)."""

    def save(self, data: bytes) -> str: ...

    def open(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in one flat directory, named by random keys, written atomically."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise FileNotFoundError(key)
        return self.root / key

    def save(self, data: bytes) -> str:
        """Write `data` under a new random key; a reader never sees a half-written file."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_storage() -> Storage:
    """The app's store: `ATTACHMENTS_DIR`, else `<instance>/attachments` (never static/)."""
    root = current_app.config.get("ATTACHMENTS_DIR") or Path(current_app.instance_path) / (
        "attachments"
    )
    return LocalStorage(root)
