"""Build the 考评表 and 申报表 workbooks from a rule set.

Every field gets a workbook-scoped defined name (forms.names); formulas come from `formulas`.
The same spec is what the readers use, so a template and its reader cannot drift apart.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import formulas
from ..writing.text import Formula, put_text
from ..model import RuleSet
from ..scoring import item_facts
from . import names
from .style import (
    WARN_FONT, BODY_FONT, BOX, CENTER, FORMULA_FILL, HEAD_FILL, HEAD_FONT, INPUT_FILL, INPUT_FONT, LEFT, NOTE_FONT,
    TITLE_FONT, TOP_LEFT, UNLOCKED, row_height,
)

from .names import ASSESSMENT, DECLARATION, NO_TITLE  # noqa: E402  (re-exported)

DATA_SHEET = "基础数据"
FACT_HELP = {
    "count": "请填写非负整数（人数、户数或件数），不要填比率。",
    "flag": "请从下拉列表选择“是”或“否”。",
    "percent": "请填写百分比，如 92%。",
}


def define(wb: Workbook, name: str, ws: Worksheet, cell: str) -> None:
    col, row = "".join(c for c in cell if c.isalpha()), "".join(c for c in cell if c.isdigit())
    quoted = ws.title.replace("'", "''")
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{quoted}'!${col}${row}")


def put(ws: Worksheet, cell: str, value=None, *, font=BODY_FONT, align=LEFT, fill=None, border=True):
    """A cell with its style; text (rule-set labels) always stays text, only a Formula is a formula."""
    c = ws[cell]
    if isinstance(value, Formula):
        c.value = value
    else:
        put_text(c, value)
    c.font, c.alignment = font, align
    if fill is not None:
        c.fill = fill
    if border:
        c.border = BOX
    return c


def merge(ws: Worksheet, ref: str, value=None, **style) -> None:
    first = ref.split(":")[0]
    put(ws, first, value, **style)
    for row in ws[ref]:
        for c in row:
            c.border = BOX
    ws.merge_cells(ref)


def protect(ws: Worksheet) -> None:
    """Protection without a password: guards formulas against typing, an office can lift it."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = p.formatRows = p.insertRows = False  # False = allowed
    p.selectLockedCells = p.selectUnlockedCells = False


def write_meta(wb: Workbook, ruleset: RuleSet, form: str) -> None:
    ws = wb.create_sheet(names.META_SHEET)
    values = {
        "fe_meta_form": form,
        "fe_meta_ruleset": ruleset.id,
        "fe_meta_ruleset_version": ruleset.version,
        "fe_meta_template_version": names.TEMPLATE_VERSION,
    }
    ws["A1"], ws["B1"] = "fullemp-xl 表单信息（请勿修改）", None
    for row, (name, value) in enumerate(values.items(), start=2):
        ws.cell(row, 1, names.META[name])
        ws.cell(row, 2, value)
        define(wb, name, ws, f"B{row}")
    ws.sheet_state = "hidden"
    protect(ws)


def page_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None, area: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = area
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


