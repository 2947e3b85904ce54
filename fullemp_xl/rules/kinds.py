"""The rule vocabulary: conditions and the parts an item's score is the sum of.

Every kind knows its two meanings side by side — `score`/`holds` for the Python engine and `excel`
for the formula written into the 考评表 — so that a reader can check they agree. The engine and the
LibreOffice differential test check it for real.

`get(fact_id)` returns a fact's parsed value (int for counts, bool for flags, float for percents);
`ref(fact_id)` returns the defined name that holds it in the workbook.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Callable

OPS = MappingProxyType(
    {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
)
OP_WORDS = MappingProxyType({">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于"})
EXCEL_OP = MappingProxyType({">=": ">=", ">": ">", "<=": "<=", "<": "<", "==": "="})
PLACEHOLDER = re.compile(r"\{(\w+)\}")
REASON_FIELDS = frozenset({"n", "points", "rate"})

Get = Callable[[str], object]
Ref = Callable[[str], str]


def excel_number(value: Fraction | float | int) -> str:
    """A number as Excel formula text, without float noise."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return repr(float(value))


def percent_text(value: Fraction | None) -> str:
    if value is None:
        return "无（分母为0）"
    text = f"{float(value) * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def fill_reason(template: str, **values) -> str:
    """Replace {n} {points} {rate} in a reason; never str.format (no attribute access from rule files)."""
    def one(match: re.Match) -> str:
        value = values.get(match.group(1))
        if isinstance(value, Fraction):
            return excel_number(value)
        return match.group(0) if value is None else str(value)

    return PLACEHOLDER.sub(one, template)


# ---------------------------------------------------------------- conditions
@dataclass(frozen=True)
class FactTest:
    """A yes/no fact that must be 是 (op None), or a count / percent compared with a value."""

    fact: str
    op: str | None = None
    value: Fraction | None = None  # for percent facts: the percent, e.g. 90
    expect: bool = True  # for flags
    percent: bool = False  # value is a percent (fact of type percent)

    def facts(self, rates) -> tuple[str, ...]:
        return (self.fact,)

    def rate(self, get: Get, rates) -> Fraction | None:
        return Fraction(get(self.fact)) if self.percent else None

    def holds(self, get: Get, rates) -> bool:
        value = get(self.fact)
        if self.op is None:
            return bool(value) is self.expect
        if self.percent:
            return OPS[self.op](float(value), float(self.value / 100))
        return OPS[self.op](Fraction(value), self.value)

    def excel(self, ref: Ref, rates) -> str:
        if self.op is None:
            return f'{ref(self.fact)}="{"是" if self.expect else "否"}"'
        value = self.value / 100 if self.percent else self.value
        return f"{ref(self.fact)}{EXCEL_OP[self.op]}{excel_number(value)}"


@dataclass(frozen=True)
class RateTest:
    """numerator / denominator compared with a percent, computed exactly (no division, no float noise)."""

    rate_id: str
    op: str
    percent: Fraction

    def facts(self, rates) -> tuple[str, ...]:
        r = rates[self.rate_id]
        return (r.numerator, r.denominator)

    def rate(self, get: Get, rates) -> Fraction | None:
        r = rates[self.rate_id]
        den = get(r.denominator)
        return None if den == 0 else Fraction(get(r.numerator), den)

    def holds(self, get: Get, rates) -> bool:
        r = rates[self.rate_id]
        num, den = get(r.numerator), get(r.denominator)
        if den == 0:
            return r.empty_met
        return OPS[self.op](Fraction(num) * 100, self.percent * den)

    def excel(self, ref: Ref, rates) -> str:
        r = rates[self.rate_id]
        num, den = ref(r.numerator), ref(r.denominator)
        empty = "TRUE" if r.empty_met else "FALSE"
        return f"IF({den}=0,{empty},{num}*100{EXCEL_OP[self.op]}{excel_number(self.percent)}*{den})"


@dataclass(frozen=True)
class AllOf:
    conditions: tuple

    def facts(self, rates) -> tuple[str, ...]:
        return tuple(f for c in self.conditions for f in c.facts(rates))

    def rate(self, get: Get, rates) -> Fraction | None:
        for c in self.conditions:
            value = c.rate(get, rates)
            if value is not None:
                return value
        return None

    def holds(self, get: Get, rates) -> bool:
        return all(c.holds(get, rates) for c in self.conditions)

    def excel(self, ref: Ref, rates) -> str:
        return "AND(" + ",".join(c.excel(ref, rates) for c in self.conditions) + ")"


# ---------------------------------------------------------------- parts of an item's score
@dataclass(frozen=True)
class Outcome:
    points: Fraction  # contribution to the item's sum
    lost: Fraction  # points this part did not give (for the reason)
    reason: str = ""


@dataclass(frozen=True)
class Base:
    """Points every community starts with; deductions come off them (每一项不到位扣5分)."""

    points: Fraction

    max_points = property(lambda self: self.points)

    def facts(self, rates):
        return ()

    def score(self, get: Get, rates) -> Outcome:
        return Outcome(self.points, Fraction(0))

    def excel(self, ref: Ref, rates) -> str:
        return excel_number(self.points)


