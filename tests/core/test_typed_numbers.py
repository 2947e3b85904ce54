"""Typed numbers by their exact result: value, problem and note, word for word (the texts an official reads)."""
from __future__ import annotations

import datetime as dt

import pytest

from fullemp_xl.core.numbers import MAX_COUNT, Parsed, cell_text, parse_count, parse_flag, parse_percent, parse_score, shown

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("raw, maximum, expected", [
    (10, 10, Parsed(10)),                      # exactly the 标准分
    (10.0, 10, Parsed(10)),
    (0, 10, Parsed(0)),                        # nothing scored is a score, not a negative
    (0.0, 10, Parsed(0)),
    (2.5, 5, Parsed(2.5)),
    (-2, 10, Parsed(problem="“-2”是负数，分数不能为负数")),
    (-0.5, 10, Parsed(problem="“-0.5”是负数，分数不能为负数")),
    (10.5, 10, Parsed(problem="“10.5”超过标准分 10 分")),
    (1000001, 10, Parsed(problem="“1000001”超过标准分 10 分")),
    (21, 20.5, Parsed(problem="“21”超过标准分 20.5 分")),
    ("10", 10, Parsed(10, note="文本“10”已按 10 分计")),
    ("10分", 10, Parsed(10, note="文本“10分”已按 10 分计")),
    ("１０分", 10, Parsed(10, note="文本“１０分”已按 10 分计")),
    ("10.0", 10, Parsed(10, note="文本“10.0”已按 10 分计")),
    ("0", 10, Parsed(0, note="文本“0”已按 0 分计")),
    ("2.5分", 5, Parsed(2.5, note="文本“2.5分”已按 2.5 分计")),
    ("10.5", 10, Parsed(problem="“10.5”超过标准分 10 分")),
    ("-2", 10, Parsed(problem="“-2”是负数，分数不能为负数")),
    ("abc", 10, Parsed(problem="“abc”不是有效的分数")),
    ("分", 10, Parsed(problem="“分”不是有效的分数")),
    ("", 10, Parsed()),
    ("  ", 10, Parsed()),
    (None, 10, Parsed()),
    (True, 10, Parsed(problem="这里应填分数")),
    (dt.date(2026, 1, 1), 10, Parsed(problem="这里应填分数")),
    (NAN, 10, Parsed(problem="不是有效的数")),
    (INF, 10, Parsed(problem="不是有效的数")),
    ([1], 10, Parsed(problem="无法识别的内容“[1]”")),
])
def test_parse_score(raw, maximum, expected):
    assert parse_score(raw, maximum) == expected


def test_a_whole_score_is_an_int_and_a_fraction_a_float():
    assert type(parse_score(10.0, 10).value) is int and type(parse_score("10.0", 10).value) is int
    assert type(parse_score(2.5, 5).value) is float


