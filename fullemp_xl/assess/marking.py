"""`validate --mark` and the 校验 button: colour the cells of findings, add notes and a 校验结果 sheet — and undo it.

The plan (which cell gets which colour and note, the rows of the 校验结果 sheet, what each mark
replaced) is computed once from the findings; the write path (command line, `apply_marks`) and
xlwings (Excel buttons) only apply it. What a mark replaced is recorded in a hidden column of the
校验结果 sheet, so clearing restores the workbook and marking twice equals marking once. A cell
that already has someone's note keeps it untouched; the message is then in the 校验结果 sheet.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ..core.model import SEVERITIES, SEVERITY_LABEL, Finding
from ..errors import UnusableFile
from ..forms import names
from ..forms.book import locate
from ..ooxml.a1 import sheet_ref
from ..writing.text import Formula, excel_value
from ..writing.styles import fill_record as raw_fill_record
from ..writing.styles import fill_xml, solid_fill

if TYPE_CHECKING:  # openpyxl is imported where a workbook is handled: the Excel buttons do not need it
    from openpyxl.styles import PatternFill

    from ..writing.workbook import WorkbookPatch

RESULT_SHEET = "校验结果"
AUTHOR = "fullemp校验"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
HEADS = ["序号", "严重程度", "位置", "字段", "问题"]
WIDTHS = (6, 9, 20, 26, 62)
RECORD_COL = 10  # hidden column J of the 校验结果 sheet
RECORD_HEAD = "fullemp 恢复记录（请勿修改）"
ORDER = SEVERITIES
BUTTONS = (("fullemp score", "“打分”"), ("fullemp validate", "“校验”"), ("fullemp fill", "“填报”"))


def _is_cell(ref: str) -> bool:
    try:
        sheet_ref(ref)
    except ValueError:  # OutsideSheet too
        return False
    return True


class DamagedMarks(UnusableFile):
    """The hidden record of an earlier mark was edited: we cannot know how to undo it."""

    def __init__(self, row: int, why: str):
        super().__init__(RESULT_SHEET, f"“{RESULT_SHEET}”工作表第{row}行的恢复记录（隐藏的 J 列）被改动过（{why}），"
                                       "无法确定怎样撤销上次的标记，已取消写入，文件未改动。请从备份恢复后再试；"
                                       f"或者手工恢复被标色单元格的底色、删除“{RESULT_SHEET}”工作表后再校验")


# The sheet numbers its own pages: printed with the whole workbook, LibreOffice's &N would count every sheet's pages.
FOOTER = f"&C{RESULT_SHEET}　第 &P 页"
TITLE_ROWS = 2  # the title line (whose results, which file, when), then the column heads: repeated on every page


def title_line(book, today=None) -> str:
    """Whose check a printout is: the community, the file and the date, so a returned page finds its form."""
    who = []
    for name in names.IDENTITY:
        loc = locate(book, name)
        value = book.read(loc.sheet, loc.cell) if loc is not None else None
        if value not in (None, ""):
            who.append(str(value).strip())
    day = today or dt.date.today()
    return (f"{RESULT_SHEET}　{' '.join(who) or '（单位未填写）'}　文件：{book.file}　"
            f"校验日期：{day.year}年{day.month}月{day.day}日")


@dataclass
class MarkPlan:
    cells: list[tuple[str, str, str, str]] = field(default_factory=list)  # sheet, cell, colour, note
    table: list[list] = field(default_factory=list)  # the 校验结果 sheet: title line, heads, then one row per finding
    records: list[str] = field(default_factory=list)  # JSON, one per marked cell

    @property
    def rows(self) -> list[list]:
        """The table as Excel's Range.value takes it: text that looks like a formula gets Excel's apostrophe."""
        return [[excel_value(v) for v in row] for row in self.table]


def fill_record(fill: "PatternFill") -> dict:
    def color(c):
        if c is None:
            return None
        return {"type": c.type, "value": c.value if isinstance(c.value, (str, int)) else None, "tint": c.tint}

    return {"pattern": fill.patternType, "fg": color(fill.fgColor), "bg": color(fill.bgColor)}


def record_colour(record: dict) -> str | None:
    """The '#RRGGBB' an engine that only sets colours should restore (None: no fill)."""
    fg = record["fill"]["fg"] or {}
    if record["fill"]["pattern"] != "solid" or fg.get("type") != "rgb" or not isinstance(fg.get("value"), str):
        return None
    return "#" + fg["value"][-6:]


def printable(text: str) -> str:
    """A message as an official reads it on paper: no command lines, no Markdown backticks."""
    def one(m):
        command = m.group(1).strip()
        for prefix, button in BUTTONS:
            if command.startswith(prefix):
                return button
        return "本程序" if command.startswith("fullemp") else command

    return re.sub(r"\s*`([^`]*)`\s*", one, text)


def link_formula(sheet: str, cell: str) -> Formula:
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    shown = f"{sheet}!{cell}"
    return Formula('=HYPERLINK("' + target.replace('"', '""') + '","' + shown.replace('"', '""') + '")')


def plan(findings: list[Finding], sheets: set[str], original: Callable[[str, str], dict],
         user_note: Callable[[str, str], tuple[str, str] | None], title: str = RESULT_SHEET) -> MarkPlan:
    """original(sheet, cell): fill_record of what a mark replaces; user_note(sheet, cell): (text, author) of a note there;
    title: the sheet's first line (title_line)."""
    counted = f"　共 {len(findings)} 条" if findings else ""
    out = MarkPlan(table=[[printable(title) + counted] + [""] * (len(HEADS) - 1), list(HEADS)])
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
        where = link_formula(f.location.sheet, f.location.cell) if marked else (f.location.sheet or "（整个工作簿）")
        out.table.append([n, SEVERITY_LABEL[f.severity], where, f.field, printable(f.message)])
    if not findings:
        out.table.append(["", "", "", "", "未发现问题"])
    return out


