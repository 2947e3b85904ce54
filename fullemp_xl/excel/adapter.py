"""An xlwings Book as a forms.book.Book: defined names to cells, values read in one go per sheet.

Works on a live Excel workbook (COM on Windows, AppleScript on macOS) and on xlwings' remote engine
(xlwings Server / Lite, and the tests). The remote engine cannot read formulas; `reads_formulas`
says so and the formula checks are then left to the command line.
"""
from __future__ import annotations

import re

from ..writing.text import excel_value

REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)$")


def _a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _split(cell: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)", cell)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


class XlwingsBook:
    def __init__(self, book):
        self.book = book
        self.file = book.name
        self._cells: dict | None = None
        self._grids: dict[str, tuple[int, int, list]] = {}
        self._formulas: dict[str, list | None] = {}
        self.reads_formulas = self._probe_formulas()

    def _probe_formulas(self) -> bool:
        try:
            self.book.sheets[0]["A1"].formula
            return True
        except NotImplementedError:
            return False

    def cells(self) -> dict[str, tuple[str, str] | None]:
        if self._cells is None:
            out = {}
            for name in self.book.names:
                m = REF.match(str(name.refers_to))
                out[name.name] = None if m is None else ((m.group(1) or "").replace("''", "'") or m.group(2), m.group(3) + m.group(4))
            self._cells = out
        return self._cells

    def _grid(self, sheet: str):
        if sheet not in self._grids:
            used = self.book.sheets[sheet].used_range
            values = used.options(ndim=2).value
            self._grids[sheet] = (used.row, used.column, values)
            self._formulas[sheet] = used.formula if self.reads_formulas else None
        return self._grids[sheet]

    def read(self, sheet: str, cell: str) -> object:
        top, left, values = self._grid(sheet)
        row, col = _split(cell)
        r, c = row - top, col - left
        if not (0 <= r < len(values) and 0 <= c < len(values[0])):
            return None
        formulas = self._formulas.get(sheet)
        if formulas is not None:
            f = formulas[r][c] if isinstance(formulas[0], (list, tuple)) else formulas
            if isinstance(f, str) and f.startswith("="):
                return f
        value = values[r][c]
        return None if value == "" else value

    def write(self, sheet: str, cell: str, value: object) -> None:
        self.book.sheets[sheet][cell].value = excel_value(value)  # outside text never becomes a formula
        if sheet in self._grids:  # keep later reads in this run consistent with what was written
            top, left, values = self._grids[sheet]
            row, col = _split(cell)
            if 0 <= row - top < len(values) and 0 <= col - left < len(values[0]):
                values[row - top][col - left] = value
