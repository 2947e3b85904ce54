"""Count base data from ledger rows, as the rule set's [ledger] says, with a 计算说明 for each value.

Each condition is compiled once into a small function over a row; explanations name row numbers,
never people.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ..core.model import LedgerSpec, RowAny
from ..rules.kinds import OPS, OP_WORDS


@dataclass(frozen=True)
class Counted:
    fact: str
    value: int | bool
    rows: tuple[int, ...]  # the rows counted (or, for a yes/no value, the rows that made it 否)
    note: str  # 计算说明


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def compile_test(test, spec: LedgerSpec):
    if isinstance(test, RowAny):
        parts = [compile_test(t, spec) for t in test.tests]
        return lambda row: any(p(row) for p in parts)
    col = test.col
    if test.kind == "flag":
        expect = test.expect
        return lambda row: row[col] is expect
    if test.kind == "filled":
        expect = test.expect
        return lambda row: (row[col] not in (None, "")) is expect
    if test.kind == "compare":
        op, value = OPS[test.op], test.value
        return lambda row: row[col] is not None and op(Fraction(row[col]), value)
    months, other = test.months, test.of
    return lambda row: (row[col] is not None and row[other] is not None
                        and row[other] <= row[col] <= add_months(row[other], months))


def describe(test, spec: LedgerSpec) -> str:
    if isinstance(test, RowAny):
        return "（" + "或".join(describe(t, spec) for t in test.tests) + "）"
    label = spec.column(test.col).label
    if test.kind == "flag":
        return f"{label}为“{'是' if test.expect else '否'}”"
    if test.kind == "filled":
        return f"{label}{'已填' if test.expect else '未填'}"
    if test.kind == "compare":
        return f"{label}{OP_WORDS[test.op]}{test.value}"
    return f"{label}在{spec.column(test.of).label}之后{test.months}个月内"


def matcher(tests: tuple, spec: LedgerSpec):
    parts = [compile_test(t, spec) for t in tests]
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda row: a(row) and b(row)
    return lambda row: all(p(row) for p in parts)


def row_ranges(rows) -> str:
    """[2,3,4,7] -> '第2–4、7行'; long lists end with '等'."""
    rows = sorted(rows)
    if not rows:
        return "无"
    spans, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            spans.append((start, prev))
            start = r
        prev = r
    spans.append((start, prev))
    text = "、".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:40])
    return f"第{text}{'等' if len(spans) > 40 else ''}行"


def count_all(spec: LedgerSpec, rows: list[tuple[int, dict]], ledger_name: str) -> dict[str, Counted]:
    out: dict[str, Counted] = {}
    for fact, rule in spec.counts.items():
        match = matcher(rule.where, spec)
        hits = [(n, r) for n, r in rows if match(r)]
        rows_hit = tuple(n for n, _ in hits)
        why = "且".join(describe(t, spec) for t in rule.where)
        if rule.distinct:
            value = len({r[rule.distinct] for _, r in hits})
            label = spec.column(rule.distinct).label
            note = f"{value}（按“{label}”去重）：{ledger_name} 中{why}的{row_ranges(rows_hit)}"
        else:
            value = len(hits)
            note = f"{value}：{ledger_name} 中{why}的{row_ranges(rows_hit)}"
        out[fact] = Counted(fact, value, rows_hit, note)
    for fact, rule in spec.flags.items():
        among, require = matcher(rule.among, spec), matcher(rule.require, spec)
        scope = [(n, r) for n, r in rows if among(r)]
        failing = tuple(n for n, r in scope if not require(r))
        who = "且".join(describe(t, spec) for t in rule.among)
        need = "且".join(describe(t, spec) for t in rule.require)
        if failing:
            note = f"否：{ledger_name} 中{who}的{len(scope)}人里，{row_ranges(failing)}不满足“{need}”"
        else:
            note = f"是：{ledger_name} 中{who}的{len(scope)}人均满足“{need}”" if scope else f"是：{ledger_name} 中没有{who}的人"
        out[fact] = Counted(fact, not failing, failing, note)
    return out


def monthly(spec: LedgerSpec, rows: list[tuple[int, dict]], year: int) -> dict[int, tuple[int, int]]:
    """month -> (employed, unemployed) from the rows' dates, as [ledger.monitor] defines the states.

    Employed in a month: started by its last day (or no start date) and not left before its first day.
    Unemployed in a month: registered by its last day and not re-employed by its last day.
    """
    if not spec.monitor:
        return {}
    employed, unemployed = spec.monitor["employed"], spec.monitor["unemployed"]
    is_employed, is_unemployed = matcher(employed.where, spec), matcher(unemployed.where, spec)
    result = {}
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        working = sum(1 for _, r in rows if is_employed(r)
                      and (r[employed.start] is None or r[employed.start] <= last)
                      and (r[employed.end] is None or r[employed.end] >= first))
        looking = sum(1 for _, r in rows if is_unemployed(r)
                      and (r[unemployed.start] is None or r[unemployed.start] <= last)
                      and (r[unemployed.end] is None or r[unemployed.end] > last))
        result[month] = (working, looking)
    return result