def read_records(rows, *, first_row: int = 2) -> list[dict]:
    """The records of the hidden column, checked; anything else there means someone edited it (DamagedMarks)."""
    out = []
    for n, value in enumerate(rows, start=first_row):
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not value.lstrip().startswith("{"):
            raise DamagedMarks(n, "不是程序写入的记录")
        try:
            record = json.loads(value)
        except ValueError:
            raise DamagedMarks(n, "记录不完整或格式不对") from None
        if not (isinstance(record, dict) and isinstance(record.get("sheet"), str) and isinstance(record.get("cell"), str)
                and _is_cell(record["cell"]) and _fill_ok(record.get("fill"))):
            raise DamagedMarks(n, "缺少工作表、单元格或底色")
        out.append(record)
    return out


def _fill_ok(fill) -> bool:
    """A fill record as fill_record makes it: a known pattern and colours of a known kind."""
    def colour_ok(c):
        return c is None or (isinstance(c, dict) and c.get("type") in ("rgb", "theme", "indexed", "auto")
                             and isinstance(c.get("value"), (str, int, type(None)))
                             and (not isinstance(c.get("value"), str) or re.fullmatch(r"[0-9A-Fa-f]{6,8}", c["value"]))
                             and isinstance(c.get("tint", 0), (int, float)))

    return (isinstance(fill, dict) and (fill.get("pattern") is None or re.fullmatch(r"[A-Za-z0-9]{1,20}", str(fill["pattern"])))
            and colour_ok(fill.get("fg")) and colour_ok(fill.get("bg")))


# ---------------------------------------------------------------- the write path (command line)
def _is_mark_fill(record: dict) -> bool:
    fg = record.get("fg") or {}
    return record.get("pattern") == "solid" and isinstance(fg.get("value"), str) and fg["value"][-6:].upper() in FILLS.values()


def clear_marks(patch: "WorkbookPatch") -> int:
    """Undo a previous mark (colours, our notes, the 校验结果 sheet); returns how many cells were restored.

    A cell whose colour someone changed after the mark keeps that colour.
    """
    if RESULT_SHEET not in patch.sheet_names():
        return 0
    ws = patch.sheet(RESULT_SHEET)
    column = {}
    for cell in ws.all_cells():
        row, col = sheet_ref(cell.ref)
        if col == RECORD_COL and row >= 2:
            column[row] = cell.value(patch.shared_strings())
    records = read_records([column.get(r) for r in range(2, max(column, default=1) + 1)])
    sheets = set(patch.sheet_names())
    notes: dict[str, set[str]] = {}
    for rec in records:
        sheet, ref = rec["sheet"], rec["cell"].replace("$", "")
        if sheet not in sheets or sheet == RESULT_SHEET:
            continue
        style = patch.sheet(sheet).effective_style(ref)
        if _is_mark_fill(raw_fill_record(patch.styles.fill_of(style))):
            patch.set_style(sheet, ref, patch.styles.restore_fill(style, fill_xml(rec["fill"], patch.styles.p)))
        if not rec.get("kept_note"):
            notes.setdefault(sheet, set()).add(ref)
        if isinstance(rec.get("comment"), dict):  # marked by an older version, which merged notes: give it back
            patch.notes(sheet).remove({ref}, AUTHOR)
            patch.notes(sheet).add(ref, str(rec["comment"].get("text", "")), str(rec["comment"].get("author", "")))
            notes.get(sheet, set()).discard(ref)
    for sheet, refs in notes.items():
        patch.notes(sheet).remove(refs, AUTHOR)
        patch.notes(sheet).drop_author(AUTHOR)
    patch.remove_sheet(RESULT_SHEET)
    return len(records)