# ---------------------------------------------------------------- 基础数据
def _data_sheet(wb: Workbook, ruleset: RuleSet) -> None:
    ws = wb.create_sheet(DATA_SHEET)
    stages = ruleset.stages
    last = get_column_letter(4 + len(stages) + 1)
    widths = {"A": 6, "B": 12, "C": 56, "D": 8}
    for n, stage in enumerate(stages):
        widths[get_column_letter(5 + n)] = 12
    widths[last] = 40
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    merge(ws, f"A1:{last}1", f"{ruleset.name}——基础数据", font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 34
    stage_words = "、".join(f"“{s.label}”" for s in stages)
    note = (f"填写说明：每项基础数据在{stage_words}列各填一次（社区填“{stages[0].label}”，县区核查后填后面各列）。"
            "人数填非负整数，是/否项从下拉列表选择；比率由人数自动推算，请勿直接填比率。浅黄色格子可填写，其余由公式计算。")
    merge(ws, f"A2:{last}2", note, font=NOTE_FONT, align=LEFT, border=False)
    ws.row_dimensions[2].height = 32

    row = 4
    merge(ws, f"A{row}:{last}{row}", "一、单位信息", font=HEAD_FONT, align=LEFT, fill=HEAD_FILL)
    identity = [(names.COUNTY, "县（区）", ""), (names.STREET, "街道（乡镇）", ""), (names.COMMUNITY, "社区", ""),
                (names.PRIOR_TITLE, "原有充分就业社区称号", "没有称号的选“无”"),
                (names.PRIOR_YEAR, "取得原有称号的年份", "如 2021；没有称号的不填"),
                (names.LEDGER_PATH, "台账文件（Excel 中点“填报”时使用）", "台账文件的完整路径，如 D:\\台账\\南关社区台账.xlsx"),
                (names.FILL_STAGE, "“填报”写入哪一列", f"不填则写入“{ruleset.stages[0].label}”列")]
    title_list = DataValidation(type="list", formula1='"' + ",".join((NO_TITLE, *ruleset.levels.titles)) + '"',
                                allow_blank=True, showErrorMessage=True, errorTitle="称号",
                                error="请从下拉列表选择", promptTitle="原有称号", prompt="从下拉列表选择，没有称号的选“无”")
    year_rule = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True,
                               showErrorMessage=True, errorTitle="年份", error="请填写四位年份，如 2021",
                               promptTitle="年份", prompt="四位年份，如 2021")
    stage_list = DataValidation(type="list", formula1='"' + ",".join(s.label for s in stages) + '"', allow_blank=True,
                                showErrorMessage=True, error="请从下拉列表选择")
    for dv in (title_list, year_rule, stage_list):
        ws.add_data_validation(dv)
    for name, label, hint in identity:
        row += 1
        merge(ws, f"A{row}:C{row}", label, font=BODY_FONT, align=LEFT)
        value_ref = f"D{row}:{get_column_letter(4 + len(stages))}{row}"
        merge(ws, value_ref, None, font=INPUT_FONT, align=LEFT, fill=INPUT_FILL)
        put(ws, f"{last}{row}", hint, font=NOTE_FONT)
        cell = f"D{row}"
        ws[cell].protection = UNLOCKED
        define(wb, name, ws, cell)
        if name == names.PRIOR_TITLE:
            title_list.add(cell)
        if name == names.PRIOR_YEAR:
            year_rule.add(cell)
        if name == names.FILL_STAGE:
            stage_list.add(cell)

    row += 2
    merge(ws, f"A{row}:{last}{row}", "二、基础数据（计分依据）", font=HEAD_FONT, align=LEFT, fill=HEAD_FILL)
    row += 1
    heads = ["序号", "用于评分项", "基础数据", "单位", *[s.label for s in stages], "计算说明（来源台账、行号）"]
    for n, head in enumerate(heads):
        put(ws, f"{get_column_letter(n + 1)}{row}", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    ws.freeze_panes = f"E{row + 1}"
    users: dict[str, list[str]] = {f: [] for f in ruleset.facts}
    for item in ruleset.items:
        for f in item_facts(item, ruleset):
            users[f].append(item.id)
    for gate in ruleset.gates:
        for f in gate.require.facts(ruleset.rates):
            if "门槛" not in users[f]:
                users[f].append("门槛")
    rules = {
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="请填写人数", error="这里只能填非负整数（人数、户数或件数）"),
        "flag": DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                               errorTitle="请选择", error="请从下拉列表选择“是”或“否”"),
        "percent": DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
                                  showErrorMessage=True, errorTitle="请填写百分比", error="请填写 0%～100% 之间的百分比"),
    }
    for n, fact in enumerate(ruleset.facts.values(), start=1):
        row += 1
        put(ws, f"A{row}", n, align=CENTER)
        put(ws, f"B{row}", "、".join(users[fact.id]), align=CENTER)
        put(ws, f"C{row}", fact.label + (f"（{fact.help}）" if fact.help else ""))
        put(ws, f"D{row}", fact.unit or ("是/否" if fact.type == "flag" else ""), align=CENTER)
        for k, stage in enumerate(stages):
            cell = f"{get_column_letter(5 + k)}{row}"
            put(ws, cell, None, font=INPUT_FONT, align=CENTER, fill=INPUT_FILL).protection = UNLOCKED
            if fact.type == "percent":
                ws[cell].number_format = "0.0%"
            dv = DataValidation(**{k2: getattr(rules[fact.type], k2) for k2 in
                                   ("type", "operator", "formula1", "formula2", "allow_blank", "showErrorMessage",
                                    "errorTitle", "error")},
                                promptTitle=f"{stage.label}：{fact.unit or '填写'}"[:32],
                                prompt=(FACT_HELP[fact.type] + (fact.help or ""))[:255])
            dv.add(cell)
            ws.add_data_validation(dv)
            define(wb, names.fact(stage.id, fact.id), ws, cell)
        put(ws, f"{last}{row}", None, font=NOTE_FONT, align=TOP_LEFT).protection = UNLOCKED
        define(wb, names.note(fact.id), ws, f"{last}{row}")
        ws.row_dimensions[row].height = row_height([(ws[f"C{row}"].value, widths["C"])])

    if ruleset.rates:
        row += 2
        merge(ws, f"A{row}:{last}{row}", "三、比率（由上面的人数自动推算）", font=HEAD_FONT, align=LEFT, fill=HEAD_FILL)
        for n, r in enumerate(ruleset.rates.values(), start=1):
            row += 1
            put(ws, f"A{row}", n, align=CENTER)
            merge(ws, f"B{row}:D{row}", f"{r.label} = {ruleset.facts[r.numerator].label} ÷ {ruleset.facts[r.denominator].label}")
            ws.row_dimensions[row].height = row_height([(ws[f"B{row}"].value, 70)])
            for k, stage in enumerate(stages):
                cell = f"{get_column_letter(5 + k)}{row}"
                name = names.rate(stage.id, r.id)
                put(ws, cell, formulas.rate_formula(ruleset, stage.id, r.id), align=CENTER, fill=FORMULA_FILL)
                ws[cell].number_format = "0.00%"
                define(wb, name, ws, cell)
            put(ws, f"{last}{row}", "分母为0时显示“—”" if n == 1 else None, font=NOTE_FONT)
    page_setup(ws, landscape=False, title_rows=None, area=f"A1:{last}{row}")
    protect(ws)


