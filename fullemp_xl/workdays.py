"""Chinese working days: statutory holidays and make-up working days (调休), with a user override.

The calendar comes from the maintained `chinese-calendar` package. For a year it does not know yet,
the caller supplies that year's holidays and make-up days (from the State Council's notice); without
them the count falls back to Monday–Friday and says so in a warning.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset = field(default_factory=frozenset)  # extra days off (override)
    workdays: frozenset = field(default_factory=frozenset)  # extra make-up working days (override)

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, was the official calendar known for it)."""
        if day in self.holidays:
            return False, True
        if day in self.workdays:
            return True, True
        try:
            import chinese_calendar

            return chinese_calendar.is_workday(day), True
        except (NotImplementedError, ImportError):
            # a year the user supplied the notice for is known: its listed days off and make-up days, else Mon–Fri
            return day.weekday() < 5, day.year in self.years

    @property
    def years(self) -> set[int]:
        return {d.year for d in self.holidays | self.workdays}


def add_workdays(start: dt.date, n: int, calendar: Calendar = Calendar()) -> tuple[dt.date, list[str]]:
    """The date n working days after start (start itself not counted, as Excel's WORKDAY)."""
    step = 1 if n >= 0 else -1
    day, left, unknown = start, abs(n), set()
    while left:
        day += dt.timedelta(days=step)
        working, known = calendar.is_workday(day)
        if not known:
            unknown.add(day.year)
        if working:
            left -= 1
    warnings = [f"{year}年的法定节假日和调休安排尚未收录，已只按周末计算；请提供该年的节假日和调休上班日"
                for year in sorted(unknown)]
    return day, warnings
