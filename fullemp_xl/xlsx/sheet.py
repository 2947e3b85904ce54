"""One worksheet part as sparse cells: the value openpyxl would give, and the cached value of formulas.

The conversions follow openpyxl's own reader (openpyxl/worksheet/_reader.py) so that the merge and the
command line see exactly the same values: numbers "1" -> 1 and "1.0" -> 1.0, dates by the cell's
number format and the workbook's epoch, shared formulas translated to each cell, array formulas as
their text, cells hidden under a merged range read as empty. A test compares both readers cell by
cell over a generated corpus.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import UnusableFile
from ..ooxml.a1 import (
    MAX_COL,
    MAX_ROW,
    OutsideSheet,
    column_letter,
    plain_ref,
    range_bounds,
    sheet_ref,
)
from .numfmt import from_excel
from .package import Package, iterparse_part
from .workbook import WorkbookParts, ns_of, text_of

STREAM_ABOVE = 4 * 1024 * 1024  # parts larger than this are streamed (memory stays bounded)
_PLAIN: set[str] = set()  # addresses seen already written as the forms name them ('E49')


def _number(text: str):
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


@dataclass
class SheetCells:
    """(row, col) -> value; formulas keep their cached value in `cached`. With `wanted`, only those cells
    (and the masters of shared formulas) were converted: `complete` says whether every cell is here."""

    values: dict[tuple[int, int], object]
    cached: dict[tuple[int, int], object]
    complete: bool = True


def read_sheet(pkg: Package, wb: WorkbookParts, part: str, name: str, wanted: set[str] | None = None) -> SheetCells:
    """All cells, or only the `wanted` references ('B3'; as the workbook writes them, without '$')."""
    data = pkg.read(part)
    if data is None:
        raise UnusableFile(pkg.source, f"工作簿已损坏：找不到工作表“{name}”的内容，请用 Excel 打开后另存为 .xlsx")
    if len(data) > STREAM_ABOVE:
        strict = b"purl.oclc.org/ooxml/spreadsheetml" in data[:4096]
        ns = "{http://purl.oclc.org/ooxml/spreadsheetml/main}" if strict else \
            "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        rows = iterparse_part(data, part, pkg.source, ns + "row")
        merged, stream = None, True  # large sheets (ledgers): merges are not honoured there
    else:
        root = pkg.xml(part, data)
        ns = ns_of(root)
        sheet_data = root.find(ns + "sheetData")
        rows = () if sheet_data is None else sheet_data.iterfind(ns + "row")
        merged, stream = root.find(ns + "mergeCells"), False
        if wanted is not None and sheet_data is not None:
            # only some cells asked for: index the cells by address, convert the asked ones
            index = {c.get("r"): c for c in sheet_data.iter(ns + "c")}
            if None not in index and "" not in index:
                cells = _Reader(wb, ns, pkg, wanted).picked(index)
                if cells is not None:  # None: some address is written otherwise ('e49', '$E$49'), or an asked cell
                    # holds a shared formula (its master may be any cell): read them all
                    if merged is not None:
                        _hide_merged(cells, merged, ns)
                    return cells
    cells = _Reader(wb, ns, pkg, wanted).run(rows, stream)
    if merged is not None:
        _hide_merged(cells, merged, ns)
    return cells


Row = tuple[int, dict[int, object]]  # (row number, column number (A = 1) -> value), only cells that hold one


def sheet_rows(pkg: Package, wb: WorkbookParts, part: str, name: str) -> Iterator[Row]:
    """Every row of a worksheet that holds a value, in the order stored, each as (row number, column ->
    value): the value Excel shows — a formula cell's cached result, a number in a date format as a date
    (the workbook's 1900 or 1904 calendar), an error as its text ('#N/A'), a boolean as bool; empty text
    and formulas without a result are no value. Far cells cost nothing (only the cells present are kept)
    and memory stays flat: the part is parsed as it unpacks and each row freed once yielded. Every cell
    the sheet stores is given, cells hidden under a merged range too (the ranges come after the rows).

    Strict: damage is raised where it is met (XML that breaks off, a bad compressed block, a wrong
    checksum at the end, an address or number that is none): read every row before acting on any."""
    member = pkg.stream(part)
    if member is None:
        raise UnusableFile(pkg.source, f"工作簿已损坏：找不到工作表“{name}”的内容，请用 Excel 打开后另存为 .xlsx")
    reader, number, count, limit = None, 0, 0, pkg.limits.cells
    try:
        for row in iterparse_part(member, f"工作表“{name}”", pkg.source, "{*}row"):
            if reader is None:
                reader = _Reader(wb, ns_of(row), pkg, None)
            r = row.get("r")
            try:
                number = int(r) if r is not None else number + 1
            except ValueError:
                number = 0
            if not 0 < number <= MAX_ROW:
                raise reader.damaged(f"工作表“{name}”的行号“{(r or '')[:20]}”无效")
            values = reader.shown(row, number)
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            if values:
                count += len(values)
                if count > limit:
                    raise UnusableFile(pkg.source, f"工作表“{name}”的单元格过多（超过 {limit:,} 个），已拒绝处理")
                yield number, values
    finally:
        member.close()


_MERGES: dict[tuple[str, ...], frozenset[tuple[int, int]]] = {}


def _hide_merged(cells: SheetCells, merged, ns: str) -> None:
    """openpyxl keeps only the top-left value of a merged range. Forms of one template share their
    merges, so the hidden cells of a set of ranges are worked out once."""
    refs = tuple(mc.get("ref", "") for mc in merged.iterfind(ns + "mergeCell"))
    hidden = _MERGES.get(refs)
    if hidden is None:
        found: set[tuple[int, int]] = set()
        large = []
        for ref in refs:
            if ":" not in ref:
                continue
            try:
                r1, c1, r2, c2 = range_bounds(ref)
            except ValueError:
                continue
            if (r2 - r1 + 1) * (c2 - c1 + 1) <= 4096:
                found.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1))
            else:
                large.append((r1, c1, r2, c2))
        if large:  # huge merged ranges: test the cells present instead of listing the range
            found.update(k for k in cells.values if any(a <= k[0] <= b and c <= k[1] <= d and k != (a, c)
                                                        for a, c, b, d in large))
        else:
            hidden = frozenset(found)
            if len(_MERGES) < 64:
                _MERGES[refs] = hidden
        hidden = hidden if hidden is not None else frozenset(found)
    for key in hidden.intersection(cells.values):
        del cells.values[key]
        cells.cached.pop(key, None)


class _Reader:
    """Converts <c> elements as openpyxl's WorkSheetParser.parse_cell does."""

    def __init__(self, wb: WorkbookParts, ns: str, pkg: Package, wanted: set[str] | None):
        self.wb, self.pkg, self.wanted = wb, pkg, wanted
        self.c_tag, self.v_tag, self.f_tag, self.is_tag, self.ns = ns + "c", ns + "v", ns + "f", ns + "is", ns
        self.shared: dict = {}  # shared formula id -> openpyxl Translator
        self.strings: list[str] | None = None
        self.dates: frozenset[int] | None = None
        self.deltas: frozenset[int] = frozenset()
        self.columns: dict[str, int] = {}  # column letters as written -> number (sheet_rows)

    def key(self, ref: str) -> tuple[int, int]:
        """(row, column) of a cell address, refusing addresses outside a worksheet."""
        try:
            return sheet_ref(ref)
        except OutsideSheet:
            raise self.damaged("单元格超出工作表范围") from None
        except ValueError:
            raise self.damaged(f"单元格地址“{ref[:20]}”无效") from None

    def plain(self, ref: str) -> str:
        """'e49' or '$E$49' -> 'E49' (remembered); an address that is none is damage."""
        try:
            found = plain_ref(ref)
        except ValueError:
            raise self.damaged(f"单元格地址“{ref[:20]}”无效") from None
        if found == ref and len(_PLAIN) < 200_000:
            _PLAIN.add(ref)
        return found

    def damaged(self, what: str) -> UnusableFile:
        return UnusableFile(self.pkg.source, f"工作簿已损坏（{what}）：请用 Excel 打开后另存为 .xlsx")

    def run(self, rows, stream: bool) -> SheetCells:
        values: dict[tuple[int, int], object] = {}
        cached: dict[tuple[int, int], object] = {}
        wanted, c_tag, f_tag = self.wanted, self.c_tag, self.f_tag
        col_no = 0
        limit, count, row_no = self.pkg.limits.cells, 0, 0
        for row in rows:
            r = row.get("r")
            try:
                row_no = int(float(r)) if r is not None else row_no + 1
            except ValueError:
                raise self.damaged("行号无效") from None
            col_no, skipped = 0, None
            for c in row.iterchildren(c_tag):
                ref = c.get("r")
                if ref and ref not in _PLAIN:
                    ref = self.plain(ref)
                if wanted is not None and ref and ref not in wanted:
                    # not asked for: only the master of a shared formula matters (its dependents need it)
                    skipped = ref  # a following cell without an address comes after this one
                    if not len(c):
                        continue
                    f = c.find(f_tag)
                    if f is None or f.get("t") != "shared" or f.get("ref") is None:
                        continue
                f, text, inline = self.children(c)
                if ref:
                    key = self.key(ref)
                    col_no, skipped = key[1], None
                else:
                    if skipped is not None:
                        col_no, skipped = self.key(skipped)[1], None
                    col_no += 1
                    key = (row_no, col_no)
                    ref = f"{column_letter(col_no)}{row_no}" if 0 < col_no <= MAX_COL else ""
                    if not (0 < row_no <= MAX_ROW and 0 < col_no <= MAX_COL):
                        raise self.damaged("单元格超出工作表范围")
                t = c.get("t", "n")
                if f is None and not text and t != "inlineStr":
                    continue
                count += 1
                if count > limit:
                    raise UnusableFile(self.pkg.source, f"工作表的单元格过多（超过 {limit:,} 个），已拒绝处理")
                value = self.value(c, t, text, ref, inline) if (text or t == "inlineStr") else None
                if f is not None:
                    formula = _formula(f, ref, self.shared)
                    if wanted is None or ref in wanted:
                        cached[key] = value
                        values[key] = formula
                elif value is not None:
                    values[key] = value
            if stream:  # free what was read: the row, and the rows before it still hanging off the root
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
        return SheetCells(values, cached, wanted is None)

    def shown(self, row, number: int) -> dict[int, object]:
        """The values of one <row> (sheet_rows): column -> what Excel shows, formulas by their cached result."""
        values: dict[int, object] = {}
        col, digits, columns = 0, str(number), self.columns
        v_tag, is_tag, ns = self.v_tag, self.is_tag, self.ns
        for c in row.iterchildren(self.c_tag):
            ref = c.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters, 0)
                if not col or ref[len(letters):] != digits:  # a column not seen yet, or an odd address: check it
                    at, col = self.key(self.plain(ref))
                    if at != number:
                        raise self.damaged(f"单元格 {ref[:20]} 不在它所在的第 {number} 行")
                    columns[letters] = col  # 'E' of 'E49' (or 'e', '$E$'): the next cells of column E skip the parse
            else:
                col += 1
                if col > MAX_COL:
                    raise self.damaged("单元格超出工作表范围")
                ref = f"{column_letter(col)}{number}"
            t = c.get("t", "n")
            # a loop over the cell's children, not find(): lxml's find costs several times more per cell
            if t == "inlineStr":
                value = None
                for child in c:
                    if child.tag == is_tag:
                        value = text_of(child, ns)
                        break
            else:
                text = None
                for child in c:
                    if child.tag == v_tag:  # the first <v>, as children() takes it; <f> is not shown
                        text = child.text
                        break
                if not text:
                    continue
                value = self.value(c, t, text, ref)
            if value is not None and value != "":
                values[col] = value
        return values

    def picked(self, index: dict) -> SheetCells | None:
        """The wanted cells out of an index address -> <c> (every cell has its address); None when a wanted
        cell is absent and some address is not written as the forms name cells, or when a wanted cell holds a
        shared formula (its text is worked out from its master's: run() reads every cell)."""
        if len(index) > self.pkg.limits.cells:
            raise UnusableFile(self.pkg.source, f"工作表的单元格过多（超过 {self.pkg.limits.cells:,} 个），已拒绝处理")
        values: dict[tuple[int, int], object] = {}
        cached: dict[tuple[int, int], object] = {}
        odd = None
        for ref in self.wanted:
            c = index.get(ref)
            if c is None:
                if odd is None:  # absent, or written in lower case or with '$'?
                    joined = "".join(index)
                    odd = "$" in joined or not joined.isupper()
                if odd:
                    return None
                continue
            key = self.key(ref)
            f, text, inline = self.children(c)
            if f is not None and f.get("t") == "shared":
                return None
            t = c.get("t", "n")
            value = self.value(c, t, text, ref, inline) if (text or t == "inlineStr") else None
            if f is not None:
                cached[key] = value
                values[key] = _formula(f, ref, self.shared)
            elif value is not None:
                values[key] = value
        return SheetCells(values, cached, False)

    def children(self, c):
        """(the <f> element, the text of <v>, the <is> element) of a cell: one pass over its children, which
        is several times faster than asking lxml to find each."""
        f = text = inline = None
        for child in c:
            tag = child.tag
            if tag == self.v_tag:
                if text is None:
                    text = child.text or ""
            elif tag == self.f_tag:
                if f is None:
                    f = child
            elif tag == self.is_tag:
                inline = child
        return f, text, inline

    def value(self, c, t: str, text: str | None, ref: str, inline=None):
        if t == "n":
            try:
                value = _number(text)
            except ValueError:
                raise self.damaged(f"{ref} 的数值无效") from None
            style = c.get("s")
            if style:
                if self.dates is None:
                    self.dates, self.deltas = self.wb.date_styles
                if self.dates and not style.isdigit():
                    raise self.damaged(f"{ref} 的格式编号无效")
                if self.dates and int(style) in self.dates:
                    try:
                        return from_excel(value, self.wb.epoch, timedelta=int(style) in self.deltas)
                    except (OverflowError, ValueError):
                        return "#VALUE!"
            return value
        if t == "s":
            if self.strings is None:
                self.strings = self.wb.shared_strings
            try:
                return self.strings[int(text)]
            except (IndexError, ValueError):
                raise self.damaged("共享字符串缺失") from None
        if t == "b":
            return bool(int(text)) if text.strip() in ("0", "1") else text
        if t == "d":
            from openpyxl.utils.datetime import (
                from_ISO8601,  # rare (Strict files): openpyxl only then
            )

            return from_ISO8601(text)
        if t == "inlineStr":
            return None if inline is None else text_of(inline, self.ns)
        return text  # str, e


def _formula(f, coordinate: str, shared: dict) -> str:
    kind = f.get("t")
    value = "=" + (f.text or "")
    if kind == "shared":
        from openpyxl.formula.translate import (
            Translator,  # only files with shared formulas pay for it
        )

        idx = f.get("si")
        if idx in shared:
            return shared[idx].translate_formula(coordinate)
        if value != "=":
            shared[idx] = Translator(value, coordinate)
        return value
    if kind == "dataTable":
        return "="  # a what-if table's cell: no formula text of its own (openpyxl gives an object without one)
    return value
