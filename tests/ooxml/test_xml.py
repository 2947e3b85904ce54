"""The one safe XML parse: well-formed parts read, DTDs and entities refused, damage named as damage."""
from __future__ import annotations

import pytest

from fullemp_xl.ooxml.xml import DamagedXml, UnsafeXml, iterparse_xml, parse_xml

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_a_part_reads_with_its_namespaces():
    root = parse_xml(f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}"><sheets>'
                     f'<sheet name="考评表"/></sheets></workbook>'.encode())
    assert [s.get("name") for s in root.iter(f"{{{MAIN}}}sheet")] == ["考评表"]


@pytest.mark.parametrize("xml", [
    b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
    b'<!DOCTYPE a [<!ENTITY a0 "lol"><!ENTITY a1 "&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;">]><a>&a1;</a>',
    b'<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
    b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    b"<!DOCTYPE a><a/>",
])
def test_a_dtd_or_an_entity_is_refused(xml):
    with pytest.raises(UnsafeXml):
        parse_xml(xml)


@pytest.mark.parametrize("xml", [b"", b"<a>", b"<a></b>", b"not xml", b"<a>&undefined;</a>", b"\xff\xfe<a/>"])
def test_damage_is_damage(xml):
    with pytest.raises(DamagedXml):
        parse_xml(xml)
    assert issubclass(DamagedXml, SyntaxError)  # what callers that knew ElementTree's ParseError catch


def test_a_large_part_streams_and_damage_stops_it():
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, 1001))
    assert sum(1 for _ in iterparse_xml(b"<sheetData>" + rows + b"</sheetData>", "row")) == 1000
    with pytest.raises(DamagedXml):
        list(iterparse_xml(b"<sheetData>" + rows, "row"))
