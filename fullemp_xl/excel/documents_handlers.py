"""The 公示 / 公告 / 补助 buttons: act on the open 汇总表 and write the documents next to it.

Each `*_book(book)` takes an xlwings Book (live Excel, or xlwings' remote engine in the tests), reads the
summary as it is on screen — the officials' decision columns included, saved or not — through the same
loader as the command line (`summary.load.read_summary`, over the values xlwings reads from the open
workbook: no copy on disk), and writes the
documents beside the workbook's file with the issuing-office file (发文机关.toml) found there. It never
changes the workbook. The zero-argument functions at the end are the RunPython entry points.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import api
from .handlers import _alert, _guard

NOTICE_FOLDER, SUBSIDY_FOLDER, ANNOUNCEMENT_FILE = "公示", "补助资金", "认定公告.docx"


class _NoFolder(Exception):
    pass


def _sheets(book) -> dict:
    """The summary's sheets as shown on screen: {name: (values row by row, top row, left column)}."""
    present = [s.name for s in book.sheets]
    out = {}
    for name in api.summary_sheets():
        if name in present:
            used = book.sheets[name].used_range
            out[name] = (used.options(ndim=2).value or [], used.row, used.column)
    return out


def _load(book):
    """(summary, the workbook's path on disk): the summary as shown on screen."""
    full = Path(str(book.fullname))
    if not full.is_absolute() or not full.parent.is_dir():  # a workbook never saved, or Excel on the web
        raise _NoFolder
    return api.read_summary_book(_sheets(book), full), full


def _guarded(fn):
    """_guard plus the documents' own errors, each as a message box."""
    def wrapper(book, *args, **kwargs):
        unusable, nothing = api.document_errors()
        try:
            return fn(book, *args, **kwargs)
        except _NoFolder:
            return _alert(book, "请先把汇总表保存到电脑上的文件夹中，文书会生成在它旁边。")
        except unusable + nothing as exc:
            return _alert(book, str(exc))
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return _guard(wrapper)


def _settings(book=None, summary=None) -> dict:
    # a button regenerates (the earlier file is kept as a backup). The workbook is never changed, so the
    # 发布记录 is not written from here: the dates are still checked against what the command line recorded.
    return dict(force=True, record=lambda lines: "")


def _listing(outcome) -> str:
    lines = [f"· {d.title}：{d.count} 个社区 → {d.path.name}" for d in outcome.documents]
    left_out = sum(len(d.selection.excluded) for d in outcome.documents if d.selection)
    if left_out:
        lines.append(f"因实地考察、公示异议、不予认定或民政撤销未列入 {left_out} 个（命令 fullemp notice / announce 列出原因）。")
    return "\n".join(lines + [f"· {n}" for n in outcome.notes if n.startswith("警告：")] + _problems(outcome))


def _problems(outcome) -> list[str]:
    """summary.check's problems, as every command reports them."""
    if not outcome.problems:
        return []
    return [f"汇总表中有 {len(outcome.problems)} 处需要核对：" + "；".join(outcome.problems[:3])]


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def first_working_day(calendar, day: dt.date) -> dt.date:
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


@_guarded
def notice_book(book, *, start: dt.date | None = None, out_dir: Path | None = None) -> str:
    """公示: every 公示 the decisions allow, starting on the first working day from today: the county's from a county's
    own summary (merge --county, which makes no city 公示), the city's from the city's (which makes no county 公示:
    said in the message)."""
    from ..core.workdays import load_calendar

    summary, path = _load(book)
    folder = Path(out_dir) if out_dir else path.parent / NOTICE_FOLDER
    start = start or first_working_day(load_calendar(near=path), dt.date.today())
    written, skipped = [], []
    for stage in summary.ruleset.publication.stages:
        if stage == "county" and not summary.county:  # 第六条: the county publishes from its own summary
            skipped.append("县（区）公示：" + api.city_summary_refusal(summary))
            continue
        if stage == "city" and summary.county:  # a county's own summary: its 公示 only; the city's is the city's
            continue
        out = folder if stage == "county" else folder / "市级公示.docx"
        try:
            outcome = api.notice(path, stage=stage, start=start, out=out, loaded=summary, **_settings(book, summary))
        except api.document_errors()[1] as exc:  # e.g. the city 公示 while the county's is still running
            skipped.append(str(exc))
            continue
        written.append(outcome)
        skipped += outcome.skipped
    if not written:
        raise api.nothing_to_publish("；".join(skipped))
    d = written[0].details
    period = "至".join(_cn(dt.date.fromisoformat(d[k])) for k in ("start", "end"))
    head = f"公示期 {period}（{d['days']}个工作日），文书在 {folder}："
    return _alert(book, "\n".join([head, *(_listing(o) for o in written), *(f"· 未生成：{s}" for s in skipped)]))


@_guarded
def announce_book(book, *, out_dir: Path | None = None) -> str:
    """公告: the 认定公告 of every community finally certified in the open summary."""
    summary, path = _load(book)
    target = (Path(out_dir) if out_dir else path.parent) / ANNOUNCEMENT_FILE
    outcome = api.announcement(path, out=target, loaded=summary, **_settings(book, summary))
    return _alert(book, f"认定公告已生成（{target}）：\n" + _listing(outcome))


@_guarded
def subsidy_book(book, *, out_dir: Path | None = None) -> str:
    """补助: one 补助资金明细 per county (Word and a workbook for its finance office)."""
    summary, path = _load(book)
    folder = Path(out_dir) if out_dir else path.parent / SUBSIDY_FOLDER
    outcome = api.subsidy(path, out_dir=folder, loaded=summary, **_settings(book, summary))
    lines = [f"补助资金明细已生成（{folder}）："]
    for c in outcome.details["counties"]:
        lines.append(f"· {c['county']}：{c['funded']} 个社区，合计 {c['total']} 元（{c['total_words']}）；不予补助 {c['excluded']} 个")
    return _alert(book, "\n".join(lines + _problems(outcome)))


# ---------------------------------------------------------------- RunPython entry points (classic add-in)
def _caller():
    import xlwings as xw

    return xw.Book.caller()


def notice() -> None:
    notice_book(_caller())


def announce() -> None:
    announce_book(_caller())


def subsidy() -> None:
    subsidy_book(_caller())
