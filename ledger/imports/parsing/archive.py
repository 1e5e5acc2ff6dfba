"""Zip uploads: bounded, flat archives of CSV/XML/PDF/JSON files, each parsed on its own.

Refused before anything is inflated: too many members, a declared total size over the limit,
encrypted members, absolute or `..` paths, nested archives (by name). While inflating, bytes
are counted against the same limit, so a header that lies about sizes cannot bomb us.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from io import BytesIO

from .dedupe import deduplicate
from .records import DEFAULT_LIMITS, Limits, ParseResult, RowError, failure

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_ARCHIVE_SUFFIXES = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz")
#: operating-system litter that is silently passed over
_IGNORED = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
_CHUNK = 64 * 1024
NESTED = "Archives inside the zip are not accepted; unpack them first."

MemberParser = Callable[[str, bytes], ParseResult]


class _TooBig(Exception):
    pass


def _refusal(member: str, code: str, message: str) -> RowError:
    return RowError(member, None, None, code, message)


def _unsafe_name(name: str) -> str | None:
    """Why a member name is refused, or None when it is a plain relative path."""
    if "\\" in name or "\x00" in name:
        return "contains a backslash or NUL"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "climbs out of the archive (..)"
    if posixpath.normpath(name) in ("", "."):
        return "is empty"
    return None


def parse_zip(
    file: str, data: bytes, parse_member: MemberParser, *, limits: Limits = DEFAULT_LIMITS
) -> ParseResult:
    """Parse every member with `parse_member(name, bytes)`; errors name the member file."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return failure(file, "invalid_zip", "This zip archive is damaged and cannot be read.")
    with archive:
        if len(infos) > limits.max_members:
            return failure(
                file,
                "zip_too_many_members",
                f"The zip holds {len(infos):,} entries; "
                f"at most {limits.max_members:,} are accepted.",
            )
        errors: list[RowError] = []
        members = []
        seen: set[str] = set()
        for info in infos:
            name = info.filename
            if any(part in name for part in _IGNORED):
                continue
            why = _unsafe_name(name)
            if why:
                errors.append(
                    _refusal(name, "zip_unsafe_name", f"Member name {name!r} {why}; refused.")
                )
                continue
            if info.is_dir():
                continue
            if name in seen:
                errors.append(
                    _refusal(
                        name, "zip_duplicate_member", "The zip holds two members with this name."
                    )
                )
                continue
            seen.add(name)
            if info.flag_bits & 0x1:
                errors.append(
                    _refusal(
                        name,
                        "zip_encrypted",
                        "Encrypted members cannot be read; zip without a password.",
                    )
                )
                continue
            if name.lower().endswith(_ARCHIVE_SUFFIXES):
                errors.append(_refusal(name, "zip_nested", NESTED))
                continue
            members.append(info)
        declared = sum(i.file_size for i in members)
        if declared > limits.max_uncompressed:
            return failure(
                file,
                "zip_too_large",
                f"The zip would unpack to {declared:,} bytes; at most "
                f"{limits.max_uncompressed:,} are accepted.",
            )
        records = []
        skipped: list[RowError] = []
        budget = limits.max_uncompressed
        parsed = 0
        for info in members:
            try:
                content = _read_bounded(archive, info, budget)
            except _TooBig:
                return failure(
                    file,
                    "zip_too_large",
                    f"{info.filename} inflates past the {limits.max_uncompressed:,}-byte limit "
                    "(its header understates its size).",
                )
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                EOFError,
                OSError,
                ValueError,
                NotImplementedError,
            ) as exc:
                errors.append(
                    _refusal(
                        info.filename,
                        "zip_member_unreadable",
                        f"This member cannot be unpacked ({exc}).",
                    )
                )
                continue
            budget -= len(content)
            result = parse_member(info.filename, content)
            parsed += 1
            records.extend(result.records)
            errors.extend(result.errors)
            skipped.extend(result.skipped)
    if not parsed and not errors:
        errors.append(_refusal(file, "empty_file", "The zip holds no files."))
    kept, dup_errors = deduplicate(records)
    return ParseResult(tuple(kept), tuple(errors + dup_errors), parsed, tuple(skipped))


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Inflate one member, stopping as soon as more than `budget` bytes come out."""
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            out += chunk
            if len(out) > budget or len(out) > info.file_size:
                raise _TooBig
    return bytes(out)
