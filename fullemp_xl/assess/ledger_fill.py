"""Ledger -> base data: count what the rule set's [ledger] says and write it into a 考评表 or 申报表.

Only counts and row numbers reach the form (the 计算说明 names rows, never people).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..forms import names
from ..forms.book import Book, locate
from ..forms.names import ASSESSMENT, DECLARATION
from ..forms.reader import NotOurWorkbook, read_meta
from ..ledger.checks import check_ledger
from ..ledger.count import Counted, count_all, monthly
from ..ledger.read import read_ledger
from ..core.model import Finding, Location, RuleSet
from ..core.numbers import shown
from ..rules import load_ruleset
from ..core.jsondoc import document, findings_json
from .validate import meta_refusal


@dataclass
class FillResult:
    form: str
    stage: str
    counted: dict[str, Counted] = field(default_factory=dict)
    months: dict[int, tuple[int, int]] = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    rows: int = 0
    by_hand: list[str] = field(default_factory=list)  # facts the ledger cannot count, still blank in this stage


def _set_note(book: Book, name: str, stage_label: str, text: str) -> None:
    """One 计算说明 cell serves every stage: keep the other stages' lines, replace this stage's."""
    loc = locate(book, name)
    if loc is None:
        return
    old = book.read(loc.sheet, loc.cell)
    lines = [ln for ln in str(old or "").split("\n") if ln and not ln.startswith(f"{stage_label}：")]
    lines.append(f"{stage_label}：{text}")
    book.write(loc.sheet, loc.cell, "\n".join(lines))


def fill_identity(book: Book, ledger_identity: dict[str, str], file: str) -> tuple[dict, list[Finding]]:
    written, findings = {}, []
    for name, label in names.IDENTITY.items():
        value = ledger_identity.get(label, "")
        loc = locate(book, name)
        if not value or loc is None:
            continue
        current = str(book.read(loc.sheet, loc.cell) or "").strip()
        if not current:
            book.write(loc.sheet, loc.cell, value)
            written[label] = value
        elif current != value:
            findings.append(Finding("fill.identity", "warning", f"台账中的{label}“{shown(value)}”与表中的“{shown(current)}”不一致，未改动",
                                    loc, label))
    return written, findings


def fill_from_ledger(book: Book, ledger_path: Path, *, stage: str | None = None, rules: str | None = None) -> FillResult:
    meta = read_meta(book)
    ruleset: RuleSet = load_ruleset(rules or meta.ruleset)
    if ruleset.ledger is None:
        raise NotOurWorkbook(book.file, f"规则集 {ruleset.id} 没有定义台账（[ledger]），无法从台账填报")
    if meta.form not in (ASSESSMENT, DECLARATION):
        raise NotOurWorkbook(book.file, f"这是{meta.form}；填报基础数据请用考评表或申报表")
    why = meta_refusal(meta, ruleset)  # the same rule as score, validate and merge
    if why:
        raise NotOurWorkbook(book.file, why)
    stage = stage or ruleset.stages[0].id
    if stage not in [s.id for s in ruleset.stages]:
        raise NotOurWorkbook(book.file, f"没有评分阶段“{stage}”；可用：{'、'.join(s.id for s in ruleset.stages)}")
    ledger = read_ledger(ledger_path, ruleset.ledger)
    result = FillResult(meta.form, stage, rows=len(ledger.rows))
    result.findings = ledger.findings + check_ledger(ledger, ruleset.ledger)
    result.identity, more = fill_identity(book, ledger.identity, book.file)
    result.findings += more
    label = ruleset.stage(stage).label
    if meta.form == ASSESSMENT:
        result.counted = count_all(ruleset.ledger, ledger.rows, ledger.file)
        for fact, counted in result.counted.items():
            loc = locate(book, names.fact(stage, fact))
            if loc is None:
                result.findings.append(Finding("name.missing", "error", f"找不到“{ruleset.facts[fact].label}”所在的单元格",
                                               Location(book.file, name=names.fact(stage, fact))))
                continue
            value = counted.value if not isinstance(counted.value, bool) else ("是" if counted.value else "否")
            book.write(loc.sheet, loc.cell, value)
            _set_note(book, names.note(fact), label, counted.note)
        result.by_hand = [fact for fact in ruleset.facts if fact not in result.counted and _blank(book, names.fact(stage, fact))]
    elif ruleset.monitor is not None and ruleset.ledger.monitor:
        result.months = monthly(ruleset.ledger, ledger.rows, ruleset.year)
        for month, (employed, unemployed) in result.months.items():
            for kind, value in (("employed", employed), ("unemployed", unemployed)):
                loc = locate(book, names.monitor(kind, month))
                if loc is not None:
                    book.write(loc.sheet, loc.cell, value)
    return result


def _blank(book: Book, name: str) -> bool:
    loc = locate(book, name)
    if loc is None:
        return False
    value = book.read(loc.sheet, loc.cell)
    return value is None or (isinstance(value, str) and not value.strip())


def result_json(result: FillResult, ruleset: RuleSet, file: str, ledger: str) -> dict:
    """The document `fullemp fill 表格 --ledger 台账 --format json` prints (jsondoc: fullemp.fill-ledger/1)."""

    keys = {label: key for key, label in zip(("county", "street", "community"), names.IDENTITY.values())}
    return document(
        "fill-ledger", file=str(file), ledger=str(ledger), form=result.form, stage=result.stage,
        ledger_rows=result.rows,
        identity={keys[label]: value for label, value in result.identity.items() if label in keys},
        counts=[{"fact": f, "label": ruleset.facts[f].label,
                 "value": ("是" if c.value else "否") if isinstance(c.value, bool) else c.value,
                 "rows": list(c.rows), "note": c.note} for f, c in result.counted.items()],
        months=[{"month": m, "employed": e, "unemployed": u} for m, (e, u) in sorted(result.months.items())],
        findings=[*findings_json([f for f in result.findings if f.location.file == Path(ledger).name], ledger),
                  *findings_json([f for f in result.findings if f.location.file != Path(ledger).name], file)])
