"""`fullemp merge`: discover, read in workers, combine, write the summary — the library entry point."""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..model import RuleSet
from ..rules import load_ruleset
from ..safe_io import UnusableFile, replace_file, write_output
from .combine import Entry, Store, differences, pick, summary_row
from .discover import SKIP_REASONS, discover
from .load import Summary, load_summary
from .model import ASSESSMENT, QUARANTINED, FileResult, RegistryEntry
from .summary import Duplicate, Finding, SummaryInput, write_summary
from .workers import default_jobs, read_all

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


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
    problems: dict[str, int]
    quarantined: list[tuple[str, str]]  # (source, reason)
    kept_decisions: int = 0
    lost_decisions: list[str] = field(default_factory=list)
    decision_problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.quarantined or self.problems.get("错误", 0) else 0


def _registry(path: Path | None, ruleset: RuleSet):
    if path is None:
        return None, []
    from ..registry import read_registry

    return read_registry(path, ruleset)  # its lines are RegistryEntries


def _match_registry(entries: list[RegistryEntry], assessments: dict) -> dict:
    """Submission key -> registry entry: the exact (county, street, community), else the one registry
    community of that name in that county (a street left blank or written differently)."""
    exact = {e.key: e for e in entries}
    by_name: dict[tuple, list[RegistryEntry]] = {}
    for e in entries:
        by_name.setdefault((e.key[0], e.key[2]), []).append(e)
    out, taken = {}, set()
    for key in assessments:
        if key in exact:
            out[key] = exact[key]
            taken.add(key)
    for key in assessments:
        if key in out:
            continue
        same = [e for e in by_name.get((key[0], key[2]), []) if e.key not in taken]
        if len(same) == 1:
            out[key] = same[0]
            taken.add(same[0].key)
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
          now: dt.datetime | None = None) -> MergeResult:
    """Merge every submission under `paths` into the summary workbook at `output`."""
    output = Path(output)
    for p in paths:
        if not Path(p).exists():
            raise UnusableFile(Path(p), "找不到这个文件或文件夹，请检查路径")
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
    year = year or now.year
    with tempfile.TemporaryDirectory(prefix="fullemp-merge-") as tmp:
        store = Store(Path(tmp))
        try:
            return _merge(found, store, output, previous, registry, rules, year, jobs or default_jobs(), progress,
                          generated, force)
        finally:
            store.close()


def no_forms(found, unusable: list[tuple[str, str, str]]) -> str:
    """One message for every input that holds no 考评表 and no 申报表, whatever else it holds."""
    from .discover import SKIP_REASONS

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
    rulesets: Counter = field(default_factory=Counter)


def _read_all(found, store: Store, jobs: int, rules: str | None, progress) -> _Read:
    out = _Read()
    for index, brief, blob in read_all(found.candidates, jobs=jobs, rules=rules):
        store.put(index, blob)
        if progress:
            progress(brief)
        if brief.kind == QUARANTINED:
            out.quarantine.append((brief.source, brief.link, brief.reason))
            continue
        county, street, community = brief.key  # counties and streets repeat: one string each
        entry = Entry((sys.intern(county), sys.intern(street), community), brief.saved, brief.mtime, brief.source,
                      index, sys.intern(brief.ruleset))
        (out.assessments if brief.kind == ASSESSMENT else out.declarations).setdefault(brief.key, []).append(entry)
        if brief.kind == ASSESSMENT:
            out.rulesets[brief.ruleset] += 1
    return out


def _one_rule_set(read: _Read, rules: str | None, store: Store) -> RuleSet:
    """The rule set of the merge: the one given, else the one most submissions were made with; forms of
    any other rule set are quarantined with the advice to merge them separately."""
    counts = read.rulesets
    ruleset = load_ruleset(rules or (min(counts, key=lambda r: (-counts[r], r)) if counts else "zhangye-2023"))
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


def _finding(result: FileResult, field_: str, severity: str, message: str) -> Finding:
    return Finding(result.source, result.link, result.identity[0], result.identity[2], "", "", field_, severity, message)


def _registry_notes(result: FileResult, key: tuple, entry: RegistryEntry) -> list[Finding]:
    """Where a submission and its registry line differ (the registry is taken)."""
    out = []
    if entry.key != key:
        out.append(_finding(result, "街道（乡镇）", "警告", f"表中街道（乡镇）为“{result.identity[1] or '未填'}”，名册中为"
                                                      f"“{entry.street}”：按县（区）和社区名称与名册对上，按名册计"))
    if (result.prior_title, result.prior_year) != (entry.prior_title, entry.prior_year) and (result.prior_title or entry.prior_title):
        def title(t, y):
            return f"{t or '无'}{f'（{y}年）' if y else ''}"
        out.append(_finding(result, "原有称号", "警告", f"表中原有称号为“{title(result.prior_title, result.prior_year)}”，"
                                                   f"名册中为“{title(entry.prior_title, entry.prior_year)}”：按名册认定"))
    return out


