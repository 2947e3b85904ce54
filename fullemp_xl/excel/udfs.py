"""Worksheet functions (UDFs) for Excel: FE_RATE, FE_ITEM_SCORE, FE_REASONS, FE_SECTION, FE_TOTAL,
FE_LEVEL, FE_WORKDAY, FE_RMB_UPPER.

Decorated with xlwings' func / arg / ret so that the classic add-in (Windows, macOS) and xlwings
Server / Lite can register them; on any system each is also a plain Python function. Errors come
back as a short Chinese text, never a traceback. fullemp's own modules are imported inside the
functions (but the core package, for the default rule set id), so importing this module stays fast.

`values` is the stage column of the 基础数据 sheet (e.g. 基础数据!E15:E48): the base data in the
rule set's order.
"""
from __future__ import annotations

import datetime as dt
import functools

from xlwings import arg, func, ret

from ..core import DEFAULT_RULESET as DEFAULT_RULES

ITEM_DOC = "评分项序号，如 \"3.2\""
VALUES_DOC = "基础数据表中某一列（自评或考评）的全部基础数据"
RULES_DOC = f"规则集，默认 {DEFAULT_RULES}"


def _friendly(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _Problem as exc:
            return f"错误：{exc}"
        except Exception as exc:  # never a traceback in a cell
            return f"错误：{type(exc).__name__}"
    return wrapper


class _Problem(Exception):
    pass


def _ruleset(rules):
    from .. import api

    try:
        return api.load_ruleset(rules or DEFAULT_RULES)
    except api.RuleSetError as exc:
        raise _Problem(exc.problems[0].message) from None


def _values(ruleset, values) -> dict:
    from .. import api

    if values is None or isinstance(values, (str, int, float)):
        raise _Problem("基础数据应为基础数据表中的一整列（如 基础数据!E15:E48）")
    values = list(values)
    facts = list(ruleset.facts.values())
    if len(values) != len(facts):
        raise _Problem(f"基础数据应为{len(facts)}个（基础数据表一列），实际为{len(values)}个")
    out = {}
    for fact, raw in zip(facts, values):
        parsed = api.parse_fact(fact.type, raw)
        if parsed.problem:
            raise _Problem(f"{fact.label}：{parsed.problem}")
        out[fact.id] = parsed.value
    return out


def _item_score(item, values, rules):
    from .. import api

    rs = _ruleset(rules)
    try:
        target = rs.item(_item_id(item))
    except KeyError:
        raise _Problem(f"没有序号为“{item}”的评分项") from None
    return api.score_item(target, _values(rs, values), rs)


def _stage(values, rules):
    from .. import api

    rs = _ruleset(rules)
    return api.score_stage(rs, rs.stages[0].id, _values(rs, values))


def _number(value):
    from ..core.model import number

    return number(value)


@func
@arg("numerator", doc="分子（人数），如实现再就业的人数")
@arg("denominator", doc="分母（人数），如登记失业人员数")
@ret(index=False, header=False)
@_friendly
def FE_RATE(numerator, denominator):
    """比率 = 分子 ÷ 分母。分母为0时返回“—”；不是数时返回说明文字。"""
    from ..core.numbers import parse_count

    num, den = parse_count(numerator), parse_count(denominator)
    for label, parsed in (("分子", num), ("分母", den)):
        if parsed.value is None:
            raise _Problem(f"{label}{parsed.problem or '未填'}")
    if num.value > den.value:
        raise _Problem("分子大于分母")
    return "—" if den.value == 0 else num.value / den.value


@func
@arg("item", doc=ITEM_DOC)
@arg("values", ndim=1, doc=VALUES_DOC)
@arg("rules", doc=RULES_DOC)
@_friendly
def FE_ITEM_SCORE(item, values, rules=DEFAULT_RULES):
    """按规则集计算一个评分项的得分。"""
    result = _item_score(item, values, rules)
    return "" if result.score is None else _number(result.score)


@func
@arg("item", doc=ITEM_DOC)
@arg("values", ndim=1, doc=VALUES_DOC)
@arg("rules", doc=RULES_DOC)
@_friendly
def FE_REASONS(item, values, rules=DEFAULT_RULES):
    """一个评分项的扣分理由（满分时为空）。"""
    return "；".join(_item_score(item, values, rules).reasons)


@func
@arg("section", doc="部分序号，如 \"3\"")
@arg("values", ndim=1, doc=VALUES_DOC)
@arg("rules", doc=RULES_DOC)
@_friendly
def FE_SECTION(section, values, rules=DEFAULT_RULES):
    """一个部分（如“服务工作标准”）的小计。"""
    key = _item_id(section)
    result = _stage(values, rules)
    if key not in result.sections:
        raise _Problem(f"没有序号为“{section}”的部分")
    value = result.sections[key]
    return "" if value is None else _number(value)


@func
@arg("values", ndim=1, doc=VALUES_DOC)
@arg("rules", doc=RULES_DOC)
@_friendly
def FE_TOTAL(values, rules=DEFAULT_RULES):
    """综合得分（各项之和）。"""
    total = _stage(values, rules).total
    return "" if total is None else _number(total)


@func
@arg("total", doc="综合得分")
@arg("gates_met", doc="基本条件是否全部符合：“符合”或“不符合”（规则集没有基本条件时可不填）")
@arg("prior_title", doc="原有称号，没有的不填或填“无”")
@arg("prior_year", doc="取得原有称号的年份")
@arg("rules", doc=RULES_DOC)
@_friendly
def FE_LEVEL(total, gates_met=None, prior_title="", prior_year=None, rules=DEFAULT_RULES):
    """认定结论：按规则集的认定层级、门槛和原有称号（含降级、取消、免于评定）。"""
    from fractions import Fraction

    from ..core.model import PriorTitle
    from ..core.numbers import parse_count, parse_score
    from .. import api

    rs = _ruleset(rules)
    parsed = parse_score(total, float(rs.total + sum(s.points for s in rs.bonus_sections)))  # 总得分 may carry 加分
    if parsed.value is None:
        raise _Problem(f"综合得分{parsed.problem or '未填'}")
    needs_gates = bool(rs.gates) and rs.levels.requires_gates
    if _blank(gates_met):
        if needs_gates:  # fail closed: an empty cell is not "met"
            raise _Problem("基本条件未填：请填“符合”或“不符合”")
        met = True
    else:
        met = {"符合": True, "是": True, True: True, "不符合": False, "否": False, False: False}.get(
            gates_met if isinstance(gates_met, bool) else str(gates_met).strip())
        if met is None:
            raise _Problem("基本条件应为“符合”或“不符合”")
    title = str(prior_title or "").strip()
    year = parse_count(prior_year).value if not _blank(prior_year) else None
    prior = PriorTitle(title, year) if title and title != "无" else None
    if prior and title not in rs.levels.titles:
        raise _Problem(f"“{title}”不是本规则集的称号")
    return api.decide(rs.levels, Fraction(str(parsed.value)), met, prior, rs.year).level


@func
@arg("start", doc="起始日期，如公示开始日")
@arg("days", doc="工作日数，如 5")
@arg("holidays", ndim=1, doc="（可选）日历未收录年份的放假日期")
@arg("workdays", ndim=1, doc="（可选）日历未收录年份的调休上班日期")
@_friendly
def FE_WORKDAY(start, days, holidays=None, workdays=None):
    """start 之后第 days 个中国工作日（计入法定节假日和调休上班），用于计算公示期满日。"""
    from ..core.numbers import parse_count
    from ..core.workdays import HolidayFileError, UnknownYear, add_workdays, load_calendar

    if _blank(start):
        raise _Problem("起始日期未填")
    day = _date(start)
    n = parse_count(days)
    if n.value is None:
        raise _Problem("工作日数应为非负整数")
    try:  # the same holiday file as the command line ($FULLEMP_HOLIDAYS or the per-user 节假日.toml)
        calendar = load_calendar().with_days((_date(d) for d in holidays or [] if d not in (None, "")),
                                             (_date(d) for d in workdays or [] if d not in (None, "")))
        return add_workdays(day, n.value, calendar)
    except (UnknownYear, HolidayFileError) as exc:
        raise _Problem(str(exc)) from None


@func
@arg("amount", doc="金额（元），如 10000")
@_friendly
def FE_RMB_UPPER(amount):
    """金额的中文大写，如 10000 → 壹万元整。"""
    from ..core.money import rmb_upper

    if _blank(amount):
        raise _Problem("金额未填")
    try:
        return rmb_upper(amount)
    except ValueError as exc:
        raise _Problem(str(exc)) from None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _item_id(value) -> str:
    if _blank(value):
        raise _Problem("序号未填")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise _Problem(f"“{value}”不是日期") from None


UDFS = (FE_RATE, FE_ITEM_SCORE, FE_REASONS, FE_SECTION, FE_TOTAL, FE_LEVEL, FE_WORKDAY, FE_RMB_UPPER)
