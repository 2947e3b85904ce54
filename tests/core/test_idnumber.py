"""公民身份号码 checks in process (GB 11643-1999): birth dates, check digits, how people type them, and the
ledger check that reports them — fast, without a CLI subprocess."""
from __future__ import annotations

import datetime as dt

import pytest

from fullemp_xl.core.idnumber import (birth_date, check_digit, looks_like_id, mask, normalise, problem,
                                 stored_as_number)
from fullemp_xl.ledger.checks import check_ledger
from fullemp_xl.ledger.read import read_ledger
from ledger_data import write_ledger

TODAY = dt.date(2026, 12, 7)
SHAPE = "公民身份号码应为18位（前17位数字，最后一位数字或X）"
NO_SUCH_DAY = "公民身份号码中的出生日期不存在"
UNREASONABLE = "公民身份号码中的出生日期不合理"
CHECK = "公民身份号码校验位不对，可能有数字录错"


def make(born: str, region: str = "620702", seq: str = "123") -> str:
    first = region + born + seq
    return first + check_digit(first)


def test_check_digits_of_the_standards_example_and_an_x():
    # GB 11643-1999's own example: 11010519491231002X
    assert check_digit("11010519491231002") == "X"
    assert problem("11010519491231002X", TODAY) is None
    # by hand: Σ digit × weight (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) = 207, 207 mod 11 = 9, and 9 -> "3"
    # (the remainders 0 … 10 map to 1 0 X 9 8 7 6 5 4 3 2)
    assert check_digit("62070219901010123") == "3"
    assert check_digit("00000000000000000") == "1"  # remainder 0
    assert check_digit("00000000000000001") == "X"  # remainder 2 (weight 2)
    assert check_digit("10000000000000000") == "5"  # remainder 7


@pytest.mark.parametrize("born", ["19901001", "19901015", "19901031", "19900110", "19900120", "19900130",
                                  "19901010", "19901020", "19901030", "20001231", "19000101", "20000229",
                                  "20261207"])
def test_valid_birth_dates(born):
    number = make(born)
    assert problem(number, TODAY) is None
    assert birth_date(number) == dt.date(int(born[:4]), int(born[4:6]), int(born[6:]))


@pytest.mark.parametrize("born", ["19900230", "19901301", "19900001", "19900100", "19900132", "19901131",
                                  "19010229", "19900431"])
def test_dates_that_do_not_exist(born):
    assert birth_date(make(born)) is None
    assert problem(make(born), TODAY) == NO_SUCH_DAY


@pytest.mark.parametrize("born", ["20261208", "20300101", "18991231"])
def test_birth_in_the_future_or_before_1900_is_unreasonable(born):
    assert problem(make(born), TODAY) == UNREASONABLE


def test_born_today_is_reasonable_and_tomorrow_is_not():
    assert problem(make("20261207"), TODAY) is None
    assert problem(make("20261207"), TODAY - dt.timedelta(days=1)) == UNREASONABLE


def test_wrong_check_digit():
    number = make("19901010")
    wrong = number[:17] + ("3" if number[17] != "3" else "4")
    assert problem(wrong, TODAY) == CHECK
    swapped = number[:6] + number[7] + number[6] + number[8:]  # two digits swapped: 9 1 -> 1 9 in the year
    assert problem(swapped, TODAY) in (CHECK, NO_SUCH_DAY, UNREASONABLE)


@pytest.mark.parametrize("raw", ["62070219901010123", "6207021990101012345", "62070219901010123Y",
                                 "6207021990101012X3", "", "620702１9901010123２x", "ABCDEF19901010123X"])
def test_shape(raw):
    assert problem(raw, TODAY) == SHAPE


def test_typed_with_spaces_lowercase_x_full_width_digits():
    number = make("19901010")
    assert normalise(f" {number[:6]} {number[6:14]} {number[14:]} ") == number
    assert normalise(number[:6] + "\u3000" + number[6:]) == number  # ideographic space
    assert normalise(number[:6] + "\u00a0" + number[6:]) == number  # no-break space (copied from a web page)
    assert normalise("".join(chr(ord(c) + 0xFEE0) for c in number)) == number  # full-width digits
    assert normalise("11010519491231002x") == "11010519491231002X"
    assert normalise(None) == ""
    assert normalise(12) == "12"
    assert problem(normalise(f"{number[:6]} {number[6:14]} {number[14:]}"), TODAY) is None


def test_mask_shows_the_region_code_only():
    assert mask("620702199010101232") == "620702" + "*" * 12
    assert mask(" 620702 19901010 1232") == "620702" + "*" * 12
    assert mask("张三620702199010101232") == "*" * 18
    assert mask("62070") == "*" * 18


def test_looks_like_id_and_stored_as_number():
    assert looks_like_id("620702199010101232")
    assert looks_like_id("身份证620702199010101232号")
    assert looks_like_id("620702901010123")  # an old 15-digit number
    assert not looks_like_id("62070219901010")
    assert looks_like_id(6.20702199010101e17)
    assert looks_like_id(10 ** 14) and not looks_like_id(10 ** 14 - 1)
    assert not looks_like_id(True)
    assert stored_as_number(620702199010101232) and stored_as_number(6.2e17)
    assert stored_as_number("6.20702E+17") and stored_as_number("6E+17")
    assert not stored_as_number("620702199010101232")
    assert not stored_as_number("6.20702E17")  # no "+": not the way Excel shows a number
    assert not stored_as_number(True)
    assert not stored_as_number("+86 13800000000")  # a "+" alone is not Excel's scientific notation


# ---------------------------------------------------------------- the ledger check, in process
def _findings(tmp_path, zhangye, numbers):
    people = [{"name": f"测试{k}", "id_number": n} for k, n in enumerate(numbers)]
    path = write_ledger(tmp_path / "台账.xlsx", zhangye, people)
    ledger = read_ledger(path, zhangye.ledger)
    return [f.message for f in ledger.findings + check_ledger(ledger, zhangye.ledger, TODAY)
            if f.rule.startswith("ledger.id") or f.rule in ("ledger.duplicate", "ledger.value")]


def test_ledger_accepts_october_births_and_spaces(tmp_path, zhangye):
    october = make("19901010", seq="001")
    spaced = make("19850620", seq="002")
    numbers = [october, make("19900130", seq="003"), f"{spaced[:6]} {spaced[6:14]} {spaced[14:]}"]
    assert _findings(tmp_path, zhangye, numbers) == []


def test_ledger_reports_each_bad_number_with_its_row_and_region_only(tmp_path, zhangye):
    good = make("19901010", seq="001")
    future = make("20300101", seq="002")
    numbers = [good, future, make("19900230", seq="003"), good[:17] + ("1" if good[17] != "1" else "2"), good,
               "620702-1990"]
    assert _findings(tmp_path, zhangye, numbers) == [
        f"第5行：{UNREASONABLE}（620702************）",
        f"第6行：{NO_SUCH_DAY}（620702************）",
        f"第7行：{CHECK}（620702************）",
        "第8行与第4行是同一个人（620702************），重复的人会被多算",
        f"第9行：{SHAPE}（620702************）",
    ]
