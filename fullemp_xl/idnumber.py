"""公民身份号码 (GB 11643-1999): check digit, birth date, and masking for anything that leaves the ledger."""
from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise(raw) -> str:
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(" ", "").upper()
    return text


def check_digit(first17: str) -> str:
    return CHECK[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def problem(number: str, today: dt.date) -> str | None:
    """None when the number is valid; else a Chinese reason (that never repeats the number)."""
    if not SHAPE.match(number):
        return "公民身份号码应为18位（前17位数字，最后一位数字或X）"
    born = birth_date(number)
    if born is None:
        return "公民身份号码中的出生日期不存在"
    if born > today or born.year < 1900:
        return "公民身份号码中的出生日期不合理"
    if check_digit(number[:17]) != number[17]:
        return "公民身份号码校验位不对，可能有数字录错"
    return None


def mask(number: str) -> str:
    """6201**********1234: enough to find the row, not enough to identify the person."""
    text = normalise(number)
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
