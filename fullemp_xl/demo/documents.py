"""The demo's last steps: from its summary to the 公示, the 认定公告, the subsidy statements, next year's
registry and next year's forms (`run_documents_demo`, called by `fullemp demo` after its merge step). The county
公示 are made from each county's own summary (`merge --county` of the same submissions), as 张掖 第六条 has it.

Officials' decisions are filled in a copy of the summary as an office would (实地考察 符合, 公示异议 无,
最终认定 认定 for every community that meets the rules, where the cell is still blank); the issuing-office
file is a fictional example beside it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl

from ..merge.run import merge
from ..summary.load import load_summary
from ..summary.columns import official_headers
from ..summary.write import HEAD_ROW
from ..writing.files import write_output
from ..core.workdays import UnknownYear, load_calendar
from ..documents.publish import NothingToPublish, Settings, make_announcement, make_notice, make_subsidy
from ..documents.profile import PROFILE_FILE
from ..summary.write import SHEETS
from ..registry import distribute
from ..registry.next_year import write_next_registry
from ..documents.context import counties
from ..documents.pdf import convert

DECIDED = "汇总表（已填写决定）.xlsx"
COUNTY_FOLDER = "县区汇总表"  # each county's own summary (merge --county), beside the documents
OFFICIAL_CHOICES = {"inspection": "符合", "objection": "无", "final": "认定"}  # column key -> what the demo's officials type
COUNTY_KEYS = ("inspection", "objection")  # what a county types in its own summary (第六条: it inspects and publishes;
# 最终认定 is the city's)


@dataclass
class DocumentsDemo:
    summary: Path
    profile: Path
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    sheets: list[Path] = field(default_factory=list)
    registry: Path | None = None
    forms: Path | None = None
    notes: list[str] = field(default_factory=list)  # what was not made, and why
    county_summaries: list[Path] = field(default_factory=list)  # each county's own, its decisions typed in

    @property
    def written(self) -> list[Path]:
        return [self.summary, *self.county_summaries, self.profile, *self.documents, *self.pdfs, *self.sheets,
                *([self.registry] if self.registry else [])]


def decide_as_officials(summary: Path, target: Path, keys=tuple(OFFICIAL_CHOICES)) -> Path:
    """A copy of the summary with the blank decision cells (`keys`) of every eligible community filled in."""
    heads = official_headers(load_summary(summary).ruleset)  # the rule set's own, labelled by stage
    wb = openpyxl.load_workbook(summary)
    ws = wb[SHEETS["summary"]]
    header = {str(c.value).strip(): c.column for c in ws[HEAD_ROW] if c.value}
    eligible = header["符合认定条件"]
    for row in range(HEAD_ROW + 1, ws.max_row + 1):
        if ws.cell(row, eligible).value != "是":
            continue
        for key in keys:
            cell = ws.cell(row, header[heads[key]])
            if cell.value in (None, ""):
                cell.value = OFFICIAL_CHOICES[key]
    write_output(target, wb.save, force=True)
    return target


def county_summaries(summary, folder: Path) -> list[Path]:
    """Each county's own summary as the county makes it (`merge --county`, from the same submissions and registry),
    with the county officials' decisions typed in as `decide_as_officials` does: the county 公示 is made from it.
    [] when the summary does not record the submissions it was merged from (then no county 公示)."""
    sources = [Path(s) for s in summary.sources if s and Path(s).exists()]
    if not sources:
        return []
    registry = Path(summary.registry) if summary.registry and Path(summary.registry).exists() else None
    out = []
    for county in counties(summary.rows):
        merged = folder / f"{county}汇总表.xlsx"
        merge(sources, merged, registry=registry, rules=summary.ruleset.id, year=summary.year, county=county, force=True,
              jobs=1)
        out.append(decide_as_officials(merged, folder / f"{county}{DECIDED}", COUNTY_KEYS))
    return out


def write_profile(path: Path, jurisdiction: str, counties: list[str], signing: dt.date) -> Path:
    """An example issuing-office profile; the 机关代字 begins with the city's abbreviation (张人社…)."""
    lines = ["# 发文机关信息（示例，联系方式为虚构）：fullemp notice / announce / subsidy 用它署名和写联系方式", "",
             "[office]", f'name = "{jurisdiction}人力资源和社会保障局"', f'doc_prefix = "{jurisdiction[:1]}人社公告"',
             'contact = "就业科（示例）"', 'phone = "0000-0000000"', f'address = "{jurisdiction}人民路1号（示例）"',
             'email = "jyk@example.cn"', f"date = {signing.isoformat()}"]
    for county in counties:
        lines += ["", f'[county."{county}"]', f'name = "{county}人力资源和社会保障局"', 'contact = "就业股（示例）"',
                  'phone = "0000-0000001"', f'address = "{county}人民路2号（示例）"', 'email = "jyg@example.cn"']
    write_output(path, lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8"), force=True)
    return path


def _first_working_day(calendar, day: dt.date) -> dt.date:
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def run_documents_demo(summary_path: Path, out_dir: Path, *, pdf: bool = False, progress=None) -> DocumentsDemo:
    """Everything after the summary, into out_dir; returns what it wrote."""

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    decided = decide_as_officials(Path(summary_path), out_dir / DECIDED)
    summary = load_summary(decided)
    rs, year = summary.ruleset, summary.year
    calendar = load_calendar(near=decided)
    result = DocumentsDemo(decided, out_dir / PROFILE_FILE)
    try:
        county_start = _first_working_day(calendar, dt.date(year, 11, 2))
        city_start = _first_working_day(calendar, county_start + dt.timedelta(days=14))
        signing = _first_working_day(calendar, city_start + dt.timedelta(days=14))
    except UnknownYear as exc:
        county_start = city_start = None
        signing = dt.date(year, 12, 1)
        result.notes.append(f"公示：{exc}")
    write_profile(result.profile, rs.jurisdiction, counties(summary.rows), signing)
    settings = Settings(number="1", force=True)
    steps = []
    if county_start and "county" in rs.publication.stages:  # each county from its own summary (张掖 第六条)
        owns = county_summaries(summary, out_dir / COUNTY_FOLDER)
        if not owns:
            result.notes.append("县（区）公示：由各县区自己的汇总表（merge --county）生成，本汇总表没有记下报送的文件，无法重新汇总各县区")
        for own in owns:
            result.county_summaries.append(own)
            steps.append(lambda own=own: make_notice(own, stage="county", start=county_start, out=out_dir / "公示-县区",
                                                     settings=replace(settings, profile=result.profile)))
    if city_start and "city" in rs.publication.stages:
        steps.append(lambda: make_notice(decided, stage="city", start=city_start, out=out_dir / "公示-市级.docx",
                                         settings=settings, summary=summary))
    steps.append(lambda: make_announcement(decided, out=out_dir / "认定公告.docx", settings=settings, summary=summary))
    if rs.subsidy is not None:
        steps.append(lambda: make_subsidy(decided, out_dir=out_dir / "补助资金", settings=settings, summary=summary))
    else:
        result.notes.append(f"补助资金：规则集 {rs.id} 没有补助资金政策")
    for step in steps:
        try:
            outcome = step()
        except NothingToPublish as exc:
            result.notes.append(str(exc))
            continue
        result.documents += [d.path for d in outcome.documents]
        result.sheets += outcome.sheets
        result.notes += outcome.skipped
    if pdf:  # all at once, in parallel, each with its own LibreOffice profile

        result.pdfs = convert([(d, d.with_suffix(".pdf")) for d in result.documents], progress=progress)
    result.registry = out_dir / f"社区名册-{year + 1}.xlsx"
    write_next_registry(decided, result.registry, force=True)
    result.forms = out_dir / f"分发-{year + 1}"
    distribute(result.registry, rs, result.forms)
    return result
