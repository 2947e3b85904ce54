"""Screening before any reader: XML safety through defusedxml/expat, the limits, sheet measures
that cost nothing for far cells, and a Strict Open XML workbook (which openpyxl reads as empty)."""
from __future__ import annotations

import warnings
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import make_base, many_cells, rewrite, strict
from fullemp_xl.errors import UnusableFile
from fullemp_xl.screening.gate import check_workbook_file, load_workbook
from fullemp_xl.ooxml.xml import parse_xml
from fullemp_xl.screening import FORM_LIMITS, Limits, screen_workbook
from fullemp_xl.ooxml.a1 import range_area
from fullemp_xl.screening.xmlscan import UnsafeXml, _opens


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_base(tmp_path_factory.mktemp("base"))


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("xml", [
    b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
    b'<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a/>'.encode("utf-16"),
    b"<!--" + b"x" * 6000 + b'--><!DOCTYPE a [<!ENTITY e "x">]><a/>',
])
def test_our_xml_parser_refuses_every_dtd(xml):
    with pytest.raises(UnsafeXml):
        parse_xml(xml)


def test_far_cells_are_allowed_and_cost_nothing(base, tmp_path):
    far = rewrite(base.plain, tmp_path / "far.xlsx", change=lambda n, d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
        if n.startswith("xl/worksheets/") else d)
    screen_workbook(far, Limits(cells=2, rows=2))  # two cells in two rows: within the limits, wherever they are
    with pytest.raises(UnusableFile, match="单元格过多"):
        screen_workbook(far, Limits(cells=1))
    assert load_workbook(far)["Sheet"]["XFD1048576"].value == 1


@pytest.mark.parametrize("limits, words", [
    (Limits(cells=1000), "单元格"),
    (Limits(rows=10), "行"),
    (Limits(area=100), "合并"),
    (Limits(elements=100), "元素"),
    (Limits(xml_bytes=1000), "过大"),
    (Limits(file_bytes=1000), "过大"),
    (Limits(members=3), "文件过多"),
])
def test_each_limit_has_a_clear_message(base, tmp_path, limits, words):
    big = rewrite(base.plain, tmp_path / "big.xlsx", change=lambda n, d: many_cells(2000).replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:J20"/></mergeCells>')
        if n.startswith("xl/worksheets/") else d)
    check_workbook_file(big)  # within the documented limits
    with pytest.raises(UnusableFile) as info:
        check_workbook_file(big, limits)
    assert words in info.value.message and "上限" in info.value.message


def test_documented_limits():
    assert FORM_LIMITS.file_bytes == 50 * 1024 * 1024 and FORM_LIMITS.cells == 500_000


def test_range_area():
    assert range_area("A1:C3") == 9 and range_area("B2") == 1 and range_area("A1:XFD1048576") == 1_048_576 * 16_384
    assert range_area("nonsense") == 1


