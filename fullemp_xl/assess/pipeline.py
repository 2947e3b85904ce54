"""read → validate → score → decide, over any engine adapter; and writing the results back."""
from __future__ import annotations

from ..engine import formulas, scoring
from . import validate
from ..forms import names
from ..forms.book import Book, locate
from ..forms.names import ASSESSMENT, DECLARATION
from ..forms.reader import FormData, NotOurWorkbook, read_assessment, read_meta, read_prior, read_identity
from ..core.model import SEVERITIES, Finding, PriorTitle, RuleSet, ScoreCard, number
from ..core.numbers import shown
from ..engine.monitor import formulas_for as monitor_formulas
from ..engine.monitor import read_monitor
from ..rules import RuleProblem, UnknownRuleSet, load_ruleset
from ..core.jsondoc import document, findings_json

ORDER = {s: n for n, s in enumerate(SEVERITIES)}


def reads_formulas(book: Book) -> bool:
    """xlwings' remote engine cannot read formulas: formula checks are then the command line's job."""
    return getattr(book, "reads_formulas", True)


_EXPECTED: dict[int, tuple[RuleSet, dict[str, str], dict]] = {}


def expected_formulas(ruleset: RuleSet) -> tuple[dict[str, str], dict]:
    """(defined name -> formula, score cell -> 标准分) of a rule set, computed once per loaded rule set:
    a merge checks thousands of forms against the same formulas."""
    known = _EXPECTED.get(id(ruleset))
    if known is None or known[0] is not ruleset:
        known = _EXPECTED[id(ruleset)] = (ruleset, formulas.all_formulas(ruleset), validate.score_points(ruleset))
    return known[1], known[2]


def number_text(value) -> str:
    return "—" if value is None else formulas.excel_number(value)


def ruleset_for(meta, rules: str | RuleSet | None = None, file: str = "") -> RuleSet:
    """The rule set given, or the one the form was built from (built-in or installed with `rules install`);
    a form of another rule set, version or template version is refused (validate.meta_refusal)."""
    ruleset = _ruleset_for(meta, rules)
    why = validate.meta_refusal(meta, ruleset)
    if why:
        raise NotOurWorkbook(file, why)
    return ruleset


def _ruleset_for(meta, rules: str | RuleSet | None = None) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    if rules:
        return load_ruleset(rules)
    try:
        return load_ruleset(meta.ruleset)
    except UnknownRuleSet:
        raise UnknownRuleSet([RuleProblem(meta.ruleset, "", (
            f"本表按规则集“{meta.ruleset}”（{meta.ruleset_version} 版）生成，本机没有这个规则集：请向发放表格的单位"
            "索取规则集文件（.toml），运行 `fullemp rules install 文件` 安装一次；或每次用 --rules 文件 指定"))]) from None


def assess(book: Book, rules: str | RuleSet | None = None) -> ScoreCard:
    """Score a 考评表 with the engine (cached formula values are never trusted) and validate it."""
    meta = read_meta(book)
    if meta.form != ASSESSMENT:
        raise NotOurWorkbook(book.file, f"这是{meta.form}，不是考评表：打分请用考评表")
    ruleset = ruleset_for(meta, rules, book.file)
    data = read_assessment(book, ruleset, meta)
    findings = [*validate.check_meta(meta, ruleset, book.file), *validate.explain_unreadable(data, ruleset),
                *validate.check_identity(data, book), *validate.check_stages(data, ruleset),
                *(validate.check_formulas(book, *expected_formulas(ruleset))
                  if reads_formulas(book) else [])]
    results = tuple(scoring.score_stage(ruleset, s.id, data.values[s.id], data.prior) for s in ruleset.stages)
    findings += validate.check_divergence(results, ruleset, book)
    findings.sort(key=lambda f: ORDER[f.severity])
    return ScoreCard(ruleset.id, {names.IDENTITY[k]: v for k, v in data.identity.items()}, results,
                     tuple(findings), book.file)


def validate_declaration(book: Book, rules: str | RuleSet | None = None) -> list[Finding]:
    meta = read_meta(book)
    ruleset = ruleset_for(meta, rules, book.file)
    data = FormData(meta, {}, PriorTitle())
    read_identity(book, data)
    read_prior(book, data, ruleset)
    findings = [*validate.check_meta(meta, ruleset, book.file), *data.findings, *validate.check_identity(data, book)]
    for name in ("fe_basic_info", "fe_work_info"):
        loc = locate(book, name)
        if loc is not None and not str(book.read(loc.sheet, loc.cell) or "").strip():
            findings.append(Finding("declaration.missing", "warning", "尚未填写", loc, names.DECLARATION_FIELDS[name]))
    if ruleset.monitor is not None:
        findings += read_monitor(book, ruleset.monitor)[1]
        if reads_formulas(book):
            findings += validate.check_formulas(book, monitor_formulas(ruleset.monitor))
    return sorted(findings, key=lambda f: ORDER[f.severity])


