"""Chinese working days: statutory holidays and make-up working days (调休), with a holiday file for new years.

The calendar comes from the maintained `chinese-calendar` package, which knows the years the State
Council has announced when its release was made. A 公示 published in December runs into a year it may
not know yet: that is an explicit `UnknownYear` error, never a guess. The user supplies such a year in a
small TOML file (节假日.toml, see the README) copied from the State Council's notice:

    [2027]
    holidays = ["2027-01-01", "2027-02-06~2027-02-12"]   # 放假的日子（可写起止）
    workdays = ["2027-02-14"]                              # 调休上班的周末

A year in the file is taken from the file alone (its listed days off and make-up days, otherwise Monday
to Friday), so the file can also correct a year the package has wrong. The CLI, the documents and
FE_WORKDAY find the file the same way: `find_holiday_file`.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FullempError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HOLIDAY_FILE = "节假日.toml"
HOLIDAY_ENV = "FULLEMP_HOLIDAYS"
MAX_FILE_BYTES = 256 * 1024
RANGE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:~|～|至|\.\.)\s*(\d{4}-\d{1,2}-\d{1,2})\s*$")


class UnknownYear(FullempError):
    """A year neither the calendar package nor the holiday file knows."""

    def __init__(self, year: int, source: str = ""):
        self.year = year
        where = f"（当前的节假日文件：{source}，其中没有{year}年）" if source else ""
        super().__init__(
            f"{year}年的法定节假日和调休安排尚未收录{where}：请按国务院办公厅当年的放假通知，在节假日文件"
            f"“{HOLIDAY_FILE}”中写明{year}年的放假日和调休上班日（格式见 README“节假日文件”），"
            f"把它放在汇总表旁边，或用 --holidays 指定，或设置环境变量 {HOLIDAY_ENV}")


class HolidayFileError(FullempError):
    """The holiday file cannot be used; the message is Chinese and names the entry."""


@dataclass(frozen=True)
class YearPlan:
    holidays: frozenset = frozenset()  # days off, weekdays included
    workdays: frozenset = frozenset()  # make-up working days on a weekend


@dataclass(frozen=True)
class Calendar:
    """The official calendar, with the years a holiday file (or FE_WORKDAY's arguments) supplies."""

    supplied: dict = field(default_factory=dict)  # year -> YearPlan
    source: str = ""  # the file the supplied years came from, for messages

    def is_workday(self, day: dt.date) -> bool:
        plan = self.supplied.get(day.year)
        if plan is not None:
            if day in plan.holidays:
                return False
            return day in plan.workdays or day.weekday() < 5
        try:
            import chinese_calendar
        except ImportError:  # pragma: no cover - a declared dependency
            raise UnknownYear(day.year, self.source) from None
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise UnknownYear(day.year, self.source) from None

    def with_days(self, holidays=(), workdays=()) -> "Calendar":
        """This calendar plus explicit days (FE_WORKDAY's arguments); their years count as supplied."""
        holidays, workdays = frozenset(holidays), frozenset(workdays)
        years = {d.year for d in holidays | workdays}
        if not years:
            return self
        supplied = dict(self.supplied)
        for year in years:
            old = supplied.get(year, YearPlan())
            supplied[year] = YearPlan(old.holidays | {d for d in holidays if d.year == year},
                                      old.workdays | {d for d in workdays if d.year == year})
        return Calendar(supplied, self.source)


def add_workdays(start: dt.date, n: int, calendar: Calendar = Calendar()) -> dt.date:
    """The date n working days after start (start itself not counted, as Excel's WORKDAY)."""
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    while left:
        day += dt.timedelta(days=step)
        if calendar.is_workday(day):
            left -= 1
    return day


def notice_end(start: dt.date, days: int, calendar: Calendar = Calendar()) -> dt.date:
    """The last day of a 公示 of `days` working days that begins on `start` (start counts if it is a working day)."""
    if days < 1:
        raise ValueError("公示期至少 1 个工作日")
    return add_workdays(start - dt.timedelta(days=1), days, calendar)


# ---------------------------------------------------------------- the holiday file
def _day(text, where: str) -> dt.date:
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    try:
        y, m, d = (int(p) for p in str(text).strip().split("-"))
        return dt.date(y, m, d)
    except (ValueError, TypeError):
        raise HolidayFileError(f"{where}：“{str(text)[:30]}”不是日期，应写成 2027-01-01") from None


def _days(entries, where: str) -> set[dt.date]:
    if not isinstance(entries, list):
        raise HolidayFileError(f"{where} 应为日期列表，如 [\"2027-01-01\", \"2027-02-06~2027-02-12\"]")
    out: set[dt.date] = set()
    for k, entry in enumerate(entries):
        spot = f"{where}[{k + 1}]"
        m = RANGE.match(entry) if isinstance(entry, str) else None
        if m:
            first, last = _day(m.group(1), spot), _day(m.group(2), spot)
            if last < first or (last - first).days > 31:
                raise HolidayFileError(f"{spot}：“{entry}”的起止日期不对（结束早于开始或超过一个月）")
            out.update(first + dt.timedelta(days=k) for k in range((last - first).days + 1))
        else:
            out.add(_day(entry, spot))
    return out


def parse_holiday_file(text: str, source: str = HOLIDAY_FILE) -> Calendar:
    """Read the holiday file's text; raise HolidayFileError naming the entry that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HolidayFileError(f"节假日文件 {source} 格式有误：{exc}") from None
    supplied = {}
    for key, table in data.items():
        if not (str(key).isdigit() and 1990 <= int(key) <= 2100):
            raise HolidayFileError(f"节假日文件 {source}：[{key}] 应为四位年份，如 [2027]")
        if not isinstance(table, dict) or set(table) - {"holidays", "workdays", "source"}:
            raise HolidayFileError(f"节假日文件 {source}：[{key}] 下只能有 holidays（放假日）、workdays（调休上班日）和 source（通知名称）")
        year = int(key)
        holidays = _days(table.get("holidays", []), f"{source} [{key}] holidays")
        workdays = _days(table.get("workdays", []), f"{source} [{key}] workdays")
        for day in sorted(holidays | workdays):
            if day.year != year:
                raise HolidayFileError(f"节假日文件 {source}：[{key}] 中的 {day.isoformat()} 不是{year}年的日子")
        both = holidays & workdays
        if both:
            raise HolidayFileError(f"节假日文件 {source}：{min(both).isoformat()} 同时写在放假日和调休上班日中")
        weekday_work = sorted(d for d in workdays if d.weekday() < 5)
        if weekday_work:
            raise HolidayFileError(f"节假日文件 {source}：调休上班日 {weekday_work[0].isoformat()} 本来就是工作日（周一至周五），请检查")
        supplied[year] = YearPlan(frozenset(holidays), frozenset(workdays))
    return Calendar(supplied, source)


def user_holiday_file() -> Path:
    """The per-user place for the holiday file (used by FE_WORKDAY, which has no summary beside it)."""
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "fullemp" / HOLIDAY_FILE


def find_holiday_file(explicit=None, *, near=None) -> Path | None:
    """The holiday file to use: the one given, else $FULLEMP_HOLIDAYS, else 节假日.toml beside `near`
    (the summary), else the per-user file; None when there is none."""
    if explicit:
        return Path(explicit)
    if os.environ.get(HOLIDAY_ENV):
        return Path(os.environ[HOLIDAY_ENV])
    candidates = [Path(near).parent / HOLIDAY_FILE] if near else []
    candidates.append(user_holiday_file())
    return next((p for p in candidates if p.is_file()), None)


def load_calendar(explicit=None, *, near=None) -> Calendar:
    """The calendar with the holiday file found by find_holiday_file (an explicit or $FULLEMP_HOLIDAYS file must exist)."""
    path = find_holiday_file(explicit, near=near)
    if path is None:
        return Calendar()
    if not path.is_file():
        raise HolidayFileError(f"找不到节假日文件 {path}")
    stat = path.stat()
    if stat.st_size > MAX_FILE_BYTES:
        raise HolidayFileError(f"节假日文件 {path} 过大（不应超过 {MAX_FILE_BYTES // 1024} KB）")
    return _read_holiday_file(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_holiday_file(path: str, mtime_ns: int, size: int) -> Calendar:
    """Cached by modification time: FE_WORKDAY may be called for every cell of a column."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise HolidayFileError(f"节假日文件 {path} 无法读取（{type(exc).__name__}）：请存为 UTF-8 编码的文本文件") from None
    return parse_holiday_file(text, path)
