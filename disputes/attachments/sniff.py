"""Allowed attachment types, recognised by their content (magic bytes), never by name.

Pure Python on purpose (no libmagic). Markup (HTML, SVG, XML) is refused even though it
is text: a browser could be talked into rendering it.
"""

from __future__ import annotations

import io
import re
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TEXT = "text/plain"
EML = "message/rfc822"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: sniffed type → file extensions a name may carry for it (the first is the canonical one)
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    GIF: (".gif",),
    WEBP: (".webp",),
    TEXT: (".txt", ".csv", ".tsv", ".log", ".md", ".text"),
    EML: (".eml",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}

#: a zip with more entries than this is not an office document we accept (zip bombs)
MAX_ZIP_ENTRIES = 5000
#: markup a browser would render; looked for near the start of a text file
MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|\?xml|meta|a\s)", re.I)
HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[ \t]")
EML_HEADERS = {b"from", b"to", b"subject", b"date", b"received", b"message-id", b"mime-version"}


def sniff(data: bytes) -> str | None:
    """The content type of `data` if it is one we accept, else None."""
    if not data:
        return None  # an empty file is no document
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return _text(data)


def _office(data: bytes) -> str | None:
    """DOCX/XLSX: a zip holding [Content_Types].xml. Only the directory is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if len(names) > MAX_ZIP_ENTRIES or "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _text(data: bytes) -> str | None:
    """UTF-8 text without NUL bytes or markup; an e-mail if it starts with mail headers."""
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:4096]
    if _looks_like_mail(head):
        return EML  # its HTML parts are MIME-encoded; served only as a download anyway
    if head.startswith(b"<") or MARKUP.search(head[:1024]):
        return None
    return TEXT


def _looks_like_mail(head: bytes) -> bool:
    lines = head.split(b"\n", 30)[:30]
    names = set()
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            continue  # folded header
        if not HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return HEADER_LINE.match(lines[0]) is not None and len(names & EML_HEADERS) >= 2
