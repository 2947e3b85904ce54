"""Read and score one submission (runs in a worker process): a FileResult, never an exception.

Scores come from the base data under the rule set, through the same pipeline as `fullemp score`;
what the file itself records (cached formula values, constants typed over formulas) is only compared
with them, and every divergence becomes a finding.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from ..assess import pipeline
from ..forms import names
from ..forms.names import ASSESSMENT as FORM_ASSESSMENT
from ..forms.names import DECLARATION as FORM_DECLARATION
from ..forms.reader import FormData, NotOurWorkbook, read_meta, read_prior
from ..core.model import Finding, Location, PriorTitle, RuleSet
from ..rules import RuleSetError, load_ruleset
from ..rules.kinds import excel_number
from ..errors import UnusableFile
from ..assess.validate import meta_refusal
from ..xlsx import open_screened
from ..summary.identity import valid_code
from ..summary.model import ASSESSMENT, DECLARATION, SKIPPED, FileResult, StageOutcome, quarantined

OTHER_FORMS = {"社区名册": "社区名册", "台账": "实名制台账", "汇总表": "汇总表"}
OWN_SUMMARY = "本程序生成的汇总表"  # the reason a summary is skipped: the city's merge looks for county summaries


def read_submission(source: str, link: str, data: bytes | Path, mtime: float, rules: str | None) -> FileResult:
    """One file: its form, rule set, identity, every stage's recomputed result and its findings."""
    try:  # the one read path of every command: the screening (macros, damage in any part, bombs…), then the reader
        if isinstance(data, Path):
            book = open_screened(data, source=source)
        else:  # a member of a zip archive
            book = open_screened(Path(source), data, source=source)
    except UnusableFile as exc:
        return quarantined(source, link, exc.message, mtime)
    try:
        return _read(book, source, link, mtime, rules)
    except UnusableFile as exc:
        return quarantined(source, link, exc.message, mtime)
    except NotOurWorkbook as exc:
        return quarantined(source, link, exc.message, mtime)
    except RuleSetError as exc:
        return quarantined(source, link, "规则集有问题：" + "；".join(p.message for p in exc.problems[:3]), mtime)
    finally:
        book.close()


def _read(book, source: str, link: str, mtime: float, rules: str | None) -> FileResult:
    meta = read_meta(book)
    if meta.form not in (FORM_ASSESSMENT, FORM_DECLARATION):
        what = OTHER_FORMS.get(meta.form, meta.form)
        if meta.form in OTHER_FORMS:  # one of our own files beside the submissions: skipped, not an error
            return FileResult(source, link, SKIPPED, reason=f"本程序生成的{what}，不是提交的表格", mtime=mtime)
        return quarantined(source, link, f"这是{what}，不是考评表或申报表：汇总只读考评表和申报表，已跳过", mtime)
    ruleset = _ruleset(rules or meta.ruleset)
    if meta.ruleset != ruleset.id:
        return quarantined(source, link, f"本表按规则集“{meta.ruleset}”生成，与本次汇总所用的“{ruleset.id}”不符："
                                         "请让社区改用正确的表格重新填写，或对这些表格单独汇总", mtime)
    why = meta_refusal(meta, ruleset)  # the same rule and words as `fullemp score`
    if why:
        return quarantined(source, link, why, mtime)
    saved = book.parts.saved
    if meta.form == FORM_DECLARATION:
        return _declaration(book, ruleset, source, link, mtime, saved, meta)
    card = pipeline.assess(book, ruleset)
    findings = list(card.findings)
    stages = []
    for result in card.stages:
        recorded, diverge = _recorded(book, ruleset, result)
        findings += diverge
        d = result.decision
        stages.append(StageOutcome(result.stage, _num(result.total), recorded, result.gates_met,
                                   d.level if d else "", bool(d and d.certified), d.recommend if d else "",
                                   d.due if d else True, d.reason if d else "",
                                   (_num(result.base), _num(result.bonus), _num(result.penalty))
                                   if ruleset.has_parts else ()))
    final = card.final
    ident = card.identity
    prior = _prior(book, ruleset, meta)
    return FileResult(
        source, link, ASSESSMENT, ruleset=ruleset.id, ruleset_version=ruleset.version,
        identity=(ident.get("县（区）", ""), ident.get("街道（乡镇）", ""), ident.get("社区", "")),
        prior_title=prior.title, prior_year=prior.year, saved=saved, mtime=mtime,
        items=tuple((s.item, _num(s.score)) for s in (final.items if final else card.stages[0].items)),
        stages=tuple(stages), final_stage=final.stage if final else "", findings=tuple(findings),
        code=valid_code(meta.code))


