"""Monthly employment-rate monitoring (齐齐哈尔 2022 三（五）3): 从业 / (从业 + 失业) × 100% ≥ 95%.

Read from the 申报表's 就业率监测 sheet by defined name; every month with data is judged exactly
(employed × 100 ≥ percent × (employed + unemployed)), the same comparison the sheet's formula makes.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..forms import names
from ..forms.book import Book, locate
from ..core.model import Finding, Location, Monitor
from ..core.numbers import parse_count, shown
from ..rules.kinds import excel_number, percent_text
from ..writing.text import Formula


@dataclass(frozen=True)
class MonthResult:
    month: int
    employed: int | None
    unemployed: int | None
    rate: Fraction | None  # None: not filled, or nobody economically active
    met: bool | None  # None: not filled

    def as_json(self) -> dict:
        return {"month": self.month, "employed": self.employed, "unemployed": self.unemployed,
                "rate": None if self.rate is None else float(self.rate), "met": self.met}


def judge(monitor: Monitor, month: int, employed: int | None, unemployed: int | None) -> MonthResult:
    if employed is None or unemployed is None:
        return MonthResult(month, employed, unemployed, None, None)
    active = employed + unemployed
    if active == 0:
        return MonthResult(month, employed, unemployed, None, None)
    return MonthResult(month, employed, unemployed, Fraction(employed, active),
                       employed * 100 >= monitor.percent * active)


def read_monitor(book: Book, monitor: Monitor) -> tuple[list[MonthResult], list[Finding]]:
    results, findings = [], []
    for month in range(1, monitor.months + 1):
        label_loc = locate(book, names.monitor("month", month))
        if label_loc is None:
            findings.append(Finding("monitor.missing", "error", f"找不到{month}月所在的行：可能被删除了，请换用新模板",
                                    Location(book.file, names.MONITOR_SHEET)))
            continue
        label = book.read(label_loc.sheet, label_loc.cell)
        if str(label).strip() != f"{month}月":
            findings.append(Finding("monitor.order", "error", f"月份被改动或顺序被打乱：这一行应为“{month}月”，实际为“{shown(label)}”",
                                    label_loc, "月份"))
        values, locs = {}, {}
        for kind, what in (("employed", monitor.employed_label), ("unemployed", monitor.unemployed_label)):
            loc = locate(book, names.monitor(kind, month))
            locs[kind] = loc
            raw = None if loc is None else book.read(loc.sheet, loc.cell)
            parsed = parse_count(raw)
            if parsed.problem:
                findings.append(Finding("value.invalid", "error", parsed.problem, loc, f"{month}月{what}"))
            elif parsed.note:
                findings.append(Finding("value.normalised", "warning", parsed.note, loc, f"{month}月{what}"))
            values[kind] = parsed.value
        filled = [k for k, v in values.items() if v is not None]
        if len(filled) == 1:
            missing = "unemployed" if filled == ["employed"] else "employed"
            what = monitor.unemployed_label if missing == "unemployed" else monitor.employed_label
            findings.append(Finding("monitor.partial", "error", f"{month}月只填了一半：请填写{what}（没有的填0）",
                                    locs[missing], f"{month}月{what}"))
        result = judge(monitor, month, values["employed"], values["unemployed"])
        if result.met is False:
            findings.append(Finding("monitor.below", "warning",
                                    f"{month}月{monitor.label}{percent_text(result.rate)}，低于{percent_text(monitor.percent / 100)}",
                                    locate(book, names.monitor("rate", month)) or locs["employed"], f"{month}月{monitor.label}"))
        results.append(result)
    return results, findings


def formulas_for(monitor: Monitor) -> dict[str, str]:
    """defined name -> formula for the monitor sheet (checked and restored like the 考评表's)."""
    out = {}
    for month in range(1, monitor.months + 1):
        emp, unemp = names.monitor("employed", month), names.monitor("unemployed", month)
        total = names.monitor("total", month)
        out[total] = Formula(f'=IF(AND(ISNUMBER({emp}),ISNUMBER({unemp})),{emp}+{unemp},"")')
        out[names.monitor("rate", month)] = Formula(f'=IF({total}="","",IF({total}=0,"—",{emp}/{total}))')
        out[names.monitor("ok", month)] = Formula(f'=IF({total}="","",IF({total}=0,"—",'
                                                  f'IF({emp}*100>={excel_number(monitor.percent)}*{total},"是","否")))')
    return out
