"""Working days against the State Council's published notice, and the holiday file as users write it: ranges,
Saturday make-up days, the file's year, FE_WORKDAY's own days, the file beside the summary, an edited file."""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from documents_data import summary_with_profile
from fullemp_xl.documents.publish import make_notice
from fullemp_xl.core import workdays
from fullemp_xl.excel import udfs
from fullemp_xl.core.workdays import (HOLIDAY_ENV, HOLIDAY_FILE, MAX_FILE_BYTES, Calendar, HolidayFileError, UnknownYear,
                                 YearPlan, add_workdays, find_holiday_file, load_calendar, notice_end,
                                 parse_holiday_file, user_holiday_file)

D = dt.date

# 《国务院办公厅关于2026年部分节假日安排的通知》(国办发明电〔2025〕7号), transcribed as a user writes the holiday file:
# 元旦 1月1日至3日放假调休，1月4日（周日）上班；春节 2月15日至23日放假调休，2月14日（周六）、2月28日（周六）上班；
# 清明节 4月4日至6日放假；劳动节 5月1日至5日放假调休，5月9日（周六）上班；端午节 6月19日至21日放假；
# 中秋节 9月25日至27日放假；国庆节 10月1日至7日放假调休，9月20日（周日）、10月10日（周六）上班。
NOTICE_2026 = """
[2026]
source = "国务院办公厅关于2026年部分节假日安排的通知"
holidays = ["2026-01-01~2026-01-03", "2026-02-15~2026-02-23", "2026-04-04 至 2026-04-06", "2026-05-01～2026-05-05",
            "2026-06-19..2026-06-21", "2026-09-25~2026-09-27", "2026-10-01~2026-10-07"]
workdays = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
"""
MAKE_UP_2026 = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]
WEEKDAYS_OFF_2026 = [D(2026, 1, 1), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19),
                     D(2026, 2, 20), D(2026, 2, 23), D(2026, 4, 6), D(2026, 5, 1), D(2026, 5, 4), D(2026, 5, 5),
                     D(2026, 6, 19), D(2026, 9, 25), D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 6),
                     D(2026, 10, 7)]


