"""The subsidy statement's table as a workbook a county's finance office can use (sum, sort, pay from).

Text from the summary is always stored as text, never as a formula (a community named "=1+1" stays
"=1+1"); the only formulas are our own: the SUM of the amounts, and the 大写 that follows it (words_formula).
"""
from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from ..ooxml.a1 import column_letter
from ..writing.text import put_text

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = Font(name="方正小标宋简体", size=16)
HEAD = Font(name="黑体", size=11)
BODY = Font(name="宋体", size=11)
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
MONEY = "#,##0.00"
FUNDED_HEAD = ["序号", "县（区）", "街道（乡镇）", "社区", "认定称号", "认定情况", "补助金额（元）"]
EXCLUDED_HEAD = ["序号", "县（区）", "街道（乡镇）", "社区", "认定称号", "不予补助的原因"]
WIDTHS = [6, 12, 16, 18, 20, 14, 16]


def put(ws, row: int, col: int, value, *, font=BODY, align=CENTER, fmt=None, box=True, fill=None, formula=False):
    """A cell whose text is text: openpyxl would store '=…' as a formula (only our own `formula=True` cells are)."""
    c = ws.cell(row, col)
    if formula:
        c.value = value
    else:
        put_text(c, value)
    c.font, c.alignment = font, align
    if box:
        c.border = BOX
    if fmt:
        c.number_format = fmt
    if fill is not None:
        c.fill = fill
    return c


def _head(ws, row: int, heads: list[str]) -> None:
    for col, text in enumerate(heads, start=1):
        put(ws, row, col, text, font=HEAD, fill=HEAD_FILL)


def words_formula(total_cell: str, words: str, total: str) -> str:
    """The 大写 cell follows its total: the words while the total is the amount they spell, else a request to write
    them anew (never two amounts that disagree). Plain IF and ROUND: Excel, WPS and LibreOffice compute it alike."""
    figure = str(Decimal(str(total).replace(",", "")).quantize(Decimal("0.01")))
    words = words.replace('"', '""')
    return f'=IF(ROUND({total_cell},2)={figure},"{words}","合计已改动：请按合计重新填写大写金额")'


def finance_workbook(values: dict) -> Workbook:
    """values: the subsidy statement's context (context.subsidy_context)."""
    amount = Decimal(str(values["amount"]).replace(",", ""))
    wb = Workbook()
    ws = wb.active
    ws.title = "补助资金明细"
    for k, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[column_letter(k)].width = width
    title = f"{values['county']}{values['subsidy_year']}年度{values['title_name']}补助资金明细"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FUNDED_HEAD))
    put(ws, 1, 1, title, font=TITLE, box=False)
    ws.row_dimensions[1].height = 30
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(FUNDED_HEAD))
    put(ws, 2, 1, f"每个社区 {values['amount']} 元（{values['amount_words']}），由{values['payer']}从{values['fund']}中支付；"
                  f"资金使用情况须于{values['report_by']}前报{values['report_to']}审核。", align=LEFT, box=False)
    ws.row_dimensions[2].height = 30
    _head(ws, 3, FUNDED_HEAD)
    row = 3
    for item in values["funded"]:
        row += 1
        for col, value in enumerate([item["no"], values["county"], item["street"], item["community"], item["level"],
                                     item["change"]], start=1):
            put(ws, row, col, value, align=CENTER if col in (1, 2) else LEFT)
        put(ws, row, 7, float(amount), fmt=MONEY)
    total_row = row + 1
    ws.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=6)
    put(ws, total_row, 1, f"合计（{values['funded_count']}个社区）", font=HEAD)
    first = 4
    total = f"=SUM(G{first}:G{row})" if row >= first else 0
    put(ws, total_row, 7, total, font=HEAD, fmt=MONEY, formula=True)
    ws.merge_cells(start_row=total_row + 1, start_column=2, end_row=total_row + 1, end_column=7)
    put(ws, total_row + 1, 1, "大写", font=HEAD)
    put(ws, total_row + 1, 2, words_formula(f"G{total_row}", values["total_words"], values["total"]), align=LEFT,
        formula=True)
    row = total_row + 3
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
    put(ws, row, 1, "本次不予补助的社区", font=HEAD, align=LEFT, box=False)
    row += 1
    _head(ws, row, EXCLUDED_HEAD)
    ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=7)
    for item in values["excluded"]:
        row += 1
        for col, value in enumerate([item["no"], values["county"], item["street"], item["community"], item["level"],
                                     item["reason"]], start=1):
            put(ws, row, col, value, align=CENTER if col in (1, 2) else LEFT)
        ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=7)
        ws.row_dimensions[row].height = 30
    if not values["excluded"]:
        put(ws, row + 1, 1, "无", box=False)
    ws.freeze_panes = "A4"
    ws.page_setup.paperSize = "9"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return wb
