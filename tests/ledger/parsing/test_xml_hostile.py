"""Hostile XML (QUALITY T41/T42): refused fast, no file read, no connection, per-document errors.

Two locks are tested separately: the declaration scan that refuses any DTD before parsing,
and the lxml parser configuration on its own (as if the scan had a hole).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from lxml import etree

from ledger.imports.parsing import parse_file
from ledger.imports.parsing.xml import hardened_parser

from .xmldocs import UBL_NS, ubl

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + f"]>\n<Invoice {UBL_NS}><cbc:ID>&lol9;</cbc:ID></Invoice>\n"
)
QUADRATIC = (
    f'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY a "{"x" * 50_000}">]>\n'
    f"<Invoice {UBL_NS}><cbc:Note>{'&a;' * 50_000}</cbc:Note></Invoice>\n"
)


def _refused_fast(name: str, data: bytes) -> tuple:
    started = time.perf_counter()
    result = parse_file(name, data)
    elapsed = time.perf_counter() - started
    # a security property (no expansion), not a benchmark: expansion would take far longer
    assert elapsed < 1.0, f"took {elapsed:.2f}s"
    assert not result.records
    return result.errors


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, QUADRATIC], ids=["billion_laughs", "quadratic"])
def test_entity_expansion_is_refused_within_a_second(doc):
    errors = _refused_fast("bomb.xml", doc.encode())
    assert [e.code for e in errors] == ["xml_forbidden_dtd"]
    assert "DOCTYPE" in errors[0].message or "ENTITY" in errors[0].message


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, QUADRATIC], ids=["billion_laughs", "quadratic"])
def test_parser_alone_does_not_expand_entities(doc):
    started = time.perf_counter()
    try:  # libxml2 either keeps the references unexpanded or stops at its amplification limit
        root = etree.fromstring(doc.encode(), parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc)
    else:
        assert len(etree.tostring(root)) < 2 * len(doc)
    assert time.perf_counter() - started < 1.0


@pytest.fixture
def canary(tmp_path) -> Iterator[tuple[str, str]]:
    secret = "CANARY-7b1f-do-not-leak"
    path = tmp_path / "secret.txt"
    path.write_text(secret)
    yield path.as_uri(), secret


def test_external_file_entity_is_refused_and_never_read(canary):
    uri, secret = canary
    doc = ubl(number="&xxe;", buyer="&xxe;").replace(
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "{uri}">]>\n',
    )
    errors = _refused_fast("xxe.xml", doc.encode())
    assert [e.code for e in errors] == ["xml_forbidden_dtd"]
    assert secret not in repr(errors)
    root = etree.fromstring(doc.encode(), parser=hardened_parser())  # the second lock alone
    assert secret not in etree.tostring(root).decode()


def test_etc_passwd_and_metadata_urls_are_refused_before_parsing():
    for target in ("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/"):
        doc = f'<!DOCTYPE Invoice [<!ENTITY x SYSTEM "{target}">]><Invoice {UBL_NS}>&x;</Invoice>'
        errors = _refused_fast("x.xml", doc.encode())
        assert [e.code for e in errors] == ["xml_forbidden_dtd"]
        assert "root:" not in repr(errors)


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A loopback TCP port: any fetch of a DTD would show up as a pending connection."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(0.2)
    try:
        yield sock, sock.getsockname()[1]
    finally:
        sock.close()


def _no_connection(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except TimeoutError:
        return True
    conn.close()
    return False


@pytest.mark.parametrize(
    "template",
    [
        '<!DOCTYPE Invoice SYSTEM "{url}">\n<Invoice {ns}/>',
        '<!DOCTYPE Invoice [<!ENTITY % ext SYSTEM "{url}"> %ext;]>\n<Invoice {ns}/>',
        '<!DOCTYPE Invoice [<!ENTITY e SYSTEM "{url}">]>\n<Invoice {ns}>&e;</Invoice>',
    ],
    ids=["external_dtd", "parameter_entity", "external_entity"],
)
def test_external_dtd_over_http_is_refused_without_a_connection(listener, template):
    sock, port = listener
    doc = template.format(url=f"http://127.0.0.1:{port}/evil.dtd", ns=UBL_NS).encode()
    errors = _refused_fast("dtd.xml", doc)
    assert [e.code for e in errors] == ["xml_forbidden_dtd"]
    etree.fromstring(doc, parser=hardened_parser())  # the parser alone must not fetch either
    assert _no_connection(sock), "an outbound request was made"


def test_utf16_documents_are_scanned_too():
    doc = '<?xml version="1.0" encoding="UTF-16"?>\n' + BILLION_LAUGHS.split("\n", 1)[1]
    errors = _refused_fast("u16.xml", doc.encode("utf-16"))
    assert [e.code for e in errors] == ["xml_forbidden_dtd"]


def test_wrong_namespace_is_not_an_einvoice():
    doc = ubl(ns='xmlns="urn:example:not-ubl" xmlns:cac="urn:x:cac" xmlns:cbc="urn:x:cbc"')
    [error] = parse_file("foreign.xml", doc.encode()).errors
    assert error.code == "xml_not_einvoice"
    assert "not an en 16931 invoice (root element invoice" in error.message.lower()
    assert "urn:example:not-ubl" in error.message


def test_other_xml_names_its_root_element():
    [error] = parse_file("feed.xml", b"<rss version='2.0'><channel/></rss>").errors
    assert error.code == "xml_not_einvoice"
    assert "(root element rss)" in error.message


def test_two_invoices_under_one_wrapper_are_refused():
    body = ubl("A").split("\n", 1)[1] + ubl("B").split("\n", 1)[1]
    [error] = parse_file("two.xml", f"<Invoices>{body}</Invoices>".encode()).errors
    assert error.code == "xml_not_einvoice"
    assert "Invoices" in error.message


def test_two_concatenated_invoices_are_malformed():
    doc = ubl("A") + ubl("B").split("\n", 1)[1]
    [error] = parse_file("two.xml", doc.encode()).errors
    assert error.code == "xml_malformed"
    assert error.row is not None


def test_ten_thousand_line_invoice_still_parses():
    line = (
        "  <cac:InvoiceLine><cbc:ID>{i}</cbc:ID>"
        '<cbc:LineExtensionAmount currencyID="EUR">1.00</cbc:LineExtensionAmount>'
        "</cac:InvoiceLine>\n"
    )
    lines = "".join(line.format(i=i) for i in range(10_000))
    doc = ubl("BIG-1", payable="10000.00", lines=lines)
    assert doc.count("\n") > 10_000
    result = parse_file("big.xml", doc.encode())
    assert result.errors == ()
    assert result.records[0].amount.minor == 1_000_000


def test_malformed_xml_reports_its_line():
    [error] = parse_file("bad.xml", b"<Invoice>\n<cbc:ID>1</Invoice>").errors
    assert error.code == "xml_malformed"
    assert error.row == 2