@pytest.fixture(autouse=True)
def no_user_holiday_file(tmp_path, monkeypatch):
    """Neither the developer's own 节假日.toml nor $FULLEMP_HOLIDAYS may change these results."""
    monkeypatch.delenv(HOLIDAY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def _days_of(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def test_the_2026_notice_as_the_calendar_package_has_it():
    official = Calendar()
    off = [d for d in _days_of(2026) if d.weekday() < 5 and not official.is_workday(d)]
    on = [d for d in _days_of(2026) if d.weekday() >= 5 and official.is_workday(d)]
    assert off == WEEKDAYS_OFF_2026
    assert on == MAKE_UP_2026


def test_the_2026_notice_as_a_holiday_file_gives_the_same_calendar_every_day():
    from_file = parse_holiday_file(NOTICE_2026)
    assert set(from_file.supplied) == {2026}
    assert [d for d in _days_of(2026) if from_file.is_workday(d) != Calendar().is_workday(d)] == []


def test_saturday_and_sunday_make_up_days_are_accepted():
    calendar = parse_holiday_file('[2026]\nworkdays = ["2026-10-10", "2026-09-20"]')
    assert calendar.supplied[2026] == YearPlan(frozenset(), frozenset({D(2026, 10, 10), D(2026, 9, 20)}))
    assert calendar.is_workday(D(2026, 10, 10)) and calendar.is_workday(D(2026, 9, 20))
    assert not calendar.is_workday(D(2026, 10, 11)) and not calendar.is_workday(D(2026, 9, 19))


@pytest.mark.parametrize("day", ["2026-10-09", "2026-10-12"])  # a Friday, a Monday
def test_a_make_up_day_on_a_weekday_is_refused(day):
    with pytest.raises(HolidayFileError) as caught:
        parse_holiday_file(f'[2026]\nworkdays = ["{day}"]', "节假日.toml")
    assert str(caught.value) == f"节假日文件 节假日.toml：调休上班日 {day} 本来就是工作日（周一至周五），请检查"


def test_a_holiday_range_covers_its_first_and_last_day_and_no_more():
    calendar = parse_holiday_file('[2027]\nholidays = ["2027-10-01~2027-10-07"]')
    assert calendar.supplied[2027].holidays == frozenset(D(2027, 10, d) for d in range(1, 8))
    assert calendar.is_workday(D(2027, 9, 30))
    assert not calendar.is_workday(D(2027, 10, 1)) and not calendar.is_workday(D(2027, 10, 7))
    assert calendar.is_workday(D(2027, 10, 8))  # Friday after the week off
    assert notice_end(D(2027, 9, 30), 2, calendar) == D(2027, 10, 8)


def test_a_one_day_range_and_a_month_long_range():
    assert parse_holiday_file('[2027]\nholidays = ["2027-05-03~2027-05-03"]').supplied[2027].holidays == {D(2027, 5, 3)}
    long = parse_holiday_file('[2027]\nholidays = ["2027-01-01~2027-02-01"]').supplied[2027].holidays
    assert min(long) == D(2027, 1, 1) and max(long) == D(2027, 2, 1) and len(long) == 32


@pytest.mark.parametrize("entry", ["2027-01-01~2027-02-02", "2027-02-07~2027-02-06"])
def test_a_range_too_long_or_backwards_is_refused(entry):
    with pytest.raises(HolidayFileError) as caught:
        parse_holiday_file(f'[2027]\nholidays = ["{entry}"]', "节假日.toml")
    assert str(caught.value) == f"节假日.toml [2027] holidays[1]：“{entry}”的起止日期不对（结束早于开始或超过一个月）"


def test_the_file_keeps_its_year_and_the_package_keeps_the_others():
    calendar = parse_holiday_file('[2027]\nholidays = ["2027-01-01"]\nworkdays = ["2027-02-14"]', "x.toml")
    assert set(calendar.supplied) == {2027} and calendar.source == "x.toml"
    assert not calendar.is_workday(D(2027, 1, 1)) and calendar.is_workday(D(2027, 1, 4))
    assert calendar.is_workday(D(2027, 2, 14)) and not calendar.is_workday(D(2027, 2, 13))
    assert calendar.is_workday(D(2026, 10, 10)) and not calendar.is_workday(D(2026, 10, 1))  # 2026 from the package
    with pytest.raises(UnknownYear) as caught:
        calendar.is_workday(D(2028, 1, 3))
    assert caught.value.year == 2028
    assert "（当前的节假日文件：x.toml，其中没有2028年）" in str(caught.value)


@pytest.mark.parametrize("year", [1990, 2100])
def test_years_at_the_edges_are_accepted(year):
    assert set(parse_holiday_file(f"[{year}]\nholidays = []").supplied) == {year}


@pytest.mark.parametrize("text, message", [
    ("[1989]\nholidays = []", "节假日文件 节假日.toml：[1989] 应为四位年份，如 [2027]"),
    ("[2101]\nholidays = []", "节假日文件 节假日.toml：[2101] 应为四位年份，如 [2027]"),
    ("[abcd]\nholidays = []", "节假日文件 节假日.toml：[abcd] 应为四位年份，如 [2027]"),
    ("[2027]\nholiday = []",
     "节假日文件 节假日.toml：[2027] 下只能有 holidays（放假日）、workdays（调休上班日）和 source（通知名称）"),
    ("2027 = 1", "节假日文件 节假日.toml：[2027] 下只能有 holidays（放假日）、workdays（调休上班日）和 source（通知名称）"),
    ('[2027]\nholidays = ["2026-12-31"]', "节假日文件 节假日.toml：[2027] 中的 2026-12-31 不是2027年的日子"),
    ('[2027]\nholidays = ["2027-02-13"]\nworkdays = ["2027-02-13~2027-02-14"]',
     "节假日文件 节假日.toml：2027-02-13 同时写在放假日和调休上班日中"),
    ('[2027]\nholidays = "2027-01-01"',
     '节假日.toml [2027] holidays 应为日期列表，如 ["2027-01-01", "2027-02-06~2027-02-12"]'),
    ('[2027]\nworkdays = ["2027-02-30"]', "节假日.toml [2027] workdays[1]：“2027-02-30”不是日期，应写成 2027-01-01"),
    ('[2027]\nholidays = ["2027-02-30~2027-03-02"]',
     "节假日.toml [2027] holidays[1]：“2027-02-30”不是日期，应写成 2027-01-01"),
    ('[2027]\nholidays = ["2027-01-01", "2027-02-01~2027-02-30"]',
     "节假日.toml [2027] holidays[2]：“2027-02-30”不是日期，应写成 2027-01-01"),
    ('[2027]\nholidays = ["2027-01-01", 5]', "节假日.toml [2027] holidays[2]：“5”不是日期，应写成 2027-01-01"),
    ('[2027]\nholidays = ["2027-10-01 国庆节、中秋节放假调休共8天，10月9日上班"]',
     "节假日.toml [2027] holidays[1]：“2027-10-01 国庆节、中秋节放假调休共8天，10月9”不是日期，应写成 2027-01-01"),
])
def test_each_mistake_in_the_file_is_named(text, message):
    with pytest.raises(HolidayFileError) as caught:
        parse_holiday_file(text)
    assert str(caught.value) == message


def test_toml_dates_and_datetimes_are_days():
    calendar = parse_holiday_file("[2027]\nholidays = [2027-01-01, 2027-01-04T00:00:00]")
    assert calendar.supplied[2027].holidays == {D(2027, 1, 1), D(2027, 1, 4)}


def test_counting_backwards_and_zero_days():
    assert add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert add_workdays(D(2026, 10, 12), -2) == D(2026, 10, 9)  # back over Saturday 10 October, a make-up day
    assert add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert notice_end(D(2026, 10, 10), 1) == D(2026, 10, 10)  # a 公示 may begin on a Saturday make-up day
    assert notice_end(D(2026, 10, 3), 1) == D(2026, 10, 8)
    with pytest.raises(ValueError) as caught:
        notice_end(D(2026, 12, 7), 0)
    assert str(caught.value) == "公示期至少 1 个工作日"


# ---------------------------------------------------------------- FE_WORKDAY's own holidays and workdays
def test_fe_workday_uses_its_workdays_argument():
    # 2027 is known to neither the package nor a file: the arguments alone supply it
    assert udfs.FE_WORKDAY(D(2027, 2, 5), 1, [D(2027, 2, 8)], [D(2027, 2, 6)]) == D(2027, 2, 6)
    assert udfs.FE_WORKDAY(D(2027, 2, 5), 1, [D(2027, 2, 8)], []) == D(2027, 2, 9)
    assert udfs.FE_WORKDAY(D(2027, 2, 5), 2, ["2027-02-08"], ["2027-02-07", None, ""]) == D(2027, 2, 9)
    # and they add to the package's year: Sunday 27 September 2026 worked as well as Saturday 10 October
    assert udfs.FE_WORKDAY(D(2026, 9, 25), 1, [], [D(2026, 9, 27)]) == D(2026, 9, 27)
    assert udfs.FE_WORKDAY(D(2026, 9, 25), 1) == D(2026, 9, 28)


def test_with_days_adds_to_the_holiday_file_of_the_same_year():
    calendar = parse_holiday_file('[2027]\nholidays = ["2027-01-01"]\nworkdays = ["2027-02-14"]')
    more = calendar.with_days([D(2027, 1, 4)], [D(2027, 2, 20)])
    assert more.supplied[2027] == YearPlan(frozenset({D(2027, 1, 1), D(2027, 1, 4)}),
                                           frozenset({D(2027, 2, 14), D(2027, 2, 20)}))
    assert calendar.with_days() is calendar
    assert more.source == calendar.source


# ---------------------------------------------------------------- where the file is found, and when it is re-read
HOLIDAYS_2027_A = '[2027]\nholidays = ["2027-01-04"]\n'
HOLIDAYS_2027_B = '[2027]\nholidays = ["2027-01-05"]\n'  # the same size as A


def test_the_file_beside_the_summary_sets_the_notice_end_date(tmp_path):
    summary = summary_with_profile(tmp_path / "县区", county="甘州区")  # the county's own summary
    (summary.parent / HOLIDAY_FILE).write_text('[2027]\nholidays = ["2027-01-01~2027-01-04"]\n', encoding="utf-8")
    outcome = make_notice(summary, stage="county", county="甘州区", start=D(2026, 12, 28), out=tmp_path / "公示.docx")
    # 28–31 December, then (1–4 January off in the file beside the summary) 5 January 2027
    assert outcome.details["end"] == "2027-01-05"
    assert find_holiday_file(near=summary) == summary.parent / HOLIDAY_FILE
    assert load_calendar(near=summary).source == str(summary.parent / HOLIDAY_FILE)


def test_without_a_file_beside_the_summary_the_unknown_year_is_an_error(tmp_path):
    summary = summary_with_profile(tmp_path / "县区", county="甘州区")
    with pytest.raises(UnknownYear):
        make_notice(summary, stage="county", county="甘州区", start=D(2026, 12, 28), out=tmp_path / "公示.docx")


def test_which_file_wins(tmp_path, monkeypatch):
    beside = tmp_path / "s" / HOLIDAY_FILE
    beside.parent.mkdir()
    beside.write_text(HOLIDAYS_2027_A, encoding="utf-8")
    near = beside.parent / "汇总表.xlsx"
    user = user_holiday_file()
    assert user == tmp_path / "config" / "fullemp" / HOLIDAY_FILE
    assert find_holiday_file(near=near) == beside
    assert find_holiday_file() is None
    user.parent.mkdir(parents=True)
    user.write_text(HOLIDAYS_2027_B, encoding="utf-8")
    assert find_holiday_file() == user
    assert find_holiday_file(near=tmp_path / "elsewhere" / "汇总表.xlsx") == user
    assert find_holiday_file(near=near) == beside
    monkeypatch.setenv(HOLIDAY_ENV, str(tmp_path / "env.toml"))
    assert find_holiday_file(near=near) == tmp_path / "env.toml"
    assert find_holiday_file(tmp_path / "given.toml", near=near) == tmp_path / "given.toml"
    with pytest.raises(HolidayFileError, match="找不到节假日文件"):
        load_calendar(near=near)  # $FULLEMP_HOLIDAYS names a file that is not there


def test_without_xdg_the_user_file_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))  # Windows' folder: not used elsewhere
    assert user_holiday_file() == tmp_path / ".config" / "fullemp" / HOLIDAY_FILE


