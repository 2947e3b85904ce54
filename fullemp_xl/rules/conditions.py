"""Conditions of the rule vocabulary: a fact compared with a value, a rate compared with a percent, all of them.

Each condition knows its Python meaning (`holds`), its Excel text (`excel`), the base data it reads
(`facts`) and the numbers it can put into a reason (`fields` names them, `values` fills them:
`{n}` a count, `{total}` a rate's denominator, `{rate}` a percent).

`get(fact_id)` returns a fact's parsed value (int for counts, bool for flags, float for percents);
`ref(fact_id)` returns the defined name that holds it in the workbook.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Callable

OPS = MappingProxyType(
    {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
)
OP_WORDS = MappingProxyType({">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于"})
EXCEL_OP = MappingProxyType({">=": ">=", ">": ">", "<=": "<=", "<": "<", "==": "="})

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
    return f"{round(float(value) * 100, 2):g}%"  # 85.7%, 100%, 33.33%


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

    def fields(self, rates) -> frozenset[str]:
        if self.op is None:
            return frozenset()
        return frozenset({"rate"} if self.percent else {"n"})

    def values(self, get: Get, rates) -> dict[str, object]:
        if self.op is None:
            return {}
        value = get(self.fact)
        return {"rate": percent_text(Fraction(value))} if self.percent else {"n": value}

    def holds(self, get: Get, rates) -> bool:
        value = get(self.fact)
        if self.op is None:
            return bool(value) is self.expect
        if self.percent:
            return OPS[self.op](float(value), float(self.value / 100))
        if type(value) is int and self.value.denominator == 1:  # a count against a whole number: no Fraction to build
            return OPS[self.op](value, self.value.numerator)
        return OPS[self.op](Fraction(value), self.value)

    def excel(self, ref: Ref, rates) -> str:
        if self.op is None:
            return f'{ref(self.fact)}="{"是" if self.expect else "否"}"'
        value = self.value / 100 if self.percent else self.value
        return f"{ref(self.fact)}{EXCEL_OP[self.op]}{excel_number(value)}"

    def threshold(self):
        """(op, value) when this compares one number with a constant: what bands are ordered by."""
        return None if self.op is None else (self.op, self.value)


@dataclass(frozen=True)
class RateTest:
    """numerator / denominator compared with a percent, computed exactly (no division, no float noise)."""

    rate_id: str
    op: str
    percent: Fraction

    def facts(self, rates) -> tuple[str, ...]:
        r = rates[self.rate_id]
        return (r.numerator, r.denominator)

    def fields(self, rates) -> frozenset[str]:
        return frozenset({"rate", "n", "total"})

    def values(self, get: Get, rates) -> dict[str, object]:
        r = rates[self.rate_id]
        num, den = get(r.numerator), get(r.denominator)
        return {"rate": percent_text(None if den == 0 else Fraction(num, den)), "n": num, "total": den}

    def holds(self, get: Get, rates) -> bool:
        r = rates[self.rate_id]
        num, den = get(r.numerator), get(r.denominator)
        if den == 0:
            return r.empty_met
        if type(num) is int and type(den) is int:  # counts (always, from the reader): the same comparison in integers
            p = self.percent
            return OPS[self.op](num * 100 * p.denominator, p.numerator * den)
        return OPS[self.op](Fraction(num) * 100, self.percent * den)

    def excel(self, ref: Ref, rates) -> str:
        r = rates[self.rate_id]
        num, den = ref(r.numerator), ref(r.denominator)
        empty = "TRUE" if r.empty_met else "FALSE"
        return f"IF({den}=0,{empty},{num}*100{EXCEL_OP[self.op]}{excel_number(self.percent)}*{den})"

    def threshold(self):
        return (self.op, self.percent)


@dataclass(frozen=True)
class AllOf:
    conditions: tuple

    def facts(self, rates) -> tuple[str, ...]:
        return tuple(f for c in self.conditions for f in c.facts(rates))

    def fields(self, rates) -> frozenset[str]:
        return frozenset().union(*(c.fields(rates) for c in self.conditions))

    def values(self, get: Get, rates) -> dict[str, object]:
        out: dict[str, object] = {}
        for c in self.conditions:  # the first condition that has a number gives it
            for key, value in c.values(get, rates).items():
                out.setdefault(key, value)
        return out

    def holds(self, get: Get, rates) -> bool:
        return all(c.holds(get, rates) for c in self.conditions)

    def excel(self, ref: Ref, rates) -> str:
        return "AND(" + ",".join(c.excel(ref, rates) for c in self.conditions) + ")"

    def threshold(self):
        return None


CONDITION_FORMS = MappingProxyType(
    {
        "fact": "是/否事实为“是”：{ fact = \"x\" }；或人数比较：{ fact = \"x\", op = \">=\", value = 2 }",
        "rate": "比率与百分数比较（精确计算，不做除法）：{ rate = \"r\", op = \">=\", percent = 90 }",
        "all": "全部成立：{ all = [条件, 条件] }",
        "名称": "引用 [conditions] 中已命名的条件：\"hall\"",
    }
)
