"""Values as people type them: accept what is unambiguous, refuse the rest with a reason."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fullemp_xl.core.numbers import MAX_COUNT, SHOWN_CHARS, parse_count, parse_flag, parse_percent, parse_score

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(),
                     st.datetimes(), st.decimals(allow_nan=False).map(str))


@pytest.mark.parametrize("raw, value, noted", [
    (12, 12, False), (12.0, 12, False), ("12", 12, True), ("１２", 12, True), ("12人", 12, True),
    (" 12 ", 12, True), ("1,200", 1200, True), ("３户", 3, True), (0, 0, False),
    # either side of the shared results for 0..1000 typed as numbers, and zero typed as a decimal number
    (1000, 1000, False), (1001, 1001, False), (0.0, 0, False),
])
def test_count_accepts_unambiguous_entries(raw, value, noted):
    parsed = parse_count(raw)
    assert (parsed.value, parsed.problem, bool(parsed.note)) == (value, None, noted)


@pytest.mark.parametrize("raw, words", [
    ("九十", "阿拉伯数字"), ("约10", "确切"), ("10左右", "确切"), ("-3", "负数"), (-3, "负数"),
    ("12.5", "整数"), (12.5, "整数"), (0.5, "整数"), ("10-12", "范围"), (True, "是/否"), (dt.date(2026, 1, 1), "日期"),
    ("95%", "不是有效"), ("abc", "不是有效"),
])
def test_count_refuses_with_a_reason(raw, words):
    parsed = parse_count(raw)
    assert parsed.value is None and words in parsed.problem


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_count_missing(raw):
    assert parse_count(raw).missing


@pytest.mark.parametrize("raw, value, noted", [
    ("95%", 0.95, False), ("95.0％", 0.95, False), (0.95, 0.95, False), ("95 %", 0.95, False),
    (95, 0.95, True), ("0.95", 0.95, True), ("100%", 1.0, False), (0, 0.0, False),
])
def test_percent(raw, value, noted):
    parsed = parse_percent(raw)
    assert (parsed.value, parsed.problem, bool(parsed.note)) == (value, None, noted)


@pytest.mark.parametrize("raw", ["120%", 130, -0.1, "九成", "约95%", True])
def test_percent_refused(raw):
    assert parse_percent(raw).problem


@pytest.mark.parametrize("raw, value, noted", [
    ("是", True, False), ("否", False, False), (True, True, False), ("Y", True, True), ("√", True, True),
    ("无", False, True), ("没有", False, True), (1, True, True), (0, False, True),
    (" 否 ", False, False), ("是\u3000", True, False),  # the words themselves, with spaces around them
])
def test_flag(raw, value, noted):
    parsed = parse_flag(raw)
    assert (parsed.value, parsed.problem, bool(parsed.note)) == (value, None, noted)


def test_flag_refused():
    assert "是" in parse_flag("也许").problem and parse_flag(7).problem


def test_score():
    assert parse_score("95分", 100).value == 95 and parse_score("95分", 100).note
    assert "标准分" in parse_score(21, 20).problem
    assert parse_score(2.5, 5).value == 2.5


@given(anything)
def test_parsers_never_raise(raw):
    for parse in (parse_count, parse_flag, parse_percent):
        parsed = parse(raw)
        assert parsed.value is None or parsed.problem is None
    parse_score(raw, 10)


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_count_round_trips_digits_in_any_width(n):
    assert parse_count(n).value == n
    assert parse_count(str(n)).value == n
    assert parse_count(str(n).translate(FULL_WIDTH)).value == n
    assert parse_count(f"{n}人").value == n


@given(st.integers(min_value=-10**9, max_value=-1))
def test_negative_counts_refused(n):
    assert parse_count(n).problem and parse_count(str(n)).problem


@given(st.integers(min_value=0, max_value=10000))
def test_percent_text_round_trip(hundredths):
    text = f"{hundredths // 100}.{hundredths % 100:02d}%"
    assert parse_percent(text).value == pytest.approx(hundredths / 10000, abs=1e-12)
    assert parse_percent(text.replace("%", "％")).value == parse_percent(text).value


@pytest.mark.parametrize("raw", ["４²", "4²", "²", "①②", "½", "Ⅻ", "٤٢", "१२", "4₂"])
def test_superscripts_circled_and_other_digits_are_not_plain_numbers(raw):
    parsed = parse_count(raw)
    assert parsed.value is None and "特殊字符" in parsed.problem
    assert parse_percent(raw + "%").value is None and parse_score(raw, 100).value is None


@pytest.mark.parametrize("raw", [1e308, 10**9, "1000001", "99999999999999999999", "9" * 5000, float(MAX_COUNT) + 1])
def test_absurd_counts_are_refused(raw):
    parsed = parse_count(raw)
    assert parsed.value is None and "不合理" in parsed.problem


@given(st.integers(min_value=MAX_COUNT + 1))
def test_every_count_above_the_limit_is_refused(n):
    assert parse_count(n).value is None and parse_count(str(n)).value is None


@pytest.mark.parametrize("raw", ["2023-05-01", "2023/5/1", "2023.05.01", "2023年5月1日", "2023年5月", "05/01/2023"])
def test_a_date_typed_as_text_is_called_a_date_not_a_range(raw):
    problem = parse_count(raw).problem
    assert "日期" in problem and "范围" not in problem


def test_long_values_are_cut_in_messages():
    raw = "九" * 5000
    for parsed in (parse_count(raw), parse_flag(raw), parse_percent(raw), parse_score(raw, 10)):
        assert raw[:SHOWN_CHARS + 1] not in parsed.problem and "共 5000 个字符" in parsed.problem
        assert len(parsed.problem) < 200
    assert "\n" not in parse_count("第一行\n第二行").problem