@dataclass(frozen=True)
class Award:
    """Points earned when a condition holds (提供就业服务的，给6分，否则不得分)."""

    points: Fraction
    require: object
    reason: str

    max_points = property(lambda self: self.points)

    def facts(self, rates):
        return self.require.facts(rates)

    def score(self, get: Get, rates) -> Outcome:
        if self.require.holds(get, rates):
            return Outcome(self.points, Fraction(0))
        rate = self.require.rate(get, rates)
        text = fill_reason(self.reason, points=self.points, rate=percent_text(rate))
        return Outcome(Fraction(0), self.points, text)

    def excel(self, ref: Ref, rates) -> str:
        return f"IF({self.require.excel(ref, rates)},{excel_number(self.points)},0)"


@dataclass(frozen=True)
class Deduct:
    """Points taken off when a condition fails (提供服务无记录扣2分)."""

    points: Fraction
    require: object
    reason: str

    max_points = property(lambda self: Fraction(0))

    def facts(self, rates):
        return self.require.facts(rates)

    def score(self, get: Get, rates) -> Outcome:
        if self.require.holds(get, rates):
            return Outcome(Fraction(0), Fraction(0))
        rate = self.require.rate(get, rates)
        text = fill_reason(self.reason, points=self.points, rate=percent_text(rate))
        return Outcome(-self.points, self.points, text)

    def excel(self, ref: Ref, rates) -> str:
        return f"-IF({self.require.excel(ref, rates)},0,{excel_number(self.points)})"


@dataclass(frozen=True)
class PerUnit:
    """Points taken off for every person or thing counted (存在未登记一人扣3分)."""

    points: Fraction
    fact: str
    reason: str

    max_points = property(lambda self: Fraction(0))

    def facts(self, rates):
        return (self.fact,)

    def score(self, get: Get, rates) -> Outcome:
        n = get(self.fact)
        if not n:
            return Outcome(Fraction(0), Fraction(0))
        lost = self.points * n
        return Outcome(-lost, lost, fill_reason(self.reason, n=n, points=lost))

    def excel(self, ref: Ref, rates) -> str:
        return f"-{excel_number(self.points)}*{ref(self.fact)}"


@dataclass(frozen=True)
class Band:
    require: object
    points: Fraction


@dataclass(frozen=True)
class Bands:
    """The first band whose condition holds gives its points (高于90%得5分，80-90%得3分…)."""

    bands: tuple[Band, ...]
    reason: str

    @property
    def max_points(self) -> Fraction:
        return max(b.points for b in self.bands)

    def facts(self, rates):
        return tuple(f for b in self.bands for f in b.require.facts(rates))

    def score(self, get: Get, rates) -> Outcome:
        got = next((b.points for b in self.bands if b.require.holds(get, rates)), Fraction(0))
        lost = self.max_points - got
        if not lost:
            return Outcome(got, lost)
        rate = self.bands[0].require.rate(get, rates)
        return Outcome(got, lost, fill_reason(self.reason, points=lost, rate=percent_text(rate)))

    def excel(self, ref: Ref, rates) -> str:
        text = "0"
        for band in reversed(self.bands):
            text = f"IF({band.require.excel(ref, rates)},{excel_number(band.points)},{text})"
        return text


@dataclass(frozen=True)
class Veto:
    """The whole item scores 0 when the condition fails (再就业率低于90%不得分)."""

    require: object
    reason: str

    max_points = property(lambda self: Fraction(0))

    def facts(self, rates):
        return self.require.facts(rates)

    def vetoes(self, get: Get, rates) -> str | None:
        if self.require.holds(get, rates):
            return None
        rate = self.require.rate(get, rates)
        return fill_reason(self.reason, rate=percent_text(rate))

    def excel(self, ref: Ref, rates) -> str:
        return self.require.excel(ref, rates)


# The fixed registry: a rule file names one of these in `kind`; nothing else is accepted.
PART_KINDS = MappingProxyType(
    {
        "base": (Base, "起始分：在此基础上扣分（如“每一项不到位扣5分”）", ("points",)),
        "award": (Award, "条件成立得分，否则不得该部分分（如“提供服务的给6分”）", ("points", "require", "reason")),
        "deduct": (Deduct, "条件不成立扣分（如“提供服务无记录扣2分”）", ("points", "require", "reason")),
        "per_unit": (PerUnit, "按人数或件数扣分（如“存在未登记一人扣3分”）", ("points", "fact", "reason")),
        "bands": (Bands, "分档计分，取第一个成立的档次（如“高于90%得5分，80-90%得3分”）", ("rate|fact", "bands", "reason")),
        "veto": (Veto, "一票否决：条件不成立本项0分（如“再就业率低于90%不得分”）", ("require", "reason")),
    }
)
CONDITION_FORMS = MappingProxyType(
    {
        "fact": "是/否事实为“是”：{ fact = \"x\" }；或人数比较：{ fact = \"x\", op = \">=\", value = 2 }",
        "rate": "比率与百分数比较（精确计算，不做除法）：{ rate = \"r\", op = \">=\", percent = 90 }",
        "all": "全部成立：{ all = [条件, 条件] }",
        "名称": "引用 [conditions] 中已命名的条件：\"hall\"",
    }
)
