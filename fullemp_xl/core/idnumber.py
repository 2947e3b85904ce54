"""公民身份号码 (GB 11643-1999): check digit, birth date, and what may be shown of one: its region code."""
from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
ID_LIKE = re.compile(r"\d{17}[\dX]|\d{15}", re.ASCII)  # anywhere in a text: 18-digit or old 15-digit numbers
REGION = re.compile(r"^\d{6}", re.ASCII)
SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.ASCII)


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


def mask(number) -> str:
    """620702************: the 6-digit region code at most, never a name typed in front of the number."""
    text = normalise(number)
    return (text[:6] if REGION.match(text) else "******") + "*" * 12


def looks_like_id(raw) -> bool:
    """An ID number, whole or as Excel keeps it in a number cell (15 significant digits)."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return abs(raw) >= 1e14
    return bool(ID_LIKE.search(normalise(raw)))


def stored_as_number(raw) -> bool:
    """A number cell (or its scientific text, 6.20702E+17) where an ID should be text: digits are lost."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return True
    return "+" in str(raw) and bool(SCIENTIFIC.match(normalise(raw)))