_RULESETS: dict[str, RuleSet] = {}


def _ruleset(name: str) -> RuleSet:
    """A worker loads each rule set once: the files do not change during a merge."""
    if name not in _RULESETS:
        _RULESETS[name] = load_ruleset(name)
    return _RULESETS[name]


def _declaration(book, ruleset: RuleSet, source, link, mtime, saved, meta) -> FileResult:
    findings = pipeline.validate_declaration(book, ruleset)
    ident = tuple(_cell_text(book, n) for n in (names.COUNTY, names.STREET, names.COMMUNITY))
    prior = _prior(book, ruleset, meta)
    return FileResult(source, link, DECLARATION, ruleset=ruleset.id, ruleset_version=ruleset.version,
                      identity=ident, prior_title=prior.title, prior_year=prior.year,
                      saved=saved, mtime=mtime, findings=tuple(findings),
                      code=valid_code(meta.code))


def _cell_text(book, name: str) -> str:
    where = book.cells().get(name)
    value = book.read(*where) if where else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _prior(book, ruleset: RuleSet, meta):
    """The prior title and year exactly as `fullemp score` reads them (its findings are in the card already)."""
    return read_prior(book, FormData(meta, {}, PriorTitle()), ruleset)


def _num(value: Fraction | None):
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


def _recorded(book, ruleset: RuleSet, result) -> tuple[int | float | None, list[Finding]]:
    """The stage total the file records, and a finding for every recorded value the engine disagrees with."""
    label = ruleset.stage(result.stage).label
    out: list[Finding] = []
    cells = book.cells()

    def cached(name: str):
        where = cells.get(name)
        return (book.cached(*where), where) if where else (None, None)

    def differs(recorded, computed) -> bool:
        if recorded in (None, ""):
            return False
        if isinstance(recorded, bool) or not isinstance(recorded, (int, float)):
            return True
        return computed is None or abs(Fraction(str(recorded)) - computed) > Fraction(1, 1000)

    for item, score in zip(ruleset.items, result.items):
        value, where = cached(names.score(result.stage, item))
        if where and differs(value, score.score):
            out.append(Finding("recorded.item", "warning", f"序号{item.id}：表内记录的{label}得分为“{_shown(value)}”，按基础数据"
                                                           f"重新计算为{_shown(score.score)}（以重新计算为准）",
                               Location(sheet=where[0], cell=where[1]), f"{item.id}（{label}）"))
    total, where = cached(names.total(result.stage))
    if where and differs(total, result.total):
        out.append(Finding("recorded.total", "error", f"表内记录的{label}合计为“{_shown(total)}”，按基础数据重新计算为"
                                                      f"{_shown(result.total)}分（以重新计算为准；可能是公式被改动、表格未重新计算或数据被改过）",
                           Location(sheet=where[0], cell=where[1]), f"{label}合计"))
    for name, expected, what in ((names.level(result.stage), result.decision.level if result.decision else "", "认定结论"),):
        value, where = cached(name)
        if where and value not in (None, "") and str(value).strip() != expected:
            out.append(Finding("recorded.level", "error", f"表内记录的{label}{what}为“{_shown(value)}”，按基础数据重新计算为"
                                                          f"“{expected or '暂不能认定'}”（以重新计算为准）",
                               Location(sheet=where[0], cell=where[1]), f"{label}{what}"))
    recorded = total if isinstance(total, (int, float)) and not isinstance(total, bool) else None
    return recorded, out


def _shown(value) -> str:
    if value is None or value == "":
        return "空白"
    if isinstance(value, Fraction):
        return excel_number(value)
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"
