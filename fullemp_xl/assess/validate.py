"""Checks of a filled 考评表: every problem a finding, collected, never raised."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..engine import formulas
from ..forms import names
from ..forms.book import Book, locate
from ..forms.reader import FormData, Meta, fact_names
from ..core.model import Finding, Location, RuleSet, StageResult
from ..core.numbers import shown
from ..engine.scoring import item_facts

ITEM_GAP = Fraction(1, 2)  # a 自评 item differing from the 考评 by more than half its 标准分
TOTAL_GAP = Fraction(1, 10)  # of the total (10 points of 100): first and last stage totals this far apart are worth a warning


def meta_refusal(meta: Meta, ruleset: RuleSet) -> str:
    """Why a form cannot be read under `ruleset` ("" when it can): another rule set, another version of
    it, another template version. One rule for every command (README: 数据安全): such a form is refused
    (exit code 2; the merge puts it in 问题清单), because its cells are not this rule set's cells."""
    if meta.ruleset != ruleset.id:
        return f"本表按规则集“{shown(meta.ruleset)}”生成，与所用规则集“{ruleset.id}”不符：请换用正确的模板，或用 --rules {shown(meta.ruleset)}"
    if meta.ruleset_version != ruleset.version:
        return (f"本表按规则集 {meta.ruleset} 的“{shown(meta.ruleset_version)}”版生成，当前为 {ruleset.version} 版："
                "请把数据转填到新模板后重新提交")
    if meta.template_version != names.TEMPLATE_VERSION:
        return (f"模板版本为“{shown(meta.template_version)}”，本程序需要第 {names.TEMPLATE_VERSION} 版："
                "请用 `fullemp templates build` 生成的新模板转填后重新提交")
    return ""


def check_meta(meta: Meta, ruleset: RuleSet, file: str) -> list[Finding]:
    """What the form information says that is worth a word but no refusal (meta_refusal decides that)."""
    where = Location(file, names.META_SHEET, "", "fe_meta_ruleset")
    out = []
    if meta.ruleset_digest and ruleset.digest and meta.ruleset_digest != ruleset.digest:
        out.append(Finding("template.ruleset", "warning",
                           f"本表生成时所用的规则集 {meta.ruleset}（{meta.ruleset_version} 版）与本机的同名同版本规则集内容不同，"
                           "分数可能与发放表格的单位算的不一致：请核对规则集文件（两处应为同一个文件）", where))
    if ruleset.provisional:
        out.append(Finding("ruleset.provisional", "info", f"评分表为暂用：{ruleset.provisional}", where))
    return out


def check_identity(data: FormData, book: Book) -> list[Finding]:
    out = []
    for name, label in names.IDENTITY.items():
        if not data.identity.get(name):
            loc = data.locations.get(name) or Location(book.file, name=name)
            out.append(Finding("identity.missing", "error", f"未填写{label}", loc, label))
    return out


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def check_stages(data: FormData, ruleset: RuleSet) -> list[Finding]:
    out = []
    for k, (stage, facts) in enumerate(fact_names(ruleset)):
        present = {fact.id: n for fact, n in facts if n in data.locations}
        blank = [f for f, n in present.items() if _blank(data.raw.get(n))]
        if present and len(blank) == len(present):
            first = data.locations[next(iter(present.values()))]
            if k == 0:
                out.append(Finding("stage.empty", "error", f"“{stage.label}”列的基础数据全部未填", first, stage.label))
            else:
                out.append(Finding("stage.empty", "info", f"“{stage.label}”列尚未填写（由后续环节填写）", first, stage.label))
            continue
        for f in blank:
            fact = ruleset.facts[f]
            out.append(Finding("value.missing", "error", "未填写", data.locations[present[f]], f"{fact.label}（{stage.label}）"))
        out += check_part_whole(data, ruleset, stage)
    return out


