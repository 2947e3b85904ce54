"""From the summary to the published documents: 公示, 认定公告, 补助资金明细 (+ the finance sheet), and PDFs.

The one entry point per document for the command line, the Excel buttons and the demo. Everything is
checked before anything is written (template, profile, dates, existing files); then every file is
written atomically, and the PDFs are converted in parallel.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..summary import timeline as T
from ..summary.load import Summary, load_summary
from ..summary.write import SHEETS
from ..core.filenames import safe_filename
from ..errors import EXIT_FINDINGS, FullempError, UnusableFile
from ..writing.files import write_output
from ..core.workdays import load_calendar, notice_end
from . import context as C
from .engine import check_template, render
from .pdf import convert, fangsong_note
from .profile import Office, Profile, ProfileError, load_profile, require
from .tags import ANNOUNCEMENT, KIND_LABEL, NOTICE, SUBSIDY
from .templates import template_bytes
from .finance import finance_workbook


class NothingToPublish(FullempError):
    """No community qualifies for the document; the message says why (exit code 1)."""

    exit_code = EXIT_FINDINGS


class DateConflict(Exception):
    """A date that does not hold together with the calendar or the year's timeline; the message names the
    date, why, and the fix (exit code 1, nothing written)."""


@dataclass
class Settings:
    """What every document needs besides the summary: template, issuing office, dates, output handling."""

    template: Path | None = None
    profile: Path | None = None
    office: dict = field(default_factory=dict)  # option overrides: name, doc_prefix, contact, phone, address, postcode, email
    date: dt.date | None = None  # 成文日期
    number: str = ""  # 发文字号的序号
    pdf: bool = False
    force: bool = False
    jobs: int | None = None
    progress: Callable[[int, int, Path], None] | None = None
    # where the 发布记录 goes: None = into the summary file (summary.timeline.record); the Excel buttons write
    # into the open workbook instead. Returns "" or why it could not.
    record: Callable[[list], str] | None = None


@dataclass
class Document:
    path: Path
    title: str
    count: int
    selection: C.Selection | None = None


@dataclass
class Outcome:
    summary: Summary
    documents: list[Document] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    sheets: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # e.g. a county with nobody to list
    details: dict = field(default_factory=dict)  # per-command facts for the report (period, totals)
    notes: list[str] = field(default_factory=list)  # what the reader should know: a missing 仿宋 face, a 发布记录 not written

    @property
    def problems(self) -> list[str]:
        """The summary's problems (summary.check, the one check every command reports): the documents are
        right, but the summary needs a look (exit 1)."""
        return list(dict.fromkeys(self.summary.problems))


def _template(kind: str, settings: Settings) -> tuple[bytes, str]:
    if settings.template is None:
        return template_bytes(kind), f"内置的{KIND_LABEL[kind]}模板"
    path = Path(settings.template)
    if not path.is_file():
        raise UnusableFile(path, "找不到模板文件，请检查路径")
    return path.read_bytes(), path.name


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _prepare(summary_path, kind: str, settings: Settings, summary: Summary | None = None):
    summary = summary or load_summary(summary_path)
    template, name = _template(kind, settings)
    usage = check_template(template, kind, name)
    profile = load_profile(settings.profile, near=summary_path)
    return summary, template, name, usage, profile


def _office(profile: Profile, usage, settings: Settings, *, county: str | None, own: bool) -> Office:
    """The office a document is signed by: a county's own section (required when `own`), else the city's."""
    if own:
        base = profile.section(county)[0] if profile.has_county(county) else Office()
        section = f'[county."{county}"]'
        if not profile.has_county(county) and not settings.office.get("name"):
            raise ProfileError(f"县（区）公示由{county}人社部门发布：发文机关信息中没有 {section} 一节。请在 "
                               f"{profile.path or '发文机关.toml'} 中添加，或用 --office、--phone 等选项给出")
    else:
        base, section = profile.section(county)
    office = base.merged(settings.office)
    require(office, usage.office_fields, section=section, profile=profile)
    return office


def _base(summary: Summary, profile: Profile, usage, settings: Settings, *, county: str | None = None, own: bool = False,
          signed: dt.date | None = None, attachment: str = "") -> dict:
    """The tags every document shares: the signing office, the 成文日期 and the 发文字号, each required only when
    the template prints it."""
    office = _office(profile, usage, settings, county=county, own=own)
    day = signed or settings.date or profile.date
    if "date" in usage.names and day is None:
        raise ProfileError("缺少成文日期：用 --date 2026-12-07 指定，或在发文机关信息的 [office] 中写 date = 2026-12-07")
    doc_number = ""
    if "doc_number" in usage.names:
        number = settings.number or profile.number
        missing = [w for w, ok in (("机关代字（doc_prefix，或 --doc-prefix）", office.doc_prefix),
                                   ("序号（--number，或发文机关信息 [office] 的 number）", number)) if not ok]
        if missing:
            raise ProfileError(f"模板要印发文字号，但缺少{'、'.join(missing)}：如 张人社公告〔2026〕3号")
        doc_number = f"{office.doc_prefix}〔{(day.year if day else summary.year)}〕{number}号"
    return C.common(summary, office=office.as_context(), date=_date_text(day) if day else "", doc_number=doc_number,
                    attachment=attachment)


def _check_targets(targets: list[Path], settings: Settings, inputs: list[Path]) -> None:
    """Refuse before writing anything: an existing file is replaced only with --force, never an input."""
    for target in targets:
        for src in inputs:
            if target.exists() and target.resolve() == Path(src).resolve():
                raise UnusableFile(target, "输出文件不能与输入文件相同")
        if target.exists() and not settings.force:
            raise UnusableFile(target, "文件已存在，不予覆盖：换一个文件名，或加 --force（原文件会先备份）")


def _write(outcome: Outcome, rendered: list[tuple[Path, bytes, str, int, C.Selection | None]], settings: Settings,
           inputs: list[Path]) -> None:
    targets = [t for t, *_ in rendered]
    pdfs = [t.with_suffix(".pdf") for t in targets] if settings.pdf else []
    _check_targets(targets + pdfs, settings, inputs)
    for target, data, title, count, selection in rendered:
        write_output(target, lambda tmp, data=data: tmp.write_bytes(data), force=settings.force, inputs=inputs)
        outcome.documents.append(Document(target, title, count, selection))
    if settings.pdf:
        outcome.pdfs = convert(list(zip(targets, pdfs)), jobs=settings.jobs, progress=settings.progress)
        note = fangsong_note()
        if note:
            outcome.notes.append(note)


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _record(outcome: Outcome, summary_path, lines: list, settings: Settings) -> None:
    """The 发布记录: what was published goes into the summary, for the later documents' date checks."""
    if settings.record is not None:
        why = settings.record(lines)
    else:
        why = T.record(Path(summary_path), lines, outcome.summary.published, SHEETS["published"])
    if why:
        outcome.notes.append(why)


