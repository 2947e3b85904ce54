"""An xlwings Book as a forms.book.Book: defined names to cells, values read in one go per sheet — the
reader adapter through which the Excel buttons reach the same form reader and pipeline as `fullemp score`
(imports no xlwings: it is handed the Book).

Works on a live Excel workbook (COM on Windows) and on xlwings' remote engine (xlwings Server /
Lite, and the tests). The remote engine cannot read formulas; `reads_formulas` says so and the
formula checks are then left to the command line. On the desktop, `editing()` lifts the sheet
protection of our sheets for the duration of a button's writes and restores it exactly, whatever
happens; `fill_record()` reads a cell's own fill so that 清除标记 can give it back. Neither exists
on the remote engine (Office.js sends neither protection nor formats).
"""
from __future__ import annotations

from contextlib import contextmanager

from ..errors import UnusableFile
from ..ooxml.a1 import destination, sheet_ref
from ..writing.text import excel_value

# what Worksheet.Protect takes besides DrawingObjects / Contents / Scenarios (Excel's object model)
ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
         "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
         "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")
XL_NONE = -4142  # Interior.Pattern of a cell without fill


class XlwingsBook:
    def __init__(self, book):
        self.book = book
        self.file = book.name
        self._cells: dict | None = None
        self._grids: dict[str, tuple[int, int, list]] = {}
        self._formulas: dict[str, list | None] = {}
        self.reads_formulas = self._probe_formulas()
        self._lifted: list | None = None

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
                out[name.name] = destination(str(name.refers_to))
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
        row, col = sheet_ref(cell)
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
        self.lift(sheet)
        self.book.sheets[sheet][cell].value = excel_value(value)  # outside text never becomes a formula
        if sheet in self._grids:  # keep later reads in this run consistent with what was written
            top, left, values = self._grids[sheet]
            row, col = sheet_ref(cell)
            if 0 <= row - top < len(values) and 0 <= col - left < len(values[0]):
                values[row - top][col - left] = value

    # ------------------------------------------------------------ desktop only (Excel's object model)
    @contextmanager
    def editing(self):
        """Within this, a sheet's protection is lifted just before our first change to it (write(), or
        lift() before colouring or annotating) and put back with the same options at the end, whatever
        happens. A click that changes nothing lifts nothing."""
        self._lifted = []
        try:
            yield
        finally:
            lifted, self._lifted = self._lifted, None
            for api, options in reversed(lifted):
                api.Protect(**options)

    def lift(self, sheet: str) -> None:
        if self._lifted is None:  # outside editing(): nothing to lift
            return
        api = self.book.sheets[sheet].api
        if not getattr(api, "ProtectContents", False):
            return  # unprotected, already lifted, or an engine that cannot see protection (the remote engine)
        allowed = api.Protection
        options = {"DrawingObjects": api.ProtectDrawingObjects, "Contents": True,
                   "Scenarios": api.ProtectScenarios, **{k: getattr(allowed, k) for k in ALLOW}}
        try:
            api.Unprotect()
        except Exception:
            raise UnusableFile(self.file, f"工作表“{sheet}”设有密码保护，按钮不能写入。请先在“审阅→撤销工作表保护”中"
                                          "输入密码撤销保护，再点按钮（完成后可以重新保护）。") from None
        self._lifted.append((api, options))

    def fill_record(self, sheet: str, cell: str) -> dict | None:
        """marking's record of the cell's current fill; None where the engine cannot read formats."""
        api = self.book.sheets[sheet].api
        if not hasattr(api, "Range"):
            return None
        interior = api.Range(cell).Interior
        blank = {"type": "rgb", "value": "00000000", "tint": 0.0}
        if interior.Pattern == XL_NONE:
            return {"pattern": None, "fg": dict(blank), "bg": dict(blank)}
        bgr = int(interior.Color)
        rgb = f"{bgr & 0xFF:02X}{(bgr >> 8) & 0xFF:02X}{(bgr >> 16) & 0xFF:02X}"
        return {"pattern": "solid", "fg": {"type": "rgb", "value": "00" + rgb, "tint": 0.0}, "bg": dict(blank)}
