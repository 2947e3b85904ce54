"""`fullemp merge`: discover, read in workers, combine, write the summary — the library entry point."""
from __future__ import annotations

import datetime as dt
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
    skipped: dict[str, int]
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

    communities, findings = read_registry(path, ruleset)
    entries = [RegistryEntry(c.county, c.street, c.community, c.code, c.prior_title, c.prior_year,
                             c.national_subsidy, c.provincial_subsidy) for c in communities]
    return entries, findings


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
        raise UnusableFile(Path(paths[0]) if paths else output, "没有找到任何工作簿（.xlsx）或压缩包（.zip）：请检查路径")
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


def _merge(found, store: Store, output: Path, previous: Summary | None, registry_path, rules, year, jobs, progress,
           generated, force) -> MergeResult:
    assessments: dict[tuple, list[Entry]] = {}
    declarations: dict[tuple, list[Entry]] = {}
    quarantine: list[tuple[int, str, str, str]] = []  # (index, source, link, reason)
    rulesets: Counter = Counter()
    for index, result in read_all(found.candidates, jobs=jobs, rules=rules):
        store.put(index, result)
        if progress:
            progress(result)
        if result.kind == QUARANTINED:
            quarantine.append((index, result.source, result.link, result.reason))
            continue
        entry = Entry(result.key, result.saved, result.mtime, result.source, index, result.ruleset)
        (assessments if result.kind == ASSESSMENT else declarations).setdefault(result.key, []).append(entry)
        if result.kind == ASSESSMENT:
            rulesets[result.ruleset] += 1
    ruleset = load_ruleset(rules or (min(rulesets, key=lambda r: (-rulesets[r], r)) if rulesets else "zhangye-2023"))
    for table in (assessments, declarations):  # forms of another rule set than the merge's
        for key in list(table):
            for e in [e for e in table[key] if e.ruleset != ruleset.id]:
                table[key].remove(e)
                quarantine.append((e.index, e.source, store.get(e.index).link,
                                   f"本表按规则集“{e.ruleset}”生成，本次汇总按“{ruleset.id}”（多数提交所用）：请对这些表格单独汇总，"
                                   f"或用 --rules {e.ruleset}"))
            if not table[key]:
                del table[key]
    entries, registry_findings = _registry(registry_path, ruleset)
    by_key = _match_registry(entries, assessments) if entries is not None else {}
    kept: dict[tuple, Entry] = {}
    duplicates: list[Duplicate] = []
    for key, group in assessments.items():
        best, rest = pick(group)
        kept[key] = best
        if rest:
            best_result = store.get(best.index)
            for e in rest:
                dropped = store.get(e.index)
                county, street, community = best_result.identity
                duplicates.append(Duplicate(county, street, community, best.source, e.source,
                                            differences(best_result, dropped)))
    paired = _pair(kept, {key: pick(group)[0] for key, group in declarations.items()})
    decisions = {r.key: r.decisions for r in previous.rows} if previous else {}
    used_decisions: set = set()
    order = sorted(kept, key=lambda k: (k, kept[k].source))
    has_registry = entries is not None

    def rows():
        for key in order:
            result = store.get(kept[key].index)
            decl = paired.get(key)
            yield summary_row(result, ruleset, year, by_key.get(key), has_registry, decl.source if decl else "",
                              decisions.get(key))

    extra: list[Finding] = []
    for key in order:
        entry, result = by_key.get(key), None
        if entry is not None:
            result = store.get(kept[key].index)
            if entry.key != key:
                extra.append(Finding(result.source, result.link, *result.identity[::2], "", "", "街道（乡镇）", "警告",
                                     f"表中街道（乡镇）为“{result.identity[1] or '未填'}”，名册中为“{entry.street}”："
                                     "按县（区）和社区名称与名册对上，按名册计"))
            if (result.prior_title, result.prior_year) != (entry.prior_title, entry.prior_year) and (result.prior_title or entry.prior_title):
                extra.append(Finding(result.source, result.link, *result.identity[::2], "", "", "原有称号", "警告",
                                     f"表中原有称号为“{result.prior_title or '无'}{f'（{result.prior_year}年）' if result.prior_year else ''}”，"
                                     f"名册中为“{entry.prior_title or '无'}{f'（{entry.prior_year}年）' if entry.prior_year else ''}”：按名册认定"))
        if key not in paired:
            result = result or store.get(kept[key].index)
            extra.append(Finding(result.source, result.link, *result.identity[::2], "", "", "申报表", "提示",
                                 "没有找到这个社区的申报表（按县区、街道、社区名称配对）"))
        if key in decisions:
            used_decisions.add(key)
    for key, decl in paired.items():
        if key not in kept:
            result = store.get(decl.index)
            extra.append(Finding(result.source, result.link, *result.identity[::2], "", "", "考评表", "警告",
                                 "只有申报表，没有找到这个社区的考评表：该社区未计入汇总"))
    matched = {id(e) for e in by_key.values()}
    missing = [e for e in entries if id(e) not in matched] if has_registry else None
    outside_keys = [k for k in order if k not in by_key] if has_registry else []

    def findings():
        for index, source, link, reason in sorted(quarantine, key=lambda q: q[1]):
            yield Finding(source, link, "", "", "", "", "", "隔离", reason)
        for source, link, reason in found.problems:
            yield Finding(source, link, "", "", "", "", "", "隔离", reason)
        for f in registry_findings:
            yield Finding(registry_path.name, str(registry_path.resolve()), "", "", f.location.sheet, f.location.cell,
                          f.field, SEVERITY[f.severity], f.message)
        used = {kept[k].index for k in order} | {d.index for d in paired.values()}
        for result in sorted((store.get(i) for i in used), key=lambda r: r.source):
            for f in sorted(result.findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
                yield Finding(result.source, result.link, result.identity[0], result.identity[2], f.sheet, f.cell,
                              f.field, SEVERITY[f.severity], f.message)
        yield from extra

    problem_counts: Counter = Counter()

    def counted():
        for f in findings():
            problem_counts[f.severity] += 1
            yield f

    outside_rows = []
    if outside_keys:
        outside_rows = [summary_row(store.get(kept[k].index), ruleset, year, None, True, "", None) for k in outside_keys]
    data = SummaryInput(
        ruleset=ruleset, year=year, generated=generated, rows=rows, findings=counted(), duplicates=duplicates,
        missing=missing, outside=outside_rows,
        registry_counts=dict(Counter(e.county for e in entries)) if has_registry else None,
        meta={"source": [str(Path(p).resolve()) for p in found.inputs],
              "registry": str(Path(registry_path).resolve()) if registry_path else "",
              "rules": rules or ""})
    stats: dict = {}

    def write(tmp: Path) -> None:
        stats.update(write_summary(data, tmp))

    if previous is not None:  # re-run into our own summary: replaced, the old one kept as a backup
        backup = replace_file(output, write)
    else:
        backup = None
        write_output(output, write, force=force)
    lost = [f"{r.county} {r.street} {r.community}" for r in (previous.rows if previous else [])
            if r.key not in used_decisions and r.decisions.any()]
    files = {"found": len(found.candidates), "assessments": sum(len(g) for g in assessments.values()),
             "declarations": sum(len(g) for g in declarations.values()), "quarantined": len(quarantine) + len(found.problems)}
    return MergeResult(
        summary=output, backup=backup, ruleset=ruleset, year=year, generated=generated, files=files,
        skipped={SKIP_REASONS[k]: v for k, v in found.skipped.items()}, communities=len(order),
        eligible=stats.get("eligible", 0), duplicates=duplicates, missing=missing,
        outside=[" ".join(k) for k in outside_keys], counties=stats.get("counties", []), problems=dict(problem_counts),
        quarantined=[(s, r) for _, s, _, r in sorted(quarantine, key=lambda q: q[1])] + [(s, r) for s, _, r in found.problems],
        kept_decisions=len(used_decisions & {k for k, d in decisions.items() if d.any()}), lost_decisions=lost,
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

