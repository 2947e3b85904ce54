"""Plain data that flows through the pipeline: rule sets, base data, scores, decisions, findings.

This module imports nothing of ours. Rule kinds (the scoring vocabulary) live in ``rules.kinds``;
everything here is a frozen value that knows where it came from.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from fractions import Fraction
from typing import Any, Literal

# The one severity vocabulary of every finding, worst first: "quarantined" is a whole file that could not be
# used (a line of the merge's 问题清单); a form's own findings are error, warning or info. The one mapping to
# the words a user reads is SEVERITY_LABEL (CLI, 批注, 问题清单); JSON carries the English codes.
Severity = Literal["quarantined", "error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("quarantined", "error", "warning", "info")
SEVERITY_LABEL = {"quarantined": "隔离", "error": "错误", "warning": "警告", "info": "提示"}
FactType = Literal["count", "flag", "percent"]


# ---------------------------------------------------------------- where a value came from
@dataclass(frozen=True)
class Location:
    """A cell in a workbook, as a person would look for it."""

    file: str = ""
    sheet: str = ""
    cell: str = ""
    name: str = ""  # the defined name, when the cell has one

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or self.cell)
        return ":".join(p for p in (self.file, where) if p)


@dataclass(frozen=True)
class Finding:
    """One problem found in an input: a value, never an exception."""

    rule: str
    severity: Severity
    message: str
    location: Location = Location()
    field: str = ""  # the human label of the field concerned

    def line(self) -> str:
        where = str(self.location) or "-"
        label = f"〔{self.field}〕" if self.field else ""
        return f"{where}: {SEVERITY_LABEL[self.severity]} {label}{self.message}"  # the rule id only in JSON

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.location.file,
            "sheet": self.location.sheet,
            "cell": self.location.cell,
            "name": self.location.name,
            "field": self.field,
        }


def worst_exit_code(findings) -> int:
    """0 when clean (warnings allowed), 1 when any finding is an error (or a file that could not be used)."""
    return 1 if any(f.severity in ("quarantined", "error") for f in findings) else 0


# ---------------------------------------------------------------- rule sets
@dataclass(frozen=True)
class Stage:
    """A column of scores in the 考评表: 自评, 考评, or whatever a city uses."""

    id: str
    label: str


@dataclass(frozen=True)
class Fact:
    """One base-data field an item needs: a count or a yes/no fact, entered once per stage."""

    id: str
    label: str
    type: FactType
    unit: str = ""
    help: str = ""
    part_of: tuple[str, ...] = ()  # "of which" counts: this count can never exceed each of these


@dataclass(frozen=True)
class Rate:
    """A derived rate numerator / denominator; never entered, so numerator ≤ denominator is checkable."""

    id: str
    label: str
    numerator: str
    denominator: str
    empty_met: bool = True  # how a condition on this rate reads when the denominator is 0
    may_exceed: bool = False  # a target that can be over-fulfilled (完成数 > 任务数); else numerator ≤ denominator


@dataclass(frozen=True)
class PartWhole:
    """A count that can never exceed another ("其中…" ≤ its total, a rate's numerator ≤ its denominator)."""

    part: str
    whole: str
    rate: str = ""  # the rate this pair comes from, when it does


@dataclass(frozen=True)
class Item:
    id: str
    section: str
    content: str  # 考核内容, verbatim
    criteria: str  # 评分标准, verbatim
    points: Fraction  # 标准分
    parts: tuple  # rule kinds from rules.kinds
    reading: str = ""  # how an ambiguous sentence of the seed was read
    role: str = "score"  # score: part of the full mark; bonus: 加分项 outside it; penalty: 扣分项 off the total
    label: str = ""  # the 序号 as the official table prints it (附1, （一）); the id when empty
    cap: Fraction | None = None  # penalty items: the most this item takes off (None: 扣完为止)
    row_label: str = ""  # its own 序号 as the rule set writes it (（一）, 1): printed in its table row

    @property
    def shown(self) -> str:
        """The 序号 named to people (附1.2, 二（一）)."""
        return self.label or self.id

    @property
    def printed_content(self) -> str:
        """考核内容 as its table row prints it: after the item's own 序号 when the rule set gives one."""
        return numbered(self.row_label, self.content)

    @property
    def key(self) -> str:
        """ASCII form of the id for defined names: '3.2' -> '3_2'."""
        return self.id.replace(".", "_")


@dataclass(frozen=True)
class Section:
    id: str
    title: str  # 项目
    points: Fraction  # 标准分; bonus: the most it adds (最高加5分); penalty: its cap, or 0 without one
    items: tuple[Item, ...]
    role: str = "score"  # score / bonus (加分项, outside the full mark) / penalty (扣分项, off the total)
    label: str = ""  # the 序号 as printed (一、附); the id when empty
    cap: Fraction | None = None  # bonus: 最高加分; penalty: 最多扣分 (None: 扣完为止, down to 0)

    @property
    def shown(self) -> str:
        return self.label or self.id

    @property
    def caption(self) -> str:
        """The section as a heading names it: 1. 平台建设（40分）, 附1 加分项（最高加5分）, 附2 扣分项（扣完为止）."""
        def n(value: Fraction) -> str:
            return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"

        if self.role == "bonus":
            points = f"最高加{n(self.points)}分"
        elif self.role == "penalty":
            points = "扣完为止" if self.cap is None else f"最多扣{n(self.cap)}分"
        else:
            points = f"{n(self.points)}分"
        return f"{numbered(self.shown, self.title)}（{points}）"


def numbered(label: str, text: str) -> str:
    """A text after its printed 序号: "1. 平台建设", "（一）有……", "一、就业服务", "附1 加分项"; the text alone without one."""
    if not label:
        return text
    last = label[-1:]
    sep = ". " if label.isascii() and last.isalnum() else "" if last in "、.．)）" else " "
    return f"{label}{sep}{text}"


@dataclass(frozen=True)
class Gate:
    """A prerequisite: unless it holds, no title whatever the total (不符合基本条件的不能参与认定)."""

    id: str
    label: str
    require: Any  # a condition from rules.kinds


@dataclass(frozen=True)
class LevelBand:
    min: Fraction
    title: str  # the highest title a score in this band supports
    new_title: str  # the title granted to a community that held none
    recommend: str = ""  # e.g. 可筛选申报省级以上充分就业社区


@dataclass(frozen=True)
class Exemption:
    title: str
    granted_year: int
    label: str


@dataclass(frozen=True)
class LevelPolicy:
    titles: tuple[str, ...]  # ascending rank
    bands: tuple[LevelBand, ...]  # ascending min
    requires_gates: bool = True
    none_label: str = "不予认定"
    revoked_label: str = "取消认定资格"
    review: str = ""  # how often certified communities are reviewed, in words
    new_every_years: int = 1
    recertify_every_years: int = 1
    exemptions: tuple[Exemption, ...] = ()
    reading: str = ""
    gates_label: str = "认定基本条件"  # what the gates are called together, e.g. 平台建设基本条件
    with_bonus: bool = True  # the bands read the score with the bonus (False: 基础得分 − 扣分 only)


@dataclass(frozen=True)
class Monitor:
    """Monthly employment-rate monitoring: employed / (employed + unemployed) against a percent."""

    label: str
    employed_label: str
    unemployed_label: str
    percent: Fraction
    months: int = 12
    reading: str = ""


@dataclass(frozen=True)
class SubsidyPolicy:
    """Who is paid what after certification (张掖 第十一条、第十三条)."""

    amount: Fraction  # 元 per community per year
    titles: tuple[str, ...]  # certified titles that are funded
    payer: str  # who pays, e.g. 县（区）
    fund: str  # from which fund, e.g. 就业补助资金
    exclude: tuple[str, ...]  # registry flags that exclude (national_subsidy, provincial_subsidy)
    exclude_reason: str
    report_by: str  # usage report deadline as MM-DD
    report_to: str
    source: str = ""


@dataclass(frozen=True)
class CoverageTarget:
    """Share of the registry's communities to be certified by a year (齐齐哈尔: 70% in 2022, 95% by 十四五末)."""

    year: int
    percent: Fraction
    label: str


STEP_KINDS = {  # what the tool does with each official step of the review process
    "report": "申报、自评上报（表格本身）",
    "review": "初审、审核（按考评表打分，没有单独的列）",
    "inspection": "实地考察（汇总表一列：符合 / 不符合）",
    "notice": "公示（汇总表一列：公示期内有无异议；`fullemp notice --stage`）",
    "recommend": "推荐（实地考察符合且公示无异议的，推荐到上一级）",
    "certify": "认定（汇总表的“最终认定”列）",
    "announce": "公告（`fullemp announce`）",
}
PROCESS_STAGES = {"county": "县区", "city": "市级"}  # stage id -> how a column of that stage is labelled


@dataclass(frozen=True)
class Step:
    """One official step of a stage of the review process, named as the rule set's document names it."""

    kind: str  # one of STEP_KINDS
    name: str  # e.g. 初审, 实地考察, 公示, 推荐 (张掖 第六条); 实地考核, 评定 (齐齐哈尔 六（二）)


@dataclass(frozen=True)
class ProcessStage:
    """Who does what, in order: the county's stage or the city's."""

    id: str  # county / city
    name: str  # e.g. 县区推荐, 市级认定
    steps: tuple[Step, ...]
    source: str = ""

    @property
    def label(self) -> str:
        """How the summary labels this stage's columns: 县区 / 市级."""
        return PROCESS_STAGES.get(self.id, self.id)

    def has(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.steps)

    def step(self, kind: str) -> Step | None:
        return next((s for s in self.steps if s.kind == kind), None)


def default_process(publishers: tuple[str, ...]) -> tuple[ProcessStage, ...]:
    """The process of a rule set that declares none: 张掖 第六条's when the county publishes a 公示, else the
    city inspects, publishes and certifies."""
    if "county" not in publishers:
        return (ProcessStage("city", "市级认定", (Step("inspection", "实地考察"), Step("notice", "公示"),
                                               Step("certify", "认定"), Step("announce", "公告"))),)
    county = ProcessStage("county", "县区推荐", (Step("review", "初审"), Step("inspection", "实地考察"),
                                                Step("notice", "公示"), Step("recommend", "推荐")))
    city = [Step("review", "审核"), *([Step("notice", "公示")] if "city" in publishers else []),
            Step("certify", "认定"), Step("announce", "公告")]
    return county, ProcessStage("city", "市级认定", tuple(city))


@dataclass(frozen=True)
class Publication:
    """The review process (who inspects, publishes and certifies, stage by stage) and its public notices
    (公示 of at least n working days at each stage that publishes one)."""

    notice_days: int = 5
    stages: tuple[str, ...] = ("county", "city")  # who publishes a 公示 (the process's stages with a notice step)
    source: str = ""
    process: tuple[ProcessStage, ...] = ()  # () -> default_process(stages)

    def __post_init__(self):
        if not self.process:
            object.__setattr__(self, "process", default_process(self.stages))

    def stage(self, stage_id: str) -> ProcessStage | None:
        return next((s for s in self.process if s.id == stage_id), None)


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    name: str  # the title of the 考评表
    jurisdiction: str
    source: str
    year: int
    stages: tuple[Stage, ...]
    facts: dict[str, Fact]
    rates: dict[str, Rate]
    conditions: dict[str, Any]
    sections: tuple[Section, ...]
    gates: tuple[Gate, ...]
    levels: LevelPolicy
    total: Fraction
    provisional: str = ""  # non-empty: the item table is not the jurisdiction's own
    path: str = ""
    declaration: str = ""  # the title of the 申报表
    monitor: Monitor | None = None
    ledger: "LedgerSpec | None" = None
    items_from: str = ""  # the rule set whose scoring table this one borrows
    subsidy: SubsidyPolicy | None = None
    coverage: tuple[CoverageTarget, ...] = ()
    publication: Publication = Publication()
    digest: str = ""  # fingerprint of the rule set's content (comments and layout ignored)

    @cached_property
    def part_whole(self) -> tuple[PartWhole, ...]:
        """Every pair validation checks: declared `part_of` counts and the rates that cannot exceed 100%."""
        pairs: dict[tuple[str, str], PartWhole] = {}
        for rate in self.rates.values():
            if not rate.may_exceed:
                pairs.setdefault((rate.numerator, rate.denominator), PartWhole(rate.numerator, rate.denominator, rate.id))
        for fact in self.facts.values():
            for whole in fact.part_of:
                pairs.setdefault((fact.id, whole), PartWhole(fact.id, whole))
        return tuple(pairs.values())

    @cached_property
    def fractional(self) -> bool:
        """Whether any 标准分 or point value is not a whole number (formulas then round their sums)."""
        values = [i.points for i in self.items] + [s.points for s in self.sections]
        for item in self.items:
            for part in item.parts:
                values += [getattr(part, k) for k in ("points", "max") if getattr(part, k, None) is not None]
                values += [b.points for b in getattr(part, "bands", ())]
        return any(Fraction(v).denominator != 1 for v in values)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every item, section by section (worked out once: scoring a merge asks for it thousands of times)."""
        return tuple(i for s in self.sections for i in s.items)

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        out: dict[str, Item] = {}
        for i in self.items:
            out.setdefault(i.id, i)  # the first of an id, as the search it replaces
        return out

    @property
    def scored_sections(self) -> tuple[Section, ...]:
        """The sections of the full mark (their sum is 基础得分, at most `total`)."""
        return tuple(s for s in self.sections if s.role == "score")

    @property
    def bonus_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.role == "bonus")

    @property
    def penalty_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.role == "penalty")

    @property
    def printed_sections(self) -> tuple[Section, ...]:
        """The order of the printed table: the full mark's sections, then 加分项 and 扣分项."""
        return self.scored_sections + tuple(s for s in self.sections if s.role != "score")

    @property
    def has_parts(self) -> bool:
        """Whether the total is more than the plain sum (加分项 or 扣分项): forms then show 基础得分, 加分, 扣分."""
        return any(s.role != "score" for s in self.sections)

    def item(self, item_id: str) -> Item:
        found = self._items_by_id.get(item_id)
        if found is None:
            raise KeyError(item_id)
        return found

    def stage(self, stage_id: str) -> Stage:
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class ItemScore:
    item: str
    points: Fraction  # 标准分
    score: Fraction | None  # None: base data missing or unusable
    reasons: tuple[str, ...] = ()  # why each point was lost, in Chinese


@dataclass(frozen=True)
class GateResult:
    gate: str
    label: str
    met: bool | None


@dataclass(frozen=True)
class Decision:
    level: str  # the title held after this assessment, or the none / revoked label
    certified: bool
    reason: str
    recommend: str = ""
    due: bool = True  # whether the community is due for assessment this year


@dataclass(frozen=True)
class StageResult:
    stage: str
    items: tuple[ItemScore, ...]
    sections: dict[str, Fraction | None]
    total: Fraction | None
    gates: tuple[GateResult, ...]
    decision: Decision | None
    base: Fraction | None = None  # 基础得分: the sections of the full mark (= total without 加分项/扣分项)
    bonus: Fraction | None = None  # 加分, capped (None: the rule set has no 加分项, or not computable)
    penalty: Fraction | None = None  # 扣分 on the total, capped (None: no 扣分项, or not computable)

    @property
    def gates_met(self) -> bool | None:
        if any(g.met is None for g in self.gates):
            return None
        return all(g.met for g in self.gates)


@dataclass(frozen=True)
class PriorTitle:
    title: str = ""
    year: int | None = None


@dataclass(frozen=True)
class ScoreCard:
    """Everything `fullemp score` reports for one workbook."""

    ruleset: str
    identity: dict[str, str]
    stages: tuple[StageResult, ...]
    findings: tuple[Finding, ...] = ()
    source: str = ""

    def stage(self, stage_id: str) -> StageResult:
        return next(s for s in self.stages if s.stage == stage_id)

    @property
    def final(self) -> StageResult | None:
        """The last stage with a complete total: the county's 考评 over the community's 自评."""
        done = [s for s in self.stages if s.total is not None]
        return done[-1] if done else None


def number(value: Fraction | None) -> int | float | None:
    """A Fraction as the plainest JSON/Excel number."""
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


# ---------------------------------------------------------------- real-name ledgers (实名制台账)
@dataclass(frozen=True)
class LedgerColumn:
    id: str
    label: str
    type: str  # text, id, flag, date, count
    personal: bool = False  # never leaves the ledger (names, ID numbers)
    help: str = ""


@dataclass(frozen=True)
class RowTest:
    """A condition on one ledger row."""

    col: str
    kind: str  # flag, filled, compare, within
    expect: bool = True
    op: str = ""
    value: Fraction | None = None
    months: int = 0
    of: str = ""


@dataclass(frozen=True)
class RowAny:
    tests: tuple


@dataclass(frozen=True)
class LedgerCount:
    fact: str
    where: tuple
    distinct: str = ""  # count distinct values of this column instead of rows


@dataclass(frozen=True)
class LedgerFlag:
    """是 when every row within `among` satisfies `require` (and when nobody is within)."""

    fact: str
    among: tuple
    require: tuple


@dataclass(frozen=True)
class MonthRule:
    where: tuple
    start: str  # date column: in the state from this date (blank: from before the year)
    end: str  # date column: out of the state from this date (blank: still in it)


@dataclass(frozen=True)
class Contradiction:
    """Ledger rows matching `when` are a finding with this message."""

    when: tuple
    message: str
    severity: Severity = "error"  # error or warning (rules.ledger_spec)


@dataclass(frozen=True)
class LedgerSpec:
    title: str
    columns: tuple[LedgerColumn, ...]
    counts: dict[str, LedgerCount]
    flags: dict[str, LedgerFlag]
    monitor: dict[str, MonthRule] | None = None
    contradictions: tuple[Contradiction, ...] = ()

    def column(self, col_id: str) -> LedgerColumn:
        return next(c for c in self.columns if c.id == col_id)


def band_score(ruleset: RuleSet, total, base=None, penalty=None):
    """The score the level bands read: the total, or 基础得分 − 扣分 when the rule set's bands leave out the bonus.
    Numbers of any kind (Fractions from the engine, floats from a summary); None when the total is."""
    if total is None or ruleset.levels.with_bonus or not ruleset.bonus_sections or base is None:
        return total
    return max(0, base - (penalty or 0))


def score_label(ruleset: RuleSet) -> str:
    """What the decision calls the score it reads."""
    if not ruleset.has_parts:
        return "综合得分"
    return "总得分" if ruleset.levels.with_bonus or not ruleset.bonus_sections else "不含加分的得分"


def score_name(ruleset: RuleSet) -> str:
    """What a score column shows: 总得分 (基础得分＋加分－扣分) under a rule set with 加分项 or 扣分项, else 综合得分."""
    return "总得分" if ruleset.has_parts else "综合得分"
