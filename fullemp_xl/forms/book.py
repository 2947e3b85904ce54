"""Engine adapters: the same readers and writers run on an openpyxl workbook or a live Excel book.

An adapter resolves defined names to cells and reads / writes single cells; nothing else of the
workbook's API is used by the pipeline. The xlwings adapter (Excel buttons) implements the same
three methods.
"""
from __future__ import annotations

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


class PatchedBook(OpenpyxlBook):
    """Reads through openpyxl; every write also goes into a WorkbookPatch, which alone is saved.

    So a command changes exactly the cells it writes, and the rest of the file stays as it was.
    """

    def __init__(self, wb: "Workbook", patch, file: str = ""):
        super().__init__(wb, file)
        self.patch = patch

    def write(self, sheet: str, cell: str, value: object) -> None:
        super().write(sheet, cell, value)  # later reads in this run see it
        self.patch.set_value(sheet, cell, value)

    def layout(self) -> dict:
        """Row heights and page breaks of every sheet, before the layout code (builder.layout) adjusts them."""
        return {ws.title: ({r: d.height for r, d in ws.row_dimensions.items() if d.height},
                           [b.id for b in ws.row_breaks.brk]) for ws in self.wb.worksheets}

    def carry_layout(self, before: dict) -> None:
        """Put into the patch the row heights and page breaks changed through openpyxl since `before`."""
        for ws in self.wb.worksheets:
            heights, breaks = before.get(ws.title, ({}, []))
            for row, dim in ws.row_dimensions.items():
                if dim.height and dim.height != heights.get(row):
                    self.patch.set_row_height(ws.title, row, dim.height)
            now = [b.id for b in ws.row_breaks.brk]
            if now != breaks:
                self.patch.set_row_breaks(ws.title, now)


def locate(book: Book, name: str) -> Location | None:
    where = book.cells().get(name)
    if where is None:
        return None
    return Location(book.file, where[0], where[1], name)


def read_name(book: Book, name: str) -> tuple[object, Location | None]:
    loc = locate(book, name)
    return (None, None) if loc is None else (book.read(loc.sheet, loc.cell), loc)
