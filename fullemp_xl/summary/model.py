"""The values the merge passes around: one file's result, one summary row, the officials' decisions.

Plain, picklable data (workers send FileResults to the parent). Numbers are ints or floats, never
Fractions, so that a result pickles small and compares exactly with what the workbook holds.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from ..core.model import Finding, Location

ASSESSMENT, DECLARATION, QUARANTINED = "assessment", "declaration", "quarantined"
SKIPPED = "skipped"  # one of our own files (a summary, a registry, a ledger): listed, not read


def normalise_name(text: str) -> str:
    """The key a community is matched by: full-width to half-width, no spaces of any kind, no case."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()


def community_key(county: str, street: str, community: str) -> tuple[str, str, str]:
    return normalise_name(county), normalise_name(street), normalise_name(community)


@dataclass(frozen=True)
class ProblemLine:
    """One line of the 问题清单: a finding (core.model.Finding, its one severity vocabulary) placed in the
    file and community it concerns. A file that could not be used is a "quarantined" finding."""

    source: str  # the file as shown
    link: str  # the file on disk its hyperlink opens ("" for none)
    county: str
    community: str
    finding: Finding

    # flat, for the merge's on-disk store of the lines (merge.combine.Store)
    COLUMNS = ("source", "link", "county", "community", "sheet", "cell", "field", "severity", "message", "rule")

    def flat(self) -> tuple:
        f = self.finding
        return (self.source, self.link, self.county, self.community, f.location.sheet, f.location.cell, f.field,
                f.severity, f.message, f.rule)

    @classmethod
    def unflat(cls, row) -> ProblemLine:
        source, link, county, community, sheet, cell, field_, severity, message, rule = row
        return cls(source, link, county, community, Finding(rule, severity, message, Location(sheet=sheet, cell=cell), field_))


@dataclass(frozen=True)
class StageOutcome:
    stage: str
    total: int | float | None  # recomputed from the base data
    recorded: int | float | None  # the total the file itself holds (cached formula value), if any
    gates_met: bool | None
    level: str = ""  # decision level, "" when the stage is not complete
    certified: bool = False
    recommend: str = ""
    due: bool = True
    reason: str = ""
    parts: tuple = ()  # (基础得分, 加分, 扣分) in rule sets with 加分项 or 扣分项; () otherwise


@dataclass(frozen=True)
class FileResult:
    """What reading one input gave: a scored 考评表, a 申报表, or a quarantined file with its reason."""

    source: str  # as shown: the path relative to the input it came from (zip members: a.zip/dir/file.xlsx)
    link: str  # the file on disk a hyperlink should open (the archive, for a member of one)
    kind: str  # ASSESSMENT, DECLARATION or QUARANTINED
    reason: str = ""  # why quarantined, in Chinese, with a suggestion
    ruleset: str = ""
    ruleset_version: str = ""
    identity: tuple[str, str, str] = ("", "", "")  # county, street, community as typed
    prior_title: str = ""
    prior_year: int | None = None
    saved: str = ""  # the workbook's own last-saved time (docProps dcterms:modified), ISO text
    mtime: float = 0.0  # the file's modification time (the archive member's, for zips)
    items: tuple[tuple[str, int | float | None], ...] = ()  # the final stage's item scores
    stages: tuple[StageOutcome, ...] = ()
    final_stage: str = ""  # the stage the decision is taken from ("" when none is complete)
    findings: tuple[Finding, ...] = ()
    code: str = ""  # the registry's 社区代码 stamped into the form by `fill --registry` ("" if none)

    @property
    def key(self) -> tuple[str, str, str]:
        return community_key(*self.identity)

    @property
    def final(self) -> StageOutcome | None:
        return next((s for s in self.stages if s.stage == self.final_stage), None)


def quarantined(source: str, link: str, reason: str, mtime: float = 0.0) -> FileResult:
    """A file the merge cannot use, with the reason shown to the user."""
    return FileResult(source, link, QUARANTINED, reason=reason, mtime=mtime)


