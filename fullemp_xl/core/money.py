"""Amounts in 大写 as finance writes them on a 补助资金 statement: 10000 -> 壹万元整.

Follows 《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》: 整 after 元 (not after 角 or 分); one
零 for a run of zeros; 零 after 元 when the 角 is 0 and the 分 is not; where the rules allow a 零 to be
written or left out (元位 is 0, 角 not), the first of the 附件's two forms (壹仟陆佰捌拾元零叁角贰分).
The one implementation behind FE_RMB_UPPER and the subsidy statements.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL = ("", "拾", "佰", "仟")
BIG = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """0..9999 without leading 零; inner runs of zeros become one 零."""
    out, zero = "", False
    for k in range(3, -1, -1):
        d = n // 10 ** k % 10
        if d:
            if zero and out:
                out += "零"
            out += DIGITS[d] + SMALL[k]
            zero = False
        else:
            zero = True
    return out


def rmb_upper(amount) -> str:
    """Chinese uppercase amount (without the 人民币 prefix, see `rmb_words`); ValueError for what is not an amount."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValueError(f"“{amount}”不是金额") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 16:
        raise ValueError("金额超出范围")
    sign = "负" if value < 0 else ""
    cents = int(abs(value) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    text, pending_zero = "", False
    for k in range(len(groups) - 1, -1, -1):
        g = groups[k]
        if g == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or g < 1000):
            text += "零"
        text += _group(g) + BIG[k]
        pending_zero = False
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
