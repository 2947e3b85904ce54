"""Checks of ledger rows: ID numbers, duplicates, dates, and the rule set's contradictions."""
from __future__ import annotations

import datetime as dt

from ..core.idnumber import birth_date, mask, problem
from ..core.model import Finding, LedgerSpec, Location
from ..ooxml.a1 import column_letter
from .count import matcher
from .read import Ledger


def check_ledger(ledger: Ledger, spec: LedgerSpec, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    out: list[Finding] = []
    order = [c.id for c in spec.columns]
    id_cols = [c for c in spec.columns if c.type == "id"]
    date_cols = [c for c in spec.columns if c.type == "date"]

    def where(row: int, col_id: str) -> Location:
        return Location(ledger.file, ledger.sheet, f"{column_letter(order.index(col_id) + 1)}{row}")

    seen: dict[str, int] = {}
    for number, row in ledger.rows:
        born = None
        for col in id_cols:
            value = row.get(col.id) or ""
            if (number, col.id) in ledger.unreadable:
                continue  # reported by the reader (an ID stored as a number)
            if not value:
                out.append(Finding("ledger.id_missing", "error", f"第{number}行：没有填公民身份号码（实名制台账每人必填）",
                                   where(number, col.id), col.label))
                continue
            reason = problem(value, today)
            if reason:
                out.append(Finding("ledger.id_invalid", "error", f"第{number}行：{reason}{_masked(value)}",
                                   where(number, col.id), col.label))
                continue
            born = birth_date(value)
            if value in seen:
                out.append(Finding("ledger.duplicate", "error",
                                   f"第{number}行与第{seen[value]}行是同一个人{_masked(value)}，重复的人会被多算",
                                   where(number, col.id), col.label))
            else:
                seen[value] = number
        for col in date_cols:
            day = row.get(col.id)
            if day is None:
                continue
            if day > today:
                out.append(Finding("ledger.date_future", "error", f"第{number}行：{col.label}{day:%Y-%m-%d}晚于今天",
                                   where(number, col.id), col.label))
            elif born and day < born:
                out.append(Finding("ledger.date_before_birth", "error", f"第{number}行：{col.label}{day:%Y-%m-%d}早于出生日期",
                                   where(number, col.id), col.label))
    for rule in spec.contradictions:
        match = matcher(rule.when, spec)
        first = rule.when[0]
        col_id = getattr(first, "col", order[0])
        for number, row in ledger.rows:
            if match(row):
                out.append(Finding("ledger.contradiction", rule.severity, f"第{number}行：{rule.message}",
                                   where(number, col_id), spec.column(col_id).label))
    return out


def _masked(value: str) -> str:
    """（620702************） when the value starts with a region code; nothing else is ever shown."""
    shown = mask(value)
    return "" if shown.startswith("*") else f"（{shown}）"