class Brief(NamedTuple):
    """What the merge's parent keeps of each file while the rest waits, pickled, on disk."""

    kind: str
    key: tuple[str, str, str]
    saved: str
    mtime: float
    source: str
    link: str
    ruleset: str
    reason: str
    code: str = ""

    @classmethod
    def of(cls, r: "FileResult") -> "Brief":
        return cls(r.kind, r.key, r.saved, r.mtime, r.source, r.link, r.ruleset, r.reason, r.code)


@dataclass
class Decisions:
    """What officials type into the summary; kept across re-runs, keyed by community."""

    inspection: str = ""  # 实地考察：符合 / 不符合
    objection: str = ""  # 公示异议：无 / 有 (the county 公示's, where there are two)
    city_objection: str = ""  # 市级公示异议：无 / 有 (rule sets with a county and a city 公示)
    final: str = ""  # 最终认定：认定 / 不予认定
    civil: str = ""  # 民政变动：撤销 / 合并 / 更名
    new_name: str = ""  # 变更后名称 (更名)
    note: str = ""  # 备注
    invalid: dict[str, str] = field(default_factory=dict)  # column key -> text typed that is not a choice (kept)

    def any(self) -> bool:
        return any((self.inspection, self.objection, self.city_objection, self.final, self.civil, self.new_name,
                    self.note, self.invalid))

    def shown(self, key: str) -> str:
        """The cell as the official left it: a text that is not one of the choices is written back, not lost."""
        return self.invalid.get(key) or getattr(self, key)


@dataclass
class SummaryRow:
    """One community in the 汇总 sheet."""

    county: str
    street: str
    community: str
    code: str = ""
    items: dict[str, int | float | None] = field(default_factory=dict)  # item id -> score (final stage)
    stage_label: str = ""  # 计分依据: the stage the decision is taken from
    totals: dict[str, int | float | None] = field(default_factory=dict)  # stage id -> recomputed total
    recorded: dict[str, int | float | None] = field(default_factory=dict)  # stage id -> total in the file
    total: int | float | None = None  # the final recomputed total
    parts: dict[str, int | float | None] = field(default_factory=dict)  # base/bonus/penalty of the final stage, if any
    gates: str = ""  # 符合 / 不符合 / 未填完 / 无门槛
    level: str = ""  # the decision's level text (may be 不予认定 / 取消…资格)
    eligible: bool = False  # meets the rule set: certified by the engine (threshold and gates)
    recommend: str = ""
    prior_title: str = ""
    prior_year: int | None = None
    change: str = ""  # 新认定 / 保持 / 降级 / 撤销 / 不予认定 / 免于评定 / 待定
    national_subsidy: bool | None = False  # None: not known (the registry had no such column)
    provincial_subsidy: bool | None = False
    subsidy: str = ""  # 符合 / 不符合：原因 / 不适用（no subsidy policy, or not certified)
    errors: int = 0
    warnings: int = 0
    source: str = ""
    link: str = ""
    declaration: str = ""  # the paired 申报表's source
    in_registry: bool | None = None  # None: no registry given
    decisions: Decisions = field(default_factory=Decisions)

    @property
    def key(self) -> tuple[str, str, str]:
        return community_key(self.county, self.street, self.community)


@dataclass(frozen=True)
class RegistryEntry:
    """A registry community as the summary's 未提交 / 名单外 sheets list it."""

    county: str
    street: str
    community: str
    code: str = ""
    prior_title: str = ""
    prior_year: int | None = None
    national_subsidy: bool | None = False  # None: the registry has no such column (待核实, never paid)
    provincial_subsidy: bool | None = False
    titles_known: bool = True  # False: the registry has no 原有称号 column (the forms' titles are taken)

    @property
    def key(self) -> tuple[str, str, str]:
        return community_key(self.county, self.street, self.community)
