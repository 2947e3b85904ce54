"""Where a community stands in the process, from the engine's result and the officials' decisions.

One function decides who the county 公示, the city 公示 and the 认定公告 list, so that the summary's
拟认定名单 and the published documents can never disagree. An official's decision can exclude a
community (实地考察 不符合, 公示 有异议, 不予认定, 民政 撤销) but never include one the rule set does not
support: that is reported as a conflict instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.model import Publication
from .model import SummaryRow


@dataclass(frozen=True)
class Standing:
    meets: bool  # the rule set supports a title (threshold and gates)
    county_notice: bool  # listed in the county 公示
    city_notice: bool  # listed in the city 公示 (recommended by the county, or passed the city's own inspection)
    certified: bool  # finally certified (最终认定 = 认定)
    excluded: str  # why an official's decision excludes it ("" if none)
    conflict: str  # a decision that asks for more than the rule set allows ("" if none)
    step: str  # what comes next, in a word or two, for the 拟认定名单


def _step_name(publication: Publication, kind: str, default: str) -> str:
    """The rule set's own name of a step of its review process (张掖 实地考察, 齐齐哈尔 实地考核; 认定 or 评定)."""
    return next((step.name for stage in publication.process if (step := stage.step(kind))), default)


def standing(row: SummaryRow, publication: Publication) -> Standing:
    d = row.decisions
    inspection = _step_name(publication, "inspection", "实地考察")
    excluded = ""
    if d.civil == "撤销":
        excluded = "民政部门已撤销该社区"
    elif d.inspection == "不符合":
        excluded = f"{inspection}不符合"
    elif d.objection == "有":
        excluded = "公示期内有异议"
    elif d.city_objection == "有" and "county" in publication.stages:
        excluded = "市级公示期内有异议"
    elif d.final == "不予认定":
        excluded = "最终不予认定"
    conflict = ""
    if not row.eligible and d.final == "认定":
        conflict = f"“最终认定”填了“认定”，但按评分规则不能认定（{row.level or '得分未算出'}），不予列入"
    ok = row.eligible and not excluded
    inspected = ok and d.inspection == "符合"
    if "county" in publication.stages:
        county_notice = inspected
        city_notice = county_notice and d.objection == "无"
    else:
        county_notice = False
        city_notice = inspected
    certified = ok and d.final == "认定"
    if not row.eligible:
        step = "不符合认定条件"
    elif excluded:
        step = excluded
    elif certified:
        step = "已认定"
    elif not d.inspection:
        step = f"待{inspection}"
    elif "county" in publication.stages and not d.objection:
        step = "县区公示中"
    elif not d.final:
        step = f"待市级{_step_name(publication, 'certify', '认定')}"
    else:
        step = "待认定"
    return Standing(row.eligible, county_notice, city_notice, certified, excluded, conflict, step)
