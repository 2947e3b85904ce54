"""A corpus of bad and hostile inputs, built as real files, and the commands that read them.

Each Kind builds one file (or names a path) from good files made by our own code; `role` says which
commands read it: any workbook input, a 考评表 only, a ledger only, a registry only, or a rule file.
`codes` gives the documented exit code each command must end with (2 unless said otherwise).
Files other producers make (LibreOffice: .xls, .ods, .doc, .odt; msoffcrypto-tool: an encrypted
workbook) are real files of those producers.

`python tests/hostile.py RESULT.json ARGS.json` runs each argv of ARGS through fullemp's entry point
in this process and writes what happened (exit code, output, peak memory); the corpus test and
bench/bench_hostile.py run it under a memory limit.
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

TESTS = Path(__file__).resolve().parent
SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK_COMMANDS = {
    "score": ["score", "{x}"],
    "validate": ["validate", "{x}"],
    "mark": ["validate", "{x}", "--mark", "-o", "{out}/标记.xlsx"],
    "fill-form": ["fill", "{x}", "--ledger", "{ledger}", "-o", "{out}/填报.xlsx"],
    "fill-ledger": ["fill", "{form}", "--ledger", "{x}", "-o", "{out}/填报.xlsx"],
    "registry": ["fill", "--registry", "{x}", "-o", "{out}/分发"],
    "merge": ["merge", "{x}", "-o", "{out}/汇总表.xlsx"],
    "announce": ["announce", "{x}", "-o", "{out}/认定公告.docx"],  # the documents read a summary workbook
    "registry-next": ["registry", "next", "{x}", "-o", "{out}/社区名册.xlsx"],
}
RULES_COMMANDS = {
    "templates": ["templates", "build", "--rules", "{x}", "-o", "{out}/模板"],
    "check": ["rules", "check", "{x}"],
    "score-rules": ["score", "{form}", "--rules", "{x}"],
}
ROLES = {
    "any": tuple(WORKBOOK_COMMANDS),
    "form": ("score", "validate", "mark"),
    "ledger": ("fill-ledger",),
    "registry": ("registry",),
    "rules": tuple(RULES_COMMANDS),
}


@dataclass(frozen=True)
class Kind:
    name: str
    role: str
    build: Callable[["Base", Path], Path]
    codes: dict[str, int] = field(default_factory=dict)  # command -> exit code; others 2
    soffice: bool = False  # made by LibreOffice
    says: str = ""  # a word the message must contain
    said_by: tuple[str, ...] = ()  # the commands that must say it (default: all that refuse)

    def code(self, command: str) -> int:
        """The documented exit code: 2 for an unusable input. The merge reads a form with bad values and lists
        them (1); an input that holds no form at all (every kind of 'any' merged alone) it refuses (2)."""
        return self.codes.get(command, 1 if command == "merge" and self.role != "any" else 2)

    def must_say(self, command: str) -> str:
        return self.says if not self.said_by or command in self.said_by else ""


@dataclass
class Base:
    """Good files made by our own code, that each kind starts from."""

    folder: Path
    form: Path  # a 考评表 filled with full-marks data: validates with exit 0
    ledger: Path  # a valid ledger of 10 persons
    registry: Path  # a registry of two communities
    plain: Path  # a workbook that is not one of ours
    people: list[dict]  # the ledger's persons (their names and IDs must never be printed)


def make_base(folder: Path) -> Base:
    import openpyxl

    sys.path.insert(0, str(TESTS))
    from conftest import make_assessment, good_values
    from ledger_data import persons, write_ledger
    from fullemp_xl.demo import write_sample_registry
    from fullemp_xl.rules import load_ruleset

    folder.mkdir(parents=True, exist_ok=True)
    rs = load_ruleset("zhangye-2023")
    good = good_values()
    form = make_assessment(folder / "考评表.xlsx", rs, {"self": dict(good), "assessed": dict(good)})
    people = persons()[:10]
    ledger = write_ledger(folder / "台账.xlsx", rs, people)
    registry = write_sample_registry(folder / "社区名册.xlsx", rs, [
        {"county": "甘州区", "street": "东街街道", "community": "南关社区"},
        {"county": "临泽县", "street": "沙河镇", "community": "西街社区"}])
    plain = folder / "普通工作簿.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "南关社区"
    wb.save(plain)
    return Base(folder, form, ledger, registry, plain, people)


# ---------------------------------------------------------------- building blocks
def rewrite(src: Path, dst: Path, *, change=None, add: dict | None = None, drop=(), method=zipfile.ZIP_DEFLATED) -> Path:
    """A copy of a package with members changed, added or dropped."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", method) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(info.filename, data) if change else data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def in_sheet(src: Path, dst: Path, edit: Callable[[bytes], bytes], part: str = SHEET) -> Path:
    return rewrite(src, dst, change=lambda n, d: edit(d) if n == part else d)


