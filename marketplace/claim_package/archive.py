"""Write a claim package zip into a spooled temporary file, within a size cap.

Members are written one at a time: small documents from memory, evidence files read from
the attachment store one by one. The spool stays in memory up to SPOOL_MEMORY bytes, then
moves to disk; past the cap (config `CLAIM_PACKAGE_MAX_BYTES`) the export is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from flask import current_app

from core.db import utcnow
from core.errors import DomainError
from disputes.attachments.models import Attachment
from disputes.attachments.service import read_attachment, safe_download_name
from ledger.clock import today
from marketplace.claim_package import members
from marketplace.claim_package.sources import Sources

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
SPOOL_MEMORY = 4 * 1024 * 1024
#: characters kept of an evidence file's own name (its id keeps the member unique)
MAX_NAME = 80


class PackageTooLarge(DomainError):
    status = 422
    code = "package_too_large"


def max_bytes() -> int:
    """The cap: config `CLAIM_PACKAGE_MAX_BYTES`, 200 MB by default."""
    return int(current_app.config.get("CLAIM_PACKAGE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def evidence_name(attachment: Attachment) -> str:
    """`evidence/<id>-<name>`: the uploaded name without any path, separator or `..`."""
    name = safe_download_name(attachment.filename).replace("..", "_")
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: MAX_NAME - len(ext)].rstrip(" .") + ext
    return f"evidence/{attachment.id}-{name or 'attachment'}"


def evidence_of(src: Sources) -> list[Attachment]:
    """Files on the comments the caller sees, deleted comments' files excepted."""
    return [a for c in src.comments if not c.deleted for a in c.attachments]


@dataclass
class Package:
    """A finished zip, rewound: `file` holds `size` bytes."""

    file: IO[bytes]
    size: int
    members: list[dict[str, Any]]


class _Writer:
    def __init__(self, limit: int, generated_at: datetime):
        self.limit = limit
        self.stamp = generated_at.timetuple()[:6]
        self.file: IO[bytes] = SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
        self.zip = zipfile.ZipFile(self.file, "w", compression=zipfile.ZIP_DEFLATED)
        self.listed: list[dict[str, Any]] = []

    def add(self, name: str, data: bytes, *, listed: bool = True, **extra: Any) -> None:
        info = zipfile.ZipInfo(name, date_time=self.stamp)  # type: ignore[arg-type]
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, data)
        if self.file.tell() > self.limit:
            raise _too_large(self.limit)
        if listed:
            digest = hashlib.sha256(data).hexdigest()
            self.listed.append({"name": name, "size": len(data), "sha256": digest, **extra})

    def add_json(self, name: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)
        self.add(name, (text + "\n").encode())

    def finish(self) -> Package:
        self.zip.close()
        size = self.file.tell()
        self.file.seek(0)
        return Package(self.file, size, self.listed)

    def close(self) -> None:
        self.zip.close()
        self.file.close()


def _too_large(limit: int, size: int | None = None) -> PackageTooLarge:
    details: dict[str, Any] = {"max_bytes": limit}
    if size is not None:
        details["size"] = size
    return PackageTooLarge(
        "The claim package would be larger than the export limit; download the largest "
        "files from the case's thread instead.",
        details=details,
    )


def build(src: Sources) -> Package:
    """The zip for `src` (422 past the cap, before anything large is read when possible)."""
    limit = max_bytes()
    files = evidence_of(src)
    declared = sum(a.size for a in files)
    if declared > limit:
        raise _too_large(limit, declared)
    now, day = utcnow(), today()
    names = {a.id: evidence_name(a) for a in files}
    writer = _Writer(limit, now)
    try:
        writer.add("invoices.csv", members.invoices_csv(src, day).encode())
        writer.add_json("interest.json", members.interest_json(src, day))
        writer.add("thread.md", members.thread_md(src, names).encode())
        writer.add_json("timeline.json", members.timeline_json(src))
        writer.add_json("disputes.json", members.disputes_json(src))
        writer.add_json("dunning.json", members.dunning_json())
        for attachment in files:
            writer.add(
                names[attachment.id],
                read_attachment(attachment),
                content_type=attachment.content_type,
                comment_id=attachment.comment_id,
            )
        manifest = members.manifest(src, generated_at=now, files=writer.listed)
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        writer.add("manifest.json", text.encode(), listed=False)
    except BaseException:
        writer.close()
        raise
    return writer.finish()
