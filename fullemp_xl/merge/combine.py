"""From file results to summary rows: duplicates, 考评表/申报表 pairs, the registry, level changes, subsidy.

Results wait in a small SQLite file on disk (memory stays flat however many files); what stays in
memory is one short index entry per file.
"""
from __future__ import annotations

import pickle
import sqlite3
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..core.model import PriorTitle, RuleSet
from ..rules.policies import EXCLUDE_FLAGS
from ..engine.scoring import band_score, decide, score_label
from ..summary.columns import PARTS
from ..summary.model import ASSESSMENT, DECLARATION, QUARANTINED, Decisions, FileResult, ProblemLine, RegistryEntry, SummaryRow

CHANGE_KEPT, CHANGE_NEW, CHANGE_DOWN, CHANGE_REVOKED, CHANGE_NONE = "保持", "新认定", "降级", "撤销", "不予认定"
CHANGE_EXEMPT, CHANGE_PENDING = "免于评定", "待定"
PENDING_SUBSIDY = "待核实"  # a registry without the subsidy columns: listed as not paid until filled in


@dataclass(order=True, slots=True)
class Entry:
    """What the merge keeps in memory about one file (slotted and small: one per file of a whole country)."""

    key: tuple[str, str, str]
    saved: str
    mtime: float
    source: str
    index: int = field(compare=False)
    ruleset: str = field(compare=False, default="")
    code: str = field(compare=False, default="")


FINDING_COLUMNS = ProblemLine.COLUMNS


class Store:
    """FileResults by index, pickled into SQLite in a temporary folder, and the 问题清单 lines gathered while
    the rows are written (so each result is read back once)."""

    def __init__(self, folder: Path):
        self.db = sqlite3.connect(str(folder / "results.sqlite"))
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE results (idx INTEGER PRIMARY KEY, blob BLOB)")
        self.db.execute(f"CREATE TABLE findings (phase INTEGER, sort TEXT, n INTEGER, {', '.join(FINDING_COLUMNS)})")
        self._n = 0

    def put(self, index: int, blob: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?)", (index, blob))

    def get(self, index: int) -> FileResult:
        (blob,) = self.db.execute("SELECT blob FROM results WHERE idx = ?", (index,)).fetchone()
        return pickle.loads(blob)

    def add_findings(self, phase: int, sort: str, lines: list[ProblemLine]) -> None:
        """Lines for the 问题清单: phase orders the groups, then `sort`, then the order they came in."""
        rows = []
        for line in lines:
            self._n += 1
            rows.append((phase, sort, self._n, *line.flat()))
        self.db.executemany(f"INSERT INTO findings VALUES ({', '.join('?' * (3 + len(FINDING_COLUMNS)))})", rows)

    def findings(self):
        for row in self.db.execute(f"SELECT {', '.join(FINDING_COLUMNS)} FROM findings ORDER BY phase, sort, n"):
            yield ProblemLine.unflat(row)

    def close(self) -> None:
        self.db.close()


def pick(entries: list[Entry]) -> tuple[Entry, list[Entry]]:
    """The documented rule for a community submitted more than once: the later 表内保存时间 (the workbook's
    own last-saved time), then the later file modification time, then the path that sorts last."""
    ordered = sorted(entries, key=lambda e: (e.saved, e.mtime, e.source))
    return ordered[-1], ordered[:-1]


