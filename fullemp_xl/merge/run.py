"""`fullemp merge`: discover, read in workers, combine, write the summary — the library entry point."""
from __future__ import annotations

import copy
import datetime as dt
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..core import DEFAULT_RULESET
from ..core.model import SEVERITIES, Finding, Location, RuleSet
from ..rules import load_ruleset
from ..errors import UnusableFile
from ..writing.files import replace_file, write_output
from ..summary import columns as C
from ..summary.check import row_problems
from .combine import Entry, Store, differences, pick, summary_row
from .discover import SKIP_REASONS, discover
from .read import OWN_SUMMARY
from ..summary.load import Summary, load_summary
from ..summary.identity import Who, match
from ..summary.model import normalise_name
from ..summary.model import ASSESSMENT, QUARANTINED, SKIPPED, Decisions, FileResult, ProblemLine, RegistryEntry, SummaryRow
from ..summary.timeline import NOTICE, city_notices, notice_problem, parse_day
from ..summary.write import SHEETS, Duplicate, LogLine, SummaryInput, snapshot_key, write_summary
from .workers import Started, default_jobs, read_all
from ..registry import read_registry, registry_title

@dataclass
class MergeResult:
    summary: Path
    backup: Path | None
    ruleset: RuleSet
    year: int
    generated: str
    files: dict[str, int]
    skipped: dict[str, int]  # Chinese reason -> count, for people
    skipped_codes: dict[str, int]  # lock / hidden / other -> count, for programs
    communities: int
    eligible: int
    duplicates: list[Duplicate]
    missing: list[RegistryEntry] | None
    outside: list[str]
    counties: list[dict]
    problems: dict[str, int]  # severity (core.model.SEVERITIES) -> lines of the 问题清单
    quarantined: list[tuple[str, str]]  # (source, reason)
    own_files: list[tuple[str, str]] = field(default_factory=list)  # (source, reason): the tool's own, skipped
    registry_notes: list[str] = field(default_factory=list)  # what the registry lacks, said once
    year_note: str = ""  # the 评分年度 came from the clock: said in the output and the summary
    kept_decisions: int = 0
    lost_decisions: list[str] = field(default_factory=list)
    decision_problems: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # communities the identity rule could not decide
    changes: int = 0  # official entries changed since the previous run (the 变更记录 sheet)
    county: str = ""  # a county's own summary (--county)
    carried: int = 0  # communities whose county entries came from the counties' summaries
    county_summaries: list[str] = field(default_factory=list)  # the county summaries read beside the forms

    @property
    def exit_code(self) -> int:
        return 1 if self.quarantined or self.problems.get("error", 0) else 0


def _registry(path: Path | None, ruleset: RuleSet):
    if path is None:
        return None, []

    return read_registry(path, ruleset)  # its lines are RegistryEntries


def _match_registry(entries: list[RegistryEntry], kept: dict) -> tuple[dict, list[str]]:
    """Submission key -> registry entry by the one identity rule (summary.identity): 社区代码, then county +
    street + name, then county + name when unique; (matches, ambiguities)."""
    keys = list(kept)
    found = match([Who(*k, kept[k].code) for k in keys], entries)
    return {keys[q]: e for q, e in found.found.items()}, [found.ambiguous[q] for q in sorted(found.ambiguous)]


def _reattach(previous: Summary | None, identities: dict) -> tuple[dict, list[SummaryRow]]:
    """This run's community key -> the previous summary's row (its officials' entries), by the identity rule;
    and the previous rows with entries that match no community now (kept, never dropped)."""
    if previous is None:
        return {}, []
    old = previous.rows + previous.unmatched
    keys = list(identities)
    found = match([identities[k] for k in keys], old)
    attached = {keys[q]: row for q, row in found.found.items()}
    used = {id(r) for r in attached.values()}
    return attached, [r for r in old if id(r) not in used and r.decisions.any()]


