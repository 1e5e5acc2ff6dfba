"""Zip uploads (T43): mixed members, nesting, member count, zip bombs, unsafe names."""

from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest

from ledger.imports.parsing import Limits, parse_file

from .conftest import SAMPLES
from .xmldocs import ubl

CSV = (
    b"invoice_number,debtor_name,issue_date,due_date,currency,amount\n"
    b"C-1,ACME,2026-01-05,2026-02-04,EUR,10.00\n"
)


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def test_mixed_members_are_each_parsed_and_errors_name_the_member():
    pdf = (SAMPLES / "zugferd-horstoeko/pdf_zf_en16931_1.pdf").read_bytes()
    data = make_zip(
        {
            "2026/ledger.csv": CSV,
            "2026/einvoice.xml": ubl("U-1").encode(),
            "2026/cii.xml": (SAMPLES / "factur-x-akretion/factur-x-minimum.xml").read_bytes(),
            "scan.pdf": pdf,
            "bad.csv": CSV.replace(b"10.00", b"-1").replace(b"C-1", b"C-2"),
            "plain.pdf": (SAMPLES / "zugferd-horstoeko/pdf_plain.pdf").read_bytes(),
            "__MACOSX/._ledger.csv": b"\x00\x05\x16\x07",
            "notes/": b"",
        }
    )
    result = parse_file("upload.zip", data)
    assert sorted(r.number for r in result.records) == ["471102", "C-1", "F20260023", "U-1"]
    assert {r.location.file for r in result.records} >= {"2026/ledger.csv", "scan.pdf"}
    assert sorted((e.file, e.code) for e in result.errors) == [
        ("bad.csv", "negative_amount"), ("plain.pdf", "pdf_no_einvoice"),
    ]  # fmt: skip
    assert result.file_count == 6


def test_same_invoice_in_two_members_is_a_duplicate():
    result = parse_file("d.zip", make_zip({"a.xml": ubl("X").encode(), "b.xml": ubl("X").encode()}))
    assert [(e.file, e.code) for e in result.errors] == [("b.xml", "duplicate_number")]
    assert "a.xml" in result.errors[0].message
    assert result.records == ()


@pytest.mark.parametrize("name", ["inner.zip", "data.csv"])
def test_nested_archives_are_refused(name):
    inner = make_zip({"a.csv": CSV})
    result = parse_file("outer.zip", make_zip({name: inner, "ok.csv": CSV}))
    assert [(e.file, e.code) for e in result.errors] == [(name, "zip_nested")]


def test_too_many_members():
    data = make_zip({f"f{i}.csv": b"" for i in range(1_001)}, zipfile.ZIP_STORED)
    [error] = parse_file("many.zip", data).errors
    assert error.code == "zip_too_many_members"
    [error] = parse_file("few.zip", make_zip({"a.csv": CSV, "b.csv": CSV}),
                         limits=Limits(max_members=1)).errors  # fmt: skip
    assert error.code == "zip_too_many_members"


def _bomb(size: int) -> bytes:
    """A zip of a few hundred KB whose one member inflates to `size` zero bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("bomb.csv", "w") as fh:
        chunk = b"\0" * (1 << 20)
        for _ in range(size >> 20):
            fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_is_refused_from_its_headers_without_inflating():
    data = _bomb(101 << 20)  # just over the default 100 MB
    assert len(data) < 1 << 20
    started = time.perf_counter()
    [error] = parse_file("bomb.zip", data).errors
    assert error.code == "zip_too_large"
    assert time.perf_counter() - started < 0.5  # nothing was inflated


def _lie_about_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size in the local and central headers to `size`."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    struct.pack_into("<I", out, local + 22, size)
    central = out.find(b"PK\x01\x02")
    struct.pack_into("<I", out, central + 24, size)
    return bytes(out)


def test_zip_whose_header_understates_its_size_cannot_bomb():
    data = _lie_about_size(_bomb(8 << 20), 1_000)
    result = parse_file("liar.zip", data, limits=Limits(max_uncompressed=1 << 20))
    assert not result.records
    assert [e.code for e in result.errors] in (["zip_member_unreadable"], ["zip_too_large"])


def test_inflated_bytes_are_counted_against_the_limit():
    data = make_zip({"a.csv": CSV, "b.xml": ubl("B").encode()})
    [error] = parse_file("z.zip", data, limits=Limits(max_uncompressed=len(CSV) + 10)).errors
    assert error.code == "zip_too_large"


@pytest.mark.parametrize(
    "name", ["../evil.csv", "a/../../evil.csv", "/etc/cron.d/evil.csv", "C:/evil.csv"]
)
def test_path_traversal_names_are_refused(name):
    result = parse_file("t.zip", make_zip({name: CSV.replace(b"C-1", b"T-1"), "ok.csv": CSV}))
    assert [(e.file, e.code) for e in result.errors] == [(name, "zip_unsafe_name")]
    assert [r.number for r in result.records] == ["C-1"]


def test_encrypted_members_are_refused():
    data = bytearray(make_zip({"secret.csv": CSV}))  # zipfile cannot encrypt: set the flag
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + offset
        struct.pack_into("<H", data, at, struct.unpack_from("<H", data, at)[0] | 0x1)
    [error] = parse_file("enc.zip", bytes(data)).errors
    assert (error.file, error.code) == ("secret.csv", "zip_encrypted")


def test_unsupported_members_and_damaged_archives():
    result = parse_file("u.zip", make_zip({"sheet.xlsx": b"PK\x03\x04junk", "a.csv": CSV}))
    assert [(e.file, e.code) for e in result.errors] == [("sheet.xlsx", "unsupported_file")]
    [error] = parse_file("broken.zip", b"PK\x03\x04" + b"\x00" * 40).errors
    assert error.code == "invalid_zip"
    [error] = parse_file("empty.zip", make_zip({})).errors
    assert error.code == "empty_file"
