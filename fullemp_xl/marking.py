"""`validate --mark` and the 校验 button: colour the cells of findings, add notes and a 校验结果 sheet — and undo it.

The plan (which cell gets which colour and note, the rows of the 校验结果 sheet, what each mark
replaced) is computed once from the findings; openpyxl (command line) and xlwings (Excel buttons)
only apply it. What a mark replaced is recorded in a hidden column of the 校验结果 sheet, so
clearing restores the workbook and marking twice equals marking once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from typing import TYPE_CHECKING

from .model import SEVERITY_LABEL, Finding

if TYPE_CHECKING:  # openpyxl is imported where a workbook is handled: the Excel buttons do not need it
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

RESULT_SHEET = "校验结果"
AUTHOR = "fullemp校验"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
HEADS = ["序号", "严重程度", "位置", "字段", "问题", "规则"]
RECORD_COL = 10  # hidden column J of the 校验结果 sheet
SAFE_START = ("=", "+", "-", "@")
ORDER = ("error", "warning", "info")


@dataclass
class MarkPlan:
    cells: list[tuple[str, str, str, str]] = field(default_factory=list)  # sheet, cell, colour, note
    rows: list[list] = field(default_factory=list)  # the 校验结果 sheet, header first
    records: list[str] = field(default_factory=list)  # JSON, one per marked cell


def fill_record(fill: "PatternFill") -> dict:
    def color(c):
        if c is None:
            return None
        return {"type": c.type, "value": c.value if isinstance(c.value, (str, int)) else None, "tint": c.tint}

    return {"pattern": fill.patternType, "fg": color(fill.fgColor), "bg": color(fill.bgColor)}


def restore_fill(record: dict) -> "PatternFill":
    from openpyxl.styles import Color, PatternFill

    def color(d):
        if not d or d.get("value") is None:
            return Color()
        return Color(**{d["type"]: d["value"]}, tint=d.get("tint") or 0)

    return PatternFill(patternType=record["pattern"], fgColor=color(record["fg"]), bgColor=color(record["bg"]))


def record_colour(record: dict) -> str | None:
    """The '#RRGGBB' an engine that only sets colours should restore (None: no fill)."""
    fg = record["fill"]["fg"] or {}
    if record["fill"]["pattern"] != "solid" or fg.get("type") != "rgb" or not isinstance(fg.get("value"), str):
        return None
    return "#" + fg["value"][-6:]


def safe_text(text: str) -> str:
    """Text copied from a submission never becomes a formula in our output."""
    return "'" + text if text.startswith(SAFE_START) else text


def link_formula(sheet: str, cell: str) -> str:
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    shown = f"{sheet}!{cell}"
    return '=HYPERLINK("' + target.replace('"', '""') + '","' + shown.replace('"', '""') + '")'


def plan(findings: list[Finding], sheets: set[str], original: Callable[[str, str], dict],
         user_note: Callable[[str, str], tuple[str, str] | None]) -> MarkPlan:
    """original(sheet, cell): fill_record of what a mark replaces; user_note(sheet, cell): (text, author) of a note there."""
    out = MarkPlan(rows=[HEADS])
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.location.sheet in sheets and f.location.cell:
            by_cell.setdefault((f.location.sheet, f.location.cell), []).append(f)
    for (sheet, ref), items in by_cell.items():
        record = {"sheet": sheet, "cell": ref, "fill": original(sheet, ref)}
        note = "\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.field + '：' if f.field else ''}{f.message}" for f in items)
        existing = user_note(sheet, ref)
        if existing is not None:
            record["comment"] = {"text": existing[0], "author": existing[1]}
            note = existing[0] + "\n———\n" + note
        worst = min(items, key=lambda f: ORDER.index(f.severity))
        out.cells.append((sheet, ref, FILLS[worst.severity], note))
        out.records.append(json.dumps(record, ensure_ascii=False))
    for n, f in enumerate(findings, start=1):
        marked = f.location.sheet in sheets and f.location.cell
        where = link_formula(f.location.sheet, f.location.cell) if marked else (f.location.name or str(f.location))
        out.rows.append([n, SEVERITY_LABEL[f.severity], where, safe_text(f.field), safe_text(f.message), f.rule])
    if not findings:
        out.rows.append(["", "", "", "", "未发现问题", ""])
    return out


# ---------------------------------------------------------------- openpyxl
def own_marks(wb: "Workbook") -> dict[str, int]:
    """What an earlier --mark added (its notes and sheet), in preserve.inventory's kinds."""
    notes = sum(1 for ws in wb.worksheets for c in ws._cells.values()  # present cells only, never the empty grid
                if c.comment is not None and c.comment.author == AUTHOR)
    return {"批注": notes, "工作表": int(RESULT_SHEET in wb.sheetnames)}


def read_records(rows) -> list[dict]:
    return [json.loads(r) for r in rows if isinstance(r, str) and r.startswith("{")]


def clear_marks(wb: "Workbook") -> int:
    """Undo a previous --mark; returns how many cells were restored."""
    from openpyxl.comments import Comment

    if RESULT_SHEET not in wb.sheetnames:
        return 0
    ws = wb[RESULT_SHEET]
    records = read_records(row[0] for row in ws.iter_rows(min_row=2, min_col=RECORD_COL, max_col=RECORD_COL, values_only=True))
    for rec in records:
        if rec["sheet"] not in wb.sheetnames:
            continue
        cell = wb[rec["sheet"]][rec["cell"]]
        cell.fill = restore_fill(rec["fill"])
        if rec.get("comment"):
            cell.comment = Comment(rec["comment"]["text"], rec["comment"]["author"])
        elif cell.comment is not None and cell.comment.author == AUTHOR:
            cell.comment = None
    del wb[RESULT_SHEET]
    return len(records)


def mark(wb: "Workbook", findings: list[Finding]) -> int:
    """Mark every finding that has a cell; returns the number of cells marked."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    clear_marks(wb)

    def user_note(sheet, ref):
        c = wb[sheet][ref].comment
        return None if c is None or c.author == AUTHOR else (c.text, c.author)

    p = plan(findings, set(wb.sheetnames), lambda s, r: fill_record(wb[s][r].fill), user_note)
    for sheet, ref, colour, text in p.cells:
        cell = wb[sheet][ref]
        cell.fill = PatternFill("solid", fgColor=colour)
        note = Comment(text, AUTHOR)
        note.width, note.height = 320, 40 + 20 * text.count("【")
        cell.comment = note
    ws = wb.create_sheet(RESULT_SHEET)
    for r, row in enumerate(p.rows, start=1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    ws.cell(1, RECORD_COL, "fullemp 恢复记录（请勿修改）")
    for r, record in enumerate(p.records, start=2):
        ws.cell(r, RECORD_COL, record)
    style_results(ws, findings)
    return len(p.cells)


def style_results(ws, findings) -> None:
    from openpyxl.styles import Font, PatternFill

    for c in range(1, len(HEADS) + 1):
        ws.cell(1, c).font = Font(name="黑体", bold=True)
    for n, f in enumerate(findings, start=2):
        ws.cell(n, 2).fill = PatternFill("solid", fgColor=FILLS[f.severity])
        ws.cell(n, 3).font = Font(color="0563C1", underline="single")
    for col, width in zip("ABCDEF", (6, 10, 18, 30, 70, 22)):
        ws.column_dimensions[col].width = width
    ws.column_dimensions["J"].hidden = True
    ws.freeze_panes = "A2"
