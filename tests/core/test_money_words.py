"""Amounts in words, each case written out by hand from 《支付结算办法》附件一 (正确填写票据和结算凭证的基本规定):
整 after 元 only; 零 for a gap of zeros (one 零 for a run); 零 after 元 when the 角 is 0 and the 分 is not;
拾 always with its digit (壹拾万); amounts rounded to the 分 half-up as finance does, never to even.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from fullemp_xl.excel import udfs
from fullemp_xl.core.money import rmb_figures, rmb_upper, rmb_words


def test_thousand_after_ten_thousand_takes_no_zero():
    # 万位 not zero, 千位 not zero: nothing between them to write as 零
    assert rmb_upper(11000) == "壹万壹仟元整"
    assert rmb_upper(21500) == "贰万壹仟伍佰元整"
    assert rmb_upper(100000) == "壹拾万元整"
    assert rmb_upper(110000) == "壹拾壹万元整"


def test_gap_of_zeros_inside_an_amount_is_one_zero():
    assert rmb_upper(10100) == "壹万零壹佰元整"
    assert rmb_upper(10001) == "壹万零壹元整"
    assert rmb_upper(10950) == "壹万零玖佰伍拾元整"  # below a thousand after 万: one 零
    assert rmb_upper(11950) == "壹万壹仟玖佰伍拾元整"
    assert rmb_upper(1010) == "壹仟零壹拾元整"
    assert rmb_upper(1001) == "壹仟零壹元整"
    assert rmb_upper(100) == "壹佰元整"
    assert rmb_upper(10) == "壹拾元整"
    assert rmb_upper(7) == "柒元整"


def test_hundred_million_and_one():
    assert rmb_upper(100_000_001) == "壹亿零壹元整"
    assert rmb_upper(100_010_000) == "壹亿零壹万元整"
    assert rmb_upper(110_000_000) == "壹亿壹仟万元整"
    assert rmb_upper(109_500_000) == "壹亿零玖佰伍拾万元整"  # below ten million after 亿: one 零
    assert rmb_upper(100_000_000) == "壹亿元整"
    assert rmb_upper(1_000_100_000) == "壹拾亿零壹拾万元整"


def test_ten_thousand_hundred_millions_are_written_like_ten_thousands():
    # 1,0001,0000,0000 is 壹万零壹亿: what stands before 亿 is written as any number below 1,0000,0000
    assert rmb_upper(10 ** 12) == "壹万亿元整"
    assert rmb_upper(1_0001_0000_0000) == "壹万零壹亿元整"
    assert rmb_upper(1_2345_6789_0000) == "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万元整"
    assert rmb_upper(1000_0000_0000_0001) == "壹仟万亿零壹元整"
    assert rmb_upper(9999_9999_9999_9999) == "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"


def test_zero_yuan_and_cents_only():
    assert rmb_upper(0) == "零元整"
    assert rmb_upper("0.00") == "零元整"
    assert rmb_upper("0.3") == "叁角"
    assert rmb_upper("0.05") == "伍分"
    assert rmb_upper("0.35") == "叁角伍分"


def test_cents_after_yuan():
    assert rmb_upper("20.5") == "贰拾元零伍角"  # 元位 0, 角 not: the 附件's first form, 零 after 元
    assert rmb_upper("25.5") == "贰拾伍元伍角"
    assert rmb_upper("25.05") == "贰拾伍元零伍分"
    assert rmb_upper("30.05") == "叁拾元零伍分"
    assert rmb_upper("200000000.5") == "贰亿元零伍角"


@pytest.mark.parametrize("amount, words", [
    ("0.125", "壹角叁分"),    # half-up; banker's rounding would give 壹角贰分
    ("0.145", "壹角伍分"),    # banker's: 壹角肆分
    ("10.005", "壹拾元零壹分"),  # banker's: 壹拾元整
    ("0.005", "壹分"),        # banker's: 零元整
    ("0.0049", "零元整"),
    ("2.675", "贰元陆角捌分"),  # the text 2.675, not the binary float below it
    (2.675, "贰元陆角捌分"),
    ("-0.125", "负壹角叁分"),  # half away from zero for negatives too
])
def test_half_cents_round_half_up(amount, words):
    assert rmb_upper(amount) == words


def test_negative_amounts_say_fu():
    assert rmb_upper(-5) == "负伍元整"
    assert rmb_upper("-0.5") == "负伍角"
    assert rmb_upper("-1680.32") == "负壹仟陆佰捌拾元零叁角贰分"
    assert rmb_words(-10000) == "人民币负壹万元整"
    assert rmb_upper("-0.001") == "零元整"  # rounds to nothing: no 负零
    assert rmb_figures(-10000) == "¥-10,000.00"


@pytest.mark.parametrize("amount", [10 ** 16, -(10 ** 16), "9999999999999999.995",
                                    "-9999999999999999.995", 1e17, 10 ** 27, 1e300, "1e400"])
def test_out_of_range_is_a_message_not_an_index_error(amount):
    with pytest.raises(ValueError) as caught:
        rmb_upper(amount)
    assert str(caught.value) == "金额超出范围"
    assert udfs.FE_RMB_UPPER(amount) == "错误：金额超出范围"


def test_largest_amount_in_range():
    assert rmb_upper("9999999999999999.99").endswith("玖元玖角玖分")
    assert rmb_upper("9999999999999999.994").endswith("玖元玖角玖分")
    assert rmb_upper(-(10 ** 16) + 1).startswith("负玖仟")


@pytest.mark.parametrize("amount", ["一万", "", "12元", None, "1,000", "NaN", "Infinity", "-Infinity", float("nan")])
def test_not_an_amount_names_the_input(amount):
    with pytest.raises(ValueError) as caught:
        rmb_upper(amount)
    assert str(caught.value) == f"“{amount}”不是金额"


def test_decimal_and_exponent_input():
    assert rmb_upper(Decimal("1680.32")) == "壹仟陆佰捌拾元零叁角贰分"
    assert rmb_upper("1e3") == "壹仟元整"


def test_figures_round_half_up_with_thousands_separators():
    assert rmb_figures("0.125") == "¥0.13"
    assert rmb_figures(1234567) == "¥1,234,567.00"
