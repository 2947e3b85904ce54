"""The after-certification policies of a rule set: subsidy, coverage targets and public notices.

[subsidy], [[coverage]] and [publication] are read here (the scoring vocabulary lives in kinds.py);
they feed the merge's eligibility and statistics columns and the published documents.
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..core.model import CoverageTarget, Publication, SubsidyPolicy

EXCLUDE_FLAGS = {"national_subsidy": "已享受国家级补助", "provincial_subsidy": "已享受省级补助"}
PUBLISHERS = {"county": "县（区）", "city": "市"}


def parse_subsidy(parser, raw, titles: tuple[str, ...]) -> SubsidyPolicy | None:
    if raw is None:
        return None
    where = "subsidy"
    if not isinstance(raw, dict):
        parser.problem(where, "[subsidy] 应为表")
        return None
    parser.unknown_keys(raw, {"amount", "titles", "payer", "fund", "exclude", "exclude_reason", "report_by",
                              "report_to", "source"}, where)
    amount = parser.number(raw, "amount", where)
    if amount <= 0:
        parser.problem(f"{where}.amount", "补助金额应为正数（元）")
    funded = tuple(raw.get("titles") or titles[:1])
    for title in funded:
        if title not in titles:
            parser.problem(f"{where}.titles", f"称号“{title}”不在 [levels] 的 titles 中")
    exclude = tuple(raw.get("exclude") or ())
    for flag in exclude:
        if flag not in EXCLUDE_FLAGS:
            parser.problem(f"{where}.exclude", f"“{flag}”不是名册中的补助标记（可用：{'、'.join(EXCLUDE_FLAGS)}）")
    report_by = str(raw.get("report_by", ""))
    if report_by and not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", report_by):
        parser.problem(f"{where}.report_by", "report_by 应写成“月-日”，如 \"12-20\"")
    return SubsidyPolicy(
        amount=amount, titles=funded, payer=parser.text(raw, "payer", where), fund=parser.text(raw, "fund", where),
        exclude=exclude, exclude_reason=parser.text(raw, "exclude_reason", where, required=bool(exclude)),
        report_by=report_by, report_to=parser.text(raw, "report_to", where, required=bool(report_by)),
        source=parser.text(raw, "source", where, required=False))


def parse_coverage(parser, raw) -> tuple[CoverageTarget, ...]:
    out = []
    for n, table in enumerate(raw or []):
        where = f"coverage[{n}]"
        if not isinstance(table, dict):
            parser.problem(where, "[[coverage]] 应为表：year、percent、label")
            continue
        parser.unknown_keys(table, {"year", "percent", "label"}, where)
        year = table.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
            parser.problem(f"{where}.year", "year 应为四位年份")
            year = 0
        percent = parser.number(table, "percent", where)
        if not 0 < percent <= 100:
            parser.problem(f"{where}.percent", "percent 应在 0 到 100 之间")
        out.append(CoverageTarget(year, percent, parser.text(table, "label", where)))
    years = [t.year for t in out]
    if years != sorted(years):
        parser.problem("coverage", "覆盖率目标应按年份由早到晚排列")
    return tuple(out)


def parse_publication(parser, raw) -> Publication:
    if raw is None:
        return Publication()
    where = "publication"
    if not isinstance(raw, dict):
        parser.problem(where, "[publication] 应为表")
        return Publication()
    parser.unknown_keys(raw, {"notice_days", "stages", "source"}, where)
    days = raw.get("notice_days", 5)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 60:
        parser.problem(f"{where}.notice_days", "notice_days 应为 1 到 60 的整数（工作日）")
        days = 5
    stages = tuple(raw.get("stages") or ("county", "city"))
    for stage in stages:
        if stage not in PUBLISHERS:
            parser.problem(f"{where}.stages", f"“{stage}”不是公示的层级（可用：{'、'.join(PUBLISHERS)}）")
    return Publication(days, stages, parser.text(raw, "source", where, required=False))


def coverage_target(targets: tuple[CoverageTarget, ...], year: int) -> CoverageTarget | None:
    """The target in force for `year`: the first whose year is not before it (the plan's milestones)."""
    return next((t for t in targets if t.year >= year), targets[-1] if targets else None)


def amount_text(amount: Fraction) -> str:
    return f"{float(amount):,.2f}"
