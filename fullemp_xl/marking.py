"""`validate --mark`: colour the cells of findings, add notes and a 校验结果 sheet — and undo exactly that.

What the marks replaced (a cell's fill, a note already there) is recorded in a hidden column of the
校验结果 sheet, so clearing restores the workbook and marking twice equals marking once.
"""
from __future__ import annotations

import json

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Color, Font, PatternFill

from .model import SEVERITY_LABEL, Finding

RESULT_SHEET = "校验结果"
AUTHOR = "fullemp校验"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
RECORD_COL = 10  # hidden column J of the 校验结果 sheet
SAFE_START = ("=", "+", "-", "@")


def _color(c: Color | None) -> dict | None:
    if c is None:
        return None
    return {"type": c.type, "value": c.value if isinstance(c.value, (str, int)) else None, "tint": c.tint}


def _fill_record(fill: PatternFill) -> dict:
    return {"pattern": fill.patternType, "fg": _color(fill.fgColor), "bg": _color(fill.bgColor)}


def _restore_fill(record: dict) -> PatternFill:
    def color(d):
        if not d or d.get("value") is None:
            return Color()
        return Color(**{d["type"]: d["value"]}, tint=d.get("tint") or 0)

    return PatternFill(patternType=record["pattern"], fgColor=color(record["fg"]), bgColor=color(record["bg"]))


def own_marks(wb: Workbook) -> dict[str, int]:
    """What an earlier --mark added (its notes and sheet), in preserve.inventory's kinds."""
    notes = sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.comment is not None and c.comment.author == AUTHOR)
    return {"批注": notes, "工作表": int(RESULT_SHEET in wb.sheetnames)}


def clear_marks(wb: Workbook) -> int:
    """Undo a previous --mark; returns how many cells were restored."""
    if RESULT_SHEET not in wb.sheetnames:
        return 0
    ws = wb[RESULT_SHEET]
    restored = 0
    for row in ws.iter_rows(min_row=2, min_col=RECORD_COL, max_col=RECORD_COL, values_only=True):
        if not row[0]:
            continue
        rec = json.loads(row[0])
        if rec["sheet"] not in wb.sheetnames:
            continue
        cell = wb[rec["sheet"]][rec["cell"]]
        cell.fill = _restore_fill(rec["fill"])
        if rec.get("comment"):
            cell.comment = Comment(rec["comment"]["text"], rec["comment"]["author"])
        elif cell.comment is not None and cell.comment.author == AUTHOR:
            cell.comment = None
        restored += 1
    del wb[RESULT_SHEET]
    return restored


def _safe_text(text: str) -> str:
    """Text copied from a submission never becomes a formula in our output."""
    return "'" + text if text.startswith(SAFE_START) else text


def mark(wb: Workbook, findings: list[Finding]) -> int:
    """Mark every finding that has a cell; returns the number of cells marked."""
    clear_marks(wb)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.location.sheet in wb.sheetnames and f.location.cell:
            by_cell.setdefault((f.location.sheet, f.location.cell), []).append(f)
    records = []
    for (sheet, ref), items in by_cell.items():
        cell = wb[sheet][ref]
        record = {"sheet": sheet, "cell": ref, "fill": _fill_record(cell.fill)}
        if cell.comment is not None and cell.comment.author != AUTHOR:
            record["comment"] = {"text": cell.comment.text, "author": cell.comment.author}
        records.append(record)
        worst = min(items, key=lambda f: ("error", "warning", "info").index(f.severity))
        cell.fill = PatternFill("solid", fgColor=FILLS[worst.severity])
        text = "\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.field + '：' if f.field else ''}{f.message}" for f in items)
        if "comment" in record:
            text = record["comment"]["text"] + "\n———\n" + text
        note = Comment(text, AUTHOR)
        note.width, note.height = 320, 40 + 20 * len(items)
        cell.comment = note

    ws = wb.create_sheet(RESULT_SHEET)
    heads = ["序号", "严重程度", "位置", "字段", "问题", "规则"]
    for col, head in enumerate(heads, start=1):
        ws.cell(1, col, head).font = Font(name="黑体", bold=True)
    ws.cell(1, RECORD_COL, "fullemp 恢复记录（请勿修改）")
    for n, f in enumerate(findings, start=1):
        where = f"{f.location.sheet}!{f.location.cell}" if f.location.cell else (f.location.name or "")
        row = [n, SEVERITY_LABEL[f.severity], where, _safe_text(f.field), _safe_text(f.message), f.rule]
        for col, value in enumerate(row, start=1):
            ws.cell(n + 1, col, value)
        if f.location.sheet in wb.sheetnames and f.location.cell:
            link = ws.cell(n + 1, 3)
            link.hyperlink = f"#'{f.location.sheet}'!{f.location.cell}"
            link.font = Font(color="0563C1", underline="single")
        ws.cell(n + 1, 2).fill = PatternFill("solid", fgColor=FILLS[f.severity])
    for n, record in enumerate(records, start=2):
        ws.cell(n, RECORD_COL, json.dumps(record, ensure_ascii=False))
    if not findings:
        ws.cell(2, 5, "未发现问题")
    for col, width in zip("ABCDEF", (6, 10, 18, 30, 70, 22)):
        ws.column_dimensions[col].width = width
    ws.column_dimensions["J"].hidden = True
    ws.freeze_panes = "A2"
    return len(by_cell)