def check_part_whole(data: FormData, ruleset: RuleSet, stage) -> list[Finding]:
    """Every “其中” count against its total, and every rate's numerator against its denominator
    (unless the rule set says the target may be over-fulfilled)."""
    out = []
    values = data.values.get(stage.id, {})
    for pair in ruleset.part_whole:
        part, whole = values.get(pair.part), values.get(pair.whole)
        if part is None or whole is None or part <= whole:
            continue
        loc = data.locations[names.fact(stage.id, pair.part)]
        part_label, whole_label = ruleset.facts[pair.part].label, ruleset.facts[pair.whole].label
        if pair.rate:
            rate = ruleset.rates[pair.rate]
            out.append(Finding("rate.numerator_exceeds", "error",
                               f"{part_label}（{part}）大于{whole_label}（{whole}），{rate.label}不可能超过100%",
                               loc, f"{rate.label}（{stage.label}）"))
        else:
            out.append(Finding("value.part_exceeds_whole", "error",
                               f"{part_label}（{part}）大于{whole_label}（{whole}）：其中数不能超过总数，请核对这两项",
                               loc, f"{part_label}（{stage.label}）"))
    return out


@dataclass(frozen=True)
class Unreadable:
    """A base-data cell the engine reads (４０人 → 40) but the form's own formula cannot, or reads otherwise."""

    name: str
    stage: str
    fact: str
    raw: object
    value: object  # what the engine read, as the cell should hold it (40, 0.95, "是")
    why: str


def _as_cell(fact_type: str, value) -> object:
    return ("是" if value else "否") if fact_type == "flag" else value


def formula_reading(fact_type: str, raw, value) -> str:
    """Why the workbook's formula would not see `value` in a cell holding `raw` ("" when it would)."""
    if fact_type == "flag":
        return "" if raw in ("是", "否") else f"“{raw}”不是“是”或“否”，表内公式读不出"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw == value:
            return ""
        return f"表内公式会把 {raw:g} 当作 {raw * 100:g}%" if fact_type == "percent" else f"表内公式读作 {raw:g}"
    return f"“{raw}”是文字，表内公式读不出"


def unreadable(data: FormData, ruleset: RuleSet) -> list[Unreadable]:
    out = []
    for stage, facts in fact_names(ruleset):
        values = data.values.get(stage.id, {})
        for fact, name in facts:
            value = values.get(fact.id)
            if value is None or name not in data.raw:
                continue
            why = formula_reading(fact.type, data.raw[name], value)
            if why:
                out.append(Unreadable(name, stage.id, fact.id, data.raw[name], _as_cell(fact.type, value), why))
    return out


def explain_unreadable(data: FormData, ruleset: RuleSet) -> list[Finding]:
    """The reader's findings, with every cell the form's formula cannot read (“４０人”, “√”, “是 ”) said plainly:
    the printed form will not show the score the command line reports."""
    cells = {u.name: u for u in unreadable(data, ruleset)}
    out = [f for f in data.findings if not (f.rule == "value.normalised" and f.location.name in cells)]
    for u in cells.values():
        users = [i.id for i in ruleset.items if u.fact in item_facts(i, ruleset)]
        if any(u.fact in g.require.facts(ruleset.rates) for g in ruleset.gates):
            users.append(ruleset.levels.gates_label)
        shown = u.value if isinstance(u.value, str) else formulas.excel_number(u.value)
        stage = ruleset.stage(u.stage).label
        out.append(Finding("value.normalised", "warning",
                           f"{u.why}：表格中{'、'.join(users) or '本项'}的{stage}得分（及小计、合计、认定结论）"
                           f"与本程序的结果（按 {shown} 计）不一致。用 `fullemp score --write` 可把这一格改为 {shown}",
                           data.locations[u.name], f"{ruleset.facts[u.fact].label}（{stage}）"))
    return out


_STRING = re.compile(r'"(?:[^"]|"")*"')
_SPELLINGS = (  # what producers write for the same formula: Excel's future-function prefixes, LibreOffice's TRUE()
    (re.compile(r"_XL(?:FN|WS|UDF)\."), ""),
    (re.compile(r"(?<![A-Z0-9_.])(TRUE|FALSE)\(\)"), r"\1"),
)


def formula_key(formula: str) -> str:
    """A formula as a comparison key: outside string literals, spaces, case and harmless producer
    spellings (TRUE() for TRUE, _xlfn. prefixes) do not count; string literals stay exactly as written."""
    text = formula.strip()
    text = text[1:] if text.startswith("=") else text
    out, pos = [], 0
    for literal in _STRING.finditer(text):
        out += [_code_key(text[pos:literal.start()]), literal.group()]
        pos = literal.end()
    out.append(_code_key(text[pos:]))
    return "".join(out)


