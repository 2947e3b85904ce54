"""Per-county statistics and the score distribution of the 分县统计 sheet."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..core.model import RuleSet, band_score
from ..rules.kinds import excel_number
from .model import SummaryRow


def score_bins(rs: RuleSet) -> list[tuple[str, float, float]]:
    """(label, low, high) bins: the level thresholds, and tens below the lowest one."""
    total = float(rs.total)
    floor = float(rs.levels.bands[0].min) if rs.levels.bands else total * 0.9
    edges = sorted({0.0, *(float(b.min) for b in rs.levels.bands), total,
                    *(floor - k * total / 10 for k in (1, 2, 3) if floor - k * total / 10 > 0)})
    out = []
    for low, high in zip(edges, edges[1:]):
        label = f"{excel_number(Fraction(str(low)))}–{excel_number(Fraction(str(high)))}"
        out.append((f"低于{excel_number(Fraction(str(high)))}" if low == 0 else label, low, high))
    return out


@dataclass
class CountyStats:
    county: str
    submitted: int = 0
    above: int = 0  # total at or above the lowest level band
    eligible: int = 0  # meets the rule set (threshold and gates)
    scores: list[float] = field(default_factory=list)

    def add(self, row: SummaryRow, rs: RuleSet) -> None:
        self.submitted += 1
        if row.total is not None:
            self.scores.append(float(row.total))
            score = band_score(rs, row.total, row.parts.get("base"), row.parts.get("penalty"))
            if rs.levels.bands and score >= rs.levels.bands[0].min:
                self.above += 1
        self.eligible += bool(row.eligible)

    @property
    def average(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else None

    @property
    def lowest(self) -> float | None:
        return min(self.scores) if self.scores else None

    def as_json(self) -> dict:
        return {"submitted": self.submitted, "above_threshold": self.above, "eligible": self.eligible,
                "average": self.average, "lowest": self.lowest}
