"""Every XML part of a package, checked once: safe, complete, and within the limits.

Safe: a DOCTYPE, an entity declaration or an external reference anywhere refuses the file (no
producer of workbooks writes them; they are how XML bombs and file disclosure work). The same
refusal guards every XML parser of ours (`ooxml.xml.parse_xml`, `expat_parser`), and openpyxl parses
through defusedxml. Complete: a part that breaks off, whose compressed data is damaged or whose checksum
is wrong is damage, reported as such, never read in part. Within the limits: the elements that make
a reader allocate (cells, rows, merged and hyperlinked ranges, shared strings, comments, and all
other elements) are counted as they stream past, and a limit stops the scan the moment it is
crossed, so a hostile part costs no more than the limit; a small part whose tags alone could not
reach any limit is not counted one by one (scan_parts). Parsed: a worksheet or the shared strings
a reader will parse are parsed here by its parser where that parser judges exactly as expat does,
and the tree handed on (_parse_alike); every other part is parsed by expat.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnusableFile
from ..ooxml.a1 import range_area
from ..ooxml.xml import UNSAFE, DamagedXml, UnsafeXml, parse_xml
from .limits import MIB, Limits

XML_SUFFIXES = (".xml", ".rels", ".vml")
STRINGS_PART = "xl/sharedStrings.xml"
CHUNK = 1 << 20
DAMAGED = "工作簿已损坏（{what}）：请用 Excel 打开后另存为 .xlsx；若打不开，请向提交人要一份完好的文件"


class _TooBig(Exception):
    def __init__(self, message: str):
        self.message = message


def expat_parser(namespaces: bool = True):
    """An expat parser that refuses DTDs, entity declarations and external references."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}" if namespaces else None)

    def refuse(*_args):
        raise UnsafeXml(UNSAFE)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


@dataclass
class _Totals:
    cells: int = 0
    rows: int = 0
    area: int = 0
    strings: int = 0
    others: int = 0


