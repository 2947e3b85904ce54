"""The rule vocabulary: the parts an item's score is the sum of, and the fixed registry of their kinds.

Every kind knows its two meanings side by side — `score` for the Python engine and `excel` for the
term written into the 考评表's formula — so that a reader can check they agree; the LibreOffice
differential test checks it for real. `fields` names the placeholders its reason can use, and
`score` fills exactly those. Conditions (what `require` holds) live in `conditions`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from .conditions import (  # noqa: F401  (re-exported: the vocabulary in one place)
    CONDITION_FORMS, EXCEL_OP, OP_WORDS, OPS, AllOf, FactTest, Get, RateTest, Ref, excel_number, percent_text,
)

PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = MappingProxyType(
    {
        "points": "这一条扣去（或没有得到）的分数；veto 中为本项标准分",
        "n": "人数、户数或件数：本条所数的基础数据（比率条件中为分子）",
        "total": "比率的分母，如登记失业人员数",
        "rate": "比率或百分数，如 85.7%（分母为0时写作“无（分母为0）”）",
        "target": "目标数（shortfall 的 target）",
        "short": "比目标少的数（shortfall）",
        "max": "封顶的分数（per_unit_award 的最高分；per_unit、shortfall 最多扣的分）",
    }
)
REASON_FIELDS = frozenset(PLACEHOLDERS)


def fill_reason(template: str, **values) -> str:
    """Replace {n} {points} {rate}… in a reason; never str.format (no attribute access from rule files)."""
    def one(match: re.Match) -> str:
        value = values.get(match.group(1))
        if isinstance(value, Fraction):
            return excel_number(value)
        return match.group(0) if value is None else str(value)

    return PLACEHOLDER.sub(one, template)


@dataclass(frozen=True)
class Outcome:
    points: Fraction  # contribution to the item's sum
    lost: Fraction  # points this part did not give (for the reason)
    reason: str = ""


ZERO = Fraction(0)  # one shared constant: Fractions are immutable, and scoring a merge makes many
NOTHING = Outcome(ZERO, ZERO)


def _capped(expr: str, cap: Fraction | None) -> str:
    return expr if cap is None else f"MIN({excel_number(cap)},{expr})"


@dataclass(frozen=True)
class Base:
    """Points every community starts with; deductions come off them (每一项不到位扣5分)."""

    points: Fraction

    max_points = property(lambda self: self.points)

    def facts(self, rates):
        return ()

    def fields(self, rates):
        return frozenset()

    def score(self, get: Get, rates) -> Outcome:
        return Outcome(self.points, ZERO)

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

    def fields(self, rates):
        return self.require.fields(rates) | {"points"}

    def score(self, get: Get, rates) -> Outcome:
        if self.require.holds(get, rates):
            return Outcome(self.points, ZERO)
        text = fill_reason(self.reason, points=self.points, **self.require.values(get, rates))
        return Outcome(ZERO, self.points, text)

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

    def fields(self, rates):
        return self.require.fields(rates) | {"points"}

    def score(self, get: Get, rates) -> Outcome:
        if self.require.holds(get, rates):
            return NOTHING
        text = fill_reason(self.reason, points=self.points, **self.require.values(get, rates))
        return Outcome(-self.points, self.points, text)

    def excel(self, ref: Ref, rates) -> str:
        return f"-IF({self.require.excel(ref, rates)},0,{excel_number(self.points)})"


@dataclass(frozen=True)
class PerUnit:
    """Points taken off for every person or thing counted (存在未登记一人扣3分), at most `max` (最多扣10分)."""

    points: Fraction
    fact: str
    reason: str
    max: Fraction | None = None

    max_points = property(lambda self: Fraction(0))

    def facts(self, rates):
        return (self.fact,)

    def fields(self, rates):
        return frozenset({"points", "n"} | ({"max"} if self.max is not None else set()))

    def score(self, get: Get, rates) -> Outcome:
        n = get(self.fact)
        if not n:
            return NOTHING
        lost = self.points * n if self.max is None else min(self.max, self.points * n)
        return Outcome(-lost, lost, fill_reason(self.reason, n=n, points=lost, max=self.max))

    def excel(self, ref: Ref, rates) -> str:
        return "-" + _capped(f"{excel_number(self.points)}*{ref(self.fact)}", self.max)


@dataclass(frozen=True)
class PerUnitAward:
    """Points for every person or thing counted, up to a cap (每帮助一名失业人员再就业得1分，最高10分)."""

    points: Fraction
    fact: str
    max: Fraction
    reason: str

    max_points = property(lambda self: self.max)

    def facts(self, rates):
        return (self.fact,)

    def fields(self, rates):
        return frozenset({"points", "n", "max"})

    def score(self, get: Get, rates) -> Outcome:
        n = get(self.fact)
        got = min(self.max, self.points * n)
        lost = self.max - got
        if not lost:
            return Outcome(got, lost)
        return Outcome(got, lost, fill_reason(self.reason, n=n, points=lost, max=self.max))

    def excel(self, ref: Ref, rates) -> str:
        return _capped(f"{excel_number(self.points)}*{ref(self.fact)}", self.max)


@dataclass(frozen=True)
class Shortfall:
    """Points taken off for every unit a count falls short of its target (每少一人扣2分，扣完为止).

    The target is another fact (任务数) or a fixed number; `max` caps what this part can take off.
    """

    points: Fraction
    fact: str
    reason: str
    target_fact: str | None = None
    target_value: Fraction | None = None
    max: Fraction | None = None

    max_points = property(lambda self: Fraction(0))

    def facts(self, rates):
        return (self.fact,) + ((self.target_fact,) if self.target_fact else ())

    def fields(self, rates):
        return frozenset({"points", "n", "target", "short"} | ({"max"} if self.max is not None else set()))

    def score(self, get: Get, rates) -> Outcome:
        n = get(self.fact)
        target = get(self.target_fact) if self.target_fact else self.target_value
        short = max(ZERO, Fraction(target) - n)
        if not short:
            return NOTHING
        lost = self.points * short if self.max is None else min(self.max, self.points * short)
        return Outcome(-lost, lost, fill_reason(self.reason, n=n, target=Fraction(target), short=short,
                                                points=lost, max=self.max))

    def excel(self, ref: Ref, rates) -> str:
        target = ref(self.target_fact) if self.target_fact else excel_number(self.target_value)
        return "-" + _capped(f"{excel_number(self.points)}*MAX(0,{target}-{ref(self.fact)})", self.max)


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

    def fields(self, rates):
        return self.bands[0].require.fields(rates) | {"points"}

    def score(self, get: Get, rates) -> Outcome:
        got = next((b.points for b in self.bands if b.require.holds(get, rates)), ZERO)
        lost = self.max_points - got
        if not lost:
            return Outcome(got, lost)
        return Outcome(got, lost, fill_reason(self.reason, points=lost, **self.bands[0].require.values(get, rates)))

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

    def fields(self, rates):
        return self.require.fields(rates) | {"points"}

    def vetoes(self, get: Get, rates, points: Fraction | None = None) -> str | None:
        """The reason when the item is vetoed (`points`: the item's 标准分, for {points}), else None."""
        if self.require.holds(get, rates):
            return None
        return fill_reason(self.reason, points=points, **self.require.values(get, rates))

    def excel(self, ref: Ref, rates) -> str:
        return self.require.excel(ref, rates)


# The fixed registry: a rule file names one of these in `kind`; nothing else is accepted.
PART_KINDS = MappingProxyType(
    {
        "base": (Base, "起始分：在此基础上扣分（如“每一项不到位扣5分”）", ("points",)),
        "award": (Award, "条件成立得分，否则不得该部分分（如“提供服务的给6分”）", ("points", "require", "reason")),
        "deduct": (Deduct, "条件不成立扣分（如“提供服务无记录扣2分”）", ("points", "require", "reason")),
        "per_unit": (PerUnit, "按人数或件数扣分，可设最多扣几分（如“存在未登记一人扣3分”）", ("points", "fact", "[max]", "reason")),
        "per_unit_award": (PerUnitAward, "按人数或件数得分，最高不超过封顶分（如“每帮助一人再就业得1分，最高10分”）",
                           ("points", "fact", "max", "reason")),
        "shortfall": (Shortfall, "比目标每少一人（件）扣分，扣完为止（如“每少一人扣2分”）",
                      ("points", "fact", "target", "[max]", "reason")),
        "bands": (Bands, "分档计分，取第一个成立的档次（如“高于90%得5分，80-90%得3分”）", ("rate|fact", "bands", "reason")),
        "veto": (Veto, "一票否决：条件不成立本项0分（如“再就业率低于90%不得分”）", ("require", "reason")),
    }
)
