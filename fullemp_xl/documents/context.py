"""Who each document lists, and the values its tags get, from the summary (summary.load.Summary).

Who is listed comes from summary.status.standing alone — the same function that fills the summary's
拟认定名单 — so the documents and the summary cannot disagree. Every community the process would
otherwise consider but that is not listed is kept with the reason, for the terminal report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..summary.model import SummaryRow, normalise_name
from ..summary.status import standing
from ..core.model import RuleSet, score_label, score_name
from ..core.money import rmb_figures, rmb_words
from ..rules.kinds import excel_number
from ..rules.policies import EXCLUDE_FLAGS

COUNTY_NOTICE, CITY_NOTICE, CERTIFIED = "county_notice", "city_notice", "certified"
CHANGE_FOR_SUBSIDY = {"新认定": "新认定", "保持": "复查合格", "降级": "降级后认定", "免于评定": "免于评定"}


@dataclass(frozen=True)
class Entry:
    row: SummaryRow
    reason: str


@dataclass
class Selection:
    listed: list[SummaryRow] = field(default_factory=list)
    excluded: list[Entry] = field(default_factory=list)  # an official's decision excludes it
    pending: list[Entry] = field(default_factory=list)  # meets the rules, but the process has not got here yet
    conflicts: list[Entry] = field(default_factory=list)  # a decision asks for more than the rules allow


def counties(rows: list[SummaryRow]) -> list[str]:
    """County names in the summary's order, each once."""
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(normalise_name(row.county), row.county)
    return list(seen.values())


def in_county(rows: list[SummaryRow], county: str | None) -> list[SummaryRow]:
    if not county:
        return list(rows)
    key = normalise_name(county)
    return [r for r in rows if normalise_name(r.county) == key]


def select(rows: list[SummaryRow], ruleset: RuleSet, which: str, county: str | None = None) -> Selection:
    """The communities `which` (county_notice, city_notice or certified) lists, and why the others are not."""
    out = Selection()
    for row in in_county(rows, county):
        st = standing(row, ruleset.publication)
        if st.conflict:
            out.conflicts.append(Entry(row, st.conflict))
        if getattr(st, which):
            out.listed.append(row)
        elif row.eligible and st.excluded:
            out.excluded.append(Entry(row, st.excluded))
        elif row.eligible:
            out.pending.append(Entry(row, st.step))
    return out


