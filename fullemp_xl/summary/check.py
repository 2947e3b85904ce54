"""One check of a summary: the problems every command that reads a summary reports, the same way.

notice, announce, subsidy, `registry next` and the Excel buttons report `check_summary` (exit 1 when
there is any); merge and --refresh mark the same cells in the 汇总 sheet (colour and a note, gone once
fixed). A problem names the community and, where it has one, the column of the cell to look at.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.model import RuleSet
from ..summary import columns as C
from ..summary.model import SummaryRow
from ..summary.status import standing

@dataclass(frozen=True)
class Problem:
    county: str
    street: str
    community: str
    column: str  # the 汇总 column key of the cell to look at ("" when none)
    message: str

    def __str__(self) -> str:
        return f"{self.county} {self.street} {self.community}：{self.message}"


def row_problems(row: SummaryRow, ruleset: RuleSet) -> list[Problem]:
    """What is wrong with one community's row: a value that is not one of its column's choices, a decision
    that asks for more than the rule set allows."""
    who = (row.county, row.street, row.community)
    out = []
    columns = {c.key: c for c in C.official_columns(ruleset)} if row.decisions.invalid else {}
    for key, raw in row.decisions.invalid.items():
        col = columns.get(key) or next(c for c in C.OFFICIAL if c.key == key)
        out.append(Problem(*who, key, f"“{col.header}”填了“{raw[:20]}”，应为{' / '.join(col.choices)}之一；按未填写处理"))
    conflict = standing(row, ruleset.publication).conflict
    if conflict:
        out.append(Problem(*who, "final", conflict))
    return out


def check_summary(summary) -> list[Problem]:
    """Every problem of a summary (summary.load.Summary), in the summary's order."""
    out: list[Problem] = []
    for row in summary.rows:
        out += row_problems(row, summary.ruleset)
    out += getattr(summary, "extra_problems", [])
    return out
