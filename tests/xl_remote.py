"""Drive our Excel handlers through xlwings' own remote engine, as Excel would, and replay what they do
onto the real file under Excel's rules of sheet protection.

- `payload(path)` turns a real .xlsx into the JSON Excel sends.
- `remote_book(path)` is the web path (Office.js): values only.
- `desktop_book(path)` adds, over the same engine, the parts of Excel's desktop object model the
  adapter uses: a Worksheet's protection (ProtectContents, Protection.Allow*, Unprotect, Protect,
  each recorded as an action), a cell's Interior and formulas — all read from the file itself.
- `replay(actions, wb)` applies the actions to the openpyxl workbook and enforces protection as
  Excel does: a write to a locked cell, a format change without "format cells" or a note without
  "edit objects" on a protected sheet fails the test, as error 1004 would fail the click.
"""
from __future__ import annotations

import copy
import datetime as dt
from contextlib import contextmanager
from types import SimpleNamespace

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from fullemp_xl.assess.marking import AUTHOR

ALLOW = {"AllowFormattingCells": "formatCells", "AllowFormattingColumns": "formatColumns",
         "AllowFormattingRows": "formatRows", "AllowInsertingColumns": "insertColumns", "AllowInsertingRows": "insertRows",
         "AllowInsertingHyperlinks": "insertHyperlinks", "AllowDeletingColumns": "deleteColumns",
         "AllowDeletingRows": "deleteRows", "AllowSorting": "sort", "AllowFiltering": "autoFilter",
         "AllowUsingPivotTables": "pivotTables"}


class ProtectionError(AssertionError):
    """What Excel answers with run-time error 1004."""


def _cell_value(value, data_type: str = "f"):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("=") and data_type == "f":
        return ""  # formulas: openpyxl files carry no cached value (a text "=…" is shown as it is)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value


