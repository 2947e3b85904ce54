"""The scoring engine: pure functions from base data to item scores, totals, gates and a decision.

Base data for one stage is a plain mapping fact id -> parsed value (int, bool or float), with None
for a value that is missing or unusable; an item that needs such a value is not scored (None), as
the workbook formula leaves its cell empty.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from ..core.model import (Decision, GateResult, Item, ItemScore, LevelPolicy, PriorTitle, RuleSet, StageResult,
                          band_score, score_label)
from ..rules.kinds import ZERO, Veto

Values = Mapping[str, object]


_FACTS: dict[tuple[int, int], tuple[Item, RuleSet, tuple[str, ...], tuple, tuple]] = {}


def _compiled(item: Item, ruleset: RuleSet) -> tuple[tuple[str, ...], tuple, tuple]:
    """(the base data an item reads in first-use order, its vetoes, its other parts):
    worked out once per item of a loaded rule set (a merge scores thousands of forms). The entry holds
    the item and rule set themselves, so their ids cannot be reused while it exists."""
    known = _FACTS.get((id(item), id(ruleset)))
    if known is not None and known[0] is item and known[1] is ruleset:
        return known[2:]
    seen: dict[str, None] = {}
    for part in item.parts:
        for fact in part.facts(ruleset.rates):
            seen.setdefault(fact, None)
    if len(_FACTS) > 10_000:
        _FACTS.clear()
    vetoes = tuple(p for p in item.parts if isinstance(p, Veto))
    others = tuple(p for p in item.parts if not isinstance(p, Veto))
    _FACTS[(id(item), id(ruleset))] = known = (item, ruleset, tuple(seen), vetoes, others)
    return known[2:]


def item_facts(item: Item, ruleset: RuleSet) -> tuple[str, ...]:
    """The base data an item reads, in first-use order."""
    return _compiled(item, ruleset)[0]


def total(values: list) -> Fraction:
    """The sum of a list of Fractions (or ints), as a Fraction: whole numbers (nearly every score) are added
    as ints and one Fraction is built, instead of one per addition."""
    whole = 0
    for value in values:
        if value.denominator != 1:
            return sum(values, ZERO)
        whole += value.numerator
    return Fraction(whole)


def score_item(item: Item, values: Values, ruleset: RuleSet) -> ItemScore:
    facts, veto_parts, parts = _compiled(item, ruleset)
    missing = [f for f in facts if values.get(f) is None]
    if missing:
        labels = "、".join(ruleset.facts[f].label for f in missing)
        return ItemScore(item.id, item.points, None, (f"基础数据未填或无效：{labels}",))
    get, rates = values.__getitem__, ruleset.rates
    vetoes = [v for v in (p.vetoes(get, rates, item.points) for p in veto_parts) if v]
    if vetoes:
        return ItemScore(item.id, item.points, ZERO, tuple(vetoes))
    outcomes = [p.score(get, rates) for p in parts]
    raw = total([o.points for o in outcomes])
    reasons = [o.reason for o in outcomes if o.reason]
    if item.role == "penalty":  # the score of a 扣分项 is what it takes off the total
        taken = -raw if item.cap is None else min(-raw, item.cap)
        if taken < -raw:
            reasons.append(f"本项最多扣{_fmt(item.cap)}分")
        return ItemScore(item.id, item.points, taken, tuple(reasons))
    score = min(max(raw, ZERO), item.points)
    if raw < 0:
        reasons.append("扣分超过本项标准分，按0分计" if item.role == "score" else "本项不加分")
    return ItemScore(item.id, item.points, score, tuple(reasons))


def section_score(section, scores) -> Fraction | None:
    """A section's score from its items': the sum; a 加分项 or 扣分项 at most its cap."""
    if any(s is None for s in scores):
        return None
    got = total(scores)
    return got if section.cap is None else min(got, section.cap)


def score_parts(ruleset: RuleSet, sections: dict) -> tuple[Fraction | None, Fraction | None, Fraction | None, Fraction | None]:
    """(基础得分, 加分, 扣分, 总得分) from the section scores; 加分/扣分 are None in a rule set without them.
    总得分 = 基础得分 + 加分 − 扣分, never below 0 (扣完为止)."""
    def add(group):
        values = [sections[s.id] for s in group]
        return None if not group or any(v is None for v in values) else total(values)

    base, bonus, penalty = add(ruleset.scored_sections), add(ruleset.bonus_sections), add(ruleset.penalty_sections)
    if base is None or (ruleset.bonus_sections and bonus is None) or (ruleset.penalty_sections and penalty is None):
        return base, bonus, penalty, None
    return base, bonus, penalty, max(ZERO, base + (bonus or 0) - (penalty or 0))


def level_score(ruleset: RuleSet, result: StageResult) -> Fraction | None:
    return band_score(ruleset, result.total, result.base, result.penalty)


def check_gates(ruleset: RuleSet, values: Values) -> tuple[GateResult, ...]:
    get, rates = values.__getitem__, ruleset.rates
    results = []
    for gate in ruleset.gates:
        if any(values.get(f) is None for f in gate.require.facts(rates)):
            results.append(GateResult(gate.id, gate.label, None))
        else:
            results.append(GateResult(gate.id, gate.label, gate.require.holds(get, rates)))
    return tuple(results)


def score_stage(ruleset: RuleSet, stage: str, values: Values, prior: PriorTitle | None = None,
                year: int | None = None) -> StageResult:
    items = tuple(score_item(i, values, ruleset) for i in ruleset.items)
    by_id = {s.item: s for s in items}
    sections = {s.id: section_score(s, [by_id[i.id].score for i in s.items]) for s in ruleset.sections}
    base, bonus, penalty, total = score_parts(ruleset, sections)
    gates = check_gates(ruleset, values)
    result = StageResult(stage, items, sections, total, gates, None, base, bonus, penalty)
    if total is None:
        return result
    decision = decide(ruleset.levels, level_score(ruleset, result), result.gates_met, prior,
                      ruleset.year if year is None else year, score_label(ruleset))
    return StageResult(stage, items, sections, total, gates, decision, base, bonus, penalty)


def _fmt(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def decide(policy: LevelPolicy, total: Fraction, gates_met: bool | None, prior: PriorTitle | None,
           year: int, label: str = "综合得分") -> Decision:
    """The title a community holds after this assessment, with the reason in Chinese.

    `total` is the score the bands read (scoring.level_score) and `label` what the reason calls it."""
    held = prior.title if prior and prior.title in policy.titles else ""
    rank = policy.titles.index
    for ex in policy.exemptions:
        if held == ex.title and prior.year == ex.granted_year:
            return Decision(held, True, ex.label, due=False)
    due = True
    if held and prior.year:
        due = (year - prior.year) >= policy.recertify_every_years
    lost = policy.revoked_label if held else policy.none_label
    if policy.requires_gates and not gates_met:
        why = policy.gates_label + ("未填完" if gates_met is None else "不符合")
        return Decision(lost, False, f"{why}，不能参与认定（{label}{_fmt(total)}分）", due=due)
    band = next((b for b in reversed(policy.bands) if total >= b.min), None)
    if band is None:
        floor = _fmt(policy.bands[0].min)
        extra = f"，原“{held}”称号取消" if held else ""
        return Decision(lost, False, f"{label}{_fmt(total)}分，未达到{floor}分{extra}", due=due)
    score = f"{label}{_fmt(total)}分"
    if not held:
        level, reason = band.new_title, f"{score}，达到{_fmt(band.min)}分，认定为{band.new_title}"
    elif rank(held) > rank(band.title):
        level, reason = band.title, f"{score}，原为{held}，得分不足以保持，降为{band.title}"
    else:
        level, reason = held, f"{score}，保持{held}"
    if band.recommend:
        reason += f"；{band.recommend}"
    return Decision(level, True, reason, band.recommend, due)
