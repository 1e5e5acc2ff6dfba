"""Types are recognised by content; names are sanitised for display and download."""

from __future__ import annotations

import io
import zipfile

import pytest

from disputes.attachments import sniff
from disputes.attachments.service import safe_download_name


def office_zip(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<doc/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.4\n...", sniff.PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", sniff.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", sniff.JPEG),
        (b"GIF89a\x01\x00\x01\x00", sniff.GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", sniff.WEBP),
        ("Grüße, a plain note\n".encode(), sniff.TEXT),
        (b"\xef\xbb\xbfinvoice,amount\nA-1,10.00\n", sniff.TEXT),
        (b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody", sniff.EML),
        (office_zip("word"), sniff.DOCX),
        (office_zip("xl"), sniff.XLSX),
    ],
)
def test_allowed_types_are_recognised_by_content(data, expected):
    assert sniff.sniff(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  <html><body onload=alert(1)>",
        b"hello\n<script>alert(document.cookie)</script>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><root/>',
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
        b"text with a NUL \x00 byte",
        "latin-1 caf\xe9".encode("latin-1"),
        b"PK\x03\x04 not really a zip",
        b"",
    ],
)
def test_markup_binaries_and_broken_files_are_refused(data):
    assert sniff.sniff(data) is None


def test_a_zip_without_content_types_is_not_an_office_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", "<doc/>")
    assert sniff.sniff(buf.getvalue()) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("..", "attachment"),
        (".htaccess", "htaccess"),
        ("in\u202efdp.exe", "infdp.exe"),
        ("zero\u200bwidth\x00.txt", "zerowidth.txt"),
        ('a"b;c<d>.txt', "a_b_c_d_.txt"),
        ("", "attachment"),
        ("Rechnung für März.pdf", "Rechnung für März.pdf"),
    ],
)
def test_safe_download_name(name, expected):
    assert safe_download_name(name) == expected


def test_long_names_keep_their_extension():
    name = safe_download_name("x" * 500 + ".pdf")
    assert len(name) == 150 and name.endswith(".pdf")
