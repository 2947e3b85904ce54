"""Write the summary workbook (汇总表.xlsx), streaming: memory stays flat however many communities.

Every value copied from a submission is written as text or a number, never as a formula (a
community named "=HYPERLINK(…)" stays visible text). The only formulas are ours: the 分县统计
counts that follow the officials' decision columns, and totals.
"""
from __future__ import annotations

import os
import tempfile
from copy import copy
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break

from ..core.model import SEVERITY_LABEL, RuleSet, score_label
from ..ooxml.a1 import column_letter
from ..rules.kinds import excel_number
from ..rules.policies import coverage_target
from ..writing.text import FORMULA_START as DANGEROUS  # the one safe-text rule (writing.text)
from . import columns as C
from .fastrows import FastRows, Spill, splice
from .check import row_problems
from .model import ProblemLine, RegistryEntry, SummaryRow
from .stats import CountyStats, score_bins
from .status import standing
from .timeline import HEADS

SCHEMA_VERSION = "1"
FORM = "汇总表"
META_SHEET = "fe_meta"
SHEETS = {"summary": "汇总", "proposed": "拟认定名单", "counties": "分县统计", "problems": "问题清单",
          "duplicates": "重复提交", "missing": "未提交", "outside": "名单外", "unmatched": "未对应的决定",
          "log": "变更记录", "published": "发布记录"}
SNAPSHOT_SHEET = "fe_decisions"  # hidden: the officials' entries as this run wrote them (the next run's 变更记录)
OPTIONAL = ("missing", "outside")  # only with a registry
TITLE_ROW, INFO_ROW, HEAD_ROW = 1, 2, 3
FIRST_ROW = HEAD_ROW + 1

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FONT = Font(name="黑体", size=10, bold=True)
BODY_FONT = Font(name="宋体", size=10)
TITLE_FONT = Font(name="方正小标宋简体", size=16)
NOTE_FONT = Font(name="宋体", size=9, color="595959")
LINK_FONT = Font(name="宋体", size=10, color="0563C1", underline="single")
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
OFFICIAL_FILL = PatternFill("solid", fgColor="FFF9E5")
WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class Duplicate:
    county: str
    street: str
    community: str
    kept: str
    dropped: str
    why: str


@dataclass(frozen=True)
class LogLine:
    """One line of the 变更记录: an official entry that changed between two runs."""

    found: str  # the run that noticed it (生成时间)
    since: str  # the run before it: the change was typed in between
    county: str
    street: str
    community: str
    column: str  # the column's header
    old: str
    new: str


LOG_HEADS = ["序号", "发现时间", "上次汇总时间", "县（区）", "街道（乡镇）", "社区", "列", "原内容", "新内容"]


def snapshot_key(row) -> tuple[str, str, str]:
    """How the hidden snapshot names a row: exactly as the row was written."""
    return row.county, row.street, row.community


@dataclass
class SummaryInput:
    """Everything the workbook shows. `rows()` gives the communities in order (read once, so they can stream
    from a store on disk; what the later 拟认定名单 needs of them is spilled to disk on the way)."""

    ruleset: RuleSet
    year: int
    generated: str  # 生成时间: the one run-dependent cell
    rows: Callable[[], Iterable[SummaryRow]]
    findings: Iterable[ProblemLine] = ()
    duplicates: list[Duplicate] = field(default_factory=list)
    missing: list[RegistryEntry] | None = None  # None: no registry given
    outside: list[SummaryRow] = field(default_factory=list)
    registry_counts: dict[str, int] | None = None  # county -> communities in the registry
    unmatched: list[SummaryRow] = field(default_factory=list)  # earlier entries no community matches now
    earlier_log: list[LogLine] = field(default_factory=list)  # the 变更记录 as the previous run left it
    log: Callable[[], list[LogLine]] = list  # this run's new 变更记录 lines, asked for after the rows are written
    year_note: str = ""  # where the 评分年度 came from, when it is not certain (the clock)
    published: list = field(default_factory=list)  # summary.timeline.Published: the 发布记录, carried forward
    county: str = ""  # a county's own summary (merge --county)
    meta: dict[str, str | list[str]] = field(default_factory=dict)  # sources, registry, counts


def cell(ws, value, *, font=BODY_FONT, align=WRAP, fill=None, fmt=None, border=True):
    """A write-only cell; text is always stored as text, never parsed as a formula."""
    c = WriteOnlyCell(ws, value)
    quote = False
    if isinstance(value, str):
        c.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        quote = value.startswith(DANGEROUS)  # Excel then keeps it text even when the cell is edited
    _style(c, ws, font, align, fill, fmt, border, quote)
    return c


