"""Amounts in 大写 as finance writes them on a 补助资金 statement: 10000 -> 壹万元整.

Follows 《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》: 整 after 元 (not after 角 or 分); one
零 for a run of zeros; 零 after 元 when the 角 is 0 and the 分 is not; where the rules allow a 零 to be
written or left out (元位 is 0, 角 not), the first of the 附件's two forms (壹仟陆佰捌拾元零叁角贰分).
The one implementation behind FE_RMB_UPPER and the subsidy statements.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
LIMIT = Decimal("9999999999999999.995")  # rounds to 10^16 yuan: more than 万亿 groups can write


def _group(n: int) -> str:
    """0..9999 without leading 零; inner runs of zeros become one 零."""
    out = ""
    for digit, unit in zip(f"{n:04d}", ("仟", "佰", "拾", "")):
        if digit != "0":
            out += DIGITS[int(digit)] + unit
        elif out and out[-1] != "零":
            out += "零"
    return out.removesuffix("零")


def _yuan(n: int) -> str:
    """0..10^16-1 yuan in words ("" for 0): 万 groups below 亿, and what stands before 亿 written the same way, so
    that 1,0001,0000,0000 is 壹万零壹亿 (not 壹万亿零壹亿); a 零 where a gap of zeros separates two parts."""
    for unit, size in (("亿", 10 ** 8), ("万", 10 ** 4)):
        if n >= size:
            high, low = divmod(n, size)
            text = _yuan(high) + unit
            if low:
                text += ("零" if low * 10 < size else "") + _yuan(low)
            return text
    return _group(n)


def rmb_upper(amount) -> str:
    """Chinese uppercase amount (without the 人民币 prefix, see `rmb_words`); ValueError for what is not an amount."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise ValueError(f"“{amount}”不是金额")
    if abs(value) >= LIMIT:
        raise ValueError("金额超出范围")
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    cents = int(abs(value) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _yuan(yuan)
    if text:
        text += "元"
    if not jiao and not fen:
        return sign + (text or "零元") + "整"
    if jiao:
        if text and cents // 100 % 10 == 0:  # 附件一: ￥1680.32 -> 壹仟陆佰捌拾元零叁角贰分
            text += "零"
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return sign + text


def rmb_words(amount) -> str:
    """As written on a statement: 人民币 immediately followed by the amount (附件一: no gap)."""
    return "人民币" + rmb_upper(amount)


def rmb_figures(amount) -> str:
    """¥10,000.00"""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"¥{value:,.2f}"
