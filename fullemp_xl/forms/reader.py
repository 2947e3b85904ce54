"""Read one of our workbooks into typed base data, every value with its cell; problems become findings."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import FullempError
from ..core.model import Finding, Location, PriorTitle, RuleSet
from ..core.numbers import cell_text as _text
from ..core.numbers import parse_count, parse_flag, parse_percent, shown
from . import names
from .book import Book, locate, read_name

PARSERS = {"count": parse_count, "flag": parse_flag, "percent": parse_percent}


class NotOurWorkbook(FullempError):
    """The workbook has no fullemp form information: exit code 2."""

    def __init__(self, file: str, message: str):
        self.file, self.message = file, message
        super().__init__(message)


@dataclass(frozen=True)
class Meta:
    form: str
    ruleset: str
    ruleset_version: str
    template_version: str
    ruleset_digest: str = ""  # absent in forms built before the fingerprint was recorded
    code: str = ""  # the registry's 社区代码 (`fill --registry`); absent in older forms and plain templates


@dataclass
class FormData:
    meta: Meta
    identity: dict[str, str]
    prior: PriorTitle
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # stage -> fact -> value / None
    raw: dict[str, object] = field(default_factory=dict)  # defined name -> what the cell held
    locations: dict[str, Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def read_meta(book: Book) -> Meta:
    values = {}
    for name in names.META:
        value, _ = read_name(book, name)
        values[name] = "" if value is None else str(value).strip()
    if not values["fe_meta_form"] or not values["fe_meta_ruleset"]:
        raise NotOurWorkbook(book.file, "这不是 fullemp 生成的考评表或申报表（缺少隐藏的表单信息）。"
                                        "请用 `fullemp templates build` 生成的模板填写后再提交")
    return Meta(values["fe_meta_form"], values["fe_meta_ruleset"], values["fe_meta_ruleset_version"],
                values["fe_meta_template_version"], values["fe_meta_ruleset_digest"], values[names.CODE])


def read_identity(book: Book, data: FormData) -> None:
    for name, label in names.IDENTITY.items():
        value, loc = read_name(book, name)
        data.identity[name] = _text(value)
        if loc is not None:
            data.locations[name] = loc


def read_prior(book: Book, data: FormData, ruleset: RuleSet) -> PriorTitle:
    title_raw, title_loc = read_name(book, names.PRIOR_TITLE)
    year_raw, year_loc = read_name(book, names.PRIOR_YEAR)
    title = _text(title_raw)
    if title in ("", "无"):
        title = ""
    elif title not in ruleset.levels.titles:
        data.findings.append(Finding("prior.unknown", "error", f"原有称号“{shown(title)}”不是本规则集的称号（{'、'.join(ruleset.levels.titles)}），请从下拉列表选择",
                                     title_loc or Location(book.file), "原有称号"))
        title = ""
    year = None
    if isinstance(year_raw, (dt.date, dt.datetime)):
        year = year_raw.year
    elif _text(year_raw):
        parsed = parse_count(year_raw)
        if parsed.value is None or not 1990 <= parsed.value <= 2100:
            data.findings.append(Finding("prior.year", "error", f"取得称号的年份“{shown(_text(year_raw))}”无法识别，请填写四位年份",
                                         year_loc or Location(book.file), "取得原有称号的年份"))
        else:
            year = parsed.value
    if title and year is None:
        data.findings.append(Finding("prior.year", "warning", "填写了原有称号但没有填取得年份，无法判断本年是否到期复审",
                                     year_loc or Location(book.file), "取得原有称号的年份"))
    return PriorTitle(title, year)


_FACT_NAMES: dict[int, tuple[RuleSet, tuple]] = {}


def fact_names(ruleset: RuleSet) -> tuple[tuple[object, tuple[tuple[object, str], ...]], ...]:
    """Per stage, every fact with the defined name of its cell: ((stage, ((fact, name), …)), …) in the rule
    set's order, worked out once per loaded rule set (a merge reads thousands of forms)."""
    known = _FACT_NAMES.get(id(ruleset))
    if known is None or known[0] is not ruleset:
        if len(_FACT_NAMES) > 64:
            _FACT_NAMES.clear()
        known = _FACT_NAMES[id(ruleset)] = (ruleset, tuple(
            (stage, tuple((fact, names.fact(stage.id, fact.id)) for fact in ruleset.facts.values()))
            for stage in ruleset.stages))
    return known[1]


def read_assessment(book: Book, ruleset: RuleSet, meta: Meta | None = None) -> FormData:
    """Identity, prior title and every stage's base data of a 考评表."""
    meta = meta or read_meta(book)
    data = FormData(meta, {}, PriorTitle())
    read_identity(book, data)
    data.prior = read_prior(book, data, ruleset)
    for stage, facts in fact_names(ruleset):
        stage_values: dict[str, object] = {}
        for fact, name in facts:
            loc = locate(book, name)
            if loc is None:
                data.findings.append(Finding("name.missing", "error", f"找不到“{fact.label}”（{stage.label}）所在的单元格：该行可能被删除了。请从模板恢复该行",
                                             Location(book.file, name=name), fact.label))
                stage_values[fact.id] = None
                continue
            raw = book.read(loc.sheet, loc.cell)
            data.raw[name], data.locations[name] = raw, loc
            parsed = PARSERS[fact.type](raw)
            if parsed.problem:
                data.findings.append(Finding("value.invalid", "error", parsed.problem, loc, f"{fact.label}（{stage.label}）"))
            elif parsed.note:
                data.findings.append(Finding("value.normalised", "warning", parsed.note, loc, f"{fact.label}（{stage.label}）"))
            stage_values[fact.id] = parsed.value
        data.values[stage.id] = stage_values
    return data