@pytest.mark.parametrize("raw, expected", [
    (1, Parsed(1.0)),                           # a number cell 1 is 100% (Excel shows it so as a percentage)
    (0, Parsed(0.0)),
    (0.5, Parsed(0.5)),
    (1.5, Parsed(0.015, note="数值 1.5 已按 1.5% 计")),
    (95, Parsed(0.95, note="数值 95 已按 95% 计")),
    (100, Parsed(1.0, note="数值 100 已按 100% 计")),
    (100.5, Parsed(problem="“100.5”超过100%")),
    (-1, Parsed(problem="“-1”是负数，百分比不能为负数")),
    (NAN, Parsed(problem="不是有效的数")),
    (INF, Parsed(problem="不是有效的数")),
    ("100", Parsed(1.0, note="文本“100”已按 100% 计")),   # the text 100 is 100%, not refused
    ("1", Parsed(1.0, note="文本“1”已按 100% 计")),
    ("0.5", Parsed(0.5, note="文本“0.5”已按 50% 计")),
    ("1.5", Parsed(0.015, note="文本“1.5”已按 1.5% 计")),  # above 1: a percent, not a fraction
    ("50", Parsed(0.5, note="文本“50”已按 50% 计")),
    ("95.5", Parsed(0.955, note="文本“95.5”已按 95.5% 计")),
    ("100%", Parsed(1.0)),
    ("100.0%", Parsed(1.0)),
    ("0%", Parsed(0.0)),
    ("100.5", Parsed(problem="“100.5”超过100%")),
    ("101%", Parsed(problem="“101%”超过100%")),
    ("-5%", Parsed(problem="“-5%”是负数，百分比不能为负数")),
    ("abc%", Parsed(problem="“abc%”不是有效的百分比")),
    ("", Parsed()),
    (None, Parsed()),
    (True, Parsed(problem="这里应填百分比，如 95%")),
    (dt.date(2026, 1, 1), Parsed(problem="这里应填百分比，如 95%")),
    ([1], Parsed(problem="无法识别的内容“[1]”")),
])
def test_parse_percent(raw, expected):
    assert parse_percent(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (0, Parsed(0)),
    (MAX_COUNT, Parsed(MAX_COUNT)),
    (12.0, Parsed(12)),
    (MAX_COUNT + 1, Parsed(problem="“1000001”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    (float(MAX_COUNT + 1), Parsed(problem="“1000001”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    (1e15, Parsed(problem="“1e+15”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    (1e15 - 1, Parsed(problem="“999999999999999”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    (10 ** 16, Parsed(problem="“10000000000000000”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    (10 ** 400, Parsed(problem="“" + "1" + "0" * 39 + "…（共 401 个字符）”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    (1e308, Parsed(problem="“1e+308”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    (-3, Parsed(problem="“-3”是负数，人数不能为负数")),
    (12.5, Parsed(problem="人数应为整数，“12.5”不是整数")),
    (INF, Parsed(problem="不是有效的数")),
    (NAN, Parsed(problem="不是有效的数")),
    ("12.0", Parsed(12, note="文本“12.0”已按 12 计，建议改填数字")),  # a whole number written with a decimal point
    ("12.00人", Parsed(12, note="文本“12.00人”已按 12 计，建议改填数字")),
    ("12.50", Parsed(problem="人数应为整数，“12.50”不是整数")),
    ("1,000,000", Parsed(MAX_COUNT, note="文本“1,000,000”已按 1000000 计，建议改填数字")),
    ("1,000,001", Parsed(problem="“1,000,001”大得不合理（人数、户数不会超过 1,000,000），请核对后重新填写")),
    ("12个", Parsed(12, note="文本“12个”已按 12 计，建议改填数字")),
    ("１,２００", Parsed(1200, note="文本“１,２００”已按 1200 计，建议改填数字")),
    ("0012", Parsed(12, note="文本“0012”已按 12 计，建议改填数字")),
    ("人", Parsed(problem="“人”不是有效的人数（非负整数）")),
    ("-3", Parsed(problem="“-3”是负数，人数（非负整数）不能为负数")),
    ("九十", Parsed(problem="“九十”是汉字数字，请填写阿拉伯数字")),
    ("5十", Parsed(problem="“5十”不是有效的人数（非负整数）")),  # digits in it: not called a Chinese numeral
    ("约10", Parsed(problem="“约10”不是确切的数，请填写准确的人数（非负整数）")),
    ("10-12", Parsed(problem="“10-12”是一个范围，请填写准确的人数（非负整数）")),
    ("2023-05-01", Parsed(problem="“2023-05-01”是日期，这里应填人数（非负整数）")),
    ("４²", Parsed(problem="“４²”含上标、下标、带圈数字等特殊字符，请填写普通的阿拉伯数字")),
    (True, Parsed(problem="这里应填人数（非负整数），不是是/否")),
    (dt.date(2026, 1, 1), Parsed(problem="这里应填人数（非负整数），不是日期")),
    ([1], Parsed(problem="无法识别的内容“[1]”")),
    ("\u3000", Parsed()),
])
def test_parse_count(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("是", Parsed(True)), ("否", Parsed(False)), (True, Parsed(True)), (False, Parsed(False)),
    (1, Parsed(True, note="数值 1 已按“是”计，请从下拉列表选择")),
    (0, Parsed(False, note="数值 0 已按“否”计，请从下拉列表选择")),
    (1.0, Parsed(True, note="数值 1 已按“是”计，请从下拉列表选择")),
    ("TRUE", Parsed(True, note="“TRUE”已按“是”计，请从下拉列表选择")),
    ("false", Parsed(False, note="“false”已按“否”计，请从下拉列表选择")),
    ("1", Parsed(True, note="“1”已按“是”计，请从下拉列表选择")),
    ("不", Parsed(False, note="“不”已按“否”计，请从下拉列表选择")),
    (" 是 ", Parsed(True)),
    (2, Parsed(problem="“2”无法识别，请填写“是”或“否”")),
    ("maybe", Parsed(problem="“maybe”无法识别，请填写“是”或“否”")),
    ("", Parsed()), (None, Parsed()),
])
def test_parse_flag(raw, expected):
    assert parse_flag(raw) == expected


def test_cell_text():
    assert cell_text(12.0) == "12"   # Excel's whole numbers come as floats
    assert cell_text(12.5) == "12.5"
    assert cell_text(0.0) == "0"
    assert cell_text(0) == "0"
    assert cell_text(None) == ""
    assert cell_text("  南关社区 ") == "南关社区"


def test_shown_cuts_long_values_to_one_line():
    assert shown("a\nb  c") == "a b c"
    assert shown("x" * 40) == "x" * 40
    assert shown("x" * 41) == "x" * 40 + "…（共 41 个字符）"


def test_missing():
    assert Parsed().missing
    assert not Parsed(0).missing and not Parsed(problem="x").missing