def test_on_windows_the_user_file_is_under_appdata(monkeypatch, tmp_path):
    # Windows itself does not run here: the module sees os.name "nt" and Windows' APPDATA
    monkeypatch.setattr(workdays, "os", SimpleNamespace(name="nt", environ={"APPDATA": "C:/Users/王明/AppData/Roaming"}))
    assert user_holiday_file() == Path("C:/Users/王明/AppData/Roaming") / "fullemp" / HOLIDAY_FILE
    monkeypatch.setattr(workdays, "os", SimpleNamespace(name="nt", environ={"XDG_CONFIG_HOME": str(tmp_path)}))
    assert user_holiday_file() == tmp_path / "fullemp" / HOLIDAY_FILE  # no APPDATA: the same rule as elsewhere


def test_without_the_calendar_package_every_year_needs_the_file(monkeypatch):
    monkeypatch.setitem(sys.modules, "chinese_calendar", None)  # import chinese_calendar now fails
    calendar = parse_holiday_file('[2027]\nholidays = ["2027-01-01"]', "x.toml")
    assert not calendar.is_workday(D(2027, 1, 1))
    with pytest.raises(UnknownYear) as caught:
        calendar.is_workday(D(2026, 10, 10))
    assert caught.value.year == 2026
    assert "（当前的节假日文件：x.toml，其中没有2026年）" in str(caught.value)


