"""FastBook: the forms' Book protocol (defined names -> cells, read one cell) over the strict reader.

Only the sheets a caller reads are parsed, each once. `cached()` gives what a formula cell last
computed (the workbook's own record of a total), `read()` what openpyxl would give. `rows()` streams
a whole sheet as the values Excel shows, row by row (ledgers, summaries): the one way to walk a sheet.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import UnusableFile
from ..ooxml.a1 import split_ref
from ..screening.limits import FORM_LIMITS, Limits
from ..screening.screen import read_workbook_bytes, screen_workbook
from .package import Package
from .sheet import Row, SheetCells, read_sheet, sheet_rows
from .workbook import WorkbookParts


class FastBook:
    reads_formulas = True

    def __init__(self, pkg: Package, file: str = ""):
        self.pkg = pkg
        self.file = file
        self.parts = WorkbookParts(pkg)
        self._sheets: dict[str, SheetCells] = {}

    @property
    def sheetnames(self) -> list[str]:
        return list(self.parts.order)

    def cells(self) -> dict[str, tuple[str, str] | None]:
        return self.parts.names

    def sheet(self, name: str, cell: str | None = None) -> SheetCells:
        """A sheet's cells. The first read converts only the cells defined names point at (all a form
        reader asks for); asking for any other cell converts the whole sheet."""
        cells = self._sheets.get(name)
        if cells is None:
            wanted = set(self._named_refs(name)) if self.named_only else None
            if wanted is not None and cell is not None:
                wanted.add(cell)
            cells = self._sheets[name] = read_sheet(self.pkg, self.parts, self.parts.sheets[name], name, wanted)
        elif cell is not None and not cells.complete and cell not in self._named_refs(name):
            cells = self._sheets[name] = read_sheet(self.pkg, self.parts, self.parts.sheets[name], name)
        return cells

    named_only = True

    def _named_refs(self, sheet: str) -> frozenset[str]:
        """The cells defined names point at, per sheet (worked out once per workbook.xml: WorkbookParts)."""
        return self.parts.named_refs.get(sheet, frozenset())

    def rows(self, sheet: str) -> Iterator[Row]:
        """Every row of a worksheet that holds a value, streamed: (row number, column (A = 1) -> the value
        Excel shows). Damage is raised where it is met, so read them all before acting (sheet.sheet_rows)."""
        part = self.parts.sheets.get(sheet)
        if part is None:
            raise UnusableFile(self.pkg.source, f"工作簿中没有工作表“{sheet}”")
        return sheet_rows(self.pkg, self.parts, part, sheet)

    def _holding(self, sheet: str, cell: str) -> SheetCells:
        """The cells of a sheet that hold `cell`: what sheet(sheet, cell) gives, without the call when the
        sheet is read already (the form readers ask ~150 cells per form)."""
        cells = self._sheets.get(sheet)
        if cells is None or not (cells.complete or cell in self.parts.named_refs.get(sheet, ())):
            cells = self.sheet(sheet, cell)
        return cells

    def read(self, sheet: str, cell: str) -> object:
        return self._holding(sheet, cell).values.get(split_ref(cell))

    def cached(self, sheet: str, cell: str) -> object:
        """The cached result of a formula cell (None when the producer stored none), else the cell's value."""
        cells = self._holding(sheet, cell)
        key = split_ref(cell)
        return cells.cached[key] if key in cells.cached else cells.values.get(key)

    def write(self, sheet: str, cell: str, value: object) -> None:
        raise TypeError("FastBook is read-only")

    def close(self) -> None:
        self.pkg.close()


def open_screened(path: str | Path, data: bytes | None = None, *, source: str | Path = "") -> FastBook:
    """The one read path of a submitted form: its bytes read once, the screening (every part of the
    package, screening.screen_workbook), then the strict reader over the parts as screened (not unpacked
    or parsed again). Damage anywhere is UnusableFile, the same for every command.

    `data`: the workbook's bytes when it is not a file of its own (a member of a zip archive); `path` then
    only names it. `source`: the name shown in messages (default: the path)."""
    path = Path(path)
    if data is None:
        data = read_workbook_bytes(path, FORM_LIMITS)
    screened: dict = {}
    screen_workbook(path, FORM_LIMITS, data, keep=screened)
    return open_book(data, source or path, file=Path(str(source)).name if source else path.name, screened=screened)


def open_book(data: bytes | str | Path, source: str | Path = "", *, file: str = "",
              limits: Limits = FORM_LIMITS, screened: dict | None = None) -> FastBook:
    """A workbook from a path or from bytes (`source` names it in messages); `screened`: the parts the
    screening kept (screen_workbook's `keep`), read from there instead of decompressed again."""
    if isinstance(data, (str, Path)):
        path = Path(data)
        return FastBook(Package(path, Path(source or path), limits, screened), file or path.name)
    return FastBook(Package(data, Path(source or "工作簿.xlsx"), limits, screened), file or Path(str(source)).name)
