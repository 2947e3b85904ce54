"""The year's timeline: what was published from a summary (公示 per county or city, 认定公告, 补助资金明细),
recorded in its 发布记录 sheet, and the checks later documents make against it.

`notice`, `announce` and `subsidy` append their lines to the summary they read (atomically; refused while
the workbook is open); merge and --refresh carry the sheet forward. Each check names the two dates that
do not hold together and the fix.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import UnusableFile
from ..writing.files import replace_file
from ..xlsx import open_book

NOTICE, ANNOUNCEMENT, SUBSIDY = "公示", "认定公告", "补助资金明细"
HEADS = ["序号", "文书", "层级", "县（区）", "开始日期", "结束日期", "成文日期", "发文字号", "生成时间", "文件"]


@dataclass(frozen=True)
class Published:
    kind: str  # 公示 / 认定公告 / 补助资金明细
    stage: str  # 县区 / 市 ("" for the 公告 and the subsidy)
    county: str  # the county of a county 公示 or subsidy statement, "" for the city's
    start: str  # ISO dates, "" where a document has none
    end: str
    signed: str
    number: str  # 发文字号
    made: str  # when it was generated
    file: str

    def row(self) -> list[str]:
        return [self.kind, self.stage, self.county, self.start, self.end, self.signed, self.number, self.made, self.file]


def parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def city_notices(lines: list[Published]) -> list[Published]:
    return [p for p in lines if p.kind == NOTICE and p.stage == "市"]


def announcement_problem(lines: list[Published], signed: dt.date | None) -> str:
    """A 认定公告 dated before the city 公示 it relies on has ended."""
    if signed is None:
        return ""
    for p in city_notices(lines):
        end = parse_day(p.end)
        if end and signed <= end:
            return (f"认定公告的成文日期 {_cn(signed)} 不晚于市级公示的结束日期 {_cn(end)}（发布记录）：公示期满无异议后才能认定。"
                    f"请用 --date 给出 {_cn(end + dt.timedelta(days=1))} 以后的日期")
    return ""


def notice_problem(lines: list[Published], stage: str, county: str | None, start: dt.date) -> str:
    """A county 公示 that starts after (or during) the city's, or a city 公示 before a county's has ended."""
    if stage == "county":
        for p in city_notices(lines):
            city_start = parse_day(p.start)
            if city_start and start >= city_start:
                return (f"县（区）公示 {_cn(start)} 开始，市级公示已于 {_cn(city_start)} 开始（发布记录）：县（区）公示在前，"
                        "公示无异议、推荐到市后才进行市级公示。请改用市级公示之前的 --start")
        return ""
    for p in lines:
        if p.kind == NOTICE and p.stage == "县区":
            end = parse_day(p.end)
            if end and start <= end:
                return (f"市级公示 {_cn(start)} 开始，{p.county}的县（区）公示 {_cn(end)} 才结束（发布记录）：请用 --start 给出 "
                        f"{_cn(end + dt.timedelta(days=1))} 以后的工作日")
    return ""


def subsidy_problem(lines: list[Published], signed: dt.date | None) -> str:
    """A subsidy statement dated before the 认定公告 that certifies the communities it pays."""
    if signed is None:
        return ""
    for p in lines:
        day = parse_day(p.signed)
        if p.kind == ANNOUNCEMENT and day and signed < day:
            return (f"补助资金明细的成文日期 {_cn(signed)} 早于认定公告的成文日期 {_cn(day)}（发布记录）：认定后才能补助。"
                    "请用 --date 给出认定公告之后的日期")
    return ""


# ---------------------------------------------------------------- writing the 发布记录 sheet into a summary
def record(summary: Path, lines: list[Published], earlier: list[Published], sheet_name: str) -> str:
    """Append `lines` to the summary's 发布记录 sheet; "" when done, else why not (the documents are written)."""
    summary = Path(summary)
    try:
        part = _sheet_part(summary, sheet_name)
    except UnusableFile:
        part = None
    if part is None:
        return f"汇总表中没有“{sheet_name}”工作表（旧版汇总表）：本次发布未记入，请用 fullemp merge --refresh 更新汇总表"
    xml = _sheet_xml([*earlier, *lines], sheet_name)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(summary) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = xml.encode("utf-8") if info.filename == part else src.read(info)
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)

    try:
        replace_file(summary, write, backup=False)
    except UnusableFile as exc:
        return f"本次发布未能记入汇总表的“{sheet_name}”工作表（{exc.message}）：关闭汇总表后用相同参数重新生成即可记入"
    return ""


def _sheet_part(summary: Path, name: str) -> str | None:
    """The part that holds a sheet, as the one reader resolves it (workbook.xml and its relationships)."""
    book = open_book(summary, summary)
    try:
        return book.parts.sheets.get(name)
    finally:
        book.close()


def _sheet_xml(lines: list[Published], name: str) -> str:
    """The 发布记录 sheet: title, note, header, one row per publication (plain cells, inline text)."""
    def c(ref: str, value) -> str:
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{value}</v></c>'
        text = escape(str(value or ""))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>' if text else ""

    letters = "ABCDEFGHIJ"
    rows = [f'<row r="1">{c("A1", name + "（由本汇总表生成的公示、认定公告、补助资金明细，供核对日期）")}</row>',
            f'<row r="2">{c("A2", "由 fullemp notice / announce / subsidy 自动记入；重新汇总时保留")}</row>',
            '<row r="3">' + "".join(c(f"{letters[k]}3", h) for k, h in enumerate(HEADS)) + "</row>"]
    for n, line in enumerate(lines, start=1):
        r = 3 + n
        rows.append(f'<row r="{r}">' + c(f"A{r}", n) + "".join(c(f"{letters[k + 1]}{r}", v) for k, v in enumerate(line.row()))
                    + "</row>")
    cols = "".join(f'<col min="{k}" max="{k}" width="{w}" customWidth="1"/>'
                   for k, w in enumerate([6, 12, 6, 12, 12, 12, 12, 22, 20, 40], start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<cols>{cols}</cols><sheetData>{"".join(rows)}</sheetData></worksheet>')


def read_lines(rows) -> list[Published]:
    """The 发布记录 sheet's rows (values) back as lines."""
    out = []
    for row in rows:
        if len(row) < len(HEADS) or not isinstance(row[0], (int, float)):
            continue
        out.append(Published(*("" if v is None else str(v) for v in row[1:len(HEADS)])))
    return out