# ---------------------------------------------------------------- values
def score_text(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{float(value):.2f}".rstrip("0").rstrip(".")


def basis_text(ruleset: RuleSet) -> str:
    """The document the rules come from, as a sentence cites it: 张人社通〔2023〕181号《…办法》."""
    source = re.sub(r"附件\s*\d+\s*$", "", ruleset.source).strip()
    if "《" not in source:
        m = re.match(r"^([^（(]+)(.*)$", source)
        source = f"《{m.group(1).strip()}》{m.group(2)}" if m else source
    return source


def rank(ruleset: RuleSet, level: str) -> int:
    titles = ruleset.levels.titles
    return titles.index(level) if level in titles else -1


PART_WORDS = {"base": "基础得分", "bonus": "加分", "penalty": "扣分"}


def parts_text(row: SummaryRow) -> str:
    """基础得分、加分、扣分 of a rule set with 加分项 or 扣分项, where they differ from the plain total ("" else)."""
    if not row.parts or row.total is None:
        return ""
    if row.parts.get("base") == row.total and not row.parts.get("bonus") and not row.parts.get("penalty"):
        return ""
    return "，".join(f"{PART_WORDS[k]}{score_text(v)}分" for k, v in row.parts.items() if k in PART_WORDS)


def row_values(row: SummaryRow, no: int) -> dict:
    remark = []
    parts = parts_text(row)
    if parts:
        remark.append(parts)
    if row.change == "降级" and row.prior_title:
        remark.append(f"原为{row.prior_title}")
    if row.recommend:
        remark.append(row.recommend)
    return {"no": no, "county": row.county, "street": row.street, "community": row.community, "code": row.code,
            "score": score_text(row.total), "level": row.level, "change": row.change, "remark": "；".join(remark),
            "parts": parts}


def common(summary, *, office: dict, date: str, doc_number: str, attachment: str) -> dict:
    rs = summary.ruleset
    return {"office": office, "doc_number": doc_number, "date": date, "year": summary.year,
            "jurisdiction": rs.jurisdiction, "basis": basis_text(rs), "title_name": rs.levels.titles[0],
            "designation": designation(rs), "score_name": score_name(rs),
            "threshold": threshold(rs), "attachment": attachment}


def designation(rs: RuleSet) -> str:
    """The one wording a rule set's documents use for what they list, in titles and attachment titles alike: its only
    title (市级充分就业社区), or 充分就业社区 when it certifies several levels."""
    return rs.levels.titles[0] if len(rs.levels.titles) == 1 else "充分就业社区"


def threshold(rs: RuleSet) -> str:
    return excel_number(rs.levels.bands[0].min) if rs.levels.bands else ""


def _groups(rows: list[SummaryRow], key) -> tuple[list[dict], list[dict]]:
    """(groups, rows): rows grouped by key(row) in first-seen order, 序号 running on across groups."""
    order: dict[str, list[SummaryRow]] = {}
    for row in rows:
        order.setdefault(key(row), []).append(row)
    groups, flat, no = [], [], 0
    for name, members in order.items():
        values = []
        for row in members:
            no += 1
            values.append(row_values(row, no))
        flat += values
        groups.append({"name": name, "count": len(values), "rows": values})
    return groups, flat


def notice_context(summary, listed: list[SummaryRow], *, stage: str, county: str, start: str, end: str, days: int,
                   base: dict) -> dict:
    rs = summary.ruleset
    gates = "、基本条件全部符合" if rs.gates and rs.levels.requires_gates else ""
    floor, read = threshold(rs), score_label(rs)  # the score the bands read: 综合得分, 总得分 or 不含加分的得分
    if stage == "county":
        criteria = f"{read}{floor}分以上{gates}且实地考察符合条件"
    elif "county" in rs.publication.stages:
        criteria = f"经县（区）公示无异议、推荐到市的{read}{floor}分以上{gates}"
    else:
        criteria = f"{read}{floor}分以上{gates}且考核合格"
    ordered = sorted(listed, key=lambda r: -rank(rs, r.level))  # stable: the summary's order within a title
    groups, rows = _groups(ordered, lambda r: r.level)
    return {**base, "stage": stage, "stage_name": "县（区）" if stage == "county" else "市", "county": county or "",
            "start": start, "end": end, "days": days, "rule": rs.publication.source, "criteria": criteria,
            "count": len(rows), "groups": groups, "rows": rows}


def notice_attachment(summary, stage: str, county: str | None) -> str:
    name = designation(summary.ruleset)
    if stage == "county":  # the attachment is read on its own page: it names its county
        return f"{county or ''}{summary.year}年度{name}拟推荐名单"
    return f"{summary.year}年度{name}拟认定名单"


def announcement_context(summary, listed: list[SummaryRow], *, base: dict) -> dict:
    rs = summary.ruleset
    by_county: dict[str, list[SummaryRow]] = {}
    for row in listed:
        by_county.setdefault(row.county, []).append(row)
    ordered = [r for rows in by_county.values() for r in sorted(rows, key=lambda r: -rank(rs, r.level))]
    groups, rows = _groups(ordered, lambda r: r.county)
    counts = [{"level": t, "count": sum(r.level == t for r in listed)} for t in reversed(rs.levels.titles)]
    return {**base, "count": len(rows), "level_counts": [c for c in counts if c["count"]], "groups": groups, "rows": rows}


def announcement_attachment(summary) -> str:
    return f"{summary.year}年度{designation(summary.ruleset)}名单"


# ---------------------------------------------------------------- subsidy
@dataclass
class SubsidyList:
    county: str
    funded: list[SummaryRow] = field(default_factory=list)
    excluded: list[Entry] = field(default_factory=list)

    def total(self, amount: Decimal) -> Decimal:
        return amount * len(self.funded)


def subsidy_lists(summary) -> list[SubsidyList]:
    """Per county: the certified communities the policy funds, and those it excludes with the reason."""
    rs = summary.ruleset
    policy = rs.subsidy
    out: dict[str, SubsidyList] = {}
    for row in summary.rows:
        st = standing(row, rs.publication)
        if not st.certified or row.level not in policy.titles:
            continue
        entry = out.setdefault(normalise_name(row.county), SubsidyList(row.county))
        flags = [EXCLUDE_FLAGS[f] for f in policy.exclude if getattr(row, f, False)]
        unknown = [EXCLUDE_FLAGS[f] for f in policy.exclude if getattr(row, f, False) is None]
        if unknown:  # as the summary's 补助资格 says: 待核实, not paid until the registry says
            entry.excluded.append(Entry(row, f"待核实：社区名册缺少“{'”“'.join(unknown)}”列，无法核对是否已享受补助；"
                                             "名册补上后重新汇总"))
        elif flags:
            entry.excluded.append(Entry(row, f"{'、'.join(flags)}，不再重复享受{row.level}补助"))
        elif row.in_registry is False:  # as the summary's 补助资格 says: not checkable, so not paid
            entry.excluded.append(Entry(row, "不在社区名册中，无法核对是否已享受国家级、省级补助；核对后另行处理"))
        else:
            entry.funded.append(row)
    return list(out.values())


def amount_of(policy) -> Decimal:
    return Decimal(policy.amount.numerator) / Decimal(policy.amount.denominator)


def money_text(value: Decimal) -> str:
    return f"{value:,.2f}"


def subsidy_context(summary, lst: SubsidyList, *, subsidy_year: int, report_by: str, base: dict) -> dict:
    rs = summary.ruleset
    policy = rs.subsidy
    amount = amount_of(policy)
    total = lst.total(amount)
    funded = [{"no": n, "street": r.street, "community": r.community, "level": r.level,
               "change": CHANGE_FOR_SUBSIDY.get(r.change, r.change or "认定"), "amount": money_text(amount)}
              for n, r in enumerate(lst.funded, start=1)]
    excluded = [{"no": n, "street": e.row.street, "community": e.row.community, "level": e.row.level, "reason": e.reason}
                for n, e in enumerate(lst.excluded, start=1)]
    return {**base, "county": lst.county, "subsidy_year": subsidy_year, "amount": money_text(amount),
            "amount_words": rmb_words(amount), "payer": policy.payer, "fund": policy.fund, "policy": policy.source,
            "exclude_reason": policy.exclude_reason, "funded": funded, "funded_count": len(funded),
            "total": money_text(total), "total_figures": rmb_figures(total), "total_words": rmb_words(total),
            "excluded": excluded, "excluded_count": len(excluded), "report_by": report_by, "report_to": policy.report_to}
