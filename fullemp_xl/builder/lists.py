"""Templates of lists: the city's 社区名册 (registry) and a community's 实名制台账 (ledger)."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.model import RuleSet
from ..forms import names
from ..ooxml.a1 import column_letter
from .build import NO_TITLE, define, merge, put, write_meta
from .layout import page_setup, text_height
from .style import CENTER, HEAD_FILL, HEAD_FONT, INPUT_FONT, LEFT, NOTE_FONT, TITLE_FONT, UNLOCKED

REGISTRY, LEDGER = "社区名册", "台账"
REGISTRY_COLUMNS = (
    ("county", "县（区）", 13), ("street", "街道（乡镇）", 15), ("community", "社区", 15), ("code", "社区代码", 13),
    ("prior_title", "原有称号", 22), ("prior_year", "取得年份", 9),
    ("national_subsidy", "已享受国家级补助", 10), ("provincial_subsidy", "已享受省级补助", 10),
)
LEDGER_WIDTHS = {"id": 19, "text": 9, "date": 10, "flag": 5, "count": 5}
LEDGER_HEAD = Font(name="黑体", size=9)
FIRST_DATA_ROW = 4  # both lists: title, note, header, then data


def build_registry(ruleset: RuleSet) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = names.REGISTRY_SHEET
    last = column_letter(len(REGISTRY_COLUMNS))
    merge(ws, f"A1:{last}1", f"{ruleset.jurisdiction}充分就业社区名册", font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 34
    note = ("每行一个社区。县（区）、街道（乡镇）、社区必填；社区代码可不填；原有称号从下拉列表选择，"
            "没有的选“无”；已享受国家级或省级充分就业社区补助的填“是”（市级补助不再重复发放）。")
    merge(ws, f"A2:{last}2", note, font=NOTE_FONT, align=LEFT, border=False)
    ws.row_dimensions[2].height = text_height([(note, sum(w for *_, w in REGISTRY_COLUMNS))], 9)
    for k, (_, label, width) in enumerate(REGISTRY_COLUMNS, start=1):
        put(ws, f"{column_letter(k)}3", label, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
        ws.column_dimensions[column_letter(k)].width = width
    ws.row_dimensions[3].height = text_height([(label, width) for _, label, width in REGISTRY_COLUMNS], 11)
    titles = DataValidation(type="list", formula1='"' + ",".join((NO_TITLE, *ruleset.levels.titles)) + '"', allow_blank=True)
    years = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True,
                           error="请填写四位年份")
    flags = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    for dv, col in ((titles, "E"), (years, "F"), (flags, "G"), (flags, "H")):
        if dv not in ws.data_validations.dataValidation:
            ws.add_data_validation(dv)
        dv.add(f"{col}{FIRST_DATA_ROW}:{col}2000")
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    page_setup(ws, landscape=True, title_rows="3:3")
    write_meta(wb, ruleset, REGISTRY)
    return wb


def build_ledger(ruleset: RuleSet) -> Workbook:
    spec = ruleset.ledger
    wb = Workbook()
    info = wb.active
    info.title = names.LEDGER_INFO_SHEET
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 16, 30
    merge(info, "A1:B1", spec.title, font=TITLE_FONT, align=CENTER, border=False)
    for row, (name, label) in enumerate(names.IDENTITY.items(), start=3):
        put(info, f"A{row}", label, font=HEAD_FONT, align=CENTER)
        put(info, f"B{row}", None, font=INPUT_FONT).protection = UNLOCKED
        define(wb, name, info, f"B{row}")
        info.row_dimensions[row].height = 22
    info.row_dimensions[1].height = 34
    privacy = "台账只在社区保存。fullemp 只从中数出人数写入考评表、申报表，姓名和公民身份号码不会出现在任何汇总或文书中。"
    merge(info, "A7:B7", privacy, font=NOTE_FONT, align=LEFT, border=False)
    info.row_dimensions[7].height = text_height([(privacy, 46)], 9)
    page_setup(info, landscape=False, area="A1:B7")

    ws = wb.create_sheet(names.LEDGER_SHEET)
    last = column_letter(len(spec.columns))
    merge(ws, f"A1:{last}1", spec.title, font=TITLE_FONT, align=CENTER, border=False)
    note = ("每行一人。是/否列只在“是”时填“是”，空着视为“否”；日期按 2023-05-01 填写；"
            "公民身份号码请设置为文本格式后再填，避免 Excel 把它变成科学计数法。")
    merge(ws, f"A2:{last}2", note, font=NOTE_FONT, align=LEFT, border=False)
    ws.row_dimensions[1].height = 34
    widths = [LEDGER_WIDTHS.get(c.type, 9) for c in spec.columns]
    ws.row_dimensions[2].height = text_height([(note, sum(widths))], 9)
    flag_rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    date_rule = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)", formula2="DATE(2100,12,31)",
                               allow_blank=True, showErrorMessage=True, error="请填写日期，如 2023-05-01")
    count_rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, error="请填写非负整数")
    for dv in (flag_rule, date_rule, count_rule):
        ws.add_data_validation(dv)
    for k, col in enumerate(spec.columns, start=1):
        letter = column_letter(k)
        put(ws, f"{letter}3", col.label, font=LEDGER_HEAD, align=CENTER, fill=HEAD_FILL)
        ws.column_dimensions[letter].width = widths[k - 1]
        span = f"{letter}{FIRST_DATA_ROW}:{letter}60000"
        if col.type == "flag":
            flag_rule.add(span)
        elif col.type == "date":
            date_rule.add(span)
        elif col.type == "count":
            count_rule.add(span)
        if col.type in ("id", "text"):
            for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 200):
                ws[f"{letter}{row}"].number_format = "@"
        elif col.type == "date":
            for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 200):
                ws[f"{letter}{row}"].number_format = "yyyy-mm-dd"
    ws.row_dimensions[3].height = text_height([(c.label, w) for c, w in zip(spec.columns, widths)], 9)
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"
    page_setup(ws, landscape=True, title_rows="3:3")
    write_meta(wb, ruleset, LEDGER)
    return wb
