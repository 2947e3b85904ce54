"""Plain-text renderings for the terminal: the item table of a score card, findings."""
from __future__ import annotations

from collections import Counter

from .. import api
from ..core.model import SEVERITY_LABEL, Finding, RuleSet, ScoreCard
from ..core.numbers import shown


def pad(text: str, width: int) -> str:
    text = str(text)
    while api.text_width(text) > width:
        text = text[:-2] + "…"
    return text + " " * (width - api.text_width(text))


def _n(value) -> str:
    return "—" if value is None else api.excel_number(value)


def findings_summary(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    if not findings:
        return "未发现问题"
    return "，".join(f"{counts[s]} 个{SEVERITY_LABEL[s]}" for s in ("error", "warning", "info") if counts[s])


def not_filled_yet(findings) -> set[str]:
    """Labels of the later stages left empty for a later office to fill (the county's 考评 at the clerk's)."""
    return {f.field for f in findings if f.rule == "stage.empty" and f.severity == "info"}


def score_card(card: ScoreCard, ruleset: RuleSet) -> str:
    later = not_filled_yet(card.findings)
    empty = {f.field for f in card.findings if f.rule == "stage.empty"}  # its items' reasons would only repeat it
    lines = [f"{ruleset.name}（规则集 {ruleset.id} {ruleset.version}）"]
    if ruleset.provisional:
        lines.append(f"【注意】{ruleset.provisional}")
    who = " ".join(shown(v) for v in card.identity.values() if v) or "（单位未填写）"
    lines.append(f"文件：{card.source}    单位：{who}")
    stages = card.stages
    wide = max([6] + [api.text_width(i.shown) + 1 for i in ruleset.items])
    head = pad("序号", wide) + pad("项目", 14) + pad("标准分", 8) + "".join(pad(ruleset.stage(s.stage).label, 8) for s in stages) + (
        "扣分、未加分说明" if ruleset.bonus_sections else "扣分说明")
    lines += [head, "-" * api.text_width(head)]
    titles = {s.id: s.title for s in ruleset.sections}
    for k, item in enumerate(ruleset.items):
        points = "—" if item.role == "penalty" and item.cap is None else _n(item.points)
        row = pad(item.shown, wide) + pad(titles[item.section], 14) + pad(points, 8)
        row += "".join(pad(_n(s.items[k].score), 8) for s in stages)
        reasons = [f"{ruleset.stage(s.stage).label}：{'；'.join(s.items[k].reasons)}" for s in stages
                   if s.items[k].reasons and ruleset.stage(s.stage).label not in empty]
        lines.append(row + ("  ".join(reasons)))
    lines.append("-" * api.text_width(head))
    if ruleset.has_parts:  # 基础得分, 加分, 扣分, then 总得分
        lines.append(pad("基础得分", wide + 14) + pad(_n(ruleset.total), 8) + "".join(pad(_n(s.base), 8) for s in stages))
        if ruleset.bonus_sections:
            cap = sum((x.points for x in ruleset.bonus_sections))
            lines.append(pad("加分", wide + 14) + pad(f"≤{_n(cap)}", 8) + "".join(pad(_n(s.bonus), 8) for s in stages))
        if ruleset.penalty_sections:
            lines.append(pad("扣分", wide + 14) + pad("", 8) + "".join(pad(_n(s.penalty), 8) for s in stages))
        lines.append(pad("总得分", wide + 14) + pad("", 8) + "".join(pad(_n(s.total), 8) for s in stages))
    else:
        lines.append(pad("合计", wide + 14) + pad(_n(ruleset.total), 8) + "".join(pad(_n(s.total), 8) for s in stages))
    for s in stages:
        label = ruleset.stage(s.stage).label
        if label in later:
            lines.append(f"{label}  尚未填写（由后续环节填写），暂不打分")
            continue
        if ruleset.gates:
            failed = [g.label for g in s.gates if g.met is False]
            gate = {True: "符合", False: "不符合：" + "；".join(failed), None: "未填完"}[s.gates_met]
            lines.append(f"{label}  {ruleset.levels.gates_label}：{gate}")
        if s.decision is None:
            lines.append(f"{label}  认定结论：基础数据未填完或有误，暂不能认定")
        else:
            lines.append(f"{label}  认定结论：{s.decision.level} —— {s.decision.reason}")
    final = card.final
    if final is not None and final.decision is not None:
        lines.append(f"最终结论（按{ruleset.stage(final.stage).label}）：{final.decision.level}")
    findings = [f for f in card.findings if not (f.rule == "stage.empty" and f.field in later)]  # said above
    if findings:
        lines.append("")
        lines.append(f"校验：{findings_summary(findings)}")
        lines += [f"  {f.line()}" for f in findings]
    return "\n".join(lines)
