"""The 公示 period in Chinese working days: holidays, make-up days on weekends, and years the calendar does not know."""
from __future__ import annotations

import datetime as dt

import pytest

from fullemp_xl.excel import udfs
from fullemp_xl.core.workdays import (HOLIDAY_ENV, Calendar, HolidayFileError, UnknownYear, add_workdays, find_holiday_file,
                                 load_calendar, notice_end, parse_holiday_file)

D = dt.date

# 2026 as the State Council's notice sets it: 中秋 9月25日–27日 and 国庆 10月1日–7日 off; Sunday 9月20日 and
# Saturday 10月10日 are working days
CASES = [
    (D(2026, 12, 7), 5, D(2026, 12, 11)),  # an ordinary week: Monday to Friday
    (D(2026, 12, 5), 5, D(2026, 12, 11)),  # starts on a Saturday: the count begins on Monday
    (D(2026, 9, 28), 5, D(2026, 10, 9)),  # 28, 29, 30 September, then the National Day week off, then 8, 9 October
    (D(2026, 9, 30), 5, D(2026, 10, 12)),  # 30 Sep, 8 Oct, 9 Oct, Saturday 10 Oct (make-up day), Monday 12 Oct
    (D(2026, 9, 17), 5, D(2026, 9, 22)),  # 17, 18, Sunday 20 Sep (make-up day), 21, 22
]


@pytest.mark.parametrize("start, days, end", CASES)
def test_notice_end_across_holidays_and_make_up_days(start, days, end):
    assert notice_end(start, days) == end


def test_mid_autumn_holiday_falls_on_a_friday():
    # 23, 24 (Wed, Thu), 25 (Fri, 中秋) to 27 off, then 28, 29, 30: the fifth working day is 30 September
    assert notice_end(D(2026, 9, 23), 5) == D(2026, 9, 30)
    assert not Calendar().is_workday(D(2026, 9, 25))
    assert Calendar().is_workday(D(2026, 10, 10)) and Calendar().is_workday(D(2026, 9, 20))


def test_a_year_the_calendar_does_not_know_is_an_explicit_error():
    with pytest.raises(UnknownYear) as caught:
        notice_end(D(2026, 12, 28), 5)  # 28–31 December, then January 2027
    message = str(caught.value)
    assert "2027年" in message and "节假日.toml" in message and "--holidays" in message and HOLIDAY_ENV in message


HOLIDAYS_2027 = """
# 示例：按国务院办公厅2027年放假通知填写
[2027]
holidays = ["2027-01-01", "2027-02-06~2027-02-12"]
workdays = ["2027-02-14"]
source = "国务院办公厅关于2027年部分节假日安排的通知"
"""


def test_the_holiday_file_supplies_the_year():
    calendar = parse_holiday_file(HOLIDAYS_2027)
    assert notice_end(D(2026, 12, 28), 5, calendar) == D(2027, 1, 4)  # 1 January off
    assert not calendar.is_workday(D(2027, 2, 8)) and calendar.is_workday(D(2027, 2, 14))  # a Sunday at work
    assert add_workdays(D(2027, 2, 5), 2, calendar) == D(2027, 2, 15)  # 14 (Sunday, make-up), 15


@pytest.mark.parametrize("text, words", [
    ('[2027]\nholidays = ["2027-13-01"]', ["holidays[1]", "2027-13-01"]),
    ('[2027]\nholidays = ["2027-02-12~2027-02-06"]', ["起止日期不对"]),
    ('[2027]\nworkdays = ["2027-02-15"]', ["2027-02-15", "本来就是工作日"]),
    ('[2027]\nholidays = ["2028-01-01"]', ["2028-01-01", "不是2027年"]),
    ('[2027]\nholiday = ["2027-01-01"]', ["只能有 holidays"]),
    ('["二〇二七"]\nholidays = []', ["四位年份"]),
    ('[2027]\nholidays = ["2027-01-01"]\nworkdays = ["2027-01-01"]', ["同时写在"]),
    ("[2027\n", ["格式有误"]),
])
def test_a_wrong_holiday_file_names_the_entry(text, words):
    with pytest.raises(HolidayFileError) as caught:
        parse_holiday_file(text, "节假日.toml")
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test_where_the_holiday_file_is_found(tmp_path, monkeypatch):
    monkeypatch.delenv(HOLIDAY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    summary = tmp_path / "市" / "汇总表.xlsx"
    summary.parent.mkdir()
    assert find_holiday_file(near=summary) is None and load_calendar(near=summary).supplied == {}
    user = tmp_path / "config" / "fullemp" / "节假日.toml"
    user.parent.mkdir(parents=True)
    user.write_text(HOLIDAYS_2027, encoding="utf-8")
    assert find_holiday_file(near=summary) == user
    beside = summary.parent / "节假日.toml"
    beside.write_text(HOLIDAYS_2027, encoding="utf-8")
    assert find_holiday_file(near=summary) == beside
    env = tmp_path / "env.toml"
    env.write_text(HOLIDAYS_2027, encoding="utf-8")
    monkeypatch.setenv(HOLIDAY_ENV, str(env))
    assert find_holiday_file(near=summary) == env
    assert find_holiday_file("given.toml", near=summary).name == "given.toml"
    with pytest.raises(HolidayFileError, match="找不到节假日文件"):
        load_calendar(tmp_path / "nowhere.toml")


def test_fe_workday_reads_the_same_file(tmp_path, monkeypatch):
    assert udfs.FE_WORKDAY("2026-12-28", 5).startswith("错误：2027年的法定节假日")
    path = tmp_path / "节假日.toml"
    path.write_text(HOLIDAYS_2027, encoding="utf-8-sig")  # Notepad's BOM is fine
    monkeypatch.setenv(HOLIDAY_ENV, str(path))
    assert udfs.FE_WORKDAY("2026-12-28", 5) == D(2027, 1, 5)  # WORKDAY counting: the start day is not counted
    path.write_text('[2027]\nholidays = ["2027-1-1"]\nworkdays = ["2027-01-03"]\n', encoding="utf-8")
    assert udfs.FE_WORKDAY("2026-12-31", 1) == D(2027, 1, 3)  # the edited file is read again (a Sunday at work)
    path.write_text("[2027\n", encoding="utf-8")
    assert udfs.FE_WORKDAY("2026-12-28", 5).startswith("错误：节假日文件")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.dates(min_value=D(2010, 1, 1), max_value=D(2026, 11, 30)), st.integers(min_value=1, max_value=20))
def test_notice_end_counts_exactly_the_working_days(start, days):
    end = notice_end(start, days)
    calendar = Calendar()
    period = [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]
    assert sum(calendar.is_workday(d) for d in period) == days and calendar.is_workday(end)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.dates(min_value=D(2027, 1, 1), max_value=D(2027, 12, 31)), max_size=12, unique=True))
def test_a_supplied_year_is_read_as_written(holidays):
    text = "[2027]\nholidays = [" + ", ".join(f'"{d.isoformat()}"' for d in holidays) + "]\n"
    calendar = parse_holiday_file(text)
    for d in holidays:
        assert not calendar.is_workday(d)
    assert calendar.is_workday(D(2027, 3, 3)) == (D(2027, 3, 3) not in holidays)  # a Wednesday