def monitor_report(book: Book, rules: str | None = None, file: str | None = None) -> dict:
    """What `fullemp score 申报表.xlsx` reports: each month's employment rate and the months below the mark."""
    meta = read_meta(book)
    ruleset = ruleset_for(meta, rules, book.file)
    if meta.form != DECLARATION:
        raise NotOurWorkbook(book.file, f"这是{meta.form}，不是申报表")
    if ruleset.monitor is None:
        raise NotOurWorkbook(book.file, f"这是申报表；规则集 {ruleset.id} 没有按月就业率监测，无可计算的内容。打分请用考评表")
    months, _ = read_monitor(book, ruleset.monitor)
    findings = validate_declaration(book, rules)
    return document(
        "monitor", file=str(file or book.file), form=DECLARATION,
        ruleset={"id": ruleset.id, "version": ruleset.version, "provisional": ruleset.provisional or None},
        monitor={"label": ruleset.monitor.label, "percent": number(ruleset.monitor.percent),
                 "months": [m.as_json() for m in months],
                 "filled": sum(m.rate is not None for m in months),
                 "below": [m.month for m in months if m.met is False]},
        findings=findings_json(findings, file or book.file), _findings=findings)


def check_workbook(book: Book, rules: str | None = None) -> list[Finding]:
    """What `fullemp validate` reports, for either form."""
    meta = read_meta(book)
    if meta.form == DECLARATION:
        return validate_declaration(book, rules)
    return list(assess(book, rules).findings)


def reason_text(item_score) -> str:
    if item_score.score is None:
        return "；".join(item_score.reasons)
    return "；".join(item_score.reasons) if item_score.reasons else ""


def parts_text(result) -> str:
    """基础得分、加分、扣分 of a rule set with 加分项 or 扣分项 ("" for a plain total)."""
    if result.total is None or (result.bonus is None and result.penalty is None):
        return ""
    parts = [f"基础得分{number_text(result.base)}分"]
    if result.bonus is not None:
        parts.append(f"加分{number_text(result.bonus)}分")
    if result.penalty is not None:
        parts.append(f"扣分{number_text(result.penalty)}分")
    return "，".join(parts) + f"，总得分{number_text(result.total)}分"


def opinion_text(result, ruleset: RuleSet | None = None) -> str:
    """The 认定意见: the decision and why, then every point lost and its reason (the printed form carries them).

    With the rule set, items are named by their printed 序号, and a 加分项 not given or a 扣分项 taken
    is listed under its own heading (未加分、扣分项) rather than as 扣分."""
    if result.decision is None:
        missing = sorted({r for s in result.items if s.score is None for r in s.reasons})
        return "基础数据未填完或有误，暂不能认定" + (f"（{'；'.join(missing)}）" if missing else "")
    d = result.decision
    text = f"{d.level}：{d.reason}"
    if not d.due:
        text += "（本年免于评定）"
    parts = parts_text(result)
    if parts:
        text += f"（{parts}）"
    items = ruleset.items if ruleset is not None else [None] * len(result.items)
    full = {x.id for x in (ruleset.bonus_sections if ruleset is not None else ())
            if result.sections.get(x.id) is not None and result.sections[x.id] >= x.points}  # 加分 at its cap
    groups = {"score": [], "bonus": [], "penalty": []}
    for item, s in zip(items, result.items):
        role = item.role if item is not None else "score"
        name = f"{item.label}：" if item is not None and item.label else f"（{s.item}）"
        if role == "bonus" and item.section in full:
            continue
        if s.score is not None and (s.score > 0 if role == "penalty" else s.score < s.points):
            groups[role].append(f"{name}{'，'.join(s.reasons)}")
    for role, head in (("score", "扣分"), ("bonus", "未加分"), ("penalty", "扣分项")):
        if groups[role]:
            text += f"。{head}：{'；'.join(groups[role])}"
    return text


