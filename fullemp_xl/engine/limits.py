"""Excel's limits on what a rule set compiles to: `rules check`, `rules install` and the form builder refuse a rule set that would break them.

Excel (and so WPS and LibreOffice reading the same file) accepts formulas of at most 8,192
characters, 64 levels of nesting and 255 arguments per function; defined names and text constants
of at most 255 characters; a drop-down list of at most 255 characters. A formula beyond these is
not an error Excel reports politely: the cell, and every total that depends on it, stops computing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.model import RuleSet
from ..rules.kinds import Bands
from ..forms import names
from ..rules.loader import parse_file
from ..rules.problems import RuleProblem, RuleSetError
from . import formulas

MAX_LENGTH, MAX_DEPTH, MAX_ARGS, MAX_TEXT = 8192, 64, 255, 255
FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*$")


@dataclass(frozen=True)
class Size:
    length: int
    depth: int  # parentheses nested, function calls and grouping alike (Excel counts at most this)
    args: int  # the most arguments any one function call has
    function: str  # …and which function that is
    text: int  # the longest text constant

    def problems(self) -> list[str]:
        out = []
        if self.length > MAX_LENGTH:
            out.append(f"公式长 {self.length} 个字符，超过 Excel 的上限 {MAX_LENGTH} 个")
        if self.depth > MAX_DEPTH:
            out.append(f"公式嵌套 {self.depth} 层，超过 Excel 的上限 {MAX_DEPTH} 层")
        if self.args > MAX_ARGS:
            out.append(f"函数 {self.function} 有 {self.args} 个参数，超过 Excel 的上限 {MAX_ARGS} 个")
        if self.text > MAX_TEXT:
            out.append(f"公式中的文字长 {self.text} 个字符，超过 Excel 的上限 {MAX_TEXT} 个")
        return out


def measure(formula: str) -> Size:
    depth = deepest = most = longest = braces = 0
    stack: list[list] = []  # [function name, arguments so far]
    widest = ""
    i = 0
    while i < len(formula):
        ch = formula[i]
        if ch == '"':
            j, length = i + 1, 0
            while j < len(formula) and not (formula[j] == '"' and formula[j + 1:j + 2] != '"'):
                j += 2 if formula[j] == '"' else 1
                length += 1
            longest, i = max(longest, length), j + 1
            continue
        if ch == "{":
            braces += 1
        elif ch == "}":
            braces -= 1
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
            name = FUNCTION.search(formula[:i])
            stack.append([name.group(1).upper() if name else "()", 0 if formula[i + 1:i + 2] == ")" else 1])
        elif ch == ")" and stack:
            name, args = stack.pop()
            if args > most:
                most, widest = args, name
            depth -= 1
        elif ch == "," and not braces and stack:
            stack[-1][1] += 1
        i += 1
    return Size(len(formula), deepest, most, widest, longest)


def _advice(item) -> str:
    bands = max((len(p.bands) for p in item.parts if isinstance(p, Bands)), default=0)
    if bands > 10:
        return (f"这一项分档太多（{bands} 档）：“每人得N分，最高M分”请改用 per_unit_award，“每少一人扣N分”请改用 shortfall，"
                "其余请合并档次")
    return "请减少这一项的条件或档次，或拆成几项；过长时也可缩短基础数据 id 和阶段 id"


def formula_problems(ruleset: RuleSet, file: str) -> list[RuleProblem]:
    """Every formula the rule set compiles to, measured against Excel's limits; one problem per place."""
    out: list[RuleProblem] = []
    reported: set[str] = set()

    def check(key: str, formula: str, stage_label: str, advice: str) -> None:
        texts = measure(formula).problems()
        if texts and key not in reported:
            reported.add(key)
            out.append(RuleProblem(file, key, f"（{stage_label}）{'；'.join(texts)}，表格中该格和合计将无法计算。{advice}"))

    for stage in ruleset.stages:
        for n, section in enumerate(ruleset.sections):
            for m, item in enumerate(section.items):
                key = f"sections[{n}].items[{m}]（序号 {item.id}）"
                check(key, formulas.item_formula(ruleset, stage.id, item), stage.label, _advice(item))
            check(f"sections[{n}]", formulas.section_formula(ruleset, stage.id, section), stage.label,
                  "这一部分的评分项太多，请拆成几个部分")
        check("sections", formulas.total_formula(ruleset, stage.id), stage.label, "部分太多，请合并")
        if ruleset.has_parts:
            check("sections.base", formulas.base_formula(ruleset, stage.id), stage.label, "部分太多，请合并")
        if ruleset.gates:
            check("gates", formulas.gate_formula(ruleset, stage.id), stage.label, "门槛或门槛用到的基础数据太多，请合并")
        check("levels", formulas.level_formula(ruleset, stage.id), stage.label, "认定分数线、称号或免评规定太多，或称号太长")
    for name in [*formulas.all_formulas(ruleset), *names.fact_cells(ruleset)]:
        if len(name) > MAX_TEXT:
            out.append(RuleProblem(file, "facts", f"定义名称 {name[:40]}… 长 {len(name)} 个字符，超过 Excel 的上限 "
                                                  f"{MAX_TEXT} 个：请缩短基础数据 id 或阶段 id"))
    for key, items, what in (("levels.titles", (names.NO_TITLE, *ruleset.levels.titles), "称号"),
                             ("stages", [s.label for s in ruleset.stages], "阶段名称")):
        listed = ",".join(items)
        if len(listed) > MAX_TEXT - 2:
            out.append(RuleProblem(file, key, f"{what}下拉列表共 {len(listed)} 个字符，Excel 下拉列表最多 {MAX_TEXT - 2} 个：请缩短{what}"))
    return out


def check_file(path: str | Path) -> list[RuleProblem]:
    """Every problem of a rule file, errors and warnings, for `fullemp rules check` and `rules install`:
    the rules' own (rules.loader) and, when they read, Excel's limits on the formulas they compile to."""
    path = Path(path)
    ruleset, problems = parse_file(path)
    return problems + (formula_problems(ruleset, path.name) if ruleset is not None else [])


_checked: dict[tuple[str, str], list[RuleProblem]] = {}


def require_within_limits(ruleset: RuleSet) -> None:
    """Before a form is built from `ruleset`: RuleSetError when a formula would break Excel's limits (once per rule set)."""
    key = (ruleset.id, ruleset.digest)
    if key not in _checked:
        _checked[key] = [p for p in formula_problems(ruleset, Path(ruleset.path).name if ruleset.path else ruleset.id)
                         if p.severity == "error"]
    if _checked[key]:
        raise RuleSetError(_checked[key])
