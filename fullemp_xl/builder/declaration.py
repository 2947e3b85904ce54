"""Build the 申报表 (declaration) workbook, with the monthly employment-rate monitor where the rule set has one."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..engine import formulas
from ..ooxml.a1 import column_letter
from ..engine.limits import require_within_limits
from ..engine.monitor import formulas_for
from ..core.model import RuleSet
from ..writing.text import Formula
from ..forms import names
from .build import _fit, define, merge, protect, put, write_meta
from .layout import page_setup
from ..forms.names import DECLARATION, NO_TITLE
from .style import CENTER, HEAD_FILL, HEAD_FONT, INPUT_FONT, LEFT, NOTE_FONT, TITLE_FONT, TOP_LEFT, UNLOCKED


def build_declaration(ruleset: RuleSet) -> Workbook:
    require_within_limits(ruleset)
    wb = Workbook()
    ws = wb.active
    ws.title = DECLARATION
    for col, w in {"A": 18, "B": 22, "C": 16, "D": 18}.items():
        ws.column_dimensions[col].width = w
    merge(ws, "A1:D1", ruleset.declaration, font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 40
    row = 2
    identity = [(names.COUNTY, "县（区）"), (names.STREET, "街道（乡镇）")]
    for name, label in identity:
        put(ws, f"A{row}", label, font=HEAD_FONT, align=CENTER)
        merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=LEFT)
        ws[f"B{row}"].protection = UNLOCKED
        define(wb, name, ws, f"B{row}")
        ws.row_dimensions[row].height = 24
        row += 1
    put(ws, f"A{row}", "社区名称", font=HEAD_FONT, align=CENTER)
    merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=LEFT)
    ws[f"B{row}"].protection = UNLOCKED
    define(wb, names.COMMUNITY, ws, f"B{row}")
    ws.row_dimensions[row].height = 24
    row += 1
    for name in ("fe_basic_info", "fe_work_info"):
        put(ws, f"A{row}", names.DECLARATION_FIELDS[name], font=HEAD_FONT, align=CENTER)
        merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=TOP_LEFT)
        ws[f"B{row}"].protection = UNLOCKED
        define(wb, name, ws, f"B{row}")
        ws.row_dimensions[row].height = 150
        row += 1
    date_rule = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
                               allow_blank=True, showErrorMessage=True, errorTitle="日期",
                               error="请填写日期，如 2026-12-01", promptTitle="盖章日期", prompt="填写日期，如 2026-12-01")
    ws.add_data_validation(date_rule)
    for who in ("street", "county", "city"):
        put(ws, f"A{row}", names.DECLARATION_FIELDS[f"fe_opinion_{who}"], font=HEAD_FONT, align=CENTER)
        merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=TOP_LEFT)
        ws[f"B{row}"].protection = UNLOCKED
        define(wb, f"fe_opinion_{who}", ws, f"B{row}")
        ws.row_dimensions[row].height = 80
        row += 1
        put(ws, f"A{row}", None)
        put(ws, f"B{row}", "（盖章）", align=CENTER)
        put(ws, f"C{row}", "日期：", align=CENTER)
        put(ws, f"D{row}", None, font=INPUT_FONT, align=CENTER).protection = UNLOCKED
        ws[f"D{row}"].number_format = 'yyyy"年"m"月"d"日"'
        date_rule.add(f"D{row}")
        define(wb, f"fe_date_{who}", ws, f"D{row}")
        ws.row_dimensions[row].height = 24
        row += 1
    row += 1
    merge(ws, f"A{row}:D{row}", "以下为汇总用信息（不属于正式申报内容，不在打印范围内）", font=NOTE_FONT, align=LEFT, border=False)
    row += 1
    titles = DataValidation(type="list", formula1='"' + ",".join((NO_TITLE, *ruleset.levels.titles)) + '"',
                            allow_blank=True, showErrorMessage=True, error="请从下拉列表选择")
    years = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True,
                           showErrorMessage=True, error="请填写四位年份，如 2021")
    ws.add_data_validation(titles)
    ws.add_data_validation(years)
    print_end = row - 3
    for name, label, dv in ((names.PRIOR_TITLE, "原有充分就业社区称号", titles), (names.PRIOR_YEAR, "取得原有称号的年份", years)):
        put(ws, f"A{row}", label, font=HEAD_FONT, align=CENTER)
        put(ws, f"B{row}", None, font=INPUT_FONT, align=LEFT).protection = UNLOCKED
        dv.add(f"B{row}")
        define(wb, name, ws, f"B{row}")
        row += 1
    page_setup(ws, landscape=False, area=f"A1:D{print_end}")
    protect(ws)
    if ruleset.monitor is not None:
        _monitor_sheet(wb, ruleset.monitor)
    write_meta(wb, ruleset, DECLARATION)
    wb.active = 0
    return wb


def _monitor_sheet(wb: Workbook, monitor) -> None:
    """12 months of 从业人员数 / 失业人员数 with the rate and 达标 computed by formulas."""
    ws = wb.create_sheet(names.MONITOR_SHEET)
    widths = {"A": 8, "B": 12, "C": 12, "D": 14, "E": 12, "F": 12}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    pct = formulas.excel_number(monitor.percent)
    merge(ws, "A1:F1", f"{monitor.label}按月监测表", font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 36
    reading = monitor.reading or f"{monitor.label}＝{monitor.employed_label}÷（{monitor.employed_label}＋{monitor.unemployed_label}）×100%"
    merge(ws, "A2:F2", reading, font=NOTE_FONT, align=LEFT, border=False)
    _fit(ws, 2, (reading, sum(widths.values())), font_pt=9)
    heads = ["月份", monitor.employed_label, monitor.unemployed_label, "经济活动人口", monitor.label, f"是否达到{pct}%"]
    for k, head in enumerate(heads):
        put(ws, f"{column_letter(k + 1)}4", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    _fit(ws, 4, *[(h, widths[column_letter(k + 1)]) for k, h in enumerate(heads)], font_pt=11)
    rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                          showErrorMessage=True, errorTitle="请填写人数", error="这里只能填非负整数",
                          promptTitle="人数", prompt="填写当月实名制台账中的人数（非负整数），没有的填0")
    ws.add_data_validation(rule)
    cells = formulas_for(monitor)
    for month in range(1, monitor.months + 1):
        row = 4 + month
        put(ws, f"A{row}", f"{month}月", align=CENTER)
        define(wb, names.monitor("month", month), ws, f"A{row}")
        for col, kind in (("B", "employed"), ("C", "unemployed")):
            put(ws, f"{col}{row}", None, font=INPUT_FONT, align=CENTER).protection = UNLOCKED
            rule.add(f"{col}{row}")
            define(wb, names.monitor(kind, month), ws, f"{col}{row}")
        for col, kind, fmt in (("D", "total", "0"), ("E", "rate", "0.00%"), ("F", "ok", "@")):
            name = names.monitor(kind, month)
            put(ws, f"{col}{row}", cells[name], align=CENTER).number_format = fmt
            define(wb, name, ws, f"{col}{row}")
        ws.row_dimensions[row].height = 20
    last = 4 + monitor.months
    put(ws, f"A{last + 1}", "未达标月数", font=HEAD_FONT, align=CENTER)
    merge(ws, f"B{last + 1}:F{last + 1}", Formula(f'=COUNTIF(F5:F{last},"否")'), align=LEFT)
    _fit(ws, last + 1, ("未达标月数", widths["A"]), font_pt=11)
    page_setup(ws, landscape=False, area=f"A1:F{last + 1}", title_rows="4:4")
    protect(ws)