def _code_key(code: str) -> str:
    code = "".join(code.split()).upper()
    for pattern, replacement in _SPELLINGS:
        code = pattern.sub(replacement, code)
    return code


def _same_formula(a: str, b: str) -> bool:
    """Formula text as Excel, WPS or LibreOffice may save it back (see formula_key)."""
    return formula_key(a) == formula_key(b)


def check_formulas(book: Book, expected_formulas: dict[str, str], points: dict | None = None) -> list[Finding]:
    """Every formula cell still holds its formula; `points` gives the 标准分 of score cells."""
    out = []
    points = points or {}
    cells, read = book.cells(), book.read
    for name, expected in expected_formulas.items():
        where = cells.get(name)
        if where is None:
            out.append(Finding("name.missing", "error", f"找不到公式单元格“{name}”：所在行可能被删除了，请换用新模板",
                               Location(book.file, name=name)))
            continue
        value = read(*where)
        if value == expected and value[:1] == "=":  # the formula as we wrote it: nearly every cell (no Location made for it)
            continue
        loc = Location(book.file, where[0], where[1], name)  # as locate() gives it
        if isinstance(value, str) and value.startswith("="):
            if not _same_formula(value, expected):
                out.append(Finding("formula.changed", "warning", "公式被改动过；用 `fullemp score --write` 可恢复原公式", loc))
            continue
        text = "空白" if value is None else f"“{shown(value)}”"
        out.append(Finding("formula.overwritten", "error",
                           f"公式被改成了常数{text}，该格不会再自动计算；请从模板恢复，考评表可用 `fullemp score --write` 恢复", loc))
        if name in points and isinstance(value, (int, float)) and not isinstance(value, bool) and value > points[name]:
            out.append(Finding("score.above_max", "error", f"得分{value}超过本项标准分{formulas.excel_number(points[name])}分", loc))
    return out


def score_points(ruleset: RuleSet) -> dict:
    return {names.score(s.id, i): i.points for s in ruleset.stages for i in ruleset.items
            if i.role != "penalty" or i.cap is not None}


def _far_apart(x: Fraction, y: Fraction, points: Fraction) -> bool:
    """abs(x - y) > points * ITEM_GAP; in integers when all three are whole (nearly always)."""
    if x.denominator == 1 and y.denominator == 1 and points.denominator == 1:
        return abs(x.numerator - y.numerator) * ITEM_GAP.denominator > points.numerator * ITEM_GAP.numerator
    return abs(x - y) > points * ITEM_GAP


def check_divergence(results: tuple[StageResult, ...], ruleset: RuleSet, book: Book) -> list[Finding]:
    """Warn where the community's own score is far from the county's."""
    if len(results) < 2:
        return []
    first, last = results[0], results[-1]
    out = []
    for a, b in zip(first.items, last.items):
        if a.score is None or b.score is None:
            continue
        item = ruleset.item(a.item)
        if item.role == "penalty":  # a 扣分项 has no 标准分: any difference in what it takes off is worth a look
            if a.score != b.score:
                loc = locate(book, names.score(first.stage, item)) or Location(book.file)
                out.append(Finding("stages.diverge", "warning",
                                   f"扣分项{item.shown}：{ruleset.stage(first.stage).label}扣{formulas.excel_number(a.score)}分，"
                                   f"{ruleset.stage(last.stage).label}扣{formulas.excel_number(b.score)}分，请核实", loc))
            continue
        if _far_apart(a.score, b.score, a.points):
            loc = locate(book, names.score(first.stage, item)) or Location(book.file)
            out.append(Finding("stages.diverge", "warning",
                               f"序号{item.shown}：{ruleset.stage(first.stage).label}{formulas.excel_number(a.score)}分，{ruleset.stage(last.stage).label}{formulas.excel_number(b.score)}分，相差超过标准分的一半，请核实",
                               loc))
    if first.total is not None and last.total is not None and abs(first.total - last.total) >= TOTAL_GAP * ruleset.total:
        loc = locate(book, names.total(first.stage)) or Location(book.file)
        out.append(Finding("stages.diverge", "warning",
                           f"{'总得分' if ruleset.has_parts else '合计'}：{ruleset.stage(first.stage).label}{formulas.excel_number(first.total)}分，{ruleset.stage(last.stage).label}{formulas.excel_number(last.total)}分，相差{formulas.excel_number(abs(first.total - last.total))}分，请核实",
                           loc))
    return out
