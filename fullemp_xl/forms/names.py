"""Stable ASCII defined names for every field; code addresses cells by these, never by coordinate."""
from __future__ import annotations

from ..core.model import Item, RuleSet, Section

TEMPLATE_VERSION = "1"
ASSESSMENT, DECLARATION, NO_TITLE = "考评表", "申报表", "无"
META_SHEET = "fe_meta"

COUNTY, STREET, COMMUNITY = "fe_county", "fe_street", "fe_community"
PRIOR_TITLE, PRIOR_YEAR = "fe_prior_title", "fe_prior_year"
IDENTITY = {COUNTY: "县（区）", STREET: "街道（乡镇）", COMMUNITY: "社区"}
CODE = "fe_meta_code"  # the registry's 社区代码, stamped by `fill --registry` (hidden; blank in a plain template)
META = {
    "fe_meta_form": "表单",
    "fe_meta_ruleset": "规则集",
    "fe_meta_ruleset_version": "规则集版本",
    "fe_meta_template_version": "模板版本",
    "fe_meta_ruleset_digest": "规则集指纹",
    CODE: "社区代码",
}


def fact(stage: str, fact_id: str) -> str:
    return f"fe_{stage}_{fact_id}"


def score(stage: str, item: Item) -> str:
    return f"fe_score_{stage}_{item.key}"


def reason(stage: str, item: Item) -> str:
    return f"fe_reason_{stage}_{item.key}"


def section(stage: str, sec: Section) -> str:
    return f"fe_section_{stage}_{sec.id}"


def total(stage: str) -> str:
    return f"fe_total_{stage}"


def base(stage: str) -> str:
    """基础得分 (the sections of the full mark) of a rule set with 加分项 or 扣分项; else the total is it."""
    return f"fe_base_{stage}"


def gate(stage: str) -> str:
    return f"fe_gate_{stage}"


def level(stage: str) -> str:
    return f"fe_level_{stage}"


def opinion(stage: str) -> str:
    return f"fe_opinion_{stage}"


def fact_cells(ruleset: RuleSet) -> dict[str, tuple[str, str]]:
    """name -> (stage id, fact id) for every base-data cell."""
    return {fact(s.id, f): (s.id, f) for s in ruleset.stages for f in ruleset.facts}


def rate(stage: str, rate_id: str) -> str:
    return f"fe_rate_{stage}_{rate_id}"


UNIT_LINE = "fe_unit_line"
DECLARATION_FIELDS = {
    "fe_basic_info": "社区基本情况",
    "fe_work_info": "社区工作情况",
    "fe_opinion_street": "街道（乡镇）推荐意见",
    "fe_opinion_county": "县（区）人力资源和社会保障部门推荐意见",
    "fe_opinion_city": "市人力资源和社会保障部门审核意见",
    "fe_date_street": "街道（乡镇）盖章日期",
    "fe_date_county": "县（区）盖章日期",
    "fe_date_city": "市盖章日期",
}


MONITOR_SHEET = "就业率监测"
DATA_SHEET = "基础数据"


def monitor(kind: str, month: int) -> str:
    """kind: month (the label cell), employed, unemployed, total, rate, ok."""
    return f"fe_mon_{kind}_{month:02d}"


def note(fact_id: str) -> str:
    """The 计算说明 cell of a base-data row (which ledger rows were counted, and why)."""
    return f"fe_note_{fact_id}"


REGISTRY_SHEET, LEDGER_SHEET, LEDGER_INFO_SHEET = "社区名册", "台账", "单位信息"

LEDGER_PATH, FILL_STAGE = "fe_ledger_path", "fe_fill_stage"