# ---------------------------------------------------------------- 公示
def city_summary_refusal(summary: Summary, county: str | None = None) -> str:
    """Why a county 公示 is not made from the city's summary, and the commands that make it from the county's own
    (for `county`, else the summary's first county)."""
    rs = summary.ruleset
    stage = rs.publication.stage("county")
    steps = "、".join(st.name for st in stage.steps) if stage else "实地考察、公示、推荐"
    where = f"{stage.source}：" if stage and stage.source else ""
    found = stage.step("inspection") if stage else None
    inspection = f"{stage.label}{found.name}" if found else "实地考察"
    name = county or next(iter(C.counties(summary.rows)), "本县区")
    return (f"这是市级汇总表，不能生成县（区）公示：县（区）公示由县（区）自己的汇总表生成（{where}县区{steps}），"
            f"市级汇总表中没有县（区）自己填写的{inspection}。请用 `fullemp merge 县区文件夹 --county {name} -o {name}汇总表.xlsx "
            f"--registry 社区名册.xlsx` 生成本县区的汇总表，在其中填写{inspection}，再用它生成："
            f"`fullemp notice {name}汇总表.xlsx --stage county --start 开始日期 -o {name}-公示.docx`")


def make_notice(summary_path, *, stage: str, start: dt.date, out, county: str | None = None, days: int | None = None,
                holidays=None, settings: Settings = Settings(), summary: Summary | None = None) -> Outcome:
    """公示 of the county stage (one county, or every county into a folder) or of the city stage.

    `summary` may be given already loaded (the Excel button reads the open workbook); `summary_path` is then
    still where the profile and holiday files are looked for."""
    summary, template, name, usage, profile = _prepare(summary_path, NOTICE, settings, summary)
    rs = summary.ruleset
    if stage == "county" and not summary.county and stage in rs.publication.stages:
        raise UnusableFile(Path(summary_path), city_summary_refusal(summary, county))
    if stage == "city" and summary.county:
        raise UnusableFile(Path(summary_path), f"这是{summary.county}自己的汇总表（merge --county），不能生成市级公示：市级公示由市里的汇总表"
                                               "生成（各县区报送的表格连同县区汇总表一起汇总）：`fullemp merge 各县区报送 -o 汇总表.xlsx "
                                               "--registry 社区名册.xlsx`，再用它生成 `fullemp notice 汇总表.xlsx --stage city`")
    if stage not in rs.publication.stages:
        raise UnusableFile(Path(summary_path), f"规则集 {rs.id} 没有{'县（区）' if stage == 'county' else '市级'}公示"
                                               f"（{rs.publication.source or '公示层级：' + '、'.join(rs.publication.stages)}）")
    minimum = rs.publication.notice_days
    days = minimum if days is None else days
    if days < minimum:
        raise UnusableFile(Path(summary_path), f"公示期不得少于{minimum}个工作日（{rs.publication.source}），--days 给的是 {days}")
    calendar = load_calendar(holidays, near=summary_path)
    if not calendar.is_workday(start):
        first = start
        while not calendar.is_workday(first):
            first += dt.timedelta(days=1)
        raise DateConflict(f"公示开始日期 {_date_text(start)} 不是工作日（周末或法定节假日），公示和它的成文日期不能定在这一天："
                           f"请改用 --start {first.isoformat()}（其后第一个工作日）")
    problem = T.notice_problem(summary.published, stage, county, start)
    if problem:
        raise DateConflict(problem)
    end = notice_end(start, days, calendar)
    outcome = Outcome(summary, details={"start": start.isoformat(), "end": end.isoformat(), "days": days, "stage": stage})
    names = C.counties(summary.rows)
    if county and not C.in_county(summary.rows, county):
        raise UnusableFile(Path(summary_path), f"汇总表中没有县（区）“{county}”（有：{'、'.join(names) or '无'}）")
    per_county = stage == "county" and not county
    scope = names if per_county else [county if stage == "county" else None]
    which = C.COUNTY_NOTICE if stage == "county" else C.CITY_NOTICE
    rendered, lines = [], []
    for one in scope:
        selection = C.select(summary.rows, rs, which, one)
        label = one or "全市"
        if not selection.listed:
            outcome.skipped.append(f"{label}：没有可以公示的社区" + _why_none(selection))
            if per_county:
                continue
            raise NothingToPublish(outcome.skipped[-1])
        attachment = C.notice_attachment(summary, stage, one)
        # a 公示 is signed the day it is posted, unless --date says otherwise
        base = _base(summary, profile, usage, settings, county=one, own=stage == "county", signed=settings.date or start,
                     attachment=attachment)
        values = C.notice_context(summary, selection.listed, stage=stage, county=one or "", start=_date_text(start),
                                  end=_date_text(end), days=days, base=base)
        target = Path(out) / safe_filename(f"{one}-公示.docx") if per_county else Path(out)
        rendered.append((target, render(template, NOTICE, values, name), attachment, len(selection.listed), selection))
        lines.append(T.Published(T.NOTICE, "县区" if stage == "county" else "市", one or "", start.isoformat(), end.isoformat(),
                                 (settings.date or start).isoformat(), base["doc_number"], _now(), str(target)))
    if not rendered:
        raise NothingToPublish("；".join(outcome.skipped))
    _write(outcome, rendered, settings, [Path(summary_path)])
    _record(outcome, summary_path, lines, settings)
    return outcome