def _file_lines(result: FileResult) -> list[Finding]:
    order = ("error", "warning", "info")
    return [Finding(result.source, result.link, result.identity[0], result.identity[2], f.sheet, f.cell, f.field,
                    SEVERITY[f.severity], f.message) for f in sorted(result.findings, key=lambda f: order.index(f.severity))]


def _merge(found, store: Store, output: Path, previous: Summary | None, registry_path, rules, year, jobs, progress,
           generated, force) -> MergeResult:
    read = _read_all(found, store, jobs, rules, progress)
    ruleset = _one_rule_set(read, rules, store)
    if not read.assessments and not read.declarations:  # a folder of ledgers and registries is no submission
        raise UnusableFile(found.inputs[0] if found.inputs else output, no_forms(found, read.quarantine))
    entries, registry_findings = _registry(registry_path, ruleset)
    has_registry = entries is not None
    by_key = _match_registry(entries, read.assessments) if has_registry else {}
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
    paired = _pair(kept, {key: pick(group)[0] for key, group in read.declarations.items()})
    decisions = {r.key: r.decisions for r in previous.rows} if previous else {}
    order = sorted(kept, key=lambda k: (k, kept[k].source))

    def rows():
        """Each community's row — and, as each result is read back, its lines of the 问题清单."""
        for key in order:
            result = store.get(kept[key].index)
            entry, decl = by_key.get(key), paired.get(key)
            extra = _registry_notes(result, key, entry) if entry is not None else []
            if decl is None:
                extra.append(_finding(result, "申报表", "提示", "没有找到这个社区的申报表（按县区、街道、社区名称配对）"))
            store.add_findings(0, result.source, _file_lines(result))
            store.add_findings(2, "", extra)
            yield summary_row(result, ruleset, year, entry, has_registry, decl.source if decl else "", decisions.get(key))

    problem_counts: Counter = Counter()

    def findings():
        """The 问题清单: files that could not be used first, then the registry's, then every file's, in path order."""
        early = [Finding(s, link, "", "", "", "", "", "隔离", reason) for s, link, reason in
                 sorted(read.quarantine) + list(found.problems)]
        early += [Finding(registry_path.name, str(registry_path.resolve()), "", "", f.location.sheet, f.location.cell,
                          f.field, SEVERITY[f.severity], f.message) for f in registry_findings]
        for key, decl in paired.items():
            result = store.get(decl.index)
            store.add_findings(0, result.source, _file_lines(result))
            if key not in kept:
                store.add_findings(2, "", [_finding(result, "考评表", "警告", "只有申报表，没有找到这个社区的考评表：该社区未计入汇总")])
        for f in early:
            problem_counts[f.severity] += 1
            yield f
        for line in store.findings():
            problem_counts[line[7]] += 1
            yield Finding(*line)

    outside_keys = [k for k in order if k not in by_key] if has_registry else []
    matched = {id(e) for e in by_key.values()}
    data = SummaryInput(
        ruleset=ruleset, year=year, generated=generated, rows=rows, findings=findings(), duplicates=duplicates,
        missing=[e for e in entries if id(e) not in matched] if has_registry else None,
        outside=[summary_row(store.get(kept[k].index), ruleset, year, None, True, "", None) for k in outside_keys],
        registry_counts=dict(Counter(e.county for e in entries)) if has_registry else None,
        meta={"source": [str(Path(p).resolve()) for p in found.inputs],
              "registry": str(Path(registry_path).resolve()) if registry_path else "", "rules": rules or ""})
    stats: dict = {}

    def write(tmp: Path) -> None:
        stats.update(write_summary(data, tmp))

    if previous is not None:  # re-run into our own summary: replaced, the old one kept as a backup
        backup = replace_file(output, write)
    else:
        backup = None
        write_output(output, write, force=force)
    used = {k for k in order if k in decisions}
    quarantined = sorted(read.quarantine) + list(found.problems)
    return MergeResult(
        summary=output, backup=backup, ruleset=ruleset, year=year, generated=generated,
        files={"found": len(found.candidates), "assessments": sum(len(g) for g in read.assessments.values()),
               "declarations": sum(len(g) for g in read.declarations.values()), "quarantined": len(quarantined)},
        skipped={SKIP_REASONS[k]: v for k, v in found.skipped.items()}, skipped_codes=dict(found.skipped),
        communities=len(order),
        eligible=stats.get("eligible", 0), duplicates=duplicates, missing=data.missing,
        outside=[" ".join(k) for k in outside_keys], counties=stats.get("counties", []), problems=dict(problem_counts),
        quarantined=[(s, reason) for s, _, reason in quarantined],
        kept_decisions=sum(1 for k in used if decisions[k].any()),
        lost_decisions=[f"{r.county} {r.street} {r.community}" for r in (previous.rows if previous else [])
                        if r.key not in used and r.decisions.any()],
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
    return merge(sources, summary, registry=registry, rules=rules, year=old.year, jobs=jobs, progress=progress,
                 started=started, now=now)