def scan_parts(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits,
               sheet_names: dict[str, str], keep: dict | None = None, unpacked: dict | None = None) -> None:
    """Stream every XML part: refuse damage, unsafe XML and a workbook beyond the limits (UnusableFile).

    A small part whose tags ('<') could not take any running count past its limit even if every tag were a
    cell, a row, a string and an element is only checked (well-formed; its merged and linked area, which
    no tag count bounds, counted exactly): a form never comes near a limit. From the first part that could,
    every part is counted one by one, the earlier ones first, in order — so the refusal, when there is one,
    names the same part and the same count as counting everything would.

    `keep`: part name -> (CRC-32, bytes, element tree or None) of the small parts read whole, up to KEEP_BYTES
    in all, so that the reader that follows takes the bytes that were screened instead of decompressing them
    again, and the worksheets as they were parsed here instead of parsing them again. `unpacked`: zip entry -> its
    bytes, of the members the screening has read whole already (CRC checked), not unpacked again."""
    totals = _Totals()
    kept = trees = 0
    bound, bounded = 0, []  # tags of the parts only checked so far, and (info, label) of each
    for info in infos:
        name = info.filename
        if not name.lower().endswith(XML_SUFFIXES):
            continue
        what = _part_label(name, sheet_names)
        if info.file_size > limits.xml_bytes:
            raise UnusableFile(path, f"{what}过大（解压后 {info.file_size / MIB:.0f} MB，上限 {limits.xml_bytes // MIB} MB），已拒绝处理")
        streamed_by_reader = not limits.measure_sheets and (name.startswith("xl/worksheets/") or name == STRINGS_PART)
        if streamed_by_reader:
            continue
        try:
            if info.file_size <= REMEMBER_BELOW:
                data = (unpacked or {}).get(info)
                if data is None:
                    data = zf.read(info)  # whole (zipfile checks the CRC): small parts are remembered by content
                key = (name, hashlib.blake2b(data, digest_size=20).digest())
                want_tree = keep is not None and trees + len(data) <= KEEP_TREE_BYTES
                tags = data.count(b"<")
                if bounded is not None and _room(totals, bound + tags, limits):
                    area, tree = _check_small(key, data, limits, want_tree, tags)
                    _add(totals, _Totals(area=area), limits, what)
                    bound += tags
                    bounded.append((info, what))
                else:
                    _count_exactly(zf, bounded or (), totals, limits)
                    bounded = None  # counted one by one from here on
                    part, tree = _scan_small(key, data, limits, what, want_tree, tags)
                    _add(totals, part, limits, what)
                if keep is not None and kept + len(data) <= KEEP_BYTES:
                    keep[name] = (info.CRC, data, tree)
                    kept += len(data)
                    trees += len(data) if tree is not None else 0
            else:  # a large part is streamed and counted as it streams, against exact running counts
                _count_exactly(zf, bounded or (), totals, limits)
                bounded = None
                parser = expat_parser()
                counter = None
                if name.startswith("xl/worksheets/"):  # the bulk of a workbook: counted in C, expat only checks the XML
                    counter = _SheetCounter(totals, limits, what)
                else:
                    parser.StartElementHandler = _counter(name, totals, limits, what)
                stream_into(parser, zf, info, counter)
        except _TooBig as exc:
            raise UnusableFile(path, exc.message) from None
        except UnsafeXml:
            raise UnusableFile(path, UNSAFE) from None
        except xml.parsers.expat.ExpatError:
            raise UnusableFile(path, DAMAGED.format(what=f"{what}的内容不完整或有错")) from None
        except (zlib.error, zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
            raise UnusableFile(path, DAMAGED.format(what=f"{what}的压缩数据出错")) from None


def _room(totals: _Totals, tags: int, limits: Limits) -> bool:
    """Whether `tags` more cells, rows, strings and other elements each would still be within the limits."""
    return (totals.cells + tags <= limits.cells and totals.rows + tags <= limits.rows
            and totals.strings + tags <= limits.cells and totals.others + tags <= limits.elements)


def _count_exactly(zf: zipfile.ZipFile, bounded, totals: _Totals, limits: Limits) -> None:
    """Count the parts only checked so far one by one, in their order (their area is in the totals already)."""
    for info, what in bounded:
        data = zf.read(info)
        part, _ = _scan_small((info.filename, hashlib.blake2b(data, digest_size=20).digest()), data, limits, what)
        part.area = 0
        _add(totals, part, limits, what)


# Parts up to this size are read whole and remembered by their content: the forms of one template
# share most parts byte for byte (styles, theme, the workbook, the 考评表 sheet), so a merge checks
# each such part once per worker, not once per file. The digest is cryptographic: a part cannot pose
# as one already checked.
REMEMBER_BELOW = 4 * MIB
KEEP_BYTES = 32 * MIB  # screened parts handed to the reader, per file: memory stays bounded
KEEP_TREE_BYTES = 8 * MIB  # of them, worksheets handed over parsed (a tree takes several times its bytes)
_CHECKED: dict[tuple[str, bytes], tuple[_Totals, Limits]] = {}  # parts counted one by one
_SOUND: dict[tuple[str, bytes], int] = {}  # parts found well-formed and safe -> their merged and linked area


def _check_small(key: tuple[str, bytes], data: bytes, limits: Limits, want_tree: bool,
                 tags: int | None = None) -> tuple[int, object]:
    """(the part's merged and linked area, its element tree or None), once it is found well-formed and safe.
    When `want_tree`, a worksheet or the shared strings not seen before are parsed by the reader's own
    parser and the tree handed on, where that parser judges the part exactly as expat does (_parse_alike);
    otherwise, and for every other part, expat judges them."""
    area = _SOUND.get(key)
    if area is not None:
        return area, None
    name = key[0]
    tree = _judged(data, limits, tags, want_tree and (name.startswith("xl/worksheets/") or name == STRINGS_PART))
    area = _area(data) if name.startswith("xl/worksheets/") else 0
    if len(_SOUND) >= 512:
        _SOUND.pop(next(iter(_SOUND)))
    _SOUND[key] = area
    return area, tree


def _scan_small(key: tuple[str, bytes], data: bytes, limits: Limits, what: str,
                want_tree: bool = False, tags: int | None = None) -> tuple[_Totals, object]:
    """(what the part holds, counted one by one into fresh totals so that it can be remembered; its element
    tree or None, as _check_small)."""
    known = _CHECKED.get(key)
    if known is not None and known[1] == limits:
        return dataclasses.replace(known[0]), None
    name = key[0]
    part = _Totals()
    tree = None
    if name.startswith("xl/worksheets/"):
        tree = _judged(data, limits, tags, want_tree)
        counter = _SheetCounter(part, limits, what)
        counter.feed(data)
        counter.close()
    elif name == STRINGS_PART and want_tree and (tree := _parse_alike(data, limits, tags)) is not None:
        part.strings = sum(1 for _ in tree.iter("{*}si"))  # what _counter counts: every element named si
        if part.strings > limits.cells:
            raise _TooBig(f"{what}中的文字过多（上限 {limits.cells:,} 个），本程序不能安全地读取这么大的工作簿，已拒绝处理："
                          "请删去无关的工作表或空白区域的格式后再提交")
    else:
        parser = expat_parser()
        parser.StartElementHandler = _counter(name, part, limits, what)
        parser.Parse(data, True)
    if len(_CHECKED) >= 512:
        _CHECKED.pop(next(iter(_CHECKED)))
    _CHECKED[key] = (part, limits)
    return dataclasses.replace(part), tree


def _judged(data: bytes, limits: Limits, tags: int | None, want_tree: bool):
    """Refuse the part unless it is well-formed and safe; its tree, parsed by the reader's own parser, when
    `want_tree` and that parse stands in for expat's (_parse_alike), else None (expat has judged it)."""
    tree = _parse_alike(data, limits, tags) if want_tree else None
    if tree is None:
        expat_parser().Parse(data, True)
    return tree


_UTF8_DECLARATION = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["'](?i:utf-?8)["']""")


def _parse_alike(data: bytes, limits: Limits, tags: int | None = None):
    """A worksheet or the shared strings as the reader parses them (ooxml.xml.parse_xml), or None where that
    parse cannot stand in for expat's: a part that declares an encoding other than UTF-8 (expat refuses
    multi-byte encodings that libxml2 reads), one with a byte outside ASCII in a name or where it cannot tell
    (libxml2 follows the 5th edition of XML, which allows names that expat refuses: _only_in_text), one with
    more tags than the element limit (expat, then the count, refuse it without a tree), or one libxml2
    refuses (expat then decides, as before: libxml2 also refuses deep nesting and relative namespace names,
    which expat accepts). Where both parse, they agree (text and values are checked alike, UTF-8 included),
    and both refuse any DTD. tests/screening/test_screening.py compares both over thousands of damaged parts.
    `tags`: data.count(b"<") when the caller has counted them already."""
    if not data.startswith(b"<"):
        return None
    head = data[:200]
    if (b"encoding" in head and not _UTF8_DECLARATION.match(head)) or (
            data.count(b"<") if tags is None else tags) > limits.elements:
        return None
    if not (data.isascii() or _only_in_text(data)):  # (judged before the parse: it costs less, and its "yes"
        return None                                  # holds once the parse has found the part well-formed)
    try:
        return parse_xml(data)  # a DTD raises UnsafeXml, as expat does at the DOCTYPE
    except DamagedXml:
        return None


_QUOTED = re.compile(rb"\"[^\"]*\"|'[^']*'")
_HIGH_BYTES = bytes(int(b >= 0x80) for b in range(256))  # translate table: 1 for a byte outside ASCII, else 0
MAX_TEXT_RUNS = 4096  # beyond this many runs of non-ASCII text, expat judges the part (it costs about as much)


def _only_in_text(data: bytes) -> bool:
    """Whether every byte outside ASCII of a well-formed part stands in character data or an attribute value,
    never in a name. In well-formed XML without comments, CDATA or instructions, the last '<' before a byte
    opens the tag the byte is in or follows (a raw '<' stands nowhere else); with the quoted values before
    the byte taken out (left to right, as a parser reads them), a '>' left over means the tag has closed (the
    byte is in text, up to the next '<'), a quote left over opens the value the byte is in (up to the same
    quote). Anything else may be a name: "no", and expat judges."""
    if _opens(data, b"!") or _opens(data, b"?", 2):  # a comment, CDATA or DTD, or an instruction after the
        return False                                 # declaration: a '<' in them would mislead what follows
    marks = data.translate(_HIGH_BYTES)  # the runs are found by memchr, not by a regular expression per byte
    start, checked = marks.find(1), 0
    while start >= 0:
        checked += 1
        if checked > MAX_TEXT_RUNS:
            return False
        stretch = data[data.rfind(b"<", 0, start):start]
        close = stretch.rfind(b">")
        if close >= 0 and stretch.find(b"'", 0, close) < 0 and not stretch.count(b'"', 0, close) % 2:
            pass  # a '>' with every value before it closed: the tag has closed, this is text
        elif close < 0 and b"'" not in stretch and stretch.count(b'"') % 2:  # in a "…" value of the tag still open
            close = data.find(b'"', start)
            start = -1 if close < 0 else marks.find(1, close)
            continue
        elif b'"' in stretch or b"'" in stretch:
            stretch = _QUOTED.sub(b"", stretch)
            opened = [at for at in (stretch.find(b'"'), stretch.find(b"'")) if at >= 0]
            if opened:  # in a value: the next run to judge is after its closing quote (a name may follow)
                close = data.find(stretch[min(opened):min(opened) + 1], start)
                start = -1 if close < 0 else marks.find(1, close)
                continue
        if b">" not in stretch:
            return False
        following = data.find(b"<", start)  # in text: so is every byte up to the next tag
        start = -1 if following < 0 else marks.find(1, following)
    return True


def _opens(data: bytes, second: bytes, start: int = 0) -> bool:
    """Whether '<' followed by `second` (b"!" or b"?") occurs from `start` on. Found by its second byte, which is
    rare in a worksheet (memchr), then the byte before it checked: bytes.find(b"<!") is ~50 times slower there,
    '<' being every few bytes. Many occurrences of the second byte (formulas naming other sheets): find the pair."""
    at = data.find(second, start + 1)
    for _ in range(64):
        if at < 0:
            return False
        if data[at - 1] == 0x3C:  # '<'
            return True
        at = data.find(second, at + 1)
    return data.find(b"<" + second, max(start, at - 1)) >= 0


def _add(totals: _Totals, part: _Totals, limits: Limits, what: str) -> None:
    """Add one part's counts, stopping at a limit as the streaming count does."""
    for field_, limit, kind in (("cells", limits.cells, "单元格"), ("rows", limits.rows, "行"),
                                ("area", limits.area, "合并或超链接覆盖的单元格"), ("strings", limits.cells, "文字"),
                                ("others", limits.elements, "元素")):
        value = getattr(totals, field_) + getattr(part, field_)
        setattr(totals, field_, value)
        if value > limit:
            raise _TooBig(f"{what}中的{kind}过多（上限 {limit:,} 个），本程序不能安全地读取这么大的工作簿，已拒绝处理："
                          "请删去无关的工作表或空白区域的格式后再提交")


def stream_into(parser, zf: zipfile.ZipFile, info: zipfile.ZipInfo, counter=None) -> None:
    """Feed a member to a parser in chunks; zipfile checks the CRC when the member ends."""
    with zf.open(info) as member:
        while chunk := member.read(CHUNK):
            parser.Parse(chunk, False)
            if counter is not None:
                counter.feed(chunk)
    parser.Parse(b"", True)
    if counter is not None:
        counter.close()


# The elements of a worksheet that make a reader allocate, counted over the bytes the parser has accepted
# (a Python call per element would cost more than the parse itself): one regular expression with a literal
# start for the common spelling, a wider one where a producer writes namespace prefixes.
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_TAGS = re.compile(rb"<(c|row)[\s/>]")  # cells and rows, unprefixed
_PREFIXED_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|row)[\s/>]")
_AREA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:mergeCell|hyperlink)\s[^>]*?\bref=[\"']([^\"']*)[\"']")


