"""Write identity fields and base data into a form by defined name (demo, and the ledger fill later)."""
from __future__ import annotations

from ..core.model import RuleSet
from . import names
from .book import Book, locate


def _cell_value(value):
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value


def fill_form(book: Book, values: dict[str, object]) -> list[str]:
    """Write name -> value; returns the names this form does not have (nothing is written for them)."""
    missing = []
    for name, value in values.items():
        loc = locate(book, name)
        if loc is None:
            missing.append(name)
            continue
        book.write(loc.sheet, loc.cell, _cell_value(value))
    return missing


def assessment_values(ruleset: RuleSet, identity: dict[str, str], stages: dict[str, dict[str, object]],
                      prior_title: str = "", prior_year: int | None = None) -> dict[str, object]:
    """The name -> value mapping for a 考评表 from plain identity and per-stage base data."""
    out: dict[str, object] = {name: identity.get(label, identity.get(name)) for name, label in names.IDENTITY.items()}
    out[names.PRIOR_TITLE] = prior_title or "无"
    out[names.PRIOR_YEAR] = prior_year
    for stage, facts in stages.items():
        for fact_id, value in facts.items():
            if fact_id not in ruleset.facts:
                raise KeyError(f"规则集 {ruleset.id} 没有基础数据“{fact_id}”")
            out[names.fact(stage, fact_id)] = value
    return out
