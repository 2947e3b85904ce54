"""Print layout of our sheets: A4 page setup, page breaks that never split a block, rows tall enough for their text.

openpyxl cannot measure text, so row heights and page breaks are computed from the column widths and
the text, for both programs that print our forms: Excel draws a column of width w at 7w pixels (5.25w
points), LibreOffice at 7w points (measured: width 10 → 0.972 in), with taller lines. A row is as tall
as the taller of the two needs; a page holds what fits at the larger of the two fit-to-width scales.
The render test prints every sheet through LibreOffice and checks what this predicts.
"""
from __future__ import annotations

import math

from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from ..forms import names
from ..ooxml.a1 import column_letter, range_bounds, split_ref
from .style import text_width

A4 = (595.28, 841.89)  # points, portrait
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.8, "header": 0.3, "footer": 0.3}  # inches
FOOTER = "第 &P 页，共 &N 页"
DEFAULT_ROW, DEFAULT_WIDTH = 15.0, 9.140625
POINTS_PER_WIDTH = 5.25  # one unit of column width as Excel draws it, in points
LIBREOFFICE_POINTS_PER_WIDTH = 7.0  # …and as LibreOffice does
SAFETY = 0.98  # of each page: room for the renderers' own rounding


def page_setup(ws: Worksheet, *, landscape: bool, area: str | None = None, title_rows: str | None = None) -> None:
    """A4, fit to the page width (as many pages down as needed), page numbers in a footer that is never cut.

    Without `area` the filled part of the sheet prints (lists that grow: the registry, the ledger)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    if title_rows:
        ws.print_title_rows = title_rows
    if area:
        ws.print_area = area
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9


def width_points(ws: Worksheet, first_col: int, last_col: int, per_unit: float = POINTS_PER_WIDTH) -> float:
    return sum(_col_width(ws, col) for col in range(first_col, last_col + 1)) * per_unit


def row_points(ws: Worksheet, row: int) -> float:
    dim = ws.row_dimensions.get(row)
    return dim.height if dim is not None and dim.height else DEFAULT_ROW


def page_scale(ws: Worksheet, first_col: int, last_col: int, per_unit: float = POINTS_PER_WIDTH) -> float:
    """The fit-to-width factor a program applies (rounded down to whole percent, as printers do)."""
    landscape = ws.page_setup.orientation == "landscape"
    paper = A4[1] if landscape else A4[0]
    usable = paper - (MARGINS["left"] + MARGINS["right"]) * 72
    return min(1.0, math.floor(100 * usable / width_points(ws, first_col, last_col, per_unit)) / 100)


def keep_together(ws: Worksheet, blocks: list[tuple[int, int]]) -> list[int]:
    """Put a page break before every block (first row, last row) that would otherwise run over a page end.

    Rows outside blocks may fall anywhere (a row itself never breaks); the print titles repeat on
    every page after the first. Returns the rows breaks were put before.
    """
    if ws.print_area:
        min_row, min_col, max_row, max_col = range_bounds(str(ws.print_area).split("!")[-1])
    else:  # someone removed the print area: the sheet prints its filled part
        min_col, min_row, max_col, max_row = 1, 1, ws.max_column, ws.max_row
    landscape = ws.page_setup.orientation == "landscape"
    paper = A4[0] if landscape else A4[1]
    scale = max(page_scale(ws, min_col, max_col, POINTS_PER_WIDTH), page_scale(ws, min_col, max_col, LIBREOFFICE_POINTS_PER_WIDTH))
    page = (paper - (MARGINS["top"] + MARGINS["bottom"]) * 72) * SAFETY / scale
    titles = 0.0
    if ws.print_title_rows:
        first, last = (int(x) for x in str(ws.print_title_rows).replace("$", "").split(":"))
        titles = sum(row_points(ws, r) for r in range(first, last + 1))
    starts = {first: last for first, last in _joined(blocks)}
    ws.row_breaks = RowBreak()
    breaks, used, row = [], 0.0, min_row
    while row <= max_row:
        last = starts.get(row, row)
        height = sum(row_points(ws, r) for r in range(row, last + 1))
        if used and used + height > page:
            ws.row_breaks.append(Break(id=row - 1))
            breaks.append(row)
            used = titles
        used += height
        row = last + 1
    return breaks


def _joined(blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping blocks as one (a merged range and the rows it must stay with)."""
    out: list[tuple[int, int]] = []
    for first, last in sorted(blocks):
        if out and first <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def lines_needed(text, width_units: float, font_pt: float = 10, per_unit: float = POINTS_PER_WIDTH) -> int:
    """How many lines `text` wraps to in a cell `width_units` wide at `font_pt`, one program's way."""
    usable = max(width_units * per_unit - 6 - font_pt, 1)  # inner padding, and room for line-breaking rules
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, math.ceil(text_width(part) * font_pt / 2 / usable))
    return lines