def _changes(previous: Summary | None, attached: dict, unmatched: list, rows_by_key: dict, generated: str) -> list[LogLine]:
    """Every official entry that differs from what the previous run wrote: typed in between by an official
    (for a community found again, and for one whose entries now wait in 未对应的决定)."""
    if previous is None:
        return []
    out = []
    pairs = [(old, rows_by_key[key]) for key, old in attached.items()] + [(old, old) for old in unmatched]
    for old, row in pairs:
        before = previous.snapshot.get(snapshot_key(old), Decisions())
        now = old.decisions
        for col in C.OFFICIAL:
            a, b = before.shown(col.key), now.shown(col.key)
            if a != b:
                out.append(LogLine(generated, previous.generated, row.county, row.street, row.community,
                                   C.official_header(previous.ruleset, col.key), a, b))
    return out


def _pair(kept: dict, declarations: dict) -> dict:
    """考评表 key -> its 申报表: the same (county, street, community), else the one 申报表 of that community
    name in that county. 申报表 left unpaired keep their own key (they are reported as such)."""
    out = {k: d for k, d in declarations.items() if k in kept}
    by_name: dict[tuple, list] = {}
    for k, d in declarations.items():
        if k not in kept:
            by_name.setdefault((k[0], k[2]), []).append((k, d))
    for key in kept:
        if key not in out:
            same = by_name.get((key[0], key[2]), [])
            if len(same) == 1:
                out[key] = same.pop()[1]
    used = {id(d) for d in out.values()}
    out.update({k: d for k, d in declarations.items() if id(d) not in used})
    return out


def _previous(output: Path) -> Summary | None:
    """The summary being re-run into, if `output` is one; anything else there is refused unless forced."""
    if not output.exists():
        return None
    try:
        return load_summary(output)
    except UnusableFile:
        return None


def merge(paths: list[Path], output: Path, *, registry: Path | None = None, rules: str | None = None,
          year: int | None = None, jobs: int | None = None, force: bool = False,
          progress: Callable[[FileResult], None] | None = None, started: Callable[[int], None] | None = None,
          now: dt.datetime | None = None, county: str | None = None, pool: Started | None = None) -> MergeResult:
    """Merge every submission under `paths` into the summary workbook at `output`; with `county`, that county's
    own summary (its registry rows only; other counties' forms are listed, not merged). `pool`: workers the
    caller started already (api.merge starts them before it imports this module); closed here either way."""
    output = Path(output)
    jobs = jobs or default_jobs()
    pool = pool or Started(jobs, rules)  # the workers start up while the inputs are searched and the old summary read
    try:
        for p in paths:
            if not Path(p).exists():
                raise UnusableFile(Path(p), "找不到这个文件或文件夹，请检查路径")
        return _discover_and_merge(paths, output, pool, registry=registry, rules=rules, year=year, jobs=jobs,
                                   force=force, progress=progress, started=started, now=now, county=county)
    finally:
        pool.close()


def _discover_and_merge(paths, output: Path, pool, *, registry, rules, year, jobs, force, progress, started, now,
                        county) -> MergeResult:
    previous = _previous(output)
    if output.exists() and previous is None and not force:
        raise UnusableFile(output, "已存在，且不是 `fullemp merge` 生成的汇总表，不予覆盖：换一个文件名，或加 --force（原文件会先备份）")
    found = discover([Path(p) for p in paths])
    if not found.candidates and not found.problems:
        raise UnusableFile(Path(paths[0]) if paths else output, no_forms(found, []))
    if started:
        started(len(found.candidates))
    now = now or dt.datetime.now()
    generated = now.strftime("%Y-%m-%d %H:%M:%S")
    year, year_note = _year(year, previous, registry, now)
    with tempfile.TemporaryDirectory(prefix="fullemp-merge-") as tmp:
        store = Store(Path(tmp))
        try:
            result = _merge(found, store, output, previous, registry, rules, year, jobs, progress,
                            generated, force, year_note, county, pool)
            result.year_note = year_note
            return result
        finally:
            store.close()