def _fmt(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def differences(kept: FileResult, dropped: FileResult) -> str:
    """How a dropped duplicate differs from the kept one, in words."""
    parts = []
    if dropped.saved != kept.saved:
        parts.append(f"表内保存时间 {dropped.saved[:19].replace('T', ' ') or '无'}（采用的为 {kept.saved[:19].replace('T', ' ') or '无'}）")
    elif dropped.mtime != kept.mtime:
        parts.append("文件修改时间较早" if dropped.mtime < kept.mtime else "文件修改时间较晚")
    a, b = kept.final, dropped.final
    if (a.total if a else None) != (b.total if b else None):
        parts.append(f"认定得分 {_fmt(b.total if b else None)}（采用的为 {_fmt(a.total if a else None)}）")
    if (a.level if a else "") != (b.level if b else ""):
        parts.append(f"认定结论“{(b.level if b else '') or '暂不能认定'}”（采用的为“{(a.level if a else '') or '暂不能认定'}”）")
    changed = [i for (i, x), (_, y) in zip(kept.items, dropped.items) if x != y]
    if changed:
        parts.append("得分不同的评分项：" + "、".join(changed[:8]) + ("等" if len(changed) > 8 else ""))
    if kept.identity != dropped.identity:
        parts.append("单位名称写法不同（" + " ".join(dropped.identity) + "）")
    return "；".join(parts) or "内容相同"


def change_of(prior: str, held_level: str, certified: bool, complete: bool, exempt: bool, titles: tuple[str, ...]) -> str:
    if not complete:
        return CHANGE_PENDING
    if exempt:
        return CHANGE_EXEMPT
    if prior in titles:
        if not certified:
            return CHANGE_REVOKED
        return CHANGE_KEPT if held_level == prior else CHANGE_DOWN
    return CHANGE_NEW if certified else CHANGE_NONE


def subsidy_text(ruleset: RuleSet, certified: bool, level: str, entry: RegistryEntry | None, has_registry: bool) -> str:
    policy = ruleset.subsidy
    if policy is None:
        return "不适用（本规则集没有补助政策）"
    if not certified:
        return "不符合（未达到认定条件）"
    if level not in policy.titles:
        return f"不符合（“{level}”不在补助范围）"
    if not has_registry:
        return "待核对（未提供名册，无法核对是否已享受国家级、省级补助）"
    if entry is None:
        return "待核对（不在名册中）"
    flags = {"national_subsidy": entry.national_subsidy, "provincial_subsidy": entry.provincial_subsidy}
    unknown = [EXCLUDE_FLAGS[f] for f in policy.exclude if flags.get(f) is None]
    if unknown:
        return f"{PENDING_SUBSIDY}（名册缺少“{'”“'.join(unknown)}”列，核实前不予补助）"
    held = [{"national_subsidy": "国家级", "provincial_subsidy": "省级"}[f] for f in policy.exclude if flags.get(f)]
    if held:
        return f"不重复享受（已享受{'、'.join(held)}充分就业社区补助）"
    amount = int(policy.amount) if policy.amount.denominator == 1 else float(policy.amount)
    return f"符合（每年{amount:,}元）"


def summary_row(result: FileResult, ruleset: RuleSet, year: int, entry: RegistryEntry | None, has_registry: bool,
                declaration: str, decisions: Decisions | None) -> SummaryRow:
    """One 汇总 row; the level is decided again when the registry's prior title differs from the form's."""
    final = result.final
    by_registry = entry is not None and entry.titles_known
    prior = PriorTitle(entry.prior_title, entry.prior_year) if by_registry else PriorTitle(result.prior_title, result.prior_year)
    level, certified, recommend, gates, exempt = "", False, "", "", False
    if final is not None:
        gates = {True: "符合", False: "不符合", None: "未填完"}[final.gates_met] if ruleset.gates else "无门槛"
        if final.total is not None:
            exact = [None if v is None else Fraction(str(v)) for v in final.parts] or [None] * 3
            score = band_score(ruleset, Fraction(str(final.total)), exact[0], exact[2])
            decision = decide(ruleset.levels, score, final.gates_met, prior if prior.title else None, year,
                              score_label(ruleset))
            level, certified, recommend = decision.level, decision.certified, decision.recommend
            exempt = not decision.due and any(decision.reason == ex.label for ex in ruleset.levels.exemptions)
    stage_label = next((s.label for s in ruleset.stages if s.id == result.final_stage), "")
    errors = sum(f.severity == "error" for f in result.findings)
    warnings = sum(f.severity == "warning" for f in result.findings)
    county, street, community = result.identity
    if entry is not None:
        county, street, community = entry.county, entry.street, entry.community
    return SummaryRow(
        county=county, street=street, community=community, code=entry.code if entry else "",
        items=dict(result.items), stage_label=stage_label,
        totals={s.stage: s.total for s in result.stages}, recorded={s.stage: s.recorded for s in result.stages},
        total=final.total if final else None, gates=gates,
        parts=dict(zip(PARTS, final.parts)) if final is not None and final.parts else {}, level=level or "暂不能认定（基础数据未填完或有误）",
        eligible=certified, recommend=recommend, prior_title=prior.title, prior_year=prior.year,
        change=change_of(prior.title, level, certified, final is not None and final.total is not None, exempt,
                         ruleset.levels.titles),
        national_subsidy=entry.national_subsidy if entry else False,
        provincial_subsidy=entry.provincial_subsidy if entry else False,
        subsidy=subsidy_text(ruleset, certified, level, entry, has_registry), errors=errors, warnings=warnings,
        source=result.source, link=result.link, declaration=declaration,
        in_registry=(entry is not None) if has_registry else None, decisions=decisions or Decisions())


__all__ = ["ASSESSMENT", "DECLARATION", "QUARANTINED", "Entry", "Store", "pick", "differences", "summary_row"]