def formula(ws, text: str, *, fmt=None, font=BODY_FONT):
    c = WriteOnlyCell(ws, text)  # ours, never built from submitted text
    _style(c, ws, font, CENTER, None, fmt, True, False)
    return c


def _style(c, ws, font, align, fill, fmt, border, quote) -> None:
    """Give the cell its style, working out each combination once per workbook: openpyxl hashes every
    style object on every assignment, which made writing 2,000 rows take seconds."""
    cache = ws.parent.__dict__.setdefault("_fullemp_styles", {})
    key = (id(font), id(align), id(fill), fmt, border, quote)  # the style objects are module constants
    known = cache.get(key)
    if known is not None:
        c._style = copy(known)
        return
    c.font, c.alignment = font, align
    if border:
        c.border = BOX
    if fill is not None:
        c.fill = fill
    if fmt:
        c.number_format = fmt
    if quote:
        c.quotePrefix = True
    cache[key] = copy(c._style)


def _flag(value) -> str:
    return "" if value is None else ("是" if value else "否")


def _subsidy_flag(value) -> str:
    """是 / 否, or 待核实 when the registry did not say (never paid until someone fills it in)."""
    return "待核实" if value is None else ("是" if value else "否")


def _page(ws, *, title_rows: str | None, landscape: bool = True) -> None:
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.7
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def _heading(ws, title: str, info: str, heads: list[str], widths: list[float], *, official: set[int] = frozenset(),
             folds: list[tuple[str, str]] = (), span: int | None = None, repeat_head: bool = True):
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(k)].width = w
    for first, last in folds:  # folded columns: one click away on screen, not on paper
        ws.column_dimensions.group(first, last, hidden=True, outline_level=1)
    if folds:
        ws.column_dimensions.max_outline = 1  # -> sheetFormatPr outlineLevelCol: Excel shows the +/− buttons
    last = column_letter(span or len(heads))  # the title is centred over the printed columns
    ws.merged_cells.add(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.merged_cells.add(f"A{INFO_ROW}:{last}{INFO_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.row_dimensions[HEAD_ROW].height = 30
    ws.freeze_panes = f"A{FIRST_ROW}"  # write-only: everything above sheetData is set before the first row
    _page(ws, title_rows=f"{HEAD_ROW}:{HEAD_ROW}" if repeat_head else None)
    ws.append([cell(ws, title, font=TITLE_FONT, align=CENTER, border=False)])
    ws.append([cell(ws, info, font=NOTE_FONT, border=False)])
    ws.append([cell(ws, h, font=HEAD_FONT, align=CENTER, fill=OFFICIAL_FILL if k in official else HEAD_FILL)
               for k, h in enumerate(heads)])


def write_summary(data: SummaryInput, target: Path) -> dict:
    """Write the workbook to `target` (a temporary path: the caller renames it into place); returns the
    per-county statistics and counts for the text and JSON reports."""
    rs = data.ruleset
    wb = Workbook(write_only=True)
    sheets = {key: wb.create_sheet(title) for key, title in SHEETS.items()
              if key not in OPTIONAL or data.missing is not None}
    info = f"生成时间：{data.generated}　规则集：{rs.id}（{rs.version}）　评分年度：{data.year}"
    if data.year_note:
        info += "（取自电脑日期，请核对）"
    with tempfile.TemporaryDirectory(prefix="fullemp-summary-") as tmp:
        rows = FastRows(sheets["summary"], Path(tmp), _style)
        problems_rows = FastRows(sheets["problems"], Path(tmp), _style)
        proposed = Spill(Path(tmp) / "proposed.pickle")
        proposed_rows = FastRows(sheets["proposed"], Path(tmp), _style)
        stats = _summary_sheet(sheets["summary"], rows, data, info, target, proposed)
        _proposed_sheet(sheets["proposed"], proposed_rows, proposed, rs, info)
        county_table = _counties_sheet(sheets["counties"], stats, data, info)
        problems = _problems_sheet(sheets["problems"], problems_rows, data.findings, info, target)
        _duplicates_sheet(sheets["duplicates"], data.duplicates, info)
        if data.missing is not None:
            _missing_sheet(sheets["missing"], data.missing, info)
            _outside_sheet(sheets["outside"], data.outside, info, target)
        _unmatched_sheet(sheets["unmatched"], data.unmatched, data.ruleset, info)
        new_lines = data.log()
        _log_sheet(sheets["log"], data.earlier_log + new_lines, info)
        _published_sheet(sheets["published"], data.published)
        _meta_sheet(wb, data)
        _snapshot_sheet(wb, stats.snapshot + [(*snapshot_key(r), *(r.decisions.shown(c.key) for c in C.OFFICIAL))
                                              for r in data.unmatched])
        for fast in (rows, problems_rows, proposed_rows):
            fast.close()
        wb.save(target)
        splice(target, [rows, problems_rows, proposed_rows])
    return {"counties": county_table, "rows": stats.rows, "eligible": stats.eligible, "problems": problems,
            "bins": stats.bins, "changes": len(new_lines)}


# ---------------------------------------------------------------- 汇总
@dataclass
class _Totals:
    rows: int = 0
    eligible: int = 0
    counties: dict[str, CountyStats] = field(default_factory=dict)
    bins: list = field(default_factory=list)
    snapshot: list[tuple] = field(default_factory=list)  # the officials' entries as written (SNAPSHOT_SHEET)


def link_target(link: str, summary: Path) -> str:
    """A hyperlink target relative to the summary's folder (the folders move together), '/'-separated."""
    if not link:
        return ""
    return _relative(link, _folder(summary))


@lru_cache(maxsize=16)
def _folder(summary: Path) -> str:
    return str(summary.parent.resolve())


@lru_cache(maxsize=4096)  # a file's findings all link to it: worked out once per file
def _relative(link: str, folder: str) -> str:
    try:
        rel = os.path.relpath(link, folder)
    except ValueError:  # another drive on Windows
        rel = link
    return rel.replace(os.sep, "/")


def row_height(texts_and_widths, *, line_pt: float = 13, minimum: float = 16) -> float:
    """A row tall enough for its wrapped text. As builder.style.row_height, but a text's width is taken from its
    UTF-8 length (a CJK character is 3 bytes and 2 columns wide): fast enough for tens of thousands of rows."""
    lines = 1
    for text, width in texts_and_widths:
        if text:
            usable = max(int(width) - 3, 1)
            here = 0
            for part in str(text).split("\n"):
                columns = len(part) + (len(part.encode("utf-8")) - len(part)) // 2
                here += max(1, -(-columns // usable))
            lines = max(lines, here)
    return max(minimum, lines * line_pt + 6)


def _summary_sheet(ws, fast: FastRows, data: SummaryInput, info: str, target: Path, proposed: Spill) -> _Totals:
    rs = data.ruleset
    cols = C.summary_columns(rs)
    official = {k for k, c in enumerate(cols) if c.official}
    title = f"{data.county or rs.jurisdiction}充分就业社区认定汇总表（{data.year}年）"
    letters = {c.key: column_letter(k) for k, c in enumerate(cols, start=1)}
    info += "　（各项得分、表内记录的合计已折叠：点击列号上方的“+”展开）"
    folds = [(letters[a], letters[b]) for a, b in _folded(cols)]
    _heading(ws, title, info, [c.header for c in cols], [c.width for c in cols], official=official, folds=folds,
             span=C.printed_columns(rs))
    styles = []
    for col in cols:
        if col.kind in ("int", "number"):
            styles.append((fast.style(BODY_FONT, CENTER, None, "0" if col.kind == "int" else "0.##", True, False),) * 2)
        else:
            align = CENTER if col.kind in ("flag", "choice") else WRAP
            fill = OFFICIAL_FILL if col.official else None
            font = LINK_FONT if col.kind == "link" else BODY_FONT
            styles.append((fast.style(font, align, fill, None, True, False), fast.style(font, align, fill, None, True, True)))
    marked_style = {k: fast.style(BODY_FONT, CENTER, MARK_FILL, None, True, False) for k, c in enumerate(cols)
                    if c.official}
    column_of = {c.key: k for k, c in enumerate(cols)}
    marks: dict[str, list[tuple[int, str]]] = {}  # column key -> (row, note): cells summary.check finds wrong
    measured = [(c.key, c.width) for c in cols if c.kind == "text" and not c.key.startswith("item:")]
    link_col = next(k for k, c in enumerate(cols) if c.kind == "link")
    bins = score_bins(rs)
    full = float(rs.total)  # the bins' edges are floats: a float compared with a Fraction goes the slow way
    totals = _Totals(bins=[[label, 0] for label, _, _ in bins])
    row_no = FIRST_ROW - 1
    for row in data.rows():
        row_no += 1
        totals.rows += 1
        values = _row_values(row, rs, totals.rows)
        out = []
        for col, (plain, quoted) in zip(cols, styles):
            value = values.get(col.key)
            out.append((value, quoted if isinstance(value, str) and value.startswith(DANGEROUS) else plain))
        for problem in row_problems(row, rs):
            k = column_of.get(problem.column)
            if k is not None and k in marked_style:
                out[k] = (out[k][0], marked_style[k])
                marks.setdefault(problem.column, []).append((row_no, problem.message))
        height = row_height([(values.get(key), width) for key, width in measured], line_pt=13, minimum=16)
        links = {link_col: (link_target(row.link, target), "打开提交的文件")} if row.link else None
        fast.add(row_no, out, height, links)
        county = totals.counties.setdefault(row.county, CountyStats(row.county))
        county.add(row, rs)
        if row.total is not None:
            for entry, (_, low, high) in zip(totals.bins, bins):
                if low <= row.total < high or (high == full and row.total == high):
                    entry[1] += 1
        totals.eligible += bool(row.eligible)
        if row.decisions.any():
            totals.snapshot.append((*snapshot_key(row), *(row.decisions.shown(c.key) for c in C.OFFICIAL)))
        if row.eligible:
            proposed.add(_proposed_row(row, rs))
    last = max(row_no, FIRST_ROW)
    ws.auto_filter.ref = f"A{HEAD_ROW}:{column_letter(len(cols))}{last}"
    ws.print_area = f"A1:{column_letter(C.printed_columns(rs))}{last}"
    for col in cols:
        if col.kind == "choice":
            letter = letters[col.key]
            marked = {r: note for r, note in marks.get(col.key, [])}
            choices = '"' + ",".join(col.choices) + '"'
            dv = DataValidation(type="list", formula1=choices, allow_blank=True,
                                showErrorMessage=True, errorTitle=col.header, error="请从下拉列表选择",
                                promptTitle=col.header, prompt=col.prompt[:255] or None, showInputMessage=bool(col.prompt))
            for first, end in _runs_without(FIRST_ROW, last + 500, sorted(marked)):
                dv.add(f"{letter}{first}:{letter}{end}")
            ws.data_validations.append(dv)
            for r, note in marked.items():  # the note: shown when the cell is selected (Excel, WPS, LibreOffice)
                mark = DataValidation(type="list", formula1=choices, allow_blank=True, showErrorMessage=True,
                                      errorTitle=col.header, error="请从下拉列表选择", promptTitle=MARK_TITLE,
                                      prompt=note[:255], showInputMessage=True)
                mark.add(f"{letter}{r}")
                ws.data_validations.append(mark)
    _conditional(ws, rs, letters, last)
    return totals


def _runs_without(first: int, last: int, holes: list[int]) -> list[tuple[int, int]]:
    """Row ranges first..last leaving out `holes` (sorted)."""
    out, start = [], first
    for hole in holes:
        if hole > start:
            out.append((start, hole - 1))
        start = hole + 1
    if start <= last:
        out.append((start, last))
    return out


def _folded(cols: list) -> list[tuple[str, str]]:
    """Runs of adjacent columns to fold: the item scores, and each stage's recorded total."""
    runs, start, prev = [], None, None
    for col in cols:
        fold = col.key.startswith(("item:", "recorded:"))
        if fold and start is None:
            start = col.key
        if not fold and start is not None:
            runs.append((start, prev))
            start = None
        prev = col.key
    if start is not None:
        runs.append((start, prev))
    return runs


def _row_values(row: SummaryRow, rs: RuleSet, n: int) -> dict:
    d = row.decisions
    values = {
        "no": n, "county": row.county, "street": row.street, "community": row.community, "code": row.code,
        "stage_label": row.stage_label, "total": row.total, "gates": row.gates, "level": row.level,
        "eligible": _flag(row.eligible), "recommend": row.recommend, "prior_title": row.prior_title,
        "prior_year": row.prior_year, "change": row.change, "national_subsidy": _subsidy_flag(row.national_subsidy),
        "provincial_subsidy": _subsidy_flag(row.provincial_subsidy), "subsidy": row.subsidy, "errors": row.errors,
        "warnings": row.warnings, "in_registry": _flag(row.in_registry), "source": row.source,
        "declaration": row.declaration, "inspection": d.shown("inspection"), "objection": d.shown("objection"), "city_objection": d.shown("city_objection"),
        "final": d.shown("final"), "civil": d.shown("civil"), "new_name": d.new_name, "note": d.note,
    }
    for item_id, score in row.items.items():
        values[f"item:{item_id}"] = score
    for stage_id, total in row.totals.items():
        values[f"total:{stage_id}"] = total
    for stage_id, total in row.recorded.items():
        values[f"recorded:{stage_id}"] = total
    for part, value in row.parts.items():
        values[f"part:{part}"] = value
    return values


RED = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
MARK_FILL = PatternFill("solid", fgColor="FF8080")  # an official's cell summary.check finds wrong
MARK_TITLE = "需要核对"
AMBER = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
GREEN = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")


def _conditional(ws, rs: RuleSet, letters: dict, last: int) -> None:
    """Divergences and failures stand out; the rules are ours and reference our own columns only."""
    def span(key):
        return f"{letters[key]}{FIRST_ROW}:{letters[key]}{last}"

    first = FIRST_ROW
    for stage in rs.stages:
        redo, kept = letters[f"total:{stage.id}"], letters[f"recorded:{stage.id}"]
        ws.conditional_formatting.add(span(f"recorded:{stage.id}"), FormulaRule(
            formula=[f"AND(ISNUMBER({kept}{first}),ISNUMBER({redo}{first}),ABS({kept}{first}-{redo}{first})>0.001)"],
            fill=RED))
    g = letters["gates"]
    ws.conditional_formatting.add(span("gates"), FormulaRule(formula=[f'{g}{first}="不符合"'], fill=RED))
    e = letters["eligible"]
    ws.conditional_formatting.add(span("eligible"), FormulaRule(formula=[f'{e}{first}="是"'], fill=GREEN))
    ws.conditional_formatting.add(span("eligible"), FormulaRule(formula=[f'{e}{first}="否"'], fill=AMBER))
    ch = letters["change"]
    ws.conditional_formatting.add(span("change"), FormulaRule(formula=[f'OR({ch}{first}="撤销",{ch}{first}="降级")'], fill=RED))
    er = letters["errors"]
    ws.conditional_formatting.add(span("errors"), FormulaRule(formula=[f"{er}{first}>0"], fill=RED))


# ---------------------------------------------------------------- 拟认定名单
PROPOSED_HEADS = ["序号", "县（区）", "街道（乡镇）", "社区", "认定得分", "认定层级", "推荐", "实地考察", "公示异议", "最终认定", "进展"]
PROPOSED_WIDTHS = [6, 12, 14, 16, 9, 20, 22, 10, 10, 10, 16]


def _proposed_row(row: SummaryRow, rs: RuleSet) -> tuple:
    d, st = row.decisions, standing(row, rs.publication)
    return (row.county, row.street, row.community, row.total, row.level, row.recommend, d.inspection, d.objection,
            d.final, st.step)


def _proposed_sheet(ws, fast: FastRows, proposed: Iterable[tuple], rs: RuleSet, info: str) -> None:
    floor = excel_number(rs.levels.bands[0].min) if rs.levels.bands else ""
    gates = "且基本条件全部符合" if rs.gates and rs.levels.requires_gates else ""
    heads = [*PROPOSED_HEADS]
    heads[7:10] = [C.official_header(rs, k) for k in ("inspection", "objection", "final")]
    _heading(ws, f"拟认定名单（{score_label(rs)}{floor}分以上{gates}）", info + "　按县（区）、街道、社区排列；"
             f"{'、'.join(heads[7:10])}取自“汇总”工作表（重新汇总或 --refresh 后更新）", heads, PROPOSED_WIDTHS)
    text = (fast.style(BODY_FONT, WRAP, None, None, True, False), fast.style(BODY_FONT, WRAP, None, None, True, True))
    center = fast.style(BODY_FONT, CENTER, None, None, True, False)
    number = fast.style(BODY_FONT, CENTER, None, "0.##", True, False)
    kinds = (center, text, text, text, number, text, text, center, center, center, text)
    r = FIRST_ROW - 1
    for r, values in enumerate(proposed, start=FIRST_ROW):
        fast.add(r, [(v, k[1] if isinstance(v, str) and v.startswith(DANGEROUS) else k[0]) if isinstance(k, tuple)
                     else (v, k) for v, k in zip((r - FIRST_ROW + 1, *values), kinds)])
    if r < FIRST_ROW:
        fast.add(FIRST_ROW, [(None, center), ("没有符合认定条件的社区", text[0])])


# ---------------------------------------------------------------- 分县统计
ONE_PAGE_COUNTIES = 25  # county rows that fit on the first landscape page with the title and the total


def _counties_sheet(ws, totals: _Totals, data: SummaryInput, info: str) -> list[dict]:
    rs = data.ruleset
    target = coverage_target(rs.coverage, data.year)
    floor = excel_number(rs.levels.bands[0].min) if rs.levels.bands else "—"
    heads = ["县（区）", "名册社区数", "提交数", f"得分{floor}分以上", "符合认定条件", "推荐（公示无异议）", "最终认定",
             "认定覆盖率（按名册）", "覆盖率目标", "是否达到目标", "平均分", "最低分"]
    widths = [14, 10, 8, 10, 10, 11, 9, 11, 10, 9, 8, 8]
    note = info + ("　覆盖率目标：" + target.label if target else "")
    registry = data.registry_counts
    names = sorted(set(totals.counties) | set(registry or {}))
    # the header repeats only when the county table itself runs over pages: otherwise it would print above
    # the score distribution, which has a page of its own
    _heading(ws, f"分县统计（{data.year}年）", note, heads, widths, repeat_head=len(names) > ONE_PAGE_COUNTIES)
    summary = SHEETS["summary"]
    cols = C.summary_columns(rs)
    letter = {c.key: column_letter(k) for k, c in enumerate(cols, start=1)}
    out = []

    def col(key):
        return f"'{summary}'!${letter[key]}${FIRST_ROW}:${letter[key]}$1048576"

    for n, county in enumerate(names):
        r = FIRST_ROW + n
        st = totals.counties.get(county) or CountyStats(county)
        base = f'{col("county")},$A{r},{col("eligible")},"是",{col("civil")},"<>撤销",{col("inspection")},"符合"'
        if "county" in rs.publication.stages:
            recommended = f'=COUNTIFS({base},{col("objection")},"无")'
        else:
            recommended = f"=COUNTIFS({base})"
        certified = (f'=COUNTIFS({col("county")},$A{r},{col("eligible")},"是",{col("civil")},"<>撤销",'
                     f'{col("inspection")},"<>不符合",{col("objection")},"<>有",{col("final")},"认定"'
                     + (f',{col("city_objection")},"<>有")' if "city_objection" in letter else ")"))
        reg = (registry or {}).get(county)
        coverage = f'=IF(ISNUMBER($B{r}),IF($B{r}=0,"—",$G{r}/$B{r}),"—")'
        reached = (f'=IF(ISNUMBER($H{r}),IF($H{r}*100>={excel_number(target.percent)},"是","否"),"—")'
                   if target else "—")
        ws.append([cell(ws, county), cell(ws, reg if reg is not None else "—", align=CENTER),
                   cell(ws, st.submitted, align=CENTER), cell(ws, st.above, align=CENTER),
                   cell(ws, st.eligible, align=CENTER), formula(ws, recommended), formula(ws, certified),
                   formula(ws, coverage, fmt="0.0%"),
                   cell(ws, f"{excel_number(target.percent)}%" if target else "—", align=CENTER),
                   formula(ws, reached) if target else cell(ws, "—", align=CENTER),
                   cell(ws, st.average, align=CENTER, fmt="0.00"), cell(ws, st.lowest, align=CENTER, fmt="0.##")])
        out.append({"county": county, "registry": reg, **st.as_json()})
    last = FIRST_ROW + len(names) - 1
    if names:
        sums = [f"=SUM({k}{FIRST_ROW}:{k}{last})" for k in "BCDEFG"]
        ws.append([cell(ws, "合计", font=HEAD_FONT, align=CENTER), *[formula(ws, s, font=HEAD_FONT) for s in sums],
                   formula(ws, f'=IF(SUM(B{FIRST_ROW}:B{last})=0,"—",G{last + 1}/B{last + 1})', fmt="0.0%"),
                   cell(ws, ""), cell(ws, ""), cell(ws, ""), cell(ws, "")])
        chart = BarChart()
        chart.type, chart.style = "col", 10
        chart.title = "各县（区）提交、符合认定条件与最终认定的社区数"
        chart.y_axis.title, chart.x_axis.title = "社区数", "县（区）"
        chart.add_data(Reference(ws, min_col=3, max_col=3, min_row=HEAD_ROW, max_row=last), titles_from_data=True)
        chart.add_data(Reference(ws, min_col=5, max_col=5, min_row=HEAD_ROW, max_row=last), titles_from_data=True)
        chart.add_data(Reference(ws, min_col=7, max_col=7, min_row=HEAD_ROW, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last))
        chart.height, chart.width = 8, 18
        ws.add_chart(chart, f"A{last + 4}")
    written = HEAD_ROW + len(names) + (1 if names else 0)
    top = written + 20  # below the county chart (about 16 rows high), on a page of its own
    ws.row_breaks.append(Break(id=top - 1))
    _distribution(ws, totals.bins, top, written)
    return out


def _distribution(ws, bins: list, top: int, written: int) -> None:
    """Rows top.. : 得分分布 (a table the chart reads); `written` rows are already in the sheet."""
    for _ in range(written, top - 1):
        ws.append([])
    ws.append([cell(ws, "得分分布", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL),
               cell(ws, "社区数", font=HEAD_FONT, align=CENTER, fill=HEAD_FILL)])
    for label, count in bins:
        ws.append([cell(ws, label, align=CENTER), cell(ws, count, align=CENTER)])
    chart = BarChart()
    chart.type, chart.style = "col", 12
    chart.title = "认定得分分布"
    chart.y_axis.title, chart.x_axis.title = "社区数", "认定得分"
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=top + len(bins)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(bins)))
    chart.height, chart.width, chart.legend = 8, 18, None
    ws.add_chart(chart, f"D{top}")


# ---------------------------------------------------------------- 问题清单, 重复提交, 未提交, 名单外
def _problems_sheet(ws, fast: FastRows, lines: Iterable[ProblemLine], info: str, target: Path) -> dict:
    heads = ["序号", "文件", "县（区）", "社区", "工作表", "单元格", "字段", "严重程度", "问题"]
    _heading(ws, "问题清单（无法读取的文件在前）", info, heads, [6, 36, 10, 14, 10, 8, 22, 8, 60])
    counts = dict.fromkeys(SEVERITY_LABEL, 0)
    style = (fast.style(BODY_FONT, WRAP, None, None, True, False), fast.style(BODY_FONT, WRAP, None, None, True, True))
    center = fast.style(BODY_FONT, CENTER, None, None, True, False)
    link = (fast.style(LINK_FONT, WRAP, None, None, True, False), fast.style(LINK_FONT, WRAP, None, None, True, True))
    marks = {"quarantined": fast.style(BODY_FONT, CENTER, RED, None, True, False),
             "error": fast.style(BODY_FONT, CENTER, RED, None, True, False),
             "warning": fast.style(BODY_FONT, CENTER, AMBER, None, True, False), "info": center}

    def text(value, pair=style):
        value = value or ""
        return value, pair[1] if value.startswith(DANGEROUS) else pair[0]

    r = FIRST_ROW - 1
    for n, line in enumerate(lines, start=1):
        r += 1
        f = line.finding
        counts[f.severity] = counts.get(f.severity, 0) + 1
        fast.add(r, [(n, center), text(line.source, link if line.link else style), text(line.county), text(line.community),
                     text(f.location.sheet), (f.location.cell, center), text(f.field),
                     (SEVERITY_LABEL[f.severity], marks.get(f.severity, center)), text(f.message)],
                 row_height([(f.message, 60), (line.source, 36)], line_pt=13, minimum=16),
                 {1: (link_target(line.link, target), "打开这个文件")} if line.link else None)
    if r < FIRST_ROW:
        r += 1
        fast.add(r, [(None, center), ("没有发现问题", style[0])])
    ws.auto_filter.ref = f"A{HEAD_ROW}:I{r}"
    return counts


def _nothing(ws, text: str, columns: int) -> None:
    """The one line of an empty list, across the table (in the narrow 县（区） column it was crammed into two lines)."""
    ws.merged_cells.add(f"B{FIRST_ROW}:{column_letter(columns)}{FIRST_ROW}")
    ws.append([cell(ws, "", border=False), cell(ws, text, border=False)])


def _duplicates_sheet(ws, duplicates: list[Duplicate], info: str) -> None:
    heads = ["序号", "县（区）", "街道（乡镇）", "社区", "采用的文件", "未采用的文件", "未采用的原因与差异"]
    _heading(ws, "重复提交（同一社区提交了不止一份考评表）", info + "　采用规则：表内最后保存时间较晚的；相同时取文件修改时间较晚的；"
             "再相同时取路径排序在后的", heads, [6, 12, 14, 16, 36, 36, 50])
    for n, d in enumerate(duplicates, start=1):  # long file names wrap: the row is made tall enough for them
        ws.row_dimensions[FIRST_ROW + n - 1].height = row_height([(d.kept, 36), (d.dropped, 36), (d.why, 50)])
        ws.append([cell(ws, n, align=CENTER), cell(ws, d.county), cell(ws, d.street), cell(ws, d.community),
                   cell(ws, d.kept), cell(ws, d.dropped), cell(ws, d.why)])
    if not duplicates:
        _nothing(ws, "没有重复提交", len(heads))


def _missing_sheet(ws, missing: list[RegistryEntry], info: str) -> None:
    heads = ["序号", "县（区）", "街道（乡镇）", "社区", "社区代码", "原有称号", "取得年份", "已享受国家级补助", "已享受省级补助"]
    _heading(ws, "未提交（名册中有、没有收到考评表的社区）", info, heads, [6, 12, 14, 16, 12, 20, 9, 9, 9])
    for n, e in enumerate(missing, start=1):
        ws.append([cell(ws, n, align=CENTER), cell(ws, e.county), cell(ws, e.street), cell(ws, e.community),
                   cell(ws, e.code), cell(ws, e.prior_title), cell(ws, e.prior_year, align=CENTER),
                   cell(ws, _subsidy_flag(e.national_subsidy), align=CENTER),
                   cell(ws, _subsidy_flag(e.provincial_subsidy), align=CENTER)])
    if not missing:
        _nothing(ws, "名册中的社区都已提交", len(heads))


def _outside_sheet(ws, outside: list[SummaryRow], info: str, target: Path) -> None:
    heads = ["序号", "县（区）", "街道（乡镇）", "社区", "认定得分", "来源文件"]
    _heading(ws, "名单外（提交了考评表、但不在社区名册中的社区）", info, heads, [6, 12, 14, 16, 9, 40])
    for n, row in enumerate(outside, start=1):
        src = cell(ws, row.source, font=LINK_FONT if row.link else BODY_FONT)
        if row.link:
            src._hyperlink = Hyperlink(ref=f"F{FIRST_ROW + n - 1}", target=link_target(row.link, target))
        ws.append([cell(ws, n, align=CENTER), cell(ws, row.county), cell(ws, row.street), cell(ws, row.community),
                   cell(ws, row.total, align=CENTER, fmt="0.##"), src])
    if not outside:
        _nothing(ws, "没有名册外的提交", len(heads))


def _unmatched_sheet(ws, rows: list[SummaryRow], rs: RuleSet, info: str) -> None:
    official = C.official_columns(rs)
    heads = ["序号", "县（区）", "街道（乡镇）", "社区", "社区代码", "认定得分", "来源文件", *[c.header for c in official]]
    _heading(ws, "未对应的决定（上次汇总中填写了决定、本次找不到对应社区的）", info + "　这些内容不会丢失：社区的考评表重新提交"
             "（或名称、街道改正）后，重新汇总时自动回到“汇总”工作表", heads,
             [6, 12, 14, 16, 14, 9, 30, *[c.width for c in official]],
             official={k for k, h in enumerate(heads) if k >= 7})
    for n, row in enumerate(rows, start=1):
        ws.append([cell(ws, n, align=CENTER), cell(ws, row.county), cell(ws, row.street), cell(ws, row.community),
                   cell(ws, row.code), cell(ws, row.total, align=CENTER, fmt="0.##"), cell(ws, row.source),
                   *[cell(ws, row.decisions.shown(c.key), align=CENTER if c.choices else WRAP, fill=OFFICIAL_FILL)
                     for c in official]])
    if not rows:
        ws.append([cell(ws, "", border=False), cell(ws, "没有")])


def _log_sheet(ws, log: list[LogLine], info: str) -> None:
    _heading(ws, "变更记录（官员填写的内容在两次汇总之间的修改）", info + "　每次汇总（或 --refresh）时记下上次汇总以来修改过的内容",
             LOG_HEADS, [6, 18, 18, 12, 14, 16, 10, 16, 16])
    for n, line in enumerate(log, start=1):
        ws.append([cell(ws, n, align=CENTER), cell(ws, line.found), cell(ws, line.since), cell(ws, line.county),
                   cell(ws, line.street), cell(ws, line.community), cell(ws, line.column), cell(ws, line.old),
                   cell(ws, line.new)])
    if not log:
        ws.append([cell(ws, "", border=False), cell(ws, "没有修改")])


def _published_sheet(ws, lines: list) -> None:
    """As summary.timeline writes it when a document is published (the same title, note and header)."""
    for k, w in enumerate([6, 12, 6, 12, 12, 12, 12, 22, 20, 40], start=1):
        ws.column_dimensions[column_letter(k)].width = w
    ws.append([cell(ws, f"{SHEETS['published']}（由本汇总表生成的公示、认定公告、补助资金明细，供核对日期）", border=False)])
    ws.append([cell(ws, "由 fullemp notice / announce / subsidy 自动记入；重新汇总时保留", font=NOTE_FONT, border=False)])
    ws.append([cell(ws, h, font=HEAD_FONT, align=CENTER, fill=HEAD_FILL) for h in HEADS])
    for n, line in enumerate(lines, start=1):
        ws.append([cell(ws, n, align=CENTER), *[cell(ws, v) for v in line.row()]])


def _snapshot_sheet(wb: Workbook, snapshot: list[tuple]) -> None:
    ws = wb.create_sheet(SNAPSHOT_SHEET)
    ws.sheet_state = "hidden"
    ws.append([cell(ws, h, border=False) for h in ("县（区）", "街道（乡镇）", "社区", *[c.header for c in C.OFFICIAL])])
    for line in snapshot:
        ws.append([cell(ws, v, border=False) for v in line])


def _meta_sheet(wb: Workbook, data: SummaryInput) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "hidden"
    rs = data.ruleset
    pairs = [("fe_meta_form", FORM), ("fe_meta_schema", SCHEMA_VERSION), ("fe_meta_ruleset", rs.id),
             ("fe_meta_ruleset_version", rs.version), ("fe_meta_year", str(data.year)),
             ("fe_meta_generated", data.generated), ("fe_meta_year_source", "clock" if data.year_note else "")]
    ws.append([cell(ws, "fullemp-xl 汇总表信息（请勿修改）", border=False)])
    for row, (name, value) in enumerate(pairs, start=2):
        ws.append([cell(ws, name, border=False), cell(ws, value, border=False)])
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{META_SHEET}'!$B${row}")
    for key, value in data.meta.items():
        for v in (value if isinstance(value, list) else [value]):
            ws.append([cell(ws, key, border=False), cell(ws, str(v), border=False)])