def sheet_of(path: Path, title: str) -> str:
    """The part name of a sheet (our forms keep several sheets)."""
    from fullemp_xl.screening.screen import sheet_parts

    with zipfile.ZipFile(path) as zf:
        return next(p for p, n in sheet_parts(zf).items() if n == title)


def patch_headers(data: bytearray, name: str, offset: int, value: bytes) -> bytearray:
    """Overwrite `value` at `offset` in both the local and the central header of member `name`."""
    raw = name.encode()
    for sig, fixed in ((b"PK\x03\x04", 30), (b"PK\x01\x02", 46)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            nlen = struct.unpack("<H", data[pos + (26 if fixed == 30 else 28):pos + (28 if fixed == 30 else 30)])[0]
            if data[pos + fixed:pos + fixed + nlen] == raw:
                at = pos + offset - (0 if fixed == 30 else -2)
                data[at:at + len(value)] = value
            pos += 4
    return data


def member_data_span(path: Path, name: str) -> tuple[int, int]:
    raw = path.read_bytes()
    info = zipfile.ZipFile(path).getinfo(name)
    fnlen, exlen = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + fnlen + exlen
    return start, start + info.compress_size


def many_cells(n: int) -> bytes:
    from openpyxl.utils import get_column_letter

    per_row = 100
    rows = []
    for r in range(1, n // per_row + 2):
        cells = "".join(f'<c r="{get_column_letter(c)}{r}"><v>{(r * 7 + c) % 97}</v></c>' for c in range(1, per_row + 1))
        rows.append(f'<row r="{r}">{cells}</row>')
    return _worksheet("".join(rows))


def many_rows(n: int) -> bytes:
    return _worksheet("".join(f'<row r="{r}"><c r="A{r}"><v>{r % 89}</v></c></row>' for r in range(1, n + 1)))


def _worksheet(sheet_data: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>').encode()


DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
              'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
              'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
              '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
              'document.main+xml"/></Types>')
DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
             '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
DOCX_BODY = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
             'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>南关社区考评表（误存为 Word）</w:t></w:r></w:p>'
             '</w:body></w:document>')


def docx(base: Base, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", DOCX_TYPES)
        zf.writestr("_rels/.rels", DOCX_RELS)
        zf.writestr("word/document.xml", DOCX_BODY)
    return path


def libreoffice(source: str, target: str):
    """A file LibreOffice made from one of ours (`source`: "form" or "docx"), named as a user might (.xlsx)."""
    def build(base: Base, path: Path) -> Path:
        from lo_oracle import convert

        if source == "docx":
            src = docx(base, path.with_name(path.stem + "-src.docx"))
        else:
            src = path.with_name(path.stem + "-src.xlsx")
            src.write_bytes(base.form.read_bytes())
        made = convert([src], path.parent / "lo", target)[0]
        made.rename(path)
        src.unlink()
        (path.parent / "lo").rmdir()
        return path
    return build


def encrypted(base: Base, path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with base.form.open("rb") as src, path.open("wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    return path


def strict(base: Base, path: Path) -> Path:
    """Excel's "Strict Open XML Spreadsheet": the same parts under the ISO namespaces."""
    swaps = ((b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
             (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              b"http://purl.oclc.org/ooxml/officeDocument/relationships"))

    def change(name, data):
        for old, new in swaps:
            data = data.replace(old, new)
        if name == "xl/workbook.xml":
            data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
        return data
    return rewrite(base.form, path, change=change)


def corrupt_deflate(base: Base, path: Path) -> Path:
    data = bytearray(base.form.read_bytes())
    start, end = member_data_span(base.form, "xl/workbook.xml")
    for k in range((start + end) // 2, (start + end) // 2 + 8):
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def crc_mismatch(base: Base, path: Path) -> Path:
    stored = rewrite(base.form, path.with_name("stored.xlsx"), method=zipfile.ZIP_STORED)
    data = bytearray(stored.read_bytes())
    start, end = member_data_span(stored, "xl/workbook.xml")
    at = data.index(b"<sheets>", start, end) + 1
    data[at] = ord("S")  # <Sheets>: same length, wrong checksum
    stored.unlink()
    path.write_bytes(bytes(data))
    return path


def header_patch(offset: int, value: bytes):
    def build(base: Base, path: Path) -> Path:
        path.write_bytes(bytes(patch_headers(bytearray(base.form.read_bytes()), "xl/workbook.xml", offset, value)))
        return path
    return build


def sparse_oversize(base: Base, path: Path) -> Path:
    path.write_bytes(base.form.read_bytes())
    with path.open("r+b") as fh:
        fh.truncate(51 * 1024 * 1024)  # a sparse file: 51 MB on paper, nothing on disk
    return path


def fifo(base: Base, path: Path) -> Path:
    os.mkfifo(path)
    return path


def form_value(text_or_value):
    """Our 考评表 with one count cell of 基础数据 holding `text_or_value`."""
    def build(base: Base, path: Path) -> Path:
        import openpyxl

        from fullemp_xl.forms.book import OpenpyxlBook, locate

        wb = openpyxl.load_workbook(base.form)
        loc = locate(OpenpyxlBook(wb), "fe_self_disabled_total")
        wb[loc.sheet][loc.cell] = text_or_value
        wb.save(path)
        return path
    return build


def far_cell(source: str, xml: bytes, sheet_title: str | None = None):
    """One cell at XFD1048576 (the last cell of a sheet) added to a base file's sheet."""
    def build(base: Base, path: Path) -> Path:
        src = getattr(base, source)
        part = sheet_of(src, sheet_title) if sheet_title else SHEET
        return in_sheet(src, path, lambda d: re.sub(rb"</sheetData>|<sheetData\s*/>",
                                                    lambda m: b'<row r="1048576">' + xml + b"</row></sheetData>"
                                                    if m.group().startswith(b"</") else
                                                    b'<sheetData><row r="1048576">' + xml + b"</row></sheetData>", d,
                                                    count=1), part)
    return build


def ledger_people(edit: Callable[[list[dict]], None], raw_cells: Callable | None = None):
    """A ledger of the base persons after `edit`, optionally with raw cell values written over it."""
    def build(base: Base, path: Path) -> Path:
        import copy

        import openpyxl

        from ledger_data import write_ledger
        from fullemp_xl.rules import load_ruleset

        people = copy.deepcopy(base.people)
        edit(people)
        write_ledger(path, load_ruleset("zhangye-2023"), people)
        if raw_cells is not None:
            wb = openpyxl.load_workbook(path)
            raw_cells(wb["台账"])
            wb.save(path)
        return path
    return build


def shift_row_right(ws) -> None:
    """Row 5 pasted one column to the right: the name lands in the ID column, the ID in 从业 (yes/no)."""
    values = [c.value for c in ws[5]]
    for k, value in enumerate(values):
        ws.cell(5, k + 2, value)
    ws.cell(5, 1, None)


def id_as_number(ws) -> None:
    ws["B6"].value = int(ws["B6"].value[:17] + "0")  # what Excel keeps of a typed-in 18-digit number


def cut_after_a_row(data: bytes) -> bytes:
    """The sheet's XML breaking off right after a complete row, as if the file had been cut there."""
    ends = [m.end() for m in re.finditer(rb"</row>", data)]
    return data[:ends[len(ends) // 2]] if ends else data[:len(data) // 2]


def truncated_ledger(base: Base, path: Path) -> Path:
    part = sheet_of(base.ledger, "台账")
    return in_sheet(base.ledger, path, cut_after_a_row, part)


def rules_text(text: str, encoding: str = "utf-8", bom: bytes = b""):
    def build(base: Base, path: Path) -> Path:
        path.write_bytes(bom + text.encode(encoding))
        return path
    return build


def builtin_rules_text() -> str:
    return (TESTS.parent / "fullemp_xl" / "rulesets" / "qiqihar-2022.toml").read_text(encoding="utf-8")


def folder(base: Base, path: Path) -> Path:
    path.mkdir()
    return path


def missing(base: Base, path: Path) -> Path:
    return path


def device(base: Base, path: Path) -> Path:
    return Path(os.devnull)


def raw(data: bytes):
    def build(base: Base, path: Path) -> Path:
        path.write_bytes(data)
        return path
    return build


def package(change=None, add=None, drop=(), source="form"):
    def build(base: Base, path: Path) -> Path:
        return rewrite(getattr(base, source), path, change=change, add=add, drop=drop)
    return build


def sheet_edit(edit: Callable[[bytes], bytes], source="form"):
    """Every worksheet of a base file edited (so that whichever sheet a reader opens has the damage)."""
    def build(base: Base, path: Path) -> Path:
        return rewrite(getattr(base, source), path,
                       change=lambda n, d: edit(d) if n.startswith("xl/worksheets/sheet") else d)
    return build


def before_root(prolog: bytes, encoding: str = "utf-8"):
    """A prolog (DOCTYPE, comment) put before the root element of 基础数据's sheet, in `encoding`."""
    def edit(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        head = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'.encode()
        return (head + prolog + body).decode("utf-8").encode(encoding) if encoding != "utf-8" else head + prolog + body
    return edit


LAUGHS = (b'<!DOCTYPE worksheet [<!ENTITY a "hahahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>')
OPENPYXL_READERS = ("score", "validate", "mark", "fill-form", "registry")  # the commands that screen with FORM_LIMITS
SCREENED = (*OPENPYXL_READERS, "fill-ledger")
# one screening for every command (issue 18): the merge refuses what score refuses. Beside other forms it
# lists the file in 问题清单 (exit 1); merged alone, as here, no form is left and the merge is refused with
# the file named and why (exit 2, as for an empty folder: issue 21)
MERGE_READS = {"merge": 2}
CLEAN_FORM = {"score": 0, "validate": 0, "mark": 0, "fill-form": 0}
ROW_DATA = {"fill-ledger": 1}


def _rand(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


KINDS: tuple[Kind, ...] = (
    # -- what the file really is
    Kind("missing", "any", missing, says="找不到", codes={"merge": 2}),
    Kind("folder", "any", folder, codes={"merge": 2}),  # the merge reads folders: this one holds no workbook
    Kind("device", "any", device, says="普通文件"),
    Kind("fifo", "any", fifo, says="普通文件"),
    Kind("empty", "any", raw(b""), says="空的"),
    Kind("csv-utf8", "any", raw("县（区）,社区\n甘州区,南关社区\n".encode("utf-8")), says="文本文件"),
    Kind("csv-gbk", "any", raw("县（区）,社区\n甘州区,南关社区\n".encode("gbk")), says="文本文件"),
    Kind("html-as-xls", "any", raw("<html><body><table><tr><td>南关社区</td></tr></table></body></html>".encode()), says="网页"),
    Kind("pdf", "any", raw(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"), says="PDF"),
    Kind("random-bytes", "any", raw(b"\x00\x01" + _rand(4000, 1)), says="不是 Excel 工作簿"),
    Kind("truncated-zip", "any", lambda b, p: raw(b.form.read_bytes()[: len(b.form.read_bytes()) * 6 // 10])(b, p)),
    Kind("zip-without-workbook", "any", lambda b, p: raw(_zip({"hello.txt": "你好"}))(b, p), says="不是 Excel 工作簿"),
    Kind("word-docx", "any", docx, says="Word"),
    Kind("word-doc", "any", libreoffice("docx", "doc:MS Word 97"), soffice=True, says="Word"),
    Kind("opendocument-odt", "any", libreoffice("docx", "odt"), soffice=True, says="OpenDocument"),
    Kind("opendocument-ods", "any", libreoffice("form", "ods"), soffice=True, says="OpenDocument"),
    Kind("old-xls", "any", libreoffice("form", "xls:MS Excel 97"), soffice=True, says=".xls"),
    Kind("encrypted", "any", encrypted, says="密码"),
    Kind("strict-open-xml", "any", strict, says="另存为", codes=MERGE_READS),  # refused by every command alike
    Kind("macro-part", "any", package(add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 600}), says="宏"),
    Kind("macro-suffix", "any", lambda b, p: raw(b.form.read_bytes())(b, p.with_suffix(".xlsm")), says="宏"),
    Kind("plain-workbook", "any", lambda b, p: raw(b.plain.read_bytes())(b, p)),
    # -- the container
    Kind("zip-bomb", "any", package(add={"xl/media/zeros.bin": b"\0" * (16 * 1024 * 1024)}), says="压缩炸弹",
         codes=MERGE_READS),  # every member is screened, read or not
    Kind("many-members", "any", package(add={f"customXml/item{k}.xml": "<a/>" for k in range(10_001)})),
    Kind("oversize", "any", sparse_oversize, says="过大"),
    Kind("corrupt-deflate", "any", corrupt_deflate, says="损坏"),
    Kind("crc-mismatch", "any", crc_mismatch, says="损坏"),
    Kind("encrypted-member", "any", header_patch(6, b"\x01\x00"), says="密码"),
    Kind("deflate64-member", "any", header_patch(8, b"\x09\x00"), says="压缩方式", said_by=SCREENED),
    Kind("duplicate-members", "any", lambda b, p: _duplicate_workbook(b.form, p)),
    # -- XML tricks
    Kind("billion-laughs", "any", sheet_edit(before_root(LAUGHS)), says="DOCTYPE"),
    Kind("dtd-in-utf16", "any", sheet_edit(before_root(LAUGHS, "utf-16")), says="DOCTYPE"),
    Kind("dtd-after-5k-comment", "any", sheet_edit(before_root(b"<!--" + b"x" * 5200 + b"-->" + LAUGHS)), says="DOCTYPE"),
    Kind("external-entity", "any", sheet_edit(before_root(b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>')),
         says="DOCTYPE"),
    Kind("gbk-declared-xml", "any", sheet_edit(lambda d: d.replace(b'encoding="UTF-8"', b'encoding="GBK"', 1)
                                               if b'encoding="UTF-8"' in d[:100] else
                                               b'<?xml version="1.0" encoding="GBK"?>' + d), codes=MERGE_READS),
    Kind("sheet-cut-after-row", "any", sheet_edit(cut_after_a_row), says="损坏"),
    Kind("sheet-cut-mid-tag", "any", sheet_edit(lambda d: d[:len(d) // 2]), says="损坏"),
    Kind("garbage-workbook-xml", "any", package(change=lambda n, d: b"<garbage" if n == "xl/workbook.xml" else d)),
    Kind("missing-sheet-part", "any", lambda b, p: package(drop=(sheet_of(b.form, "基础数据"),))(b, p)),
    Kind("no-worksheets", "any", package(change=lambda n, d: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d, flags=re.S)
                                         if n == "xl/workbook.xml" else d)),
    # -- small files that ask for a lot
    Kind("merge-bomb", "any", sheet_edit(lambda d: d.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A2000:XFD1048576"/></mergeCells>', 1)),
        says="上限", said_by=OPENPYXL_READERS, codes=MERGE_READS),
    Kind("hyperlink-bomb", "any", sheet_edit(lambda d: d.replace(
        b"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="A2000:XFD1048576" location="A1"/></hyperlinks>', 1)
        if b"<hyperlinks>" not in d else d), says="上限", said_by=OPENPYXL_READERS, codes=MERGE_READS),
    Kind("too-many-cells", "any", package(change=lambda n, d: many_cells(500_100) if n == SHEET else d, source="plain"),
         says="上限", said_by=OPENPYXL_READERS),  # a ledger may hold more: it is not a ledger, though
    Kind("too-many-rows", "any", package(change=lambda n, d: many_rows(200_010) if n == SHEET else d, source="plain"),
         says="上限", said_by=SCREENED),
    # -- our forms with values people type
    Kind("text-5000-chars", "form", form_value("约" + "九" * 5000), codes={"score": 1, "validate": 1, "mark": 1},
         says="共 5001 个字符"),
    Kind("superscript", "form", form_value("４²"), codes={"score": 1, "validate": 1, "mark": 1}, says="上标"),
    Kind("absurd-count", "form", form_value(1e308), codes={"score": 1, "validate": 1, "mark": 1}, says="不合理"),
    Kind("date-in-count", "form", form_value("2023-05-01"), codes={"score": 1, "validate": 1, "mark": 1}, says="日期"),
    Kind("far-value-in-form", "form", far_cell("form", b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>', "基础数据"),
         codes=dict(CLEAN_FORM)),
    Kind("far-format-in-form", "form", far_cell("form", b'<c r="XFD1048576" s="1"/>', "基础数据"), codes=dict(CLEAN_FORM)),
    # -- ledgers
    Kind("ledger-last-cell-value", "ledger", far_cell("ledger", b'<c r="XFD1048576"><v>1</v></c>', "台账"),
         codes={"fill-ledger": 0}),
    Kind("ledger-row-shifted", "ledger", ledger_people(lambda p: None, shift_row_right), codes=ROW_DATA, says="错位"),
    Kind("ledger-id-as-number", "ledger", ledger_people(lambda p: None, id_as_number), codes=ROW_DATA, says="文本"),
    Kind("ledger-cut-after-row", "ledger", truncated_ledger, says="损坏"),
    Kind("ledger-no-header", "ledger", lambda b, p: raw(b.plain.read_bytes())(b, p), says="表头"),
    # -- registries
    Kind("registry-far-value", "registry", far_cell("registry", b'<c r="XFD1048576"><v>1</v></c>', "社区名册"),
         codes={"registry": 0}),
    # -- rule files
    Kind("rules-missing", "rules", missing, says="找不到"),
    Kind("rules-folder", "rules", folder),
    Kind("rules-device", "rules", device, says="普通文件"),
    Kind("rules-fifo", "rules", fifo, says="普通文件"),
    Kind("rules-gbk", "rules", rules_text("[ruleset]\nname = \"齐齐哈尔\"\n", "gbk"), says="UTF-8"),
    Kind("rules-utf16", "rules", rules_text("[ruleset]\nname = \"齐齐哈尔\"\n", "utf-16"), says="UTF-8"),
    Kind("rules-binary", "rules", raw(b"\x00\xff" + _rand(3000, 2)), says="UTF-8"),
    Kind("rules-deeply-nested", "rules", rules_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n"), says="嵌套",
         codes={"check": 1}),
    Kind("rules-too-big", "rules", rules_text("# " + "规则" * 600_000 + "\n"), says="过大"),
    Kind("rules-syntax", "rules", rules_text("[ruleset\nid = 'x'\n"), says="语法", codes={"check": 1}),
    Kind("rules-with-bom", "rules", rules_text(builtin_rules_text(), bom=b"\xef\xbb\xbf"),
         # read fine; the 考评表 was built from zhangye-2023, so scoring it with these rules is refused (one rule)
         codes={"templates": 0, "check": 0, "score-rules": 2}),
)


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _duplicate_workbook(src: Path, path: Path) -> Path:
    """Two members named xl/workbook.xml: readers that pick different ones must not be fooled."""
    import warnings

    rewrite(src, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is asked to write
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("xl/workbook.xml", b"<garbage")
    return path


def commands(kind: Kind, x: Path, base: Base, out: Path, available: set[str]) -> dict[str, list[str]]:
    table = RULES_COMMANDS if kind.role == "rules" else WORKBOOK_COMMANDS
    out_map = {}
    for name in ROLES[kind.role]:
        if table[name][0] not in available:
            continue  # e.g. merge, before it exists
        target = out / name
        out_map[name] = [a.format(x=x, out=target, form=base.form, ledger=base.ledger) for a in table[name]]
    return out_map


# ---------------------------------------------------------------- the runner (in a child process)
def run_all(argvs: list[list[str]]) -> list[dict]:
    """Run each argv through fullemp's entry point in this process; what each printed and returned."""
    from fullemp_xl.cli import main

    results = []
    for argv in argvs:
        if argv_out(argv):
            Path(argv_out(argv)).mkdir(parents=True, exist_ok=True)
        out, err = io.BytesIO(), io.BytesIO()
        stdout, stderr = sys.stdout, sys.stderr
        out_text = sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        err_text = sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
        crashed = ""
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            code, crashed = -1, f"{type(exc).__name__}: {exc}"
        finally:
            for stream in (out_text, err_text):
                stream.flush()
                stream.detach()  # keep the buffer open for reading
            sys.stdout, sys.stderr = stdout, stderr
        results.append({"argv": argv, "code": code, "stdout": out.getvalue().decode("utf-8", "replace"),
                        "stderr": err.getvalue().decode("utf-8", "replace"), "crashed": crashed,
                        "peak_mib": peak_mib()})
    return results


def peak_mib() -> float:
    """This process's peak resident memory since it started (ru_maxrss would include the parent's
    memory at fork time: Linux carries it across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def argv_out(argv: list[str]) -> str | None:
    """The per-command output folder (…/out/<command>), created before the run like a user's folder."""
    for a in argv:
        if "/out/" in a:
            return a[:a.index("/out/") + 5] + a[a.index("/out/") + 5:].split("/")[0]
    return None


def run_limited(argvs: list[list[str]], memory_mib: int, timeout: float = 300) -> list[dict]:
    """run_all in a child process whose address space is limited to memory_mib."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fe-hostile-") as work:
        args, result = Path(work) / "args.json", Path(work) / "result.json"
        args.write_text(json.dumps(argvs, ensure_ascii=False), encoding="utf-8")
        code = ("import resource, sys; "
                f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mib} << 20, {memory_mib} << 20)); "
                f"sys.path.insert(0, {str(TESTS)!r}); import hostile; hostile.main(sys.argv[1:])")
        proc = subprocess.run([sys.executable, "-c", code, str(result), str(args)], capture_output=True,
                              timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        if proc.returncode != 0 or not result.exists():
            raise AssertionError(f"the child process failed ({proc.returncode}): {proc.stderr.decode('utf-8', 'replace')[-3000:]}")
        return json.loads(result.read_text(encoding="utf-8"))


def main(argv: list[str]) -> None:
    result, args = Path(argv[0]), Path(argv[1])
    result.write_text(json.dumps(run_all(json.loads(args.read_text(encoding="utf-8"))), ensure_ascii=False),
                      encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
