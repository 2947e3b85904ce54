"""Drive our Excel handlers through xlwings' own remote engine, as Excel (Office.js) would.

`payload(path)` turns a real .xlsx into the JSON Excel sends; `replay(actions, wb)` applies the
actions a handler returns back onto the openpyxl workbook, so the result can be compared with what
the command line writes into the same file.
"""
from __future__ import annotations

import copy
import datetime as dt

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from fullemp_xl.marking import AUTHOR


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("="):
        return ""  # formulas: openpyxl files carry no cached value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value


def payload(path) -> dict:
    import xlwings as xw

    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)
        grid = [[_cell_value(ws.cell(r, c).value) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
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


def replay(actions: list[dict], wb) -> list[str]:
    """Apply xlwings actions to an openpyxl workbook; returns the alert texts."""
    alerts = []
    for a in actions:
        func, args = a["func"], a.get("args") or []
        ws = wb.worksheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        r0, c0 = (a.get("start_row") or 0) + 1, (a.get("start_column") or 0) + 1
        if func in ("setValues", "setFormula"):
            for i, row in enumerate(a["values"]):
                for j, value in enumerate(row):
                    ws.cell(r0 + i, c0 + j, None if value == "" else value)
        elif func == "setRangeColor":
            for i in range(a.get("row_count") or 1):
                for j in range(a.get("column_count") or 1):
                    ws.cell(r0 + i, c0 + j).fill = PatternFill("solid", fgColor=args[0][1:]) if args[0] else PatternFill()
        elif func == "addNote":
            ws[args[0].replace("$", "")].comment = Comment(args[1], AUTHOR)
        elif func == "setNoteText":
            ws[args[0].replace("$", "")].comment = Comment(args[1], AUTHOR)
        elif func == "deleteNote":
            ws[args[0].replace("$", "")].comment = None
        elif func == "addSheet":
            wb.create_sheet(args[1], index=args[0])
        elif func == "sheetDelete":
            del wb[wb.worksheets[a["sheet_position"]].title]
        elif func == "setColumnWidth":
            if args[0] == 0:
                ws.column_dimensions[get_column_letter(c0)].hidden = True
        elif func == "alert":
            alerts.append(args[0])
        else:
            raise AssertionError(f"replayer does not know action {func}")
    return alerts


def run_handler(handler, path, out, **kwargs) -> tuple[str, list[str]]:
    """Run a handler on the remote engine for `path`, replay its actions into `out`; returns (message, alerts)."""
    book = remote_book(path)
    message = handler(book, **kwargs)
    wb = openpyxl.load_workbook(path)
    alerts = replay(book.json()["actions"], wb)
    wb.save(out)
    return message, alerts
