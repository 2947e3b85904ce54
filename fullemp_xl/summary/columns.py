"""The columns of the 汇总 sheet: one list that the writer lays out and the loader reads back by header.

Columns are found by their header text, never by position, so officials may move, hide or add
columns; the item columns depend on the rule set ("3.1（10分）").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..core.model import RuleSet
from ..rules.kinds import excel_number

INSPECTION = ("符合", "不符合")
OBJECTION = ("无", "有")
FINAL = ("认定", "不予认定")
CIVIL = ("无", "撤销", "合并", "更名")
ITEM_HEADER = re.compile(r"^(?P<id>[0-9A-Za-z.]+)（[0-9.]+分）$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    kind: str = "text"  # text, int, number, flag (是/否), link, choice
    choices: tuple[str, ...] = ()
    official: bool = False  # typed by officials, kept across re-runs
    prompt: str = ""


IDENTITY = (
    Column("no", "序号", 5, "int"),
    Column("county", "县（区）", 10),
    Column("street", "街道（乡镇）", 12),
    Column("community", "社区", 14),
)
RESULT = (
    Column("total", "认定得分", 8, "number"),
    Column("gates", "基本条件", 8),
    Column("level", "认定结论", 18),
    Column("eligible", "符合认定条件", 8, "flag"),
    Column("prior_title", "原有称号", 16),
    Column("change", "变化", 7),
    Column("subsidy", "补助资格", 18),
    Column("errors", "错误数", 6, "int"),
)
OFFICIAL = (  # every officials' column; a rule set's summary has those of its process (official_columns)
    Column("inspection", "实地考察", 8, "choice", INSPECTION, True, "实地考察的结论：符合 / 不符合"),
    Column("objection", "公示异议", 8, "choice", OBJECTION, True, "公示期内有无异议：无 / 有"),
    Column("city_objection", "市级公示异议", 8, "choice", OBJECTION, True, "市级公示期内有无异议：无 / 有"),
    Column("final", "最终认定", 8, "choice", FINAL, True, "市里最终是否认定：认定 / 不予认定"),
    Column("civil", "民政变动", 8, "choice", CIVIL, True, "民政部门撤销、合并或更名的社区（张掖 第十条）"),
    Column("new_name", "变更后名称", 12, "text", (), True, "更名的，填新的社区名称"),
    Column("note", "备注", 16, "text", (), True, ""),
)
OFFICIAL_KEYS = tuple(c.key for c in OFFICIAL)
PROCESS_KEYS = ("inspection", "objection", "city_objection", "final")  # the columns the declared process gives
# the headers of summaries written before the columns were labelled by stage: still read (header -> key)
LEGACY_HEADERS = {"实地考察": "inspection", "公示异议": "objection", "市级公示异议": "city_objection", "最终认定": "final"}
DETAILS = (  # beyond the printed columns: on screen, not on paper
    Column("code", "社区代码", 12),
    Column("prior_year", "取得年份", 8, "int"),
    Column("recommend", "推荐", 16),
    Column("national_subsidy", "已享受国家级补助", 9, "flag"),
    Column("provincial_subsidy", "已享受省级补助", 9, "flag"),
    Column("warnings", "警告数", 6, "int"),
    Column("in_registry", "在名册中", 8, "flag"),
    Column("stage_label", "计分依据", 8),
    Column("source", "来源文件", 40, "link"),
    Column("declaration", "申报表", 30),
)


def item_header(ruleset: RuleSet, item) -> str:
    if item.role == "penalty":
        return f"扣分项{item.shown}" + ("" if item.cap is None else f"（最多扣{excel_number(item.cap)}分）")
    return f"{'加分项' if item.role == 'bonus' else ''}{item.shown}（{excel_number(item.points)}分）"


def stage_headers(label: str) -> tuple[str, str]:
    """(recomputed, recorded) total headers of one stage."""
    return f"{label}合计（重算）", f"{label}合计（表内）"


PARTS = ("base", "bonus", "penalty")  # the parts of the score in rule sets with 加分项 or 扣分项
PART_HEADERS = {"base": "基础得分", "bonus": "加分", "penalty": "扣分"}


def part_columns(ruleset: RuleSet) -> list[Column]:
    """基础得分、加分、扣分 of the final stage: only for a rule set whose total is more than the plain sum."""
    if not ruleset.has_parts:
        return []
    shown = ["base"] + (["bonus"] if ruleset.bonus_sections else []) + (["penalty"] if ruleset.penalty_sections else [])
    return [Column(f"part:{k}", PART_HEADERS[k], 8, "number") for k in shown]


def two_notices(ruleset: RuleSet) -> bool:
    """Both a county and a city 公示 (张掖 第六条): each has its own 公示异议 column."""
    return {"county", "city"} <= set(ruleset.publication.stages)


def official_columns(ruleset: RuleSet) -> list[Column]:
    """The officials' columns of this rule set: those of its process, stage by stage in the declared order and
    labelled by stage (县区实地考察, 县区公示异议, 市级公示异议, 最终认定 …), then 民政变动, 变更后名称, 备注.

    The keys stay what the merge and the documents know: `objection` is the first (or only) 公示's result,
    `city_objection` the city's where the county publishes one too."""
    base = {c.key: c for c in OFFICIAL}
    out, notices = [], 0
    for stage in ruleset.publication.process:
        for step in stage.steps:
            if step.kind == "inspection":
                out.append(replace(base["inspection"], header=f"{stage.label}{step.name}",
                                   prompt=f"{stage.label}{step.name}（{stage.source or stage.name}）的结论：符合 / 不符合"))
            elif step.kind == "notice":
                key = "objection" if not notices else "city_objection"
                notices += 1
                after = "，无异议的推荐到市" if stage.has("recommend") else ""
                out.append(replace(base[key], header=f"{stage.label}{step.name}异议",
                                   prompt=f"{stage.label}{step.name}期内有无异议：无 / 有{after}"))
            elif step.kind == "certify":
                out.append(replace(base["final"], prompt=f"市里最终是否{step.name}：认定 / 不予认定"))
    return out + [c for c in OFFICIAL if c.key not in PROCESS_KEYS]