def test_strict_open_xml_is_refused_with_advice(base, tmp_path):
    path = strict(base, tmp_path / "strict.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert openpyxl.load_workbook(path).sheetnames == []  # what made `fill --registry` fail before
    with pytest.raises(UnusableFile) as info:
        check_workbook_file(path)
    assert "Strict" in info.value.message and "Excel 工作簿 (*.xlsx)" in info.value.message


def test_a_member_whose_data_outgrows_its_header_is_damage(base, tmp_path):
    """The header says 100 bytes; the data holds more: zipfile stops at 100 and the checksum fails."""
    path = rewrite(base.plain, tmp_path / "liar.xlsx", method=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/workbook.xml")
    size = info.file_size.to_bytes(4, "little")
    for at in (info.header_offset + 22, data.rindex(b"xl/workbook.xml") - 46 + 24):
        assert data[at:at + 4] == size
        data[at:at + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(UnusableFile) as info:
        check_workbook_file(path)
    assert "损坏" in info.value.message


_TOKENS = [b"<", b">", b"&", b'"', b"'", b"/", b"=", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<?", b"?>", b"&#",
           b";", b"\x00", b"\xff", b"\xc3", b'xmlns:p="u"', b"p:", b"<!DOCTYPE a>", b'<!ENTITY e "x">', b"&e;",
           b"&amp;", b"\r", b"\t", b"\xe4\xb8", b'<c r="A1">', b"</c>", b"<x:y>", b"</row>", b"&#1;", b"&#xD800;",
           b'<?xml version="1.0" encoding="GBK"?>', b'<?xml version="1.0"?>', b'xmlns="rel"', b"\xef\xbb\xbf",
           "中".encode(), "１".encode(), "\u3000".encode(), b'x=">"', b"y='>'", 'z="中'.encode(),
           "\ufeff".encode(), b"<!-- ", b" -->", "<b\ufeff/>".encode(), '<c \ufeffx="1"/>'.encode(), '"中'.encode(),
           b'="', b"='"]  # names only libxml2 takes, '>' and quotes in values, comments


_PROLOGUES = [b"<!DOCTYPE worksheet>", b'<!DOCTYPE w [<!ENTITY e "x">]>', b'<!DOCTYPE w SYSTEM "http://x/w.dtd">',
              b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w>', b'<?xml version="1.0" encoding="GBK"?>',
              b'<?xml version="1.0" encoding="utf-8"?>', b"<!-- a comment -->", b"<?pi x?>"]


def _mutant(rng, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        at, op = rng.randrange(max(1, len(out))), rng.random()
        if op < 0.3 and out:
            out[at] = rng.randrange(256)
        elif op < 0.5:
            del out[at:at + rng.randint(1, 20)]
        elif op < 0.85:
            out[at:at] = rng.choice(_TOKENS)
        elif op < 0.95:  # a declaration before the root: where a DTD can stand
            out[0:0] = rng.choice(_PROLOGUES)
        else:
            del out[at:]
    return bytes(out)


def _expat_verdict(data: bytes) -> str:
    from fullemp_xl.screening.xmlscan import expat_parser

    try:
        expat_parser().Parse(data, True)
    except UnsafeXml:
        return "unsafe"
    except Exception:  # noqa: BLE001 - ExpatError, or ValueError for an encoding expat lacks
        return "damaged"
    return "ok"


def test_the_readers_parse_of_a_sheet_judges_it_as_expat_does():
    """The screening parses a worksheet with the reader's parser (and hands the tree on) only where that parse
    reaches expat's verdict: over 3,000 damaged copies of the template's sheets (some with Chinese text typed
    in or in attribute values, and a shared strings part), a tree is handed on only for
    a part expat accepts, a DTD is refused by both, and every part expat refuses is left to expat."""
    import random
    from pathlib import Path

    from fullemp_xl.screening.xmlscan import _parse_alike

    template = Path(__file__).resolve().parents[2] / "templates" / "考评表.xlsx"
    with zipfile.ZipFile(template) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    typed = '<row r="999"><c r="A999" t="inlineStr"><is><t>临泽县 城关社区</t></is></c></row></sheetData>'.encode()
    prompt = '</sheetData><dataValidations count="1"><dataValidation type="whole" promptTitle="提示" prompt="请填写“人数”" ' \
             'sqref="E5"/></dataValidations>'
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>' \
              '临泽县</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">城关 "社区"</t></r></si></sst>'
    sheets += [s.replace(b"</sheetData>", typed) for s in sheets]  # text typed in, as fill and the corpus write it
    sheets += [s.replace(b"</sheetData>", prompt.encode()) for s in sheets[:2]]  # as Excel and LibreOffice save them
    sheets += [strings.encode()]  # the shared strings, parsed alike too
    rng = random.Random(18)
    seen = {"tree": 0, "unsafe": 0, "left to expat": 0}
    for _ in range(3000):
        data = _mutant(rng, rng.choice(sheets))
        expat = _expat_verdict(data)
        try:
            tree = _parse_alike(data, FORM_LIMITS)
        except UnsafeXml:
            assert expat == "unsafe", data[:200]
            seen["unsafe"] += 1
            continue
        if tree is not None:
            assert expat == "ok", data[:200]
            seen["tree"] += 1
        else:  # expat judges it, exactly as before the reader's parse was shared
            seen["left to expat"] += 1
    assert min(seen.values()) >= 10, seen  # every branch was exercised


def test_the_reader_takes_the_sheets_as_the_screening_parsed_them(base, tmp_path):
    from fullemp_xl.xlsx import open_book

    import uuid

    unique = rewrite(base.plain, tmp_path / "unique.xlsx", change=lambda n, d: d.replace(  # not screened before
        b"</sheetData>", f'<row r="99"><c r="A99" t="inlineStr"><is><t>{uuid.uuid4()}</t></is></c></row></sheetData>'.encode())
        if n.startswith("xl/worksheets/") else d)
    kept: dict = {}
    screen_workbook(unique, FORM_LIMITS, keep=kept)
    trees = {name: entry[2] for name, entry in kept.items() if entry[2] is not None}
    assert trees and all(name.startswith("xl/worksheets/") for name in trees)
    book = open_book(unique, screened=kept)
    part = next(iter(trees))
    assert book.pkg.xml(part) is trees[part]  # not parsed a second time
    fresh = open_book(unique)
    sheet = book.sheetnames[0]
    assert book.sheet(sheet).values == fresh.sheet(sheet).values
    book.close(), fresh.close()


@pytest.mark.parametrize("xml, shared", [
    ('<a x=">" \ufeffy="1"/>', False),  # a name only the 5th edition of XML allows, after a '>' in a value
    ("<a x=\"it's\" \ufeffy=\"1\"/>", False),
    ("<a x='say \"hi\"' \ufeffy=\"1\"/>", False),
    ('<r><t x="1">it"s 中</t><b\ufeff/></r>', False),  # a quote in text, then such a name
    ("<r><!-- it's 中 --><b\ufeff/></r>", False),
    ("<?p\ufeff x?><a/>", False),
    ('<a xmlns:\ufeffp="u"/>', False),
    ('<r a１="1"/>', False),  # a fullwidth digit: a name character in the 5th edition only
    ('<r><t>临泽县</t><t xml:space="preserve">城关 "社区"</t></r>', True),
    ('<r><v x="请从下拉列表选择" y="称号">中</v><f>IF(A1="是",1,0)</f></r>', True),
])
def test_a_part_with_chinese_is_parsed_once_only_where_no_name_holds_it(xml, shared):
    from fullemp_xl.screening.xmlscan import _parse_alike

    data = xml.encode()
    tree = _parse_alike(data, FORM_LIMITS)
    assert (tree is not None) == shared
    if not shared:  # expat judges these; the ones with such a name it refuses, as it always did
        assert _expat_verdict(data) == ("ok" if "\ufeff" not in xml and "１" not in xml else "damaged")


def _with_strings(base, tmp_path):
    """The template with shared strings and a comments part added (every counted kind of element)."""
    from pathlib import Path

    template = Path(__file__).resolve().parents[2] / "templates" / "考评表.xlsx"
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = f'<sst xmlns="{ns}">' + "".join(f"<si><t>社区{k}</t></si>" for k in range(40)) + "</sst>"
    comments = f'<comments xmlns="{ns}"><authors><author>甲</author></authors><commentList>' + "".join(
        f'<comment ref="A{k}" authorId="0"><text><t>注{k}</t></text></comment>' for k in range(1, 9)) + "</commentList></comments>"
    return rewrite(template, tmp_path / "strings.xlsx", add={"xl/sharedStrings.xml": strings.encode(),
                                                           "xl/comments1.xml": comments.encode()})


@pytest.mark.parametrize("field", ["cells", "rows", "area", "elements"])
def test_counting_only_near_a_limit_reaches_the_same_verdict(base, tmp_path, monkeypatch, field):
    """A small part is counted one by one only once its tags could take a count past a limit. At every limit
    around where a workbook's verdict turns (and well below, where an earlier part turns it), the screening
    refuses exactly as counting every part one by one does, naming the same part and the same count."""
    from pathlib import Path

    from fullemp_xl.screening import xmlscan

    def verdict(path, limit, exact, name=field, tight=None):
        with monkeypatch.context() as m:
            if exact:
                m.setattr(xmlscan, "_room", lambda *_: False)
            try:  # `tight`: a cells limit the workbook just meets, so that counting one by one starts early
                screen_workbook(path, Limits(**{name: limit, **({"cells": tight} if tight else {})}))
            except UnusableFile as exc:
                return exc.message
            return None

    def threshold(path, name=field, tight=None):
        low, high = 0, 10_000_000  # the smallest limit the workbook passes, counting everything
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if verdict(path, mid, True, name, tight) is None else (mid + 1, high)
        return low

    template = Path(__file__).resolve().parents[2] / "templates" / "考评表.xlsx"
    reversed_ = tmp_path / "reversed.xlsx"  # small sheets first: only checked, then counted after all
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(reversed_, "w", zipfile.ZIP_DEFLATED) as zout:
        zout.writestr("xl/worksheets/sheet9.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                      '2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells '
                      'count="1"><mergeCell ref="A1:C3"/></mergeCells></worksheet>')  # merged, and only checked
        for info in reversed(zin.infolist()):
            zout.writestr(info.filename, zin.read(info))
    for path in (template, reversed_, _with_strings(base, tmp_path)):
        tight = threshold(path, "cells") if field == "area" else None  # the area is counted on both paths
        low = threshold(path, field, tight)
        assert 0 < low < 10_000_000
        refused = 0
        for limit in sorted({low - 2, low - 1, low, low + 1, low // 2, low // 3, low // 10, 1, low * 4}):
            expected = verdict(path, max(limit, 0), True, field, tight)
            assert verdict(path, max(limit, 0), False, field, tight) == expected, (path.name, field, limit)
            refused += expected is not None
        assert refused >= 4  # refusals at several parts were compared, not only acceptances


@given(st.lists(st.sampled_from([b"<", b"!", b"?", b"a", b">", b"!!!!!!!!"]), max_size=80).map(b"".join),
       st.sampled_from([b"!", b"?"]), st.integers(0, 4))
def test_a_comment_or_instruction_is_found_as_a_plain_search_finds_it(data, second, start):
    """_opens finds '<!' and '<?' by their rare second byte (memchr): the same answer as bytes.find of the pair,
    also when the second byte is everywhere (long runs of '!' take the pair search after 64 misses)."""
    assert _opens(data, second, start) == (data.find(b"<" + second, start) >= 0)
