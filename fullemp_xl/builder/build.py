"""Build the 考评表 and 申报表 workbooks from a rule set.

Every field gets a workbook-scoped defined name (forms.names); formulas come from `formulas`.
The same spec is what the readers use, so a template and its reader cannot drift apart. Every
printable sheet gets its page setup from `layout`: A4, fit to width, titles repeated, page numbers,
and page breaks between the items of the 考评表 (a section may go on over a page, its 序号, 项目 and
标准分 printed again on the next; an item never does).
"""
from __future__ import annotations

from itertools import pairwise

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..engine import formulas
from ..ooxml.a1 import column_letter, split_ref
from ..writing.text import Formula, put_text
from ..core.model import RuleSet
from ..engine.limits import require_within_limits
from ..engine.scoring import item_facts
from ..forms import names
from .layout import lines_height, page_setup, paginate, text_height
from .style import (
    WARN_FONT, BODY_FONT, BOX, CENTER, HEAD_FILL, HEAD_FONT, INPUT_FONT, LEFT, NOTE_FONT, TITLE_FONT, TOP_LEFT,
    UNLOCKED,
)

from ..forms.names import ASSESSMENT, DECLARATION, NO_TITLE  # noqa: E402,F401  (re-exported)

DATA_SHEET = names.DATA_SHEET
FACT_HELP = {
    "count": "请填写非负整数（人数、户数或件数），不要填比率。",
    "flag": "请从下拉列表选择“是”或“否”。",
    "percent": "请填写百分比，如 92%。",
}
OPINION_LINES = 3  # the 认定意见 box as built; `score --write` makes it taller when the reasons need it


def define(wb: Workbook, name: str, ws: Worksheet, cell: str) -> None:
    row, col = split_ref(cell)
    quoted = ws.title.replace("'", "''")
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{quoted}'!${column_letter(col)}${row}")


def put(ws: Worksheet, cell: str, value=None, *, font=BODY_FONT, align=LEFT, fill=None, border=True):
    c = ws[cell]
    if isinstance(value, Formula):
        c.value = value
    else:
        put_text(c, value)  # text (rule-set labels) always stays text; only a Formula is a formula
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
        "fe_meta_ruleset_digest": ruleset.digest,
        names.CODE: "",  # stamped per community by `fill --registry`
    }
    ws["A1"], ws["B1"] = "fullemp-xl 表单信息（请勿修改）", None
    for row, (name, value) in enumerate(values.items(), start=2):
        ws.cell(row, 1, names.META[name])
        put_text(ws.cell(row, 2), value)  # a rule set's id and version are outside data too
        define(wb, name, ws, f"B{row}")
    ws.sheet_state = "hidden"
    protect(ws)


def _points(value):
    return int(value) if value.denominator == 1 else float(value)


def _fit(ws: Worksheet, row: int, *texts, font_pt: float = 10, minimum: float = 20) -> None:
    """Row height for the widest of (text, width) pairs."""
    ws.row_dimensions[row].height = text_height(texts, font_pt, minimum=minimum)


