"""One worksheet part, patched cell by cell; every row we do not touch keeps its exact text.

Cells are found by scanning <sheetData> once (rows, then the cells of the rows we touch), so the
cost follows the size of the part, never the sheet's extent: a formatted cell at XFD1048576 is one
row with one cell.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


from openpyxl.formula.translate import Translator

from ..ooxml.a1 import column_letter, sheet_ref
from .tags import DamagedPackage, attrs, find_element, root_prefix, set_attrs, unescape
from .text import xml_text

ROW = re.compile(r"<(?:[\w.-]+:)?row(?=[\s/>])([^>]*?)(/>|>(.*?)</(?:[\w.-]+:)?row>)", re.S)
CELL = re.compile(r"<(?:[\w.-]+:)?c(?=[\s/>])([^>]*?)(/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
FORMULA = re.compile(r"<(?:[\w.-]+:)?f(?=[\s/>])([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?f>)", re.S)
VALUE = re.compile(r"<(?:[\w.-]+:)?v>(.*?)</(?:[\w.-]+:)?v>", re.S)
TEXT = re.compile(r"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>|<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", re.S)
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def rich_text(fragment: str) -> str:
    """The text of an <is> or <si> element: its <t> runs, without phonetic guides."""
    parts = [m.group(1) for m in TEXT.finditer(fragment) if m.group(1) is not None]
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), unescape("".join(parts)))


@dataclass
class Cell:
    ref: str
    xml: str
    attrs: dict

    @property
    def style(self) -> str | None:
        return self.attrs.get("s")

    def formula(self) -> tuple[dict, str] | None:
        m = FORMULA.search(self.xml)
        return None if m is None else (attrs("<f" + m.group(1) + ">"), unescape(m.group(2) or ""))

    def value(self, shared: list[str] | None = None):
        kind = self.attrs.get("t", "n")
        if kind == "inlineStr":
            m = re.search(r"<(?:[\w.-]+:)?is>(.*?)</(?:[\w.-]+:)?is>", self.xml, re.S)
            return rich_text(m.group(1)) if m else ""
        m = VALUE.search(self.xml)
        if m is None:
            return None
        raw = unescape(m.group(1))
        if kind == "s":
            index = int(raw)
            return shared[index] if shared is not None and 0 <= index < len(shared) else None
        if kind in ("str", "e"):
            return ESCAPED.sub(lambda x: chr(int(x.group(1), 16)), raw)
        if kind == "b":
            return raw.strip() == "1"
        try:
            number = float(raw)
        except ValueError:
            return raw
        return int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number


class Row:
    def __init__(self, num: int, text: str, open_tag: str, body: str | None):
        self.num, self.text, self.open_tag, self.body = num, text, open_tag, body
        self._cells: list[tuple[int, Cell]] | None = None
        self.dirty = False

    def cells(self) -> list[tuple[int, Cell]]:
        if self._cells is None:
            out, col = [], 0
            for m in CELL.finditer(self.body or ""):
                a = attrs("<c" + m.group(1) + ">")
                if "r" in a:
                    col = sheet_ref(a["r"])[1]
                else:
                    col += 1
                    a["r"] = f"{column_letter(col)}{self.num}"
                out.append((col, Cell(a["r"], m.group(0), a)))
            self._cells = out
        return self._cells

    def to_xml(self, prefix: str) -> str:
        if not self.dirty:
            return self.text
        tag = self.open_tag[:-2] + ">" if self.open_tag.endswith("/>") else self.open_tag
        return tag + "".join(c.xml for _, c in self.cells()) + f"</{prefix}row>"


class SheetXml:
    def __init__(self, xml: str):
        self.p = root_prefix(xml)
        span = find_element(xml, "sheetData")
        if span is None:
            raise DamagedPackage("工作表缺少 <sheetData>")
        if span[1] == span[2]:  # <sheetData/>
            self.head = xml[:span[0]] + xml[span[0]:span[1]][:-2] + ">"
            self.body, self.tail = "", f"</{self.p}sheetData>" + xml[span[2]:]
        else:
            close = xml.rfind("</", span[1], span[2])
            self.head, self.body, self.tail = xml[:span[1]], xml[span[1]:close], xml[close:]
        self.rows: list[Row] = []
        self.gaps: list[str] = []  # text before each row (whitespace), then the text after the last
        pos, num = 0, 0
        for m in ROW.finditer(self.body):
            a = attrs("<row" + m.group(1) + ">")
            num = int(a["r"]) if "r" in a else num + 1
            self.gaps.append(self.body[pos:m.start()])
            open_tag = m.group(0) if m.group(2) == "/>" else m.group(0)[:m.group(0).index(">") + 1]
            self.rows.append(Row(num, m.group(0), open_tag, m.group(3)))
            pos = m.end()
        self.gaps.append(self.body[pos:])
        self.nums = [r.num for r in self.rows]
        self.ordered = self.nums == sorted(self.nums)
        self.changed = False
        self.extent: list[tuple[int, int]] = []  # cells we added

    # ------------------------------------------------------------ reading
    def row(self, num: int) -> Row | None:
        if self.ordered:
            k = bisect.bisect_left(self.nums, num)
            return self.rows[k] if k < len(self.rows) and self.nums[k] == num else None
        return next((r for r in self.rows if r.num == num), None)

    def cell(self, ref: str) -> Cell | None:
        r, c = sheet_ref(ref)
        row = self.row(r)
        if row is None:
            return None
        return next((cell for col, cell in row.cells() if col == c), None)

    def all_cells(self):
        for row in self.rows:
            for _, cell in row.cells():
                yield cell

    def effective_style(self, ref: str) -> str:
        """The style a cell shows: its own, else its row's (customFormat), else its column's, else 0."""
        cell = self.cell(ref)
        if cell is not None:
            return cell.style or "0"
        r, c = sheet_ref(ref)
        row = self.row(r)
        if row is not None:
            a = attrs(row.open_tag)
            if a.get("customFormat") in ("1", "true") and "s" in a:
                return a["s"]
        cols = find_element(self.head, "cols")
        if cols is not None:
            for m in re.finditer(r"<(?:[\w.-]+:)?col\b[^>]*>", self.head[cols[1]:cols[2]]):
                a = attrs(m.group(0))
                if int(a.get("min", 0)) <= c <= int(a.get("max", 0)) and "style" in a:
                    return a["style"]
        return "0"

    # ------------------------------------------------------------ writing
    def set(self, ref: str, xml: str) -> None:
        """Replace (or create) the cell at ref with the complete <c> element `xml`."""
        r, c = sheet_ref(ref)
        row = self.row(r) or self._new_row(r)
        cells = row.cells()
        k = next((i for i, (col, _) in enumerate(cells) if col >= c), len(cells))
        new = Cell(ref, xml, attrs(xml[:xml.index(">") + 1]))
        if k < len(cells) and cells[k][0] == c:
            old = cells[k][1]
            cells[k] = (c, new)
            kept = FORMULA.search(old.xml)
            if kept is None or kept.group(0) != (FORMULA.search(xml) or kept).group(0) or FORMULA.search(xml) is None:
                self._release_shared(old)
        else:
            cells.insert(k, (c, new))
            row.open_tag = set_attrs(row.open_tag, {"spans": None})
            self.extent.append((r, c))
        row.dirty = True
        self.changed = True

    def set_row(self, num: int, changes: dict[str, object | None]) -> None:
        """Change attributes of a row (ht, customHeight, …), creating the row when it has no cells."""
        row = self.row(num) or self._new_row(num)
        row.open_tag = set_attrs(row.open_tag, changes)
        row.dirty = True
        self.changed = True

    def _new_row(self, num: int) -> Row:
        row = Row(num, "", f'<{self.p}row r="{num}">', "")
        row._cells = []
        k = bisect.bisect_left(self.nums, num) if self.ordered else len(self.rows)
        self.rows.insert(k, row)
        self.nums.insert(k, num)
        self.gaps.insert(k, "")
        return row

    def replace_element(self, local: str, xml: str, before: tuple[str, ...]) -> None:
        """Put `xml` where the worksheet's <local> element is (or, without one, before the first of `before`)."""
        self.remove_element(local)
        if xml:
            self.insert_element(xml, before)
        self.changed = True

    def _release_shared(self, old: Cell) -> None:
        """Overwriting the master of a shared formula: give each dependent cell its own formula."""
        f = old.formula()
        if f is None or f[0].get("t") != "shared" or "ref" not in f[0] or not f[1]:
            return
        si, text = f[0].get("si"), f[1]
        for row in self.rows:
            for k, (col, cell) in enumerate(row.cells()):
                g = cell.formula()
                if g is None or g[0].get("t") != "shared" or g[0].get("si") != si or g[1]:
                    continue
                own = Translator("=" + text, origin=old.ref).translate_formula(cell.ref)[1:]
                xml = FORMULA.sub(lambda m: f"<{self.p}f>{xml_text(own)}</{self.p}f>", cell.xml, count=1)
                row.cells()[k] = (col, Cell(cell.ref, xml, cell.attrs))
                row.dirty = True

    def to_xml(self) -> str:
        if not self.changed:
            return self.head + self.body + self.tail
        parts = []
        for gap, row in zip(self.gaps, self.rows):
            parts += [gap, row.to_xml(self.p)]
        head = self._dimension(self.head)
        return head + "".join(parts) + self.gaps[-1] + self.tail

    def _dimension(self, head: str) -> str:
        span = find_element(head, "dimension")
        if span is None or not self.extent:
            return head
        a = attrs(head[span[0]:span[1]])
        try:
            first, _, last = a.get("ref", "A1").partition(":")
            r1, c1 = sheet_ref(first)
            r2, c2 = sheet_ref(last or first)
        except ValueError:
            return head
        rows, cols = [r for r, _ in self.extent], [c for _, c in self.extent]
        r1, c1, r2, c2 = min(r1, *rows), min(c1, *cols), max(r2, *rows), max(c2, *cols)
        ref = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        return head[:span[0]] + set_attrs(head[span[0]:span[1]], {"ref": ref}) + head[span[1]:]

    def insert_element(self, xml: str, before: tuple[str, ...]) -> None:
        """Put a worksheet child element (e.g. <legacyDrawing>) before the first of `before` after sheetData."""
        at = min((s[0] for s in (find_element(self.tail, n) for n in before) if s), default=None)
        if at is None:
            at = self.tail.rfind(f"</{self.p}worksheet>")
        self.tail = self.tail[:at] + xml + self.tail[at:]
        self.changed = True

    def remove_element(self, local: str, where=lambda tag: True) -> bool:
        span = find_element(self.tail, local)
        if span is None or not where(self.tail[span[0]:span[1]]):
            return False
        self.tail = self.tail[:span[0]] + self.tail[span[2]:]
        self.changed = True
        return True
