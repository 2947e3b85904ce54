"""A ledger workbook read strictly: each sheet streamed once through expat into sparse rows.

Why not a native reader: python-calamine, used before, allocates a sheet's whole grid, so one value
in the last cell of a 12 KB file aborted the process (a Rust allocation failure, exit 134, no
message), and it has returned a sheet whose XML broke off mid-rows as if it were complete. Here a
sheet that ends early, a damaged compressed member or a wrong checksum is refused (never read in
part), every XML part goes through the same DTD-refusing parser as the screening, and far cells
cost nothing: only the cells present are kept, keyed by row and column.

Values are what the cell holds: text, int or float, bool, an error text ("#N/A"), and a date for a
number in a date format (the workbook's 1900 or 1904 calendar), as Excel shows them.
"""
from __future__ import annotations

import datetime as dt
import xml.parsers.expat
import zipfile
import zlib
from pathlib import Path

from ..errors import UnusableFile
from ..ooxml.a1 import split_ref
from ..ooxml.xml import parse_xml
from ..screening import LEDGER_LIMITS, Limits, screen_workbook
from ..screening.screen import sheet_parts
from ..screening.xmlscan import DAMAGED, UNSAFE, UnsafeXml, expat_parser, stream_into

Row = tuple[int, dict[int, object]]  # (Excel row number, 0-based column -> value)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
EPOCH_1900, EPOCH_1904 = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)


class _Refused(Exception):
    def __init__(self, message: str):
        self.message = message


class LedgerBook:
    """The sheets of one screened workbook, by name; `rows(name)` streams one of them."""

    def __init__(self, path: Path, limits: Limits = LEDGER_LIMITS):
        self.path, self.limits = Path(path), limits
        screen_workbook(self.path, limits)  # kind, container, every part but the sheets and strings
        try:
            with zipfile.ZipFile(self.path) as zf:
                self._parts = sheet_parts(zf)
                book = parse_xml(zf.read("xl/workbook.xml"))
                self._styles = zf.read("xl/styles.xml") if "xl/styles.xml" in zf.namelist() else b""
        except (UnsafeXml, SyntaxError, KeyError, zipfile.BadZipFile, zlib.error, OSError):
            raise UnusableFile(self.path, DAMAGED.format(what="工作簿的目录部分")) from None
        self.sheet_names = [s.get("name", "") for s in book.iter(f"{MAIN}sheet")]
        props = book.find(f"{MAIN}workbookPr")
        self.epoch = EPOCH_1904 if props is not None and props.get("date1904") in ("1", "true") else EPOCH_1900
        self._strings: list[str] | None = None
        self._dates: frozenset[int] | None = None

    def rows(self, name: str) -> list[Row]:
        """Every row of the sheet that holds a value, in order; a damaged or oversized sheet is refused."""
        part = next((p for p, n in self._parts.items() if n == name), None)
        if part is None:
            raise UnusableFile(self.path, DAMAGED.format(what=f"找不到工作表“{name}”的内容"))
        try:
            with zipfile.ZipFile(self.path) as zf:
                if self._strings is None:
                    self._strings = self._shared_strings(zf)
                if self._dates is None:
                    self._dates = date_styles(self._styles)
                sheet = _SheetStream(self._strings, self._dates, self.epoch, self.limits, name)
                stream_into(sheet.parser, zf, zf.getinfo(part))
                return sheet.rows
        except _Refused as exc:
            raise UnusableFile(self.path, exc.message) from None
        except UnsafeXml:
            raise UnusableFile(self.path, UNSAFE) from None
        except xml.parsers.expat.ExpatError:
            raise UnusableFile(self.path, DAMAGED.format(what=f"工作表“{name}”的内容不完整或有错")) from None
        except (zlib.error, zipfile.BadZipFile, EOFError, OSError, KeyError, NotImplementedError, RuntimeError, ValueError):
            raise UnusableFile(self.path, DAMAGED.format(what=f"工作表“{name}”的压缩数据出错")) from None

    def _shared_strings(self, zf: zipfile.ZipFile) -> list[str]:
        if "xl/sharedStrings.xml" not in zf.namelist():
            return []
        strings = _StringsStream(self.limits)
        try:
            stream_into(strings.parser, zf, zf.getinfo("xl/sharedStrings.xml"))
        except xml.parsers.expat.ExpatError:
            raise _Refused(DAMAGED.format(what="共享文字部分不完整或有错")) from None
        return strings.items


def date_styles(styles: bytes) -> frozenset[int]:
    """Indexes of the cell formats (cellXfs) that show a number as a date, as openpyxl decides it."""
    if not styles:
        return frozenset()
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    root = parse_xml(styles)
    custom = {}
    for fmt in root.iter(f"{MAIN}numFmt"):
        if (fmt.get("numFmtId") or "").isdigit():
            custom[int(fmt.get("numFmtId"))] = fmt.get("formatCode") or ""
    xfs = root.find(f"{MAIN}cellXfs")
    out = set()
    for index, xf in enumerate(() if xfs is None else xfs.iterfind(f"{MAIN}xf")):
        fid = int(xf.get("numFmtId", "0")) if (xf.get("numFmtId") or "0").isdigit() else 0
        if is_date_format(custom.get(fid, BUILTIN_FORMATS.get(fid))):
            out.add(index)
    return frozenset(out)


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1:]