def no_forms(found, unusable: list[tuple[str, str, str]]) -> str:
    """One message for every input that holds no 考评表 and no 申报表, whatever else it holds."""
    text = "没有可以汇总的考评表或申报表，未生成汇总表"
    others = [*found.problems, *unusable]
    if others:
        shown = "；".join(f"{source}：{reason.rstrip('。')}" for source, _, reason in others[:3])
        text += f"。找到的 {len(others)} 个文件不能汇总（{shown}{'等' if len(others) > 3 else ''}）"
    skipped = [f"{n} 个{SKIP_REASONS.get(kind, kind)}" for kind, n in sorted(found.skipped.items()) if n]
    if skipped:
        text += f"{'，另有' if others else '。其中只有'} {'、'.join(skipped)}（不汇总）"
    return text + "。请给出各社区提交的考评表、申报表所在的文件夹、工作簿或 .zip 压缩包"


@dataclass
class _Read:
    """What reading every file left in memory: a short entry per file (the results wait in the store)."""

    assessments: dict[tuple, list[Entry]] = field(default_factory=dict)
    declarations: dict[tuple, list[Entry]] = field(default_factory=dict)
    quarantine: list[tuple[str, str, str]] = field(default_factory=list)  # (source, link, reason)
    own: list[tuple[str, str]] = field(default_factory=list)  # (source, reason): our own workbooks, skipped
    rulesets: Counter = field(default_factory=Counter)
    county_summaries: list[tuple[str, Summary]] = field(default_factory=list)  # (source, a county's own summary)


def _read_all(found, store: Store, jobs: int, rules: str | None, progress, pool=None) -> _Read:
    out = _Read()
    for index, brief, blob in read_all(found.candidates, jobs=jobs, rules=rules, started=pool):
        store.put(index, blob)
        if progress:
            progress(brief)
        if brief.kind == QUARANTINED:
            out.quarantine.append((brief.source, brief.link, brief.reason))
            continue
        if brief.kind == SKIPPED:
            county_summary = _county_summary(brief)
            if county_summary is not None:
                out.county_summaries.append((brief.source, county_summary))
            else:
                out.own.append((brief.source, brief.reason))
            continue
        county, street, community = brief.key  # counties and streets repeat: one string each
        if not county or not community:
            # one rule everywhere: a form without its county or community is scored and listed with the error
            # 未填写…, in a row of its own — never taken for another form's duplicate, never matched to the registry
            community = f"（未填写单位名称）{brief.source}"
        key = (sys.intern(county), sys.intern(street), community)
        entry = Entry(key, brief.saved, brief.mtime, brief.source, index, sys.intern(brief.ruleset), brief.code)
        (out.assessments if brief.kind == ASSESSMENT else out.declarations).setdefault(key, []).append(entry)
        if brief.kind == ASSESSMENT:
            out.rulesets[brief.ruleset] += 1
    return out


def _county_summary(brief) -> Summary | None:
    """A county's own summary (`merge --county`) beside the forms: its officials' entries are carried."""
    if not brief.reason.startswith(OWN_SUMMARY) or Path(brief.link).suffix.lower() != ".xlsx":
        return None
    try:
        summary = load_summary(Path(brief.link))
    except UnusableFile:
        return None
    return summary if summary.county else None


def _own_county(read: _Read, county: str, entries):
    """A county's merge: the other counties' forms are listed, not merged; the registry is the county's rows."""
    wanted = normalise_name(county)
    present = {k[0] for table in (read.assessments, read.declarations) for k in table}
    present |= {normalise_name(e.county) for e in entries or []}
    if wanted not in present:
        names = sorted({k[0] for k in read.assessments} | {e.county for e in entries or []})
        raise UnusableFile(Path(county), f"表格和名册中都没有县（区）“{county}”（有：{'、'.join(names) or '无'}）：请检查 --county 的写法")
    for table in (read.assessments, read.declarations):
        for key in [k for k in table if k[0] != wanted]:
            for e in table.pop(key):
                read.own.append((e.source, f"其他县（区）的表格：本次是{county}的汇总（--county），只汇总本县（区）的"))
    read.county_summaries.clear()
    return None if entries is None else [e for e in entries if normalise_name(e.county) == wanted]


RECOMMENDS = ("符合", "无")  # 实地考察 符合 and 公示异议 无: what a county's recommendation is made of


