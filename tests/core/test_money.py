"""Amounts in 大写 against the examples of 《支付结算办法》附件一 (正确填写票据和结算凭证的基本规定)."""
from __future__ import annotations

import pytest

from fullemp_xl.excel import udfs
from fullemp_xl.core.money import rmb_figures, rmb_upper, rmb_words

# 附件一, 二（三）–（五）, verbatim amounts; where it allows two forms, both are listed and ours is the first
ATTACHMENT_ONE = [
    ("1409.50", ["壹仟肆佰零玖元伍角"]),  # 阿拉伯数字中间有“0”时，中文大写金额要写“零”字；“角”之后可以不写“整”
    ("6007.14", ["陆仟零柒元壹角肆分"]),  # 中间连续有几个“0”时，中文大写金额中间可以只写一个“零”字
    ("1680.32", ["壹仟陆佰捌拾元零叁角贰分", "壹仟陆佰捌拾元叁角贰分"]),
    ("107000.53", ["壹拾万柒仟元零伍角叁分", "壹拾万零柒仟元伍角叁分"]),
    ("16409.02", ["壹万陆仟肆佰零玖元零贰分"]),  # 角位是“0”而分位不是“0”时，“元”后面应写“零”字
    ("325.04", ["叁佰贰拾伍元零肆分"]),
]


@pytest.mark.parametrize("amount, forms", ATTACHMENT_ONE)
def test_examples_of_attachment_one(amount, forms):
    assert rmb_upper(amount) == forms[0]
    assert udfs.FE_RMB_UPPER(float(amount)) == forms[0]  # the worksheet function is the same implementation


def test_whole_yuan_ends_with_zheng_and_statement_form():
    # 中文大写金额数字到“元”为止的，在“元”之后应写“整”字；大写金额数字应紧接“人民币”字样填写，不得留有空白
    assert rmb_upper(10000) == "壹万元整"
    assert rmb_words(10000) == "人民币壹万元整"
    assert rmb_words(30000) == "人民币叁万元整"
    assert rmb_words(120000) == "人民币壹拾贰万元整"
    assert rmb_upper("0.05") == "伍分"  # 有“分”的，“分”后面不写“整”
    assert rmb_figures(10000) == "¥10,000.00"
    assert rmb_figures("1234567.5") == "¥1,234,567.50"


def test_not_an_amount():
    with pytest.raises(ValueError, match="不是金额"):
        rmb_upper("一万")