def test_an_edited_file_of_the_same_size_is_read_again(tmp_path):
    path = tmp_path / HOLIDAY_FILE
    path.write_text(HOLIDAYS_2027_A, encoding="utf-8")
    first = load_calendar(path)
    assert not first.is_workday(D(2027, 1, 4)) and first.is_workday(D(2027, 1, 5))
    stat = path.stat()
    path.write_text(HOLIDAYS_2027_B, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # saved a second later
    assert path.stat().st_size == stat.st_size
    second = load_calendar(path)
    assert second.is_workday(D(2027, 1, 4)) and not second.is_workday(D(2027, 1, 5))
    assert load_calendar(path) is second  # unchanged: the cached calendar


def test_an_edited_file_in_the_same_second_of_another_size_is_read_again(tmp_path):
    path = tmp_path / HOLIDAY_FILE
    path.write_text(HOLIDAYS_2027_A, encoding="utf-8")
    stat = path.stat()
    load_calendar(path)
    path.write_text(HOLIDAYS_2027_B + "# 改过\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # a file system with coarse times
    assert load_calendar(path).is_workday(D(2027, 1, 4))


def test_an_unusable_file_is_a_chinese_message(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("#" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    with pytest.raises(HolidayFileError) as caught:
        load_calendar(big)
    assert str(caught.value) == f"节假日文件 {big} 过大（不应超过 256 KB）"
    exact = tmp_path / "exact.toml"
    exact.write_text("#" * MAX_FILE_BYTES, encoding="utf-8")
    assert load_calendar(exact).supplied == {}
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes("# 节假日\n[2027]\n".encode("gbk"))
    with pytest.raises(HolidayFileError) as caught:
        load_calendar(gbk)
    assert str(caught.value) == f"节假日文件 {gbk} 无法读取（UnicodeDecodeError）：请存为 UTF-8 编码的文本文件"
    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff[2027]\nholidays = [\"2027-01-04\"]\n".encode("utf-8"))
    assert not load_calendar(bom).is_workday(D(2027, 1, 4))
    broken = tmp_path / "broken.toml"
    broken.write_text("[2027\n", encoding="utf-8")
    with pytest.raises(HolidayFileError, match=f"^节假日文件 {broken} 格式有误："):
        load_calendar(broken)


def test_unknown_year_message_in_full():
    assert str(UnknownYear(2027)) == (
        "2027年的法定节假日和调休安排尚未收录：请按国务院办公厅当年的放假通知，在节假日文件“节假日.toml”中写明2027年的"
        "放假日和调休上班日（格式见 README“节假日文件”），把它放在汇总表旁边，或用 --holidays 指定，或设置环境变量 "
        "FULLEMP_HOLIDAYS")