def _carry(county_summaries, identities: dict, decisions: dict, total_of, ruleset: RuleSet) -> tuple[int, list[Finding]]:
    """Each county's own entries (实地考察, county 公示异议; 民政变动, 变更后名称 and 备注 where the city's are blank)
    into the city's summary, where the county decided on the same form (the same recomputed total).

    With a county 公示 (张掖 第六条: the county inspects, publishes and recommends), these columns are the
    county's: where the county did not recommend (不符合, 有, or still blank) its summary is followed even over
    the city's entry, so that a community the county did not recommend does not reach the city's 公示. The city's
    own stricter entry (不符合 / 有 where the county said 符合 / 无) is kept. Each change is said in the 问题清单
    (what the city typed stays in the 变更记录). Without a county 公示 the city may inspect itself: the county's
    entries only fill the city's blanks."""
    keys = list(identities)
    county_stage = "county" in ruleset.publication.stages
    carried, notes = 0, []
    for source, county in county_summaries:
        rows = [r for r in county.rows if county_stage or r.decisions.inspection or r.decisions.objection]
        found = match([identities[k] for k in keys], rows)
        for q, row in found.found.items():
            key = keys[q]
            here = decisions.setdefault(key, Decisions())
            label = f"{row.county} {row.street} {row.community}"
            total = total_of(key)
            if row.total != total:
                notes.append(ProblemLine(source, str(county.path.resolve()), row.county, row.community, Finding(
                    "county.total", "warning", f"{label}：县（区）汇总表中的认定得分为{row.total}，本次按考评表重算为{total}："
                    "县（区）考察和公示的不是这份表格，它的决定未采用；请县（区）重新汇总后再报",
                    Location(sheet=SHEETS["summary"]), "实地考察")))
                continue
            took = False
            for col in ("inspection", "objection"):
                theirs, ours = getattr(row.decisions, col), getattr(here, col)
                if theirs == ours:
                    continue
                head = C.official_header(ruleset, col)
                if theirs and not ours:
                    setattr(here, col, theirs)
                    took = True
                elif county_stage and theirs not in RECOMMENDS:  # the county did not recommend: that stands
                    setattr(here, col, theirs)
                    took = True
                    shown = f"“{theirs}”" if theirs else "空白（县区尚未填写，未推荐）"
                    notes.append(ProblemLine(source, str(county.path.resolve()), row.county, row.community, Finding(
                        "county.decision", "warning", f"{label}：县（区）汇总表中“{head}”为{shown}，市汇总表中为“{ours}”："
                        "按县（区）汇总表（这一列是县（区）的考察和公示结果，县区未推荐的社区不进入市级公示）；"
                        "如县（区）的结果有误，请县（区）改正其汇总表后重新报送", Location(sheet=SHEETS["summary"]), head)))
                elif theirs:
                    notes.append(ProblemLine(source, str(county.path.resolve()), row.county, row.community, Finding(
                        "county.decision", "warning", f"{label}：县（区）汇总表中“{head}”为“{theirs}”，市汇总表中为“{ours}”："
                        "按市汇总表", Location(sheet=SHEETS["summary"]), head)))
            for col in ("civil", "new_name", "note"):  # 民政变动, 变更后名称, 备注: the county's fill the city's blanks
                theirs, ours = getattr(row.decisions, col), getattr(here, col)
                if theirs and not ours:
                    setattr(here, col, theirs)
                    took = True
            carried += took
    return carried, notes


def _published(previous: Summary | None, county_summaries) -> list:
    """The 发布记录: the summary's own, and the counties' 公示 from their summaries (for the city's date checks)."""
    lines = list(previous.published) if previous else []
    for _, county in county_summaries:
        lines += [p for p in county.published if p not in lines]
    return lines