# ---------------------------------------------------------------- 考评表
def _score_sheet(wb: Workbook, ruleset: RuleSet) -> None:
    ws = wb.active
    ws.title = ASSESSMENT
    stages = ruleset.stages
    n = len(stages)
    score_col = {s.id: get_column_letter(7 + k) for k, s in enumerate(stages)}
    reason_col = {s.id: get_column_letter(7 + n + k) for k, s in enumerate(stages)}
    last_official = get_column_letter(6 + n)
    last = get_column_letter(6 + 2 * n)
    widths = {"A": 5, "B": 12, "C": 40, "D": 6, "E": 6, "F": 40}
    widths.update({c: 9 for c in score_col.values()})
    widths.update({c: 30 for c in reason_col.values()})
    for col, w in widths.items():
        ws.column_dimensions[col].width = w

    merge(ws, f"A1:{last_official}1", ruleset.name, font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 36
    top = 2
    if ruleset.provisional:
        merge(ws, f"A2:{last_official}2", f"【注意】{ruleset.provisional}", font=WARN_FONT, align=CENTER, border=False)
        ws.row_dimensions[2].height = row_height([(ruleset.provisional, 150)])
        top = 3
    merge(ws, f"A{top}:{last_official}{top}", formulas.unit_line_formula(), font=BODY_FONT, align=LEFT, border=False)
    define(wb, names.UNIT_LINE, ws, f"A{top}")
    ws.row_dimensions[top].height = 22
    h1, h2 = top + 1, top + 2

    for col, head in (("A", "序号"), ("B", "项目"), ("C", "考核内容"), ("F", "评分标准")):
        merge(ws, f"{col}{h1}:{col}{h2}", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    merge(ws, f"D{h1}:E{h2}", "标准分", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    first_score, first_reason = score_col[stages[0].id], reason_col[stages[0].id]
    if n > 1:
        merge(ws, f"{first_score}{h1}:{last_official}{h1}", "考评成绩", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
        merge(ws, f"{first_reason}{h1}:{last}{h1}", "扣分说明（由 fullemp 打分时填写）", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    else:
        put(ws, f"{first_score}{h1}", "考评成绩", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
        put(ws, f"{first_reason}{h1}", "扣分说明", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    for s in stages:
        put(ws, f"{score_col[s.id]}{h2}", s.label, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
        put(ws, f"{reason_col[s.id]}{h2}", s.label, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)

    row = h2 + 1
    for section in ruleset.sections:
        top = row
        for item in section.items:
            put(ws, f"C{row}", item.content, align=LEFT)
            put(ws, f"E{row}", int(item.points) if item.points.denominator == 1 else float(item.points), align=CENTER)
            put(ws, f"F{row}", item.criteria, align=LEFT)
            for s in stages:
                put(ws, f"{score_col[s.id]}{row}", formulas.item_formula(ruleset, s.id, item), align=CENTER, fill=FORMULA_FILL)
                define(wb, names.score(s.id, item), ws, f"{score_col[s.id]}{row}")
                put(ws, f"{reason_col[s.id]}{row}", None, font=NOTE_FONT, align=TOP_LEFT).protection = UNLOCKED
                define(wb, names.reason(s.id, item), ws, f"{reason_col[s.id]}{row}")
            ws.row_dimensions[row].height = row_height([(item.content, widths["C"]), (item.criteria, widths["F"])])
            row += 1
        points = int(section.points) if section.points.denominator == 1 else float(section.points)
        for col, value in (("A", section.id), ("B", section.title), ("D", points)):
            ref = f"{col}{top}:{col}{row - 1}"
            if row - 1 > top:
                merge(ws, ref, value, align=CENTER)
            else:
                put(ws, f"{col}{top}", value, align=CENTER)
    total = int(ruleset.total) if ruleset.total.denominator == 1 else float(ruleset.total)
    merge(ws, f"A{row}:C{row}", "合计", font=HEAD_FONT, align=CENTER)
    put(ws, f"D{row}", total, font=HEAD_FONT, align=CENTER)
    put(ws, f"E{row}", total, font=HEAD_FONT, align=CENTER)
    put(ws, f"F{row}", None)
    for s in stages:
        put(ws, f"{score_col[s.id]}{row}", formulas.total_formula(ruleset, s.id), font=HEAD_FONT, align=CENTER,
            fill=FORMULA_FILL)
        define(wb, names.total(s.id), ws, f"{score_col[s.id]}{row}")
        put(ws, f"{reason_col[s.id]}{row}", None)
    ws.row_dimensions[row].height = 24

    row += 2
    merge(ws, f"A{row}:{last_official}{row}", "得分汇总与认定结论（公式自动计算）", font=HEAD_FONT, align=LEFT, fill=HEAD_FILL)
    for section in ruleset.sections:
        row += 1
        points = int(section.points) if section.points.denominator == 1 else float(section.points)
        merge(ws, f"A{row}:F{row}", f"{section.id}. {section.title}（{points}分）小计", align=LEFT)
        for s in stages:
            put(ws, f"{score_col[s.id]}{row}", formulas.section_formula(ruleset, s.id, section), align=CENTER,
                fill=FORMULA_FILL)
            define(wb, names.section(s.id, section), ws, f"{score_col[s.id]}{row}")
    rows = [("平台建设基本条件（不符合的不能参与认定）", names.gate, formulas.gate_formula),
            ("认定结论", names.level, formulas.level_formula)]
    for label, name_of, formula_of in rows:
        row += 1
        merge(ws, f"A{row}:F{row}", label, align=LEFT)
        for s in stages:
            put(ws, f"{score_col[s.id]}{row}", formula_of(ruleset, s.id), align=CENTER, fill=FORMULA_FILL)
            define(wb, name_of(s.id), ws, f"{score_col[s.id]}{row}")
        ws.row_dimensions[row].height = 30
    for s in stages:  # the engine writes the reason here: a full-width row per stage
        row += 1
        merge(ws, f"A{row}:B{row}", f"认定意见（{s.label}）", align=LEFT)
        merge(ws, f"C{row}:{last_official}{row}", None, font=BODY_FONT, align=TOP_LEFT)
        ws[f"C{row}"].protection = UNLOCKED
        define(wb, names.opinion(s.id), ws, f"C{row}")
        ws.row_dimensions[row].height = 36
    row += 2
    note = (f"本表按规则集 {ruleset.id}（{ruleset.version}）生成，依据：{ruleset.source}。"
            f"分数由“{DATA_SHEET}”工作表中的数据按评分标准自动计算，无需手工填写。")
    if ruleset.levels.reading:
        note += f"认定口径：{ruleset.levels.reading}"
    merge(ws, f"A{row}:{last_official}{row}", note, font=NOTE_FONT, align=LEFT, border=False)
    ws.row_dimensions[row].height = row_height([(note, 120)])
    ws.freeze_panes = f"A{h2 + 1}"
    page_setup(ws, landscape=True, title_rows=f"{h1}:{h2}", area=f"A1:{last_official}{row}")
    protect(ws)


def build_assessment(ruleset: RuleSet) -> Workbook:
    wb = Workbook()
    _score_sheet(wb, ruleset)
    _data_sheet(wb, ruleset)
    write_meta(wb, ruleset, ASSESSMENT)
    wb.active = 0
    return wb


# ---------------------------------------------------------------- 申报表
def build_declaration(ruleset: RuleSet) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = DECLARATION
    for col, w in {"A": 22, "B": 30, "C": 22, "D": 22}.items():
        ws.column_dimensions[col].width = w
    merge(ws, "A1:D1", ruleset.declaration, font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 40
    row = 2
    identity = [(names.COUNTY, "县（区）"), (names.STREET, "街道（乡镇）")]
    for name, label in identity:
        put(ws, f"A{row}", label, font=HEAD_FONT, align=CENTER)
        merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=LEFT, fill=INPUT_FILL)
        ws[f"B{row}"].protection = UNLOCKED
        define(wb, name, ws, f"B{row}")
        ws.row_dimensions[row].height = 24
        row += 1
    put(ws, f"A{row}", "社区名称", font=HEAD_FONT, align=CENTER)
    merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=LEFT, fill=INPUT_FILL)
    ws[f"B{row}"].protection = UNLOCKED
    define(wb, names.COMMUNITY, ws, f"B{row}")
    ws.row_dimensions[row].height = 24
    row += 1
    for name in ("fe_basic_info", "fe_work_info"):
        put(ws, f"A{row}", names.DECLARATION_FIELDS[name], font=HEAD_FONT, align=CENTER)
        merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=TOP_LEFT, fill=INPUT_FILL)
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
        merge(ws, f"B{row}:D{row}", None, font=INPUT_FONT, align=TOP_LEFT, fill=INPUT_FILL)
        ws[f"B{row}"].protection = UNLOCKED
        define(wb, f"fe_opinion_{who}", ws, f"B{row}")
        ws.row_dimensions[row].height = 80
        row += 1
        put(ws, f"A{row}", None)
        put(ws, f"B{row}", "（盖章）", align=CENTER)
        put(ws, f"C{row}", "日期：", align=CENTER)
        put(ws, f"D{row}", None, font=INPUT_FONT, align=CENTER, fill=INPUT_FILL).protection = UNLOCKED
        ws[f"D{row}"].number_format = 'yyyy"年"m"月"d"日"'
        date_rule.add(f"D{row}")
        define(wb, f"fe_date_{who}", ws, f"D{row}")
        ws.row_dimensions[row].height = 24
        row += 1
    row += 1
    merge(ws, f"A{row}:D{row}", "以下为汇总用信息（不属于正式申报内容，打印时可不打印）", font=NOTE_FONT, align=LEFT, border=False)
    row += 1
    titles = DataValidation(type="list", formula1='"' + ",".join((NO_TITLE, *ruleset.levels.titles)) + '"',
                            allow_blank=True, showErrorMessage=True, error="请从下拉列表选择")
    years = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True,
                           showErrorMessage=True, error="请填写四位年份，如 2021")
    ws.add_data_validation(titles)
    ws.add_data_validation(years)
    print_end = row - 2
    for name, label, dv in ((names.PRIOR_TITLE, "原有充分就业社区称号", titles), (names.PRIOR_YEAR, "取得原有称号的年份", years)):
        put(ws, f"A{row}", label, font=HEAD_FONT, align=CENTER)
        put(ws, f"B{row}", None, font=INPUT_FONT, align=LEFT, fill=INPUT_FILL).protection = UNLOCKED
        dv.add(f"B{row}")
        define(wb, name, ws, f"B{row}")
        row += 1
    page_setup(ws, landscape=False, title_rows=None, area=f"A1:D{print_end}")
    protect(ws)
    if ruleset.monitor is not None:
        _monitor_sheet(wb, ruleset.monitor)
    write_meta(wb, ruleset, DECLARATION)
    wb.active = 0
    return wb


def _monitor_sheet(wb: Workbook, monitor) -> None:
    """12 months of 从业人员数 / 失业人员数 with the rate and 达标 computed by formulas."""
    from ..monitor import formulas_for

    ws = wb.create_sheet(names.MONITOR_SHEET)
    for col, w in {"A": 8, "B": 14, "C": 14, "D": 16, "E": 12, "F": 14}.items():
        ws.column_dimensions[col].width = w
    pct = formulas.excel_number(monitor.percent)
    merge(ws, "A1:F1", f"{monitor.label}按月监测表", font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 36
    merge(ws, "A2:F2", monitor.reading or f"{monitor.label}＝{monitor.employed_label}÷（{monitor.employed_label}＋{monitor.unemployed_label}）×100%",
          font=NOTE_FONT, align=LEFT, border=False)
    ws.row_dimensions[2].height = 30
    heads = ["月份", monitor.employed_label, monitor.unemployed_label, "经济活动人口", monitor.label, f"是否达到{pct}%"]
    for k, head in enumerate(heads):
        put(ws, f"{get_column_letter(k + 1)}4", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
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
            put(ws, f"{col}{row}", None, font=INPUT_FONT, align=CENTER, fill=INPUT_FILL).protection = UNLOCKED
            rule.add(f"{col}{row}")
            define(wb, names.monitor(kind, month), ws, f"{col}{row}")
        for col, kind, fmt in (("D", "total", "0"), ("E", "rate", "0.00%"), ("F", "ok", "@")):
            name = names.monitor(kind, month)
            put(ws, f"{col}{row}", cells[name], align=CENTER, fill=FORMULA_FILL).number_format = fmt
            define(wb, name, ws, f"{col}{row}")
    last = 4 + monitor.months
    put(ws, f"A{last + 1}", "未达标月数", font=HEAD_FONT, align=CENTER)
    merge(ws, f"B{last + 1}:F{last + 1}", Formula(f'=COUNTIF(F5:F{last},"否")'), align=LEFT)
    page_setup(ws, landscape=False, title_rows="4:4", area=f"A1:F{last + 1}")
    protect(ws)


def build_templates(ruleset: RuleSet, out_dir: Path) -> list[Path]:
    """Write 考评表, 申报表, 社区名册 and (for rule sets with a [ledger]) 台账 into out_dir."""
    from ..safe_io import save_atomically

    from .build_lists import LEDGER, REGISTRY, build_ledger, build_registry

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    forms = [(ASSESSMENT, build_assessment), (DECLARATION, build_declaration), (REGISTRY, build_registry)]
    if ruleset.ledger is not None:
        forms.append((LEDGER, build_ledger))
    for form, build in forms:
        path = out_dir / f"{form}.xlsx"
        save_atomically(build(ruleset), path, backup=False)
        written.append(path)
    return written