def text_height(texts, font_pt: float = 10, *, minimum: float = 20) -> float:
    """A row height that shows every (text, width in units) whole, in Excel and in LibreOffice alike:
    Excel wraps narrower with lines of 1.35 × the font size, LibreOffice wider with lines of 1.6 ×."""
    texts = [(t, w) for t, w in texts if t not in (None, "")] or [("", 1)]
    excel = max(lines_needed(t, w, font_pt, POINTS_PER_WIDTH) for t, w in texts) * font_pt * 1.35
    office = max(lines_needed(t, w, font_pt, LIBREOFFICE_POINTS_PER_WIDTH) for t, w in texts) * font_pt * 1.6
    return max(minimum, math.ceil(max(excel, office) + 6))


def lines_height(lines: int, font_pt: float = 10) -> float:
    """The height of a box for `lines` lines of text (the taller of the two programs' lines)."""
    return math.ceil(lines * font_pt * 1.6 + 6)


def cell_width(ws: Worksheet, ref: str) -> float:
    """The width of a cell in Excel units, merged cells counted whole."""
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return sum(_col_width(ws, c) for c in range(merged.min_col, merged.max_col + 1))
    return _col_width(ws, split_ref(ref)[1])


def _col_width(ws: Worksheet, col: int) -> float:
    dim = ws.column_dimensions.get(column_letter(col))
    return dim.width if dim is not None and dim.width else DEFAULT_WIDTH


def fit_rows(ws: Worksheet, refs) -> None:
    """Make the rows of these cells tall enough for the text now in them (never lower than they are)."""
    for ref in refs:
        cell = ws[ref]
        if cell.value is None or any(ref in m and m.max_row > m.min_row for m in ws.merged_cells.ranges):
            continue  # a cell spanning rows was sized when the form was built
        size = (cell.font.sz or 11) if cell.font is not None else 11
        needed = text_height([(cell.value, cell_width(ws, ref))], size)
        if needed > row_points(ws, cell.row):
            ws.row_dimensions[cell.row].height = needed


def fit_named(wb, names) -> None:
    """fit_rows for the cells of these defined names (the ones fullemp has just written text into)."""
    for name in names:
        dn = wb.defined_names.get(name)
        for sheet, ref in (dn.destinations if dn is not None else ()):
            if sheet in wb.sheetnames:
                fit_rows(wb[sheet], [ref.replace("$", "")])


def _rows_of(wb, sheet: str) -> dict[str, int]:
    prefix = "'" + sheet.replace("'", "''") + "'!"
    return {name: int("".join(ch for ch in dn.attr_text[len(prefix):] if ch.isdigit()))
            for name, dn in wb.defined_names.items() if dn.attr_text.startswith(prefix)}


def paginate(wb, ruleset) -> None:
    """Page breaks of the 考评表 and its 基础数据. On the 考评表 a page may end between any two items;
    what is merged over several rows (a section's 序号, 项目 and 标准分 on one page, see
    build._label_sections) stays on one page, 合计 with the last item, and the summary under the
    table with the unit information and the table of rates each on one page.

    Found through the defined names and the merged ranges, so writers call it again after rows were
    made taller: the merges in the file then decide (a file built before sections could break keeps
    each section whole)."""
    if names.ASSESSMENT in wb.sheetnames:
        ws, row_of, stage = wb[names.ASSESSMENT], _rows_of(wb, names.ASSESSMENT), ruleset.stages[0].id
        blocks = [(m.min_row, m.max_row) for m in ws.merged_cells.ranges if m.max_row > m.min_row]
        items = [row_of[names.score(stage, i)] for section in ruleset.printed_sections for i in section.items
                 if names.score(stage, i) in row_of]
        if items and names.total(stage) in row_of:
            blocks.append((max(items), row_of[names.total(stage)]))  # 合计 stays with the last item
        tail = [row_of[names.opinion(s.id)] for s in ruleset.stages if names.opinion(s.id) in row_of]
        first = names.section(stage, ruleset.printed_sections[0])
        if tail and first in row_of:
            blocks.append((row_of[first] - 1, max(tail)))
        keep_together(ws, blocks)
    if names.DATA_SHEET in wb.sheetnames:
        row_of, stage = _rows_of(wb, names.DATA_SHEET), ruleset.stages[0].id
        blocks = []
        if names.COUNTY in row_of and names.FILL_STAGE in row_of:
            blocks.append((row_of[names.COUNTY] - 1, row_of[names.FILL_STAGE]))
        facts = [row_of[names.fact(stage, f)] for f in ruleset.facts if names.fact(stage, f) in row_of]
        if facts:
            blocks.append((min(facts) - 2, min(facts)))  # the heading, the column heads and the first row
        rates = [row_of[names.rate(stage, r)] for r in ruleset.rates if names.rate(stage, r) in row_of]
        if rates:
            blocks.append((min(rates) - 1, max(rates)))
        keep_together(wb[names.DATA_SHEET], blocks)
