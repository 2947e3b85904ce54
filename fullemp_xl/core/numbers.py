"""Values as people type them into cells: "12", "１２", "12人", "95%", "是" — and what to refuse.

Each parser returns a Parsed: a value, or a Chinese problem (an error), and possibly a note saying
how an unambiguous but untidy entry was read (a warning). Parsers never raise.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

UNITS = "人户个种名次件项家元"
INTEGER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$", re.ASCII)
DECIMAL = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
WHOLE = re.compile(r"^(\d+)\.0+$", re.ASCII)  # 12.0: a whole number written with a decimal point
DATE_LIKE = re.compile(r"^\d{4}[-/.年]\d{1,2}(月|[-/.月]\d{1,2}日?)?$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$", re.ASCII)
CHINESE_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]")
VAGUE = re.compile(r"约|大约|左右|多|余|几|~|～|以上|以下|不到|近")
TRUE_WORDS = {"是", "Y", "YES", "√", "✓", "✔", "有", "符合", "TRUE", "对", "1"}
FALSE_WORDS = {"否", "N", "NO", "×", "✗", "✘", "无", "没有", "不符合", "FALSE", "不", "0"}
MAX_COUNT = 1_000_000  # no community counts a million of anything: a larger number is a typing error
FOLDED = ("<wide>", "<narrow>", "<noBreak>")  # full-width digits, ideographic and no-break spaces
SHOWN_CHARS = 40  # a value echoed in a message is cut to this many characters


def cell_text(value) -> str:
    """A cell's value as text: None is empty, a whole float (Excel's 12.0) is written 12, stripped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _num(value) -> str:
    """A number as it was typed: 1000001, 12.5, 0.3 (never 1e+06 or float noise)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return shown(value) if isinstance(value, int) else f"{value:.15g}"


def shown(raw) -> str:
    """A value as a message may quote it: one line, at most SHOWN_CHARS characters."""
    text = " ".join(str(raw).split())
    if len(text) > SHOWN_CHARS:
        return f"{text[:SHOWN_CHARS]}…（共 {len(text)} 个字符）"
    return text


@dataclass(frozen=True)
class Parsed:
    value: int | float | bool | None = None
    problem: str | None = None
    note: str | None = None

    @property
    def missing(self) -> bool:
        return self.value is None and self.problem is None


def _clean(raw: str) -> str:
    """Full-width digits and spaces folded to plain ones; superscripts, circled digits and the like kept
    as they are, so that "４²" is never read as 42 (NFKC alone would fold ² to 2)."""
    folded = "".join(unicodedata.normalize("NFKC", ch) if unicodedata.decomposition(ch).startswith(FOLDED) else ch
                     for ch in raw)
    return "".join(folded.split())


def _special_digits(text: str) -> bool:
    """Superscript, subscript, circled, fraction or other-script digits: look like numbers, are not plain ones."""
    return any(unicodedata.numeric(ch, None) is not None and not ch.isascii() and not CHINESE_NUMERAL.match(ch)
               for ch in text)


def _reject_text(text: str, raw: str, what: str) -> Parsed:
    quoted = shown(raw)
    if _special_digits(text):
        return Parsed(problem=f"“{quoted}”含上标、下标、带圈数字等特殊字符，请填写普通的阿拉伯数字")
    if CHINESE_NUMERAL.search(text) and not re.search(r"[0-9]", text):
        return Parsed(problem=f"“{quoted}”是汉字数字，请填写阿拉伯数字")
    if DATE_LIKE.match(text):
        return Parsed(problem=f"“{quoted}”是日期，这里应填{what}")
    if VAGUE.search(text):
        return Parsed(problem=f"“{quoted}”不是确切的数，请填写准确的{what}")
    if re.match(r"^[0-9]+(\.[0-9]+)?[-—–至到][0-9]+", text):
        return Parsed(problem=f"“{quoted}”是一个范围，请填写准确的{what}")
    if text.startswith("-"):
        return Parsed(problem=f"“{quoted}”是负数，{what}不能为负数")
    return Parsed(problem=f"“{quoted}”不是有效的{what}")


# Parsed is immutable: the answers for the values nearly every cell holds are made once and shared
EMPTY, YES, NO = Parsed(), Parsed(True), Parsed(False)
SMALL_COUNTS = tuple(Parsed(n) for n in range(1001))


def parse_count(raw) -> Parsed:
    """A whole number ≥ 0 (people, households, items), at most MAX_COUNT."""
    if type(raw) is int and 0 <= raw <= 1000:  # a number typed as a number (not a bool): most cells
        return SMALL_COUNTS[raw]
    if raw is None:
        return EMPTY
    if isinstance(raw, bool):
        return Parsed(problem="这里应填人数（非负整数），不是是/否")
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return Parsed(problem="这里应填人数（非负整数），不是日期")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Parsed(problem="不是有效的数")
        if raw < 0:
            return Parsed(problem=f"“{_num(raw)}”是负数，人数不能为负数")
        if raw > MAX_COUNT:
            return _too_large(_num(raw))
        if float(raw) != int(raw):
            return Parsed(problem=f"人数应为整数，“{_num(raw)}”不是整数")
        return Parsed(int(raw))
    if not isinstance(raw, str):
        return Parsed(problem=f"无法识别的内容“{shown(raw)}”")
    text = _clean(raw)
    if not text:
        return Parsed()
    number = text[:-1] if text[-1] in UNITS else text
    whole = WHOLE.match(number)
    if INTEGER.match(number) or whole:
        digits = whole.group(1) if whole else number.replace(",", "")
        if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
            return _too_large(shown(raw))
        value = int(digits)
        return Parsed(value, note=f"文本“{shown(raw)}”已按 {value} 计，建议改填数字")
    if DECIMAL.match(number):
        return Parsed(problem=f"人数应为整数，“{shown(raw)}”不是整数")
    return _reject_text(text, raw, "人数（非负整数）")


def _too_large(quoted: str) -> Parsed:
    return Parsed(problem=f"“{quoted}”大得不合理（人数、户数不会超过 {MAX_COUNT:,}），请核对后重新填写")


def parse_flag(raw) -> Parsed:
    """是 / 否; common synonyms accepted with a note."""
    if raw == "是" or raw is True:  # chosen from the drop-down list: most cells
        return YES
    if raw == "否" or raw is False:
        return NO
    if raw is None:
        return EMPTY
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return Parsed(bool(raw), note=f"数值 {_num(raw)} 已按“{'是' if raw else '否'}”计，请从下拉列表选择")
    text = _clean(str(raw)).upper()
    if text == "":
        return Parsed()
    if text in ("是", "否"):
        return Parsed(text == "是")
    if text in TRUE_WORDS or text in FALSE_WORDS:
        value = text in TRUE_WORDS
        return Parsed(value, note=f"“{shown(raw)}”已按“{'是' if value else '否'}”计，请从下拉列表选择")
    return Parsed(problem=f"“{shown(raw)}”无法识别，请填写“是”或“否”")


def parse_percent(raw) -> Parsed:
    """A rate as a fraction 0..1: 0.95, "95%", "95.0％"; a bare 95 is read as 95% with a note."""
    if raw is None:
        return Parsed()
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return Parsed(problem="这里应填百分比，如 95%")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Parsed(problem="不是有效的数")
        if raw < 0:
            return Parsed(problem=f"“{_num(raw)}”是负数，百分比不能为负数")
        if raw <= 1:
            return Parsed(float(raw))
        if raw <= 100:
            value = float(Decimal(str(raw)) / 100)
            return Parsed(value, note=f"数值 {_num(raw)} 已按 {_num(raw)}% 计")
        return Parsed(problem=f"“{_num(raw)}”超过100%")
    if not isinstance(raw, str):
        return Parsed(problem=f"无法识别的内容“{shown(raw)}”")
    text = _clean(raw)
    if not text:
        return Parsed()
    has_sign = text.endswith("%")
    body = text[:-1] if has_sign else text
    number = Decimal(body) if DECIMAL.match(body) else None
    if number is None:
        return _reject_text(text, raw, "百分比")
    if has_sign:
        if number > 100:
            return Parsed(problem=f"“{shown(raw)}”超过100%")
        return Parsed(float(number / 100))
    if number <= 1:
        return Parsed(float(number), note=f"文本“{shown(raw)}”已按 {float(number) * 100:g}% 计")
    if number <= 100:
        return Parsed(float(number / 100), note=f"文本“{shown(raw)}”已按 {number}% 计")
    return Parsed(problem=f"“{shown(raw)}”超过100%")


def parse_score(raw, maximum: float) -> Parsed:
    """A score typed by hand: 0..maximum, decimals allowed, "95分" accepted with a note."""
    if raw is None:
        return Parsed()
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return Parsed(problem="这里应填分数")
    if isinstance(raw, (int, float)):
        value = raw
        note = None
    elif isinstance(raw, str):
        text = _clean(raw)
        if not text:
            return Parsed()
        number = text[:-1] if text.endswith("分") else text
        if not DECIMAL.match(number):
            return _reject_text(text, raw, "分数")
        value = float(Decimal(number))
        note = f"文本“{shown(raw)}”已按 {_num(value)} 分计"
    else:
        return Parsed(problem=f"无法识别的内容“{shown(raw)}”")
    if isinstance(value, float) and not math.isfinite(value):
        return Parsed(problem="不是有效的数")
    if value < 0:
        return Parsed(problem=f"“{_num(value)}”是负数，分数不能为负数")
    if value > maximum:
        return Parsed(problem=f"“{_num(value)}”超过标准分 {_num(maximum)} 分")
    return Parsed(int(value) if float(value).is_integer() else float(value), note=note)