class _StringsStream:
    """sharedStrings.xml: the text of each <si> (its <t>, and its runs' <t>; phonetic runs left out)."""

    def __init__(self, limits: Limits):
        self.items: list[str] = []
        self.limit = limits.cells
        self._text: list[str] = []
        self._phonetic = 0
        self.parser = parser = expat_parser()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end

    def start(self, tag: str, attrs: dict) -> None:
        local = _local(tag)
        if local == "t" and not self._phonetic:
            self.parser.CharacterDataHandler = self._text.append
        elif local == "rPh":
            self._phonetic += 1

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local == "t":
            self.parser.CharacterDataHandler = None
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "si":
            self.items.append("".join(self._text))
            self._text.clear()
            if len(self.items) > self.limit:
                raise _Refused(f"台账中的文字过多（上限 {self.limit:,} 个），已拒绝处理")


class _SheetStream:
    """One worksheet part: <row>/<c>/<v>/<is> events into sparse rows, with the limits enforced.

    The handlers are closures over local state and the parser runs without namespace processing:
    a 50,000-row ledger makes about a million callbacks, and each attribute lookup shows.
    """

    def __init__(self, strings: list[str], dates: frozenset[int], epoch: dt.datetime, limits: Limits, name: str):
        self.rows: list[Row] = []
        self.parser = parser = expat_parser(namespaces=False)
        parser.buffer_text = True
        rows, text, columns = self.rows, [], {}
        collect = text.append
        max_cells, max_rows = limits.cells, limits.rows
        row_no, col, kind, style, cells, phonetic = 0, -1, "n", None, 0, 0
        current: dict[int, object] = {}

        def refuse(what: str) -> _Refused:
            return _Refused(DAMAGED.format(what=f"工作表“{name}”{what}"))

        def column(ref: str) -> int:
            try:
                found = split_ref(ref)[1] - 1
            except ValueError:
                raise refuse(f"中的单元格地址“{ref[:20]}”无效") from None
            letters = ref.rstrip("0123456789")
            if letters.isalpha():  # 'E' of 'E49': the next cells of column E skip the parse
                columns[letters] = found
            return found

        def start(tag: str, attrs: dict) -> None:
            nonlocal row_no, col, kind, style, current, phonetic
            if tag == "c":
                ref = attrs.get("r")
                if ref:
                    col = columns.get(ref.rstrip("0123456789"))
                    if col is None or ref[-1] not in "0123456789":
                        col = column(ref)
                else:
                    col += 1
                if col >= 16_384:
                    raise refuse("中有超出工作表范围的单元格")
                kind, style = attrs.get("t", "n"), attrs.get("s")
                text.clear()
            elif tag == "v" or (tag == "t" and not phonetic):
                parser.CharacterDataHandler = collect
            elif tag == "row":
                number = attrs.get("r")
                if number is None:
                    row_no += 1
                elif number.isdigit() and 0 < int(number) <= 1_048_576:
                    row_no = int(number)
                else:
                    raise refuse(f"中的行号“{number[:20]}”无效")
                if len(rows) >= max_rows:
                    raise _Refused(f"工作表“{name}”超过 {max_rows:,} 行，超出台账的上限，已拒绝处理：请按社区分开提交")
                col, current = -1, {}
            elif tag == "rPh":
                phonetic += 1
            elif ":" in tag:  # a producer that prefixes the main namespace (x:c)
                start(tag[tag.find(":") + 1:], attrs)

        def end(tag: str) -> None:
            nonlocal cells, phonetic
            if tag == "c":
                if text or kind == "inlineStr":
                    value = text[0] if len(text) == 1 else "".join(text)
                    if kind != "inlineStr" and kind != "str":
                        value = convert(value)
                    if value is not None and value != "":
                        current[col] = value
                        cells += 1
                        if cells > max_cells:
                            raise _Refused(f"工作表“{name}”的单元格超过 {max_cells:,} 个，已拒绝处理")
            elif tag == "v" or tag == "t":
                parser.CharacterDataHandler = None
            elif tag == "row":
                if current:
                    rows.append((row_no, current))
            elif tag == "rPh":
                phonetic -= 1
            elif ":" in tag:
                end(tag[tag.find(":") + 1:])

        def convert(value: str):
            if kind == "s":
                try:
                    return strings[int(value)]
                except (IndexError, ValueError):
                    raise refuse("引用了不存在的共享文字") from None
            if kind == "n":
                try:
                    number = float(value) if ("." in value or "e" in value or "E" in value) else int(value)
                except ValueError:
                    raise refuse("中有无效的数值") from None
                if style is not None and dates and style.isdigit() and int(style) in dates:
                    try:
                        return epoch + dt.timedelta(days=number)
                    except (OverflowError, ValueError):
                        return number
                return number
            if kind == "b":
                return value.strip() == "1"
            if kind == "d":
                try:
                    return dt.datetime.fromisoformat(value.strip())
                except ValueError:
                    return value
            return value  # e: an error such as #N/A

        parser.StartElementHandler, parser.EndElementHandler = start, end