def official_headers(ruleset: RuleSet) -> dict[str, str]:
    """Column key -> the header this rule set's summary gives it (for messages, tests and the Excel side)."""
    return {c.key: c.header for c in official_columns(ruleset)}


def official_header(ruleset: RuleSet, key: str) -> str:
    """The header of one officials' column; a key the process has no column for keeps its plain name."""
    return official_headers(ruleset).get(key) or next(c.header for c in OFFICIAL if c.key == key)


def summary_columns(ruleset: RuleSet) -> list[Column]:
    """Every column of the 汇总 sheet, in order; the printed ones end with the officials' columns."""
    items = [Column(f"item:{i.id}", item_header(ruleset, i), 7, "number") for i in ruleset.items]
    stages = []
    for s in ruleset.stages:
        redo, kept = stage_headers(s.label)
        stages += [Column(f"total:{s.id}", redo, 9, "number"), Column(f"recorded:{s.id}", kept, 9, "number")]
    return [*IDENTITY, *items, *stages, *part_columns(ruleset), *RESULT, *official_columns(ruleset), *DETAILS]


def printed_columns(ruleset: RuleSet) -> int:
    """How many columns, from the left, the print area covers."""
    return len(summary_columns(ruleset)) - len(DETAILS)


def header_keys(ruleset: RuleSet) -> dict[str, str]:
    """Header text -> column key; the headers of earlier summaries (实地考察, 公示异议 …) are read as aliases."""
    return official_aliases(ruleset) | {c.header: c.key for c in summary_columns(ruleset)}


def official_aliases(ruleset: RuleSet) -> dict[str, str]:
    """The earlier, unlabelled headers of this rule set's officials' columns -> key (only for the keys it has)."""
    keys = {c.key for c in official_columns(ruleset)}
    return {h: k for h, k in LEGACY_HEADERS.items() if k in keys}


def official_header_keys(ruleset: RuleSet) -> dict[str, str]:
    """Header text -> key of the officials' columns only (the 未对上 sheet), with the earlier headers."""
    return official_aliases(ruleset) | {c.header: c.key for c in official_columns(ruleset)}