def apply_marks(patch: "WorkbookPatch", findings: list[Finding], title: str = RESULT_SHEET) -> int:
    """Mark every finding that has a cell; returns the number of cells marked."""
    clear_marks(patch)
    sheets = set(patch.sheet_names())

    def original(sheet, ref):
        return raw_fill_record(patch.styles.fill_of(patch.sheet(sheet).effective_style(ref)))

    p = plan(findings, sheets, original, lambda sheet, ref: None, title)
    for k, (sheet, ref, colour, text) in enumerate(p.cells):
        ws = patch.sheet(sheet)
        patch.set_style(sheet, ref, patch.styles.with_fill(ws.effective_style(ref), solid_fill(colour, patch.styles.p)))
        if ref in patch.notes(sheet).existing():  # someone's own note: keep it
            record = json.loads(p.records[k])
            record["kept_note"] = True
            p.records[k] = json.dumps(record, ensure_ascii=False)
        else:
            patch.notes(sheet).add(ref, text, AUTHOR)
    patch.add_sheet(results_sheet(p, findings, patch))
    return len(p.cells)


def results_sheet(p: MarkPlan, findings: list[Finding], patch: "WorkbookPatch"):
    """The 校验结果 sheet: A4 landscape, fit to width, the header repeated, page numbers; nothing off the page."""
    from ..builder.style import text_width
    from ..writing.newsheet import SheetSpec

    styles, x = patch.styles, patch.styles.p
    box = (f'<{x}border><{x}left style="thin"><{x}color auto="1"/></{x}left><{x}right style="thin"><{x}color auto="1"/>'
           f'</{x}right><{x}top style="thin"><{x}color auto="1"/></{x}top><{x}bottom style="thin"><{x}color auto="1"/>'
           f'</{x}bottom><{x}diagonal/></{x}border>')
    border = styles.add("borders", box)
    title_font = styles.add("fonts", f'<{x}font><{x}b/><{x}sz val="12"/><{x}name val="黑体"/><{x}charset val="134"/></{x}font>')
    head_font = styles.add("fonts", f'<{x}font><{x}b/><{x}sz val="11"/><{x}name val="黑体"/><{x}charset val="134"/></{x}font>')
    body_font = styles.add("fonts", f'<{x}font><{x}sz val="10"/><{x}name val="宋体"/><{x}charset val="134"/></{x}font>')
    link_font = styles.add("fonts", f'<{x}font><{x}u/><{x}sz val="10"/><{x}color rgb="FF0563C1"/><{x}name val="宋体"/>'
                                    f'<{x}charset val="134"/></{x}font>')
    no_fill = styles.add("fills", f"<{x}fill><{x}patternFill/></{x}fill>")

    def xf(font, fill, horizontal):
        return styles.add("cellXfs", f'<{x}xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" '
                                     'applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
                                     f'<{x}alignment horizontal="{horizontal}" vertical="top" wrapText="1"/></{x}xf>')

    def guarded(value, style):
        """Outside text that looks like a formula keeps Excel's quote prefix (it stays text when edited)."""
        return styles.quoted(style) if excel_value(value) is not value else style

    head = xf(head_font, no_fill, "center")
    title = styles.add("cellXfs", f'<{x}xf numFmtId="0" fontId="{title_font}" fillId="{no_fill}" borderId="0" xfId="0" '
                                  f'applyFont="1" applyAlignment="1"><{x}alignment horizontal="left" vertical="center"/></{x}xf>')
    centre, left, link = xf(body_font, no_fill, "center"), xf(body_font, no_fill, "left"), xf(link_font, no_fill, "left")
    severity = {s: xf(body_font, styles.add("fills", solid_fill(c, x)), "center") for s, c in FILLS.items()}
    rows = [[(p.table[0][0], title)], [(v, head) for v in p.table[1]]]  # the title runs on over the empty B1:E1
    heights = {1: 24.0, 2: 20.0}
    for r, row in enumerate(p.table[TITLE_ROWS:], start=TITLE_ROWS + 1):
        f = findings[r - TITLE_ROWS - 1] if findings else None
        kinds = [centre, severity[f.severity] if f else centre, link if isinstance(row[2], Formula) else left, left, left]
        rows.append([(value if value != "" else None, guarded(value, kind)) for value, kind in zip(row, kinds)])
        lines = max(1, *(-(-text_width(str(v)) // max(w - 2, 1)) for v, w in zip(row[3:], WIDTHS[3:])))
        heights[r] = 14.0 * lines + 4
    for r, record in enumerate([RECORD_HEAD, *p.records], start=1):
        rows[r - 1] += [(None, None)] * (RECORD_COL - 1 - len(rows[r - 1])) + [(record, None)]
    return SheetSpec(RESULT_SHEET, rows, widths={c: w for c, w in enumerate(WIDTHS, start=1)}, heights=heights,
                     hidden_columns=(RECORD_COL,), print_columns=len(HEADS), title_rows=TITLE_ROWS, landscape=True,
                     footer=FOOTER)