def _area(text: bytes) -> int:
    """The cells the merged and linked ranges in these bytes of a worksheet cover."""
    named = [at for at in (text.find(b"mergeCell"), text.find(b"hyperlink")) if at >= 0]
    if not named:
        return 0
    # every range lies after the '<' before the first of these names: the rest is not searched
    return sum(range_area(ref.decode("ascii", "replace"))
               for ref in _AREA.findall(text, max(0, text.rfind(b"<", 0, min(named)))))


class _SheetCounter:
    """What _counter counts in a worksheet (cells, rows, merged and linked area, other elements), over the
    raw bytes; a tag cut by a chunk boundary waits for the next chunk."""

    def __init__(self, totals: _Totals, limits: Limits, what: str):
        self.totals, self.limits, self.what = totals, limits, what
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        text = self.carry + chunk
        cut = text.rfind(b"<")
        if cut < 0:
            self.carry = b""
            self._count(text)
        else:
            self.carry = text[cut:]
            self._count(text[:cut])

    def close(self) -> None:
        self._count(self.carry)
        self.carry = b""

    def _too_big(self, kind: str, limit: int) -> _TooBig:
        return _TooBig(f"{self.what}中的{kind}过多（上限 {limit:,} 个），本程序不能安全地读取这么大的工作簿，已拒绝处理："
                       "请删去无关的工作表或空白区域的格式后再提交")

    def _count(self, text: bytes) -> None:
        if not text:
            return
        t, limits = self.totals, self.limits
        tags = (_PREFIXED_TAGS if _PREFIXED.search(text) else _TAGS).findall(text)
        cells, rows = tags.count(b"c"), tags.count(b"row")
        t.cells += cells
        t.rows += rows
        if t.cells > limits.cells:
            raise self._too_big("单元格", limits.cells)
        if t.rows > limits.rows:
            raise self._too_big("行", limits.rows)
        t.area += _area(text)
        if t.area > limits.area:
            raise self._too_big("合并或超链接覆盖的单元格", limits.area)
        # every other element: what opens minus what closes, less the cells with their value, formula or
        # inline text (up to three elements each) and the rows — so a cell's parts are never counted twice
        opened = text.count(b"<") - text.count(b"</")  # (and a declaration or two: counted, harmlessly)
        t.others += max(0, opened - 3 * cells - rows)
        if t.others > limits.elements:
            raise self._too_big("元素", limits.elements)


def _part_label(name: str, sheet_names: dict[str, str]) -> str:
    if name in sheet_names:
        return f"工作表“{sheet_names[name]}”"
    return f"工作簿中的“{name}”部分"


def _counter(part: str, totals: _Totals, limits: Limits, what: str):
    """The StartElementHandler that counts what a reader will allocate in a part that is not a worksheet
    (those are counted over their bytes: _SheetCounter), stopping at a limit."""
    strings = part == STRINGS_PART
    comments = part.startswith("xl/comments")

    def too_big(kind: str, limit: int) -> _TooBig:
        return _TooBig(f"{what}中的{kind}过多（上限 {limit:,} 个），本程序不能安全地读取这么大的工作簿，已拒绝处理："
                       "请删去无关的工作表或空白区域的格式后再提交")

    def start(tag: str, attrs: dict) -> None:
        local = tag[tag.rfind("}") + 1:]
        if (strings and local == "si") or (comments and local == "comment"):
            totals.strings += 1
            if totals.strings > limits.cells:
                raise too_big("文字", limits.cells)
            return
        if strings or comments:
            return  # the runs and text of a string or comment
        totals.others += 1
        if totals.others > limits.elements:
            raise too_big("元素", limits.elements)

    return start
