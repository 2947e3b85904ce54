"""Engine adapters: the same readers and writers run on the strict reader (fullemp_xl.xlsx, every
command), an openpyxl workbook (templates and the demo, which build workbooks) or a live Excel book.

An adapter resolves defined names to cells and reads / writes single cells; nothing else of the
workbook's API is used by the pipeline. The xlwings adapter (Excel buttons) implements the same
three methods.
"""
from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from openpyxl import Workbook

from ..core.model import Location
from ..writing.text import Formula, put_text


class Book(Protocol):
    file: str

    def cells(self) -> dict[str, tuple[str, str] | None]:
        """Every defined name -> (sheet, 'B3'); None for a name whose cell was deleted (#REF!)."""

    def read(self, sheet: str, cell: str) -> object:
        """The stored value; for formula cells the formula text starting with '=' when the engine has it."""

    def write(self, sheet: str, cell: str, value: object) -> None: ...


class OpenpyxlBook:
    """A workbook opened with openpyxl (formulas as text, no cached values trusted)."""

    def __init__(self, wb: "Workbook", file: str = ""):
        self.wb, self.file = wb, file
        self._cells: dict[str, tuple[str, str] | None] | None = None

    def cells(self) -> dict[str, tuple[str, str] | None]:
        if self._cells is None:
            out: dict[str, tuple[str, str] | None] = {}
            for name, dn in self.wb.defined_names.items():
                try:
                    dest = [(s, c.replace("$", "")) for s, c in dn.destinations]
                except Exception:  # a malformed reference typed by hand
                    dest = []
                ok = len(dest) == 1 and dest[0][0] in self.wb.sheetnames and ":" not in dest[0][1]
                out[name] = dest[0] if ok else None
            self._cells = out
        return self._cells

    def read(self, sheet: str, cell: str) -> object:
        value = self.wb[sheet][cell].value
        text = getattr(value, "text", None)  # ArrayFormula / DataTableFormula
        return text if isinstance(text, str) else value

    def write(self, sheet: str, cell: str, value: object) -> None:
        """A Formula is written as a formula; every other string stays text (writing.text)."""
        if isinstance(value, Formula):
            self.wb[sheet][cell].value = str(value)
        else:
            put_text(self.wb[sheet][cell], value)


class PatchedBook:
    """Reads through the strict reader (the same read as `fullemp score`); every write goes into a
    WorkbookPatch, which alone is saved. So a command changes exactly the cells it writes, and the
    rest of the file stays as it was.

    Later reads in the same run see what was written. Only the print layout (row heights that fit
    the written text, page breaks) is worked out on an openpyxl copy of the workbook (`lay_out`); a
    workbook openpyxl cannot load is written all the same, without that adjustment.
    """

    def __init__(self, reader, patch, file: str = "", raw: bytes | None = None):
        self.reader, self.patch, self.file = reader, patch, file
        self.raw = raw
        self.reads_formulas = True
        self.written: dict[tuple[str, str], object] = {}
        self.laid_out: bool | None = None  # None: no layout asked for; False: openpyxl could not load it

    def cells(self) -> dict[str, tuple[str, str] | None]:
        return self.reader.cells()

    def read(self, sheet: str, cell: str) -> object:
        key = (sheet, cell)
        if key in self.written:
            return self.written[key]
        return self.reader.read(sheet, cell)

    def write(self, sheet: str, cell: str, value: object) -> None:
        """A Formula is written as a formula; every other string stays text (writing.text)."""
        self.written[(sheet, cell)] = str(value) if isinstance(value, Formula) else value
        self.patch.set_value(sheet, cell, value)

    def lay_out(self, adjust) -> None:
        """adjust(wb) on an openpyxl copy holding what was written; the row heights and page breaks it
        changes go into the patch."""
        import openpyxl
        from openpyxl.cell.cell import MergedCell

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(io.BytesIO(self.raw), keep_links=True, rich_text=False)
        except Exception:  # noqa: BLE001 - openpyxl refuses files the reader reads (a chart sheet it cannot parse…)
            self.laid_out = False
            return
        for (sheet, cell), value in self.written.items():
            ws = wb[sheet] if sheet in wb.sheetnames else None
            if ws is not None and hasattr(ws, "_cells") and not isinstance(ws[cell], MergedCell):
                put_text(ws[cell], value)  # a chart sheet has no cells; a merged range shows only its first
        before = {ws.title: ({r: d.height for r, d in ws.row_dimensions.items() if d.height},
                             [b.id for b in ws.row_breaks.brk]) for ws in wb.worksheets}
        adjust(wb)
        for ws in wb.worksheets:
            heights, breaks = before.get(ws.title, ({}, []))
            for row, dim in ws.row_dimensions.items():
                if dim.height and dim.height != heights.get(row):
                    self.patch.set_row_height(ws.title, row, dim.height)
            now = [b.id for b in ws.row_breaks.brk]
            if now != breaks:
                self.patch.set_row_breaks(ws.title, now)
        self.laid_out = True


def locate(book: Book, name: str) -> Location | None:
    where = book.cells().get(name)
    if where is None:
        return None
    return Location(book.file, where[0], where[1], name)


def read_name(book: Book, name: str) -> tuple[object, Location | None]:
    loc = locate(book, name)
    return (None, None) if loc is None else (book.read(loc.sheet, loc.cell), loc)