def _late_county_notices(previous: Summary | None, county_summaries) -> list[ProblemLine]:
    """A county 公示 (from a county's summary) that started when the city's own 公示 had already started: the
    order of 第六条 broken. Named in the 问题清单 — the county summary cannot know the city's dates itself."""
    city = city_notices(previous.published if previous else [])
    out = []
    for source, county in county_summaries:
        for p in county.published:
            start = parse_day(p.start)
            why = notice_problem(city, "county", p.county, start) if p.kind == NOTICE and p.stage == "县区" and start else ""
            if why:
                out.append(ProblemLine(Path(source).name, str(Path(source).resolve()), p.county, "",
                                       Finding("timeline.county_notice", "error", why, Location(sheet=SHEETS["published"]))))
    return out


def _one_rule_set(read: _Read, rules: str | None, store: Store) -> RuleSet:
    """The rule set of the merge: the one given, else the one most submissions were made with; forms of
    any other rule set are quarantined with the advice to merge them separately."""
    counts = read.rulesets
    ruleset = load_ruleset(rules or (min(counts, key=lambda r: (-counts[r], r)) if counts else DEFAULT_RULESET))
    for table in (read.assessments, read.declarations):
        for key in list(table):
            for e in [e for e in table[key] if e.ruleset != ruleset.id]:
                table[key].remove(e)
                read.quarantine.append((e.source, store.get(e.index).link,
                                        f"本表按规则集“{e.ruleset}”生成，本次汇总按“{ruleset.id}”"
                                        f"（多数提交所用）：请对这些表格单独汇总，或用 --rules {e.ruleset}"))
            if not table[key]:
                del table[key]
    return ruleset


def _line(result: FileResult, finding: Finding) -> ProblemLine:
    """A line of the 问题清单 about one submission."""
    return ProblemLine(result.source, result.link, result.identity[0], result.identity[2], finding)


def _registry_notes(result: FileResult, key: tuple, entry: RegistryEntry) -> list[ProblemLine]:
    """Where a submission and its registry line differ (the registry is taken)."""
    out = []
    if entry.key != key:
        out.append(_line(result, Finding("registry.street", "warning", f"表中街道（乡镇）为“{result.identity[1] or '未填'}”，"
                                         f"名册中为“{entry.street}”：按县（区）和社区名称与名册对上，按名册计", field="街道（乡镇）")))
    if not entry.titles_known:  # said once, at the top of the 问题清单 (registry.columns)
        return out
    if (result.prior_title, result.prior_year) != (entry.prior_title, entry.prior_year) and (result.prior_title or entry.prior_title):
        def title(t, y):
            return f"{t or '无'}{f'（{y}年）' if y else ''}"
        out.append(_line(result, Finding("registry.prior_title", "warning", f"表中原有称号为“{title(result.prior_title, result.prior_year)}”，"
                                         f"名册中为“{title(entry.prior_title, entry.prior_year)}”：按名册认定", field="原有称号")))
    return out


def _file_lines(result: FileResult) -> list[ProblemLine]:
    return [_line(result, f) for f in sorted(result.findings, key=lambda f: SEVERITIES.index(f.severity))]


REGISTRY_YEAR = re.compile(r"（(\d{4})年）\s*$")  # the title `registry next` gives: 张掖市充分就业社区名册（2027年）


def _year(given: int | None, previous: Summary | None, registry: Path | None, now: dt.datetime) -> tuple[int, str]:
    """The 评分年度 and, when it is not certain, a note saying where it came from: --year, the summary being
    re-run into, the registry's title (`registry next` writes the year in it) — the clock only as a last resort."""
    if given:
        return given, ""
    if previous is not None:
        if (previous.meta.get("fe_meta_year_source") or [""])[0] == "clock":
            return previous.year, (f"评分年度 {previous.year} 是首次汇总时取自电脑的日期：如不对，请用 "
                                   f"fullemp merge … -o 新汇总表 --year 年度 重新汇总")
        return previous.year, ""
    if registry is not None:
        try:
            title = registry_title(registry)
        except UnusableFile:  # an unusable registry is reported as such when it is read
            title = ""
        found = REGISTRY_YEAR.search(title)
        if found:
            return int(found.group(1)), ""
    return now.year, (f"评分年度 {now.year} 取自电脑的日期（表格和名册中都没有年度）：如不对，请用 --year 指定后重新汇总")