def normalise_values(book: Book, ruleset: RuleSet) -> list[str]:
    """Values the engine reads but the form's own formulas cannot (４０人, "√") become what the engine read,
    with a line in the cell's 计算说明, so that the printed form and `fullemp score` agree."""
    data = read_assessment(book, ruleset)
    changes = []
    for u in validate.unreadable(data, ruleset):
        loc = data.locations[u.name]
        shown = u.value if isinstance(u.value, str) else formulas.excel_number(u.value)
        book.write(loc.sheet, loc.cell, u.value)
        changes.append(f"{loc.sheet}!{loc.cell}: 原为“{u.raw}”（{u.why}），已改为 {shown}")
        note = locate(book, names.note(u.fact))
        if note is not None:
            old = str(book.read(note.sheet, note.cell) or "")
            line = f"{ruleset.stage(u.stage).label}：原填“{u.raw}”，打分时已改为 {shown}"
            book.write(note.sheet, note.cell, f"{old}\n{line}" if old else line)
    return changes


def write_results(book: Book, card: ScoreCard, ruleset: RuleSet) -> list[str]:
    """Put the engine's reasons and decisions in their cells and restore overwritten formulas.

    Returns a Chinese line for every formula restored and every value normalised. Only cells named by us are touched.
    """
    changes = normalise_values(book, ruleset)
    for name, expected in (expected_formulas(ruleset)[0] if reads_formulas(book) else {}).items():
        loc = locate(book, name)
        if loc is None:
            continue
        value = book.read(loc.sheet, loc.cell)
        if not (isinstance(value, str) and validate._same_formula(value, expected)):
            book.write(loc.sheet, loc.cell, expected)
            text = "空白" if value is None else f"“{shown(value)}”"
            changes.append(f"{loc.sheet}!{loc.cell}: 已恢复公式（原为{text}）")
    for result in card.stages:
        for item, item_score in zip(ruleset.items, result.items):
            loc = locate(book, names.reason(result.stage, item))
            if loc is not None:
                _write_if_different(book, loc, reason_text(item_score) or None)
        loc = locate(book, names.opinion(result.stage))
        if loc is not None:
            _write_if_different(book, loc, opinion_text(result, ruleset))
    return changes


def _write_if_different(book: Book, loc, value) -> None:
    """A cell that already says this is left alone (in Excel every write is a round trip and an undo step)."""
    if book.read(loc.sheet, loc.cell) != value:
        book.write(loc.sheet, loc.cell, value)


def _decision_json(d) -> dict | None:
    if d is None:
        return None
    return {"level": d.level, "certified": d.certified, "reason": d.reason, "recommend": d.recommend or None,
            "due": d.due}


def card_json(card: ScoreCard, ruleset: RuleSet, file: str) -> dict:
    """The document `fullemp score --format json` prints for a 考评表 (jsondoc: fullemp.score/2)."""
    final = card.final
    titles = {s.id: s.title for s in ruleset.sections}
    points = {s.id: s.points for s in ruleset.sections}
    roles, labels = {s.id: s.role for s in ruleset.sections}, {s.id: s.shown for s in ruleset.sections}
    stages = []
    for result in card.stages:
        missing = [r for s in result.items if s.score is None for r in s.reasons]
        stages.append({
            "stage": result.stage, "label": ruleset.stage(result.stage).label,
            "complete": result.total is not None,
            "total": number(result.total),
            **({"base": number(result.base), "bonus": number(result.bonus), "penalty": number(result.penalty)}
               if ruleset.has_parts else {}),
            "sections": [{"id": k, "title": titles[k], "points": number(points[k]), "score": number(v),
                          **({"kind": roles[k], "label": labels[k]} if ruleset.has_parts or labels[k] != k else {})}
                         for k, v in result.sections.items()],
            "gates_met": result.gates_met,
            "gates": [{"id": g.gate, "label": g.label, "met": g.met} for g in result.gates],
            "decision": _decision_json(result.decision),
            "incomplete": sorted(set(missing)),
        })
    items = []
    for k, item in enumerate(ruleset.items):
        items.append({"id": item.id, "section": item.section, "points": number(item.points),
                      **({"kind": item.role, "label": item.shown} if ruleset.has_parts or item.label else {}),
                      "scores": [{"stage": r.stage, "score": number(r.items[k].score), "reasons": list(r.items[k].reasons)}
                                 for r in card.stages]})
    decision = None if final is None or final.decision is None else {"stage": final.stage,
                                                                       **_decision_json(final.decision)}
    identity = {names.COUNTY: "county", names.STREET: "street", names.COMMUNITY: "community"}
    return document(
        "score", file=str(file), form=ASSESSMENT,
        ruleset={"id": ruleset.id, "version": ruleset.version, "name": ruleset.name,
                 "provisional": ruleset.provisional or None},
        community={identity[name]: card.identity.get(label, "") for name, label in names.IDENTITY.items()},
        complete=decision is not None,
        incomplete_reason=None if decision is not None else "基础数据未填完或有误，没有一个评分阶段能算出合计，暂不能认定",
        items=items, stages=stages, decision=decision,
        findings=findings_json(card.findings, file))