def payload(path) -> dict:
    import xlwings as xw

    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)
        grid = [[_cell_value(ws.cell(r, c).value, ws.cell(r, c).data_type) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
        notes = [{"address": c.coordinate} for row in ws.iter_rows() for c in row if c.comment is not None]
        sheets.append({"name": ws.title, "values": grid, "tables": [], "pictures": [], "notes": notes})
    names = []
    for name, dn in wb.defined_names.items():
        [(sheet, ref)] = list(dn.destinations)
        names.append({"name": name, "refers_to": f"='{sheet}'!{ref}", "sheet_index": wb.sheetnames.index(sheet),
                      "address": ref.replace("$", ""), "book_scope": True, "scope_sheet_name": None,
                      "scope_sheet_index": None})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def remote_book(path):
    import xlwings as xw

    return xw.Book(json=copy.deepcopy(payload(path)))


# ---------------------------------------------------------------- the desktop stand-in
class DesktopSheet(dict):
    """A payload sheet that also answers as Excel's Worksheet object for what the adapter uses."""

    def __init__(self, api: dict, ws, book, position: int):
        super().__init__(api)
        self._ws, self._book, self._position = ws, book, position
        p = ws.protection
        self._protected, self._password = bool(p.sheet), p.password

    @property
    def ProtectContents(self):
        return self._protected

    @property
    def ProtectDrawingObjects(self):
        return bool(self._ws.protection.objects)

    @property
    def ProtectScenarios(self):
        return bool(self._ws.protection.scenarios)

    @property
    def Protection(self):
        return SimpleNamespace(**{k: not getattr(self._ws.protection, v) for k, v in ALLOW.items()})

    def Unprotect(self, Password=None):
        if self._password and Password is None:
            raise RuntimeError("1004: 密码不正确")
        self._protected = False
        self._book.impl.append_json_action(func="unprotectSheet", args=[], sheet_position=self._position)

    def Protect(self, **options):
        self._protected = True
        self._book.impl.append_json_action(func="protectSheet", args=[options], sheet_position=self._position)

    def Range(self, address):
        fill = self._ws[address].fill
        if fill.patternType is None:
            return SimpleNamespace(Interior=SimpleNamespace(Pattern=-4142, Color=0xFFFFFF))
        rgb = fill.fgColor.rgb if isinstance(fill.fgColor.rgb, str) else "00FFFFFF"
        bgr = int(rgb[-2:], 16) << 16 | int(rgb[-4:-2], 16) << 8 | int(rgb[-6:-4], 16)
        return SimpleNamespace(Interior=SimpleNamespace(Pattern=1, Color=bgr))

    def formulas(self, row, col, nrows, ncols):
        """Range.Formula: "=..." for formulas, the constant as text otherwise, "" for blanks."""
        def one(r, c):
            v = self._ws.cell(r, c).value
            return "" if v is None else v if isinstance(v, str) else str(v)
        grid = tuple(tuple(one(r, c) for c in range(col, col + ncols)) for r in range(row, row + nrows))
        return grid[0][0] if (nrows, ncols) == (1, 1) else grid


@contextmanager
def desktop_formulas():
    """Let the remote engine's Range.formula read formulas from DesktopSheet, as COM does."""
    from xlwings.pro import _xlremote

    original = _xlremote.Range.formula

    def getter(rng):
        if isinstance(rng.sheet.api, DesktopSheet):
            _, row, col, nrows, ncols = rng.coords
            return rng.sheet.api.formulas(row, col, nrows, ncols)
        return original.fget(rng)

    _xlremote.Range.formula = property(getter, original.fset)
    try:
        yield
    finally:
        _xlremote.Range.formula = original


def desktop_book(path):
    book = remote_book(path)
    wb = openpyxl.load_workbook(path)
    sheets = book.impl.api["sheets"]
    for i, ws in enumerate(wb.worksheets):
        sheets[i] = DesktopSheet(sheets[i], ws, book, i)
    return book


# ---------------------------------------------------------------- replay under protection
def _guard(ws, cells, what: str, permission: str | None = None):
    p = ws.protection
    if not p.sheet:
        return
    if permission is not None:
        if getattr(p, permission):
            raise ProtectionError(f"{ws.title}：工作表受保护且不允许{what}（Excel 报错 1004）")
        return
    for cell in cells:
        if cell.protection.locked:
            raise ProtectionError(f"{ws.title}!{cell.coordinate}：写入受保护工作表上的锁定单元格（Excel 报错 1004）")


def replay(actions: list[dict], wb) -> list[str]:
    """Apply xlwings actions to an openpyxl workbook as Excel would; returns the alert texts."""
    alerts = []
    for a in actions:
        func, args = a["func"], a.get("args") or []
        ws = wb.worksheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        r0, c0 = (a.get("start_row") or 0) + 1, (a.get("start_column") or 0) + 1
        if func in ("setValues", "setFormula"):
            cells = [ws.cell(r0 + i, c0 + j) for i, row in enumerate(a["values"]) for j, _ in enumerate(row)]
            _guard(ws, cells, "写入")
            for i, row in enumerate(a["values"]):
                for j, value in enumerate(row):
                    ws.cell(r0 + i, c0 + j, None if value == "" else value)
        elif func == "setRangeColor":
            _guard(ws, [], "设置单元格格式", "formatCells")
            for i in range(a.get("row_count") or 1):
                for j in range(a.get("column_count") or 1):
                    ws.cell(r0 + i, c0 + j).fill = PatternFill("solid", fgColor=args[0][1:]) if args[0] else PatternFill()
        elif func in ("addNote", "setNoteText", "deleteNote"):
            _guard(ws, [], "编辑批注（编辑对象）", "objects")
            ws[args[0].replace("$", "")].comment = None if func == "deleteNote" else Comment(args[1], AUTHOR)
        elif func == "addSheet":
            assert not (wb.security and wb.security.lockStructure), "工作簿结构受保护，不能添加工作表"
            wb.create_sheet(args[1], index=args[0])
        elif func == "sheetDelete":
            assert not (wb.security and wb.security.lockStructure), "工作簿结构受保护，不能删除工作表"
            del wb[wb.worksheets[a["sheet_position"]].title]
        elif func == "setColumnWidth":
            _guard(ws, [], "设置列宽", "formatColumns")
            if args[0] == 0:
                ws.column_dimensions[get_column_letter(c0)].hidden = True
        elif func == "unprotectSheet":
            assert ws.protection.sheet and not ws.protection.password, f"{ws.title}：撤销保护失败"
            ws.protection.sheet = False
        elif func == "protectSheet":
            options = args[0]
            ws.protection.sheet = True
            ws.protection.objects = bool(options.get("DrawingObjects"))
            ws.protection.scenarios = bool(options.get("Scenarios"))
            for key, attr in ALLOW.items():
                setattr(ws.protection, attr, not options.get(key, False))
        elif func == "alert":
            alerts.append(args[0])
        else:
            raise AssertionError(f"replayer does not know action {func}")
    return alerts


def protection_state(wb) -> dict:
    return {ws.title: (ws.protection.sheet, ws.protection.objects, ws.protection.scenarios,
                       *(getattr(ws.protection, attr) for attr in ALLOW.values())) for ws in wb.worksheets}


def run_handler(handler, path, out, *, desktop: bool = True, **kwargs) -> tuple[str, list[str]]:
    """Run a handler for `path` (desktop stand-in or the web path), replay its actions into `out` under
    protection, and check every sheet is protected afterwards exactly as before; returns (message, alerts)."""
    book = desktop_book(path) if desktop else remote_book(path)
    with desktop_formulas():
        message = handler(book, **kwargs)
    wb = openpyxl.load_workbook(path)
    before = protection_state(wb)
    alerts = replay(book.json()["actions"], wb)
    after = protection_state(wb)
    for sheet, state in before.items():
        if sheet in after:
            assert after[sheet] == state, f"{sheet}: protection not restored after the click"
    wb.save(out)
    return message, alerts