def _why_none(selection: C.Selection) -> str:
    waiting = sorted({e.reason for e in selection.pending})
    return f"（{'、'.join(waiting)}）" if waiting else ""


# ---------------------------------------------------------------- 认定公告
def make_announcement(summary_path, *, out, settings: Settings = Settings(), summary: Summary | None = None) -> Outcome:
    summary, template, name, usage, profile = _prepare(summary_path, ANNOUNCEMENT, settings, summary)
    selection = C.select(summary.rows, summary.ruleset, C.CERTIFIED)
    if not selection.listed:
        raise NothingToPublish("没有最终认定的社区：请在汇总表的“最终认定”列填写“认定”" + _why_none(selection))
    signed = settings.date or profile.date
    base = _base(summary, profile, usage, settings, attachment=C.announcement_attachment(summary))
    problem = T.announcement_problem(summary.published, signed)  # after the profile's own problems (exit 2)
    if problem:
        raise DateConflict(problem)
    values = C.announcement_context(summary, selection.listed, base=base)
    outcome = Outcome(summary)
    _write(outcome, [(Path(out), render(template, ANNOUNCEMENT, values, name), base["attachment"],
                      len(selection.listed), selection)], settings, [Path(summary_path)])
    _record(outcome, summary_path, [T.Published(T.ANNOUNCEMENT, "", "", "", "", signed.isoformat() if signed else "",
                                                base["doc_number"], _now(), str(out))], settings)
    return outcome


