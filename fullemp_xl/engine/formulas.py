"""Compile a rule set into the native Excel formulas of the 考评表.

Formulas reference defined names only, never coordinates, so their text does not depend on the
layout: a county that inserts rows keeps working formulas, and `validate` can compare a cell's
formula with what this module produces.
"""
from __future__ import annotations

from ..forms import names
from ..core.model import RuleSet
from ..rules.kinds import Veto, excel_number
from .scoring import item_facts
from ..writing.text import Formula

PASS, FAIL = "符合", "不符合"


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _valid(ruleset: RuleSet, stage: str, fact_id: str) -> str:
    ref = names.fact(stage, fact_id)
    if ruleset.facts[fact_id].type == "flag":
        return f'OR({ref}="是",{ref}="否")'
    return f"ISNUMBER({ref})"


def _guard(ruleset: RuleSet, stage: str, fact_ids, body: str) -> str:
    checks = [_valid(ruleset, stage, f) for f in fact_ids]
    if not checks:
        return body
    cond = checks[0] if len(checks) == 1 else "AND(" + ",".join(checks) + ")"
    return f'IF({cond},{body},"")'


def _rounded(ruleset: RuleSet, expr: str) -> str:
    """Sums of fractional points (0.1 × 7) carry float noise in Excel; the engine's are exact. Rounding to
    six places makes 90 exactly 90 again, so a decision at a boundary is the same in both."""
    return f"ROUND({expr},6)" if ruleset.fractional else expr


def item_formula(ruleset: RuleSet, stage: str, item) -> Formula:
    ref = lambda f: names.fact(stage, f)  # noqa: E731
    rates = ruleset.rates
    terms = [p.excel(ref, rates) for p in item.parts if not isinstance(p, Veto)]
    total = "".join(t if t.startswith("-") or n == 0 else "+" + t for n, t in enumerate(terms))
    if item.role == "penalty":  # what a 扣分项 takes off: its deductions, at most its cap
        taken = f"-({total})" if item.cap is None else f"MIN({excel_number(item.cap)},-({total}))"
        return Formula("=" + _guard(ruleset, stage, item_facts(item, ruleset), _rounded(ruleset, taken)))
    body = _rounded(ruleset, f"MAX(0,MIN({excel_number(item.points)},{total}))")
    vetoes = [p.excel(ref, rates) for p in item.parts if isinstance(p, Veto)]
    if vetoes:
        cond = vetoes[0] if len(vetoes) == 1 else "AND(" + ",".join(vetoes) + ")"
        body = f"IF({cond},{body},0)"
    return Formula("=" + _guard(ruleset, stage, item_facts(item, ruleset), body))


def section_formula(ruleset: RuleSet, stage: str, section) -> Formula:
    refs = ",".join(names.score(stage, i) for i in section.items)
    body = f"SUM({refs})" if section.cap is None else f"MIN({excel_number(section.cap)},SUM({refs}))"
    return Formula(f'=IF(COUNT({refs})={len(section.items)},{_rounded(ruleset, body)},"")')


def base_formula(ruleset: RuleSet, stage: str) -> Formula:
    """基础得分: the sections of the full mark (the plain total of a rule set without 加分项 and 扣分项)."""
    sections = ruleset.scored_sections
    refs = ",".join(names.section(stage, s) for s in sections)
    return Formula(f'=IF(COUNT({refs})={len(sections)},{_rounded(ruleset, f"SUM({refs})")},"")')


def total_formula(ruleset: RuleSet, stage: str) -> Formula:
    """总得分 = 基础得分 + 加分 − 扣分, never below 0; without 加分项 and 扣分项 the sum of the sections."""
    if not ruleset.has_parts:
        return base_formula(ruleset, stage)
    bonus, penalty = ruleset.bonus_sections, ruleset.penalty_sections
    refs = [names.base(stage), *(names.section(stage, s) for s in bonus + penalty)]
    expr = names.base(stage) + "".join("+" + names.section(stage, s) for s in bonus) \
        + "".join("-" + names.section(stage, s) for s in penalty)
    return Formula(f'=IF(COUNT({",".join(refs)})={len(refs)},{_rounded(ruleset, f"MAX(0,{expr})")},"")')