def _merge(found, store: Store, output: Path, previous: Summary | None, registry_path, rules, year, jobs, progress,
           generated, force, year_note: str = "", scope: str | None = None, pool=None) -> MergeResult:
    read = _read_all(found, store, jobs, rules, progress, pool)
    ruleset = _one_rule_set(read, rules, store)
    if not read.assessments and not read.declarations:  # a folder of ledgers and registries is no submission
        not_forms = read.quarantine + [(source, "", reason) for source, reason in read.own]  # 台账、名册 … named
        raise UnusableFile(found.inputs[0] if found.inputs else output, no_forms(found, not_forms))
    entries, registry_findings = _registry(registry_path, ruleset)
    if scope:  # a county's own summary
        entries = _own_county(read, scope, entries)
    if read.own:
        found.skipped["own"] += len(read.own)
    has_registry = entries is not None
    kept: dict[tuple, Entry] = {}
    duplicates: list[Duplicate] = []
    for key, group in read.assessments.items():
        best, rest = pick(group)
        kept[key] = best
        if rest:
            best_result = store.get(best.index)
            county, street, community = best_result.identity
            duplicates += [Duplicate(county, street, community, best.source, e.source,
                                     differences(best_result, store.get(e.index))) for e in rest]
    by_key, ambiguous = _match_registry(entries, kept) if has_registry else ({}, [])
    paired = _pair(kept, {key: pick(group)[0] for key, group in read.declarations.items()})
    order = sorted(kept, key=lambda k: (k, kept[k].source))
    identities = {}
    for key in order:  # as the row will name it: the registry's line when matched
        entry = by_key.get(key)
        identities[key] = Who(entry.county, entry.street, entry.community, entry.code) if entry else Who(*key, kept[key].code)
    attached, unmatched = _reattach(previous, identities)
    decisions = {key: copy.deepcopy(row.decisions) for key, row in attached.items()}

    def total_of(key):
        final = store.get(kept[key].index).final
        return final.total if final else None

    carried, carry_notes = _carry(read.county_summaries, identities, decisions, total_of, ruleset)
    rows_by_key: dict[tuple, SummaryRow] = {}

    def rows():
        """Each community's row — and, as each result is read back, its lines of the 问题清单."""
        for key in order:
            result = store.get(kept[key].index)
            entry, decl = by_key.get(key), paired.get(key)
            extra = _registry_notes(result, key, entry) if entry is not None else []
            if decl is None:
                extra.append(_line(result, Finding("declaration.unpaired", "info", "没有找到这个社区的申报表（按县区、街道、社区名称配对）",
                                                   field="申报表")))
            store.add_findings(0, result.source, _file_lines(result))
            row = summary_row(result, ruleset, year, entry, has_registry, decl.source if decl else "", decisions.get(key))
            extra += [_line(result, Finding("summary.row", "warning", p.message, field=C.official_header(ruleset, p.column) if p.column else ""))
                      for p in row_problems(row, ruleset)]  # the cells the 汇总 sheet marks (summary.check)
            store.add_findings(2, "", extra)
            rows_by_key[key] = row
            yield row

    problem_counts: Counter = Counter()

    def findings():
        """The 问题清单: files that could not be used first, then the registry's, then every file's, in path order."""
        early = [ProblemLine(s, link, "", "", Finding("file.quarantined", "quarantined", reason)) for s, link, reason in
                 sorted(read.quarantine) + list(found.problems)]
        early += [ProblemLine(registry_path.name, str(registry_path.resolve()), "", "", f) for f in registry_findings]
        early += [ProblemLine(registry_path.name, str(registry_path.resolve()), "", "",
                              Finding("registry.ambiguous", "warning", text, field="社区")) for text in ambiguous]
        early += carry_notes
        early += _late_county_notices(previous, read.county_summaries)
        early += [ProblemLine(output.name, "", r.county, r.community, Finding(
                      "decisions.unmatched", "warning", f"上次汇总中官员为{r.county} {r.street} {r.community}填写的内容，本次找不到"
                      f"对应的社区（考评表未提交、改名或街道不同）：已保留在“{SHEETS['unmatched']}”工作表，请核对",
                      Location(sheet=SHEETS["unmatched"]))) for r in unmatched]
        for key, decl in paired.items():
            result = store.get(decl.index)
            store.add_findings(0, result.source, _file_lines(result))
            if key not in kept:
                store.add_findings(2, "", [_line(result, Finding("assessment.unpaired", "warning",
                                                                 "只有申报表，没有找到这个社区的考评表：该社区未计入汇总", field="考评表"))])
        for line in early:
            problem_counts[line.finding.severity] += 1
            yield line
        for line in store.findings():
            problem_counts[line.finding.severity] += 1
            yield line

    outside_keys = [k for k in order if k not in by_key] if has_registry else []
    matched = {id(e) for e in by_key.values()}
    data = SummaryInput(
        ruleset=ruleset, year=year, generated=generated, rows=rows, findings=findings(), duplicates=duplicates,
        missing=[e for e in entries if id(e) not in matched] if has_registry else None,
        outside=[summary_row(store.get(kept[k].index), ruleset, year, None, True, "", None) for k in outside_keys],
        unmatched=unmatched, earlier_log=previous.log if previous else [],
        log=lambda: _changes(previous, attached, unmatched, rows_by_key, generated),
        registry_counts=dict(Counter(e.county for e in entries)) if has_registry else None, year_note=year_note,
        published=_published(previous, read.county_summaries), county=scope or "",
        meta={"source": [str(Path(p).resolve()) for p in found.inputs],
              "registry": str(Path(registry_path).resolve()) if registry_path else "", "rules": rules or "",
              "county": scope or ""})
    stats: dict = {}

    def write(tmp: Path) -> None:
        stats.update(write_summary(data, tmp))

    if previous is not None:  # re-run into our own summary: replaced, the old one kept as a backup
        backup = replace_file(output, write)
    else:
        backup = None
        write_output(output, write, force=force)
    quarantined = sorted(read.quarantine) + list(found.problems)
    return MergeResult(
        summary=output, backup=backup, ruleset=ruleset, year=year, generated=generated,
        files={"found": len(found.candidates), "assessments": sum(len(g) for g in read.assessments.values()),
               "declarations": sum(len(g) for g in read.declarations.values()), "quarantined": len(quarantined)},
        skipped={SKIP_REASONS[k]: v for k, v in found.skipped.items()}, skipped_codes=dict(found.skipped),
        own_files=sorted(found.own + read.own),
        registry_notes=[f.message for f in registry_findings if f.rule == "registry.columns"],
        communities=len(order),
        eligible=stats.get("eligible", 0), duplicates=duplicates, missing=data.missing,
        outside=[" ".join(k) for k in outside_keys], counties=stats.get("counties", []), problems=dict(problem_counts),
        quarantined=[(s, reason) for s, _, reason in quarantined],
        kept_decisions=sum(1 for d in decisions.values() if d.any()),
        lost_decisions=[f"{r.county} {r.street} {r.community}" for r in unmatched],
        ambiguous=ambiguous, changes=stats.get("changes", 0), county=scope or "", carried=carried,
        county_summaries=[source for source, _ in read.county_summaries],
        decision_problems=previous.problems if previous else [])


def refresh(summary: Path, *, jobs: int | None = None, progress=None, started=None, now=None) -> MergeResult:
    """Re-read the sources recorded in a summary into the same file, keeping the officials' columns."""
    old = load_summary(summary)
    sources = []
    for text in old.sources:
        path = Path(text)
        if not path.exists():
            raise UnusableFile(path, "汇总表记录的输入已不存在（文件夹被移动或删除了？）：请用 `fullemp merge 路径… -o 汇总表` 重新汇总")
        sources.append(path)
    registry = Path(old.registry) if old.registry else None
    if registry is not None and not registry.exists():
        raise UnusableFile(registry, "汇总表记录的社区名册已不存在：请用 --registry 重新指定")
    rules = (old.meta.get("rules") or [""])[0] or old.ruleset.id
    return merge(sources, summary, registry=registry, rules=rules, jobs=jobs, progress=progress, county=old.county or None,
                 started=started, now=now)