# ---------------------------------------------------------------- 补助资金
def _deadline(month_day: str, year: int) -> dt.date:
    month, day = (int(p) for p in (month_day or "12-31").split("-"))
    return dt.date(year, month, day)


def make_subsidy(summary_path, *, out_dir, year: int | None = None, settings: Settings = Settings(),
                 summary: Summary | None = None, report_by: dt.date | None = None) -> Outcome:
    """One statement per county (the county pays) and, beside it, the same table as a workbook for its finance office."""

    summary = summary or load_summary(summary_path)
    rs = summary.ruleset
    if rs.subsidy is None:
        raise NothingToPublish(f"规则集 {rs.id}（{rs.jurisdiction}）没有补助资金政策，不生成补助资金明细"
                               f"（{rs.source}中没有关于补助资金的规定）")
    if summary.missing is None:
        raise UnusableFile(Path(summary_path), "汇总时没有提供社区名册，无法核对哪些社区已享受国家级、省级补助（不能重复补助）："
                                               "请用 fullemp merge … --registry 社区名册.xlsx 重新汇总（官员填写的列会保留）")
    summary, template, name, usage, profile = _prepare(summary_path, SUBSIDY, settings, summary)
    year = year or summary.year
    deadline = report_by or _deadline(rs.subsidy.report_by, year)
    signed = settings.date or profile.date
    if signed is not None and signed >= deadline:
        why = "给出的报送期限" if report_by else f"按规则集（{rs.subsidy.report_by}）的报送期限"
        raise DateConflict(f"补助资金明细的成文日期 {_date_text(signed)} 不早于{why} {_date_text(deadline)}：社区来不及报送资金"
                           f"使用情况。请用 --report-by 给出成文日期之后的报送期限（如 --report-by {signed.year + 1}-03-31），"
                           "或改用更早的 --date")
    report_by = _date_text(deadline)
    problem = T.subsidy_problem(summary.published, signed)
    if problem:
        raise DateConflict(problem)
    lists = C.subsidy_lists(summary)
    if not lists:
        raise NothingToPublish("没有最终认定的社区，不需要补助资金明细：请先在汇总表的“最终认定”列填写“认定”")
    outcome = Outcome(summary, details={"year": year, "amount": str(C.amount_of(rs.subsidy)), "counties": []})
    rendered, sheets = [], []
    for lst in lists:
        base = _base(summary, profile, usage, settings, county=lst.county)
        values = C.subsidy_context(summary, lst, subsidy_year=year, report_by=report_by, base=base)
        stem = safe_filename(f"{lst.county}-{year}年度补助资金明细")
        rendered.append((Path(out_dir) / f"{stem}.docx", render(template, SUBSIDY, values, name),
                         f"{lst.county}{year}年度补助资金明细", len(lst.funded), None))
        sheets.append((Path(out_dir) / f"{stem}.xlsx", values))
        outcome.details["counties"].append({"county": lst.county, "funded": len(lst.funded), "excluded": len(lst.excluded),
                                            "total": values["total"], "total_words": values["total_words"],
                                            "excluded_reasons": [f"{e.row.community}：{e.reason}" for e in lst.excluded]})
    _check_targets([p for p, _ in sheets], settings, [Path(summary_path)])
    _write(outcome, rendered, settings, [Path(summary_path)])
    for path, values in sheets:
        wb = finance_workbook(values)
        write_output(path, wb.save, force=settings.force, inputs=[Path(summary_path)])
        outcome.sheets.append(path)
    _record(outcome, summary_path, [T.Published(T.SUBSIDY, "", lst.county, "", deadline.isoformat(),
                                                signed.isoformat() if signed else "", "", _now(), str(doc[0]))
                                    for lst, doc in zip(lists, rendered)], settings)
    return outcome