# ---------------------------------------------------------------- 基础数据
def _data_sheet(wb: Workbook, ruleset: RuleSet) -> None:
    ws = wb.create_sheet(DATA_SHEET)
    stages = ruleset.stages
    last = column_letter(4 + len(stages) + 1)
    widths = {"A": 5, "B": 12, "C": 42, "D": 6}
    for n, stage in enumerate(stages):
        widths[column_letter(5 + n)] = 9
    widths[last] = 32
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    full = sum(widths.values())
    merge(ws, f"A1:{last}1", f"{ruleset.name}——基础数据", font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 34
    stage_words = "、".join(f"“{s.label}”" for s in stages)
    note = (f"填写说明：每项基础数据在{stage_words}列各填一次（社区填“{stages[0].label}”，县区核查后填后面各列）。"
            "人数填非负整数，是/否项从下拉列表选择；比率由人数自动推算，请勿直接填比率。"
            f"只有{stage_words}列和单位信息可以填写（选中时有提示），其余由公式计算。")
    merge(ws, f"A2:{last}2", note, font=NOTE_FONT, align=LEFT, border=False)
    _fit(ws, 2, (note, full), font_pt=9)

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
        value_ref = f"D{row}:{column_letter(4 + len(stages))}{row}"
        merge(ws, value_ref, None, font=INPUT_FONT, align=LEFT)
        put(ws, f"{last}{row}", hint, font=NOTE_FONT)
        _fit(ws, row, (hint, widths[last]), font_pt=9)
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
        put(ws, f"{column_letter(n + 1)}{row}", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    _fit(ws, row, *[(h, widths[column_letter(n + 1)]) for n, h in enumerate(heads)], font_pt=11)
    header_row = row
    ws.freeze_panes = f"E{row + 1}"
    users: dict[str, list[str]] = {f: [] for f in ruleset.facts}
    for item in ruleset.items:
        for f in item_facts(item, ruleset):
            users[f].append(item.shown)
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
            cell = f"{column_letter(5 + k)}{row}"
            put(ws, cell, None, font=INPUT_FONT, align=CENTER).protection = UNLOCKED
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
        _fit(ws, row, (ws[f"C{row}"].value, widths["C"]), (ws[f"B{row}"].value, widths["B"]))

    if ruleset.rates:
        row += 2
        merge(ws, f"A{row}:{last}{row}", "三、比率（由上面的人数自动推算）", font=HEAD_FONT, align=LEFT, fill=HEAD_FILL)
        for n, r in enumerate(ruleset.rates.values(), start=1):
            row += 1
            put(ws, f"A{row}", n, align=CENTER)
            text = f"{r.label} = {ruleset.facts[r.numerator].label} ÷ {ruleset.facts[r.denominator].label}"
            merge(ws, f"B{row}:D{row}", text)
            _fit(ws, row, (text, widths["B"] + widths["C"] + widths["D"]))
            for k, stage in enumerate(stages):
                cell = f"{column_letter(5 + k)}{row}"
                put(ws, cell, formulas.rate_formula(ruleset, stage.id, r.id), align=CENTER)
                ws[cell].number_format = "0.00%"
                define(wb, names.rate(stage.id, r.id), ws, cell)
            hint = "分母为0时显示“—”" if n == 1 else ("可以超过100%（超额完成）" if r.may_exceed else None)
            put(ws, f"{last}{row}", hint, font=NOTE_FONT)
    page_setup(ws, landscape=True, area=f"A1:{last}{row}", title_rows=f"{header_row}:{header_row}")
    protect(ws)


# ---------------------------------------------------------------- 考评表
def _score_sheet(wb: Workbook, ruleset: RuleSet):
    """The 考评表; returns what `_label_sections` needs once the page breaks are known."""
    ws = wb.active
    ws.title = ASSESSMENT
    stages = ruleset.stages
    n = len(stages)
    score_col = {s.id: column_letter(7 + k) for k, s in enumerate(stages)}
    reason_col = {s.id: column_letter(7 + n + k) for k, s in enumerate(stages)}
    last = column_letter(6 + n)  # the official table; the 扣分说明 columns beside it are not printed
    widths = {"A": 5, "B": 10, "C": 40, "D": 5, "E": 5, "F": 40}
    widths.update({c: 8 for c in score_col.values()})
    widths.update({c: 30 for c in reason_col.values()})
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    full = sum(widths[column_letter(k)] for k in range(1, 7 + n))

    merge(ws, f"A1:{last}1", ruleset.name, font=TITLE_FONT, align=CENTER, border=False)
    ws.row_dimensions[1].height = 36
    top = 2
    if ruleset.provisional:
        merge(ws, f"A2:{last}2", f"【注意】{ruleset.provisional}", font=WARN_FONT, align=CENTER, border=False)
        _fit(ws, 2, (f"【注意】{ruleset.provisional}", full), font_pt=11)
        top = 3
    merge(ws, f"A{top}:{last}{top}", formulas.unit_line_formula(), font=BODY_FONT, align=LEFT, border=False)
    define(wb, names.UNIT_LINE, ws, f"A{top}")
    ws.row_dimensions[top].height = 22
    h1, h2 = top + 1, top + 2

    for col, head in (("A", "序号"), ("B", "项目"), ("C", "考核内容"), ("F", "评分标准")):
        merge(ws, f"{col}{h1}:{col}{h2}", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    merge(ws, f"D{h1}:E{h2}", "标准分", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    first_score, first_reason = score_col[stages[0].id], reason_col[stages[0].id]
    reasons = "扣分、未加分说明" if ruleset.bonus_sections else "扣分说明"  # a bonus not given is not a deduction
    for first, end, head in ((first_score, last, "考评成绩"), (first_reason, reason_col[stages[-1].id], reasons)):
        if n > 1:
            merge(ws, f"{first}{h1}:{end}{h1}", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
        else:
            put(ws, f"{first}{h1}", head, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    for s in stages:
        put(ws, f"{score_col[s.id]}{h2}", s.label, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
        put(ws, f"{reason_col[s.id]}{h2}", s.label, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)
    _fit(ws, h2, *[(s.label, widths[score_col[s.id]]) for s in stages], font_pt=11)

    row = h2 + 1
    spans: list = []
    extras = [s for s in ruleset.printed_sections if s.role != "score"]
    for section in ruleset.scored_sections:
        row = _section_rows(wb, ws, ruleset, section, row, score_col, reason_col, widths, spans)
    total = _points(ruleset.total)
    if extras:  # 基础得分, then 加分项 and 扣分项, then 总得分 (= 基础得分 + 加分 − 扣分)
        _total_row(wb, ws, ruleset, row, "基础得分", total, names.base, formulas.base_formula, score_col, reason_col)
        for section in extras:
            row = _section_rows(wb, ws, ruleset, section, row + 1, score_col, reason_col, widths, spans) - 1
        row += 1
        label = "总得分（基础得分" + ("＋加分" if ruleset.bonus_sections else "") + ("－扣分" if ruleset.penalty_sections else "") + "）"
        _total_row(wb, ws, ruleset, row, label, None, names.total, formulas.total_formula, score_col, reason_col)
        _fit(ws, row, (label, widths["A"] + widths["B"] + widths["C"]), font_pt=11, minimum=24)
    else:
        _total_row(wb, ws, ruleset, row, "合计", total, names.total, formulas.total_formula, score_col, reason_col)

    row = _summary(wb, ws, ruleset, row + 1, score_col, last, full)
    note = (f"本表按规则集 {ruleset.id}（{ruleset.version}）生成，依据：{ruleset.source}。"
            f"分数由“{DATA_SHEET}”工作表中的数据按评分标准自动计算，无需手工填写；"
            "右侧“扣分说明”各栏和认定意见由 fullemp 打分时填写，扣分理由列在认定意见中打印。本行不在打印范围内。")
    if ruleset.levels.reading:
        note += f"认定口径：{ruleset.levels.reading}"
    merge(ws, f"A{row + 2}:{last}{row + 2}", note, font=NOTE_FONT, align=LEFT, border=False)
    _fit(ws, row + 2, (note, full), font_pt=9)
    ws.freeze_panes = f"A{h2 + 1}"
    page_setup(ws, landscape=True, area=f"A1:{last}{row}", title_rows=f"{h1}:{h2}")
    protect(ws)
    return spans, widths


def _points_shown(section_or_item):
    """标准分 as printed: a 扣分项 has none ("—"), unless it has a cap (最多扣N分)."""
    if section_or_item.role == "penalty" and section_or_item.cap is None:
        return "—"
    return _points(section_or_item.points)


def _section_rows(wb, ws, ruleset, section, row, score_col, reason_col, widths, spans) -> int:
    """The rows of one section of the table (its span goes into `spans`); returns the row after them."""
    top = row
    for item in section.items:
        put(ws, f"C{row}", item.printed_content, align=LEFT)  # （一）有…: the item's own 序号 when given
        put(ws, f"E{row}", _points_shown(item), align=CENTER)
        put(ws, f"F{row}", item.criteria, align=LEFT)
        for s in ruleset.stages:
            put(ws, f"{score_col[s.id]}{row}", formulas.item_formula(ruleset, s.id, item), align=CENTER)
            define(wb, names.score(s.id, item), ws, f"{score_col[s.id]}{row}")
            put(ws, f"{reason_col[s.id]}{row}", None, font=NOTE_FONT, align=TOP_LEFT).protection = UNLOCKED
            define(wb, names.reason(s.id, item), ws, f"{reason_col[s.id]}{row}")
        title = section.title if len(section.items) == 1 else ""  # a merged 项目 spreads over its items
        _fit(ws, row, (item.printed_content, widths["C"]), (item.criteria, widths["F"]), (title, widths["B"]))
        row += 1
    spans.append((section, top, row - 1))  # its 序号, 项目 and 标准分 are put once the page breaks are known
    return row


def _label_sections(ws: Worksheet, spans, widths) -> None:
    """序号, 项目 and 标准分 of each section, merged over its items on each page it prints on: a section
    that goes on over a page break is labelled again (项目 with “（续）”) at the top of the next page, so
    no merged cell is cut by a break."""
    starts = sorted(b.id + 1 for b in ws.row_breaks.brk)
    for section, top, bottom in spans:
        cuts = [top, *(r for r in starts if top < r <= bottom), bottom + 1]
        for k, (first, end) in enumerate(pairwise(cuts)):
            title = section.title if k == 0 else f"{section.title}（续）"
            for col, value in (("A", section.shown), ("B", title), ("D", _points_shown(section))):
                if end - 1 > first:
                    merge(ws, f"{col}{first}:{col}{end - 1}", value, align=CENTER)
                else:
                    put(ws, f"{col}{first}", value, align=CENTER)
            if end - 1 == first:  # one row shows the whole 项目 (the first pass sized it for its item only)
                needed = text_height([(title, widths["B"])])
                ws.row_dimensions[first].height = max(ws.row_dimensions[first].height or 0, needed)


def _total_row(wb, ws, ruleset, row, label, points, name_of, formula_of, score_col, reason_col) -> None:
    """合计 (or 基础得分, 总得分): the label, the 标准分 and a formula per stage."""
    merge(ws, f"A{row}:C{row}", label, font=HEAD_FONT, align=CENTER)
    put(ws, f"D{row}", points, font=HEAD_FONT, align=CENTER)
    put(ws, f"E{row}", points, font=HEAD_FONT, align=CENTER)
    put(ws, f"F{row}", None)
    for s in ruleset.stages:
        put(ws, f"{score_col[s.id]}{row}", formula_of(ruleset, s.id), font=HEAD_FONT, align=CENTER)
        define(wb, name_of(s.id), ws, f"{score_col[s.id]}{row}")
        put(ws, f"{reason_col[s.id]}{row}", None)
    ws.row_dimensions[row].height = 24


def _summary(wb: Workbook, ws: Worksheet, ruleset: RuleSet, row: int, score_col: dict, last: str, full: float) -> int:
    """得分汇总与认定结论 under the table: subtotals per stage column, then per stage the gates, the
    decision and the 认定意见 (with every reason for lost points) on rows of their own. Returns the last row."""
    stages = ruleset.stages
    merge(ws, f"A{row}:{last}{row}", "得分汇总与认定结论（公式自动计算）", font=HEAD_FONT, align=LEFT, fill=HEAD_FILL)
    for section in ruleset.printed_sections:
        row += 1
        merge(ws, f"A{row}:F{row}", f"{section.caption}小计", align=LEFT)
        for s in stages:
            put(ws, f"{score_col[s.id]}{row}", formulas.section_formula(ruleset, s.id, section), align=CENTER)
            define(wb, names.section(s.id, section), ws, f"{score_col[s.id]}{row}")
    policy = ruleset.levels
    label_width, value_width = 55, full - 55  # label A:C, value D:…
    rows = []
    if ruleset.gates:
        label = f"{policy.gates_label}（不符合的不能参与认定）" if policy.requires_gates else policy.gates_label
        rows.append((label, names.gate, formulas.gate_formula, formulas.FAIL))
    longest = max([policy.none_label, policy.revoked_label, *policy.titles], key=len)
    rows.append(("认定结论", names.level, formulas.level_formula, longest))
    for label, name_of, formula_of, widest in rows:
        for s in stages:
            row += 1
            text = f"{label}（{s.label}）" if len(stages) > 1 else label
            merge(ws, f"A{row}:C{row}", text, align=LEFT)
            merge(ws, f"D{row}:{last}{row}", formula_of(ruleset, s.id), font=BODY_FONT, align=LEFT)
            define(wb, name_of(s.id), ws, f"D{row}")
            _fit(ws, row, (text, label_width), (widest, value_width))
    for s in stages:  # the engine writes the opinion here; writers make the row taller when it needs more
        row += 1
        merge(ws, f"A{row}:B{row}", f"认定意见（{s.label}）", align=LEFT)
        merge(ws, f"C{row}:{last}{row}", None, font=BODY_FONT, align=TOP_LEFT)
        ws[f"C{row}"].protection = UNLOCKED
        define(wb, names.opinion(s.id), ws, f"C{row}")
        ws.row_dimensions[row].height = lines_height(OPINION_LINES)
    return row


def build_assessment(ruleset: RuleSet) -> Workbook:
    require_within_limits(ruleset)
    wb = Workbook()
    spans, widths = _score_sheet(wb, ruleset)
    _data_sheet(wb, ruleset)
    paginate(wb, ruleset)  # breaks between items, the sections not yet merged
    _label_sections(wb[ASSESSMENT], spans, widths)
    paginate(wb, ruleset)  # the same breaks, unless a one-row piece had to grow for its 项目
    write_meta(wb, ruleset, ASSESSMENT)
    wb.active = 0
    return wb