def _level_score(ruleset: RuleSet, stage: str) -> str:
    """The score the bands read: 总得分, or 基础得分 − 扣分 when the rule set's bands do not count the bonus."""
    if ruleset.levels.with_bonus or not ruleset.bonus_sections:
        return names.total(stage)
    expr = names.base(stage) + "".join("-" + names.section(stage, s) for s in ruleset.penalty_sections)
    return _rounded(ruleset, f"MAX(0,{expr})") if ruleset.penalty_sections else expr


def gate_formula(ruleset: RuleSet, stage: str) -> Formula:
    """符合 when every gate holds (only for rule sets with gates: without them there is no gate cell)."""
    ref = lambda f: names.fact(stage, f)  # noqa: E731
    conds = [g.require.excel(ref, ruleset.rates) for g in ruleset.gates]
    facts = dict.fromkeys(f for g in ruleset.gates for f in g.require.facts(ruleset.rates))
    body = f"IF(AND({','.join(conds)}),{quote(PASS)},{quote(FAIL)})"
    return Formula("=" + _guard(ruleset, stage, facts, body))


def level_formula(ruleset: RuleSet, stage: str) -> Formula:
    """The level decision, prior title included, as scoring.decide makes it."""
    policy = ruleset.levels
    total, prior, year = names.total(stage), names.PRIOR_TITLE, names.PRIOR_YEAR
    score = _level_score(ruleset, stage)
    titles = "{" + ",".join(quote(t) for t in policy.titles) + "}"
    rank = f"MATCH({prior},{titles},0)"
    held = f"ISNUMBER({rank})"
    lost = f"IF({held},{quote(policy.revoked_label)},{quote(policy.none_label)})"
    text = lost
    for band in policy.bands:
        cap = policy.titles.index(band.title) + 1
        keep = f"IF({rank}>{cap},{quote(band.title)},{prior})"
        text = f"IF({score}>={excel_number(band.min)},IF({held},{keep},{quote(band.new_title)}),{text})"
    if policy.requires_gates and ruleset.gates:
        text = f"IF({names.gate(stage)}<>{quote(PASS)},{lost},{text})"
    for ex in policy.exemptions:
        text = f"IF(AND({prior}={quote(ex.title)},{year}={ex.granted_year}),{quote(ex.title)},{text})"
    return Formula(f'=IF({total}="","",{text})')


def rate_formula(ruleset: RuleSet, stage: str, rate_id: str) -> Formula:
    r = ruleset.rates[rate_id]
    num, den = names.fact(stage, r.numerator), names.fact(stage, r.denominator)
    return Formula(f'=IF(AND(ISNUMBER({num}),ISNUMBER({den})),IF({den}=0,"—",{num}/{den}),"")')


def unit_line_formula() -> Formula:
    """单位名称 line of the official table, built from the identity fields."""
    parts = [(names.COUNTY, "县（区）"), (names.STREET, "街道（乡镇）"), (names.COMMUNITY, "社区")]
    pieces = "&\"　\"&".join(f'IF({n}="","________{label}",{n})' for n, label in parts)
    return Formula(f'="单位名称："&{pieces}')


def all_formulas(ruleset: RuleSet) -> dict[str, Formula]:
    """defined name -> formula, for every formula cell of the 考评表."""
    out: dict[str, str] = {names.UNIT_LINE: unit_line_formula()}
    for stage in ruleset.stages:
        for rate_id in ruleset.rates:
            out[names.rate(stage.id, rate_id)] = rate_formula(ruleset, stage.id, rate_id)
        for item in ruleset.items:
            out[names.score(stage.id, item)] = item_formula(ruleset, stage.id, item)
        for section in ruleset.sections:
            out[names.section(stage.id, section)] = section_formula(ruleset, stage.id, section)
        if ruleset.has_parts:
            out[names.base(stage.id)] = base_formula(ruleset, stage.id)
        out[names.total(stage.id)] = total_formula(ruleset, stage.id)
        if ruleset.gates:
            out[names.gate(stage.id)] = gate_formula(ruleset, stage.id)
        out[names.level(stage.id)] = level_formula(ruleset, stage.id)
    return out
