"""The scoring table of a rule file: sections, items and their parts, with every kind's invariants checked.

Each problem names the item (序号) and says what to change. The invariants: points of every part
positive, bands reachable and ordered, each reason using only the numbers its part can fill, the
parts' full marks adding up to the item's 标准分, items to their section, sections to the total.
"""
from __future__ import annotations

import re
from fractions import Fraction
from types import MappingProxyType

from ..core.model import Item, Section
from .kinds import PART_KINDS, PLACEHOLDERS, Award, Band, Bands, Base, Deduct, PerUnit, PerUnitAward, Shortfall, Veto

ITEM_ID = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
SECTION_ID = re.compile(r"^[0-9A-Za-z]+$")
UP, DOWN = frozenset({">=", ">"}), frozenset({"<=", "<"})
PART_KEYS = {
    "base": {"points"}, "award": {"points", "require", "reason"}, "deduct": {"points", "require", "reason"},
    "per_unit": {"points", "fact", "max", "reason"}, "per_unit_award": {"points", "fact", "max", "reason"},
    "shortfall": {"points", "fact", "target", "max", "reason"}, "veto": {"require", "reason"},
    "bands": {"rate", "fact", "bands", "reason"},
}


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


SECTION_KINDS = MappingProxyType({"score": "计分部分", "bonus": "加分项", "penalty": "扣分项"})
SECTION_KIND_HELP = MappingProxyType({
    "score": "计分部分（默认）：写 points（标准分），各计分部分之和等于 total",
    "bonus": "加分项，在满分之外：写 max（最高加几分），不写 points；各项照常写 points 和得分的规则",
    "penalty": "扣分项，在总分中扣除：可写 max（最多扣几分），不写就扣完为止（总得分最低为0）；各项不写 points，"
               "只用 deduct、per_unit、shortfall，可写 max",
})
PENALTY_PARTS = ("deduct", "per_unit", "shortfall")
LABEL_MAX = 12


def _label(p, table: dict, where: str) -> str:
    """The 序号 as the official table prints it (一、附1、（一）): free text, short, separate from the id."""
    label = p.text(table, "label", where, required=False)
    if len(label) > LABEL_MAX or "\n" in label:
        p.problem(f"{where}.label", f"印出的序号 label 最多 {LABEL_MAX} 个字、不能换行，实际为：{label!r}")
    return label


def parse_sections(p, raw, total: Fraction) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        p.problem("sections", "缺少评分表 [[sections]]")
        return ()
    out, item_ids, section_ids = [], set(), set()
    for n, table in enumerate(raw):
        where = f"sections[{n}]"
        p.unknown_keys(table, {"id", "label", "title", "points", "items", "kind", "max"}, where)
        sid, title = str(table.get("id", "")), p.text(table, "title", where)
        if not SECTION_ID.match(sid):
            p.problem(f"{where}.id", "部分的 id 只能用数字和字母，如 3（印出的序号如“一”“附”写在 label 里）")
        if sid in section_ids:
            p.problem(f"{where}.id", f"部分 id“{sid}”重复")
        section_ids.add(sid)
        role = table.get("kind", "score")
        if role not in SECTION_KINDS:
            p.problem(f"{where}.kind", f"部分的 kind 应为 {'、'.join(f'{k}（{v}）' for k, v in SECTION_KINDS.items())} 之一，"
                                      f"实际为：{role!r}")
            role = "score"
        cap = None
        if role == "score":
            if "max" in table:
                p.problem(f"{where}.max", "max 只用于加分项（kind = \"bonus\"）和扣分项（kind = \"penalty\"）；计分部分写 points")
            points = _points(p, table, "points", where)
            if points <= 0:
                p.problem(f"{where}.points", f"“{title}”的标准分应大于0")
        else:
            if "points" in table:
                p.problem(f"{where}.points", f"{SECTION_KINDS[role]}不计入满分，不写 points："
                                             + ("最高加几分写 max" if role == "bonus" else "最多扣几分写 max（扣完为止的不写）"))
            if role == "bonus" and "max" not in table:
                p.problem(f"{where}.max", "缺少最高加分 max：加分项要写最高加几分（“最高加5分”写 max = 5）")
            elif "max" in table:
                cap = _positive(p, table, "max", where, "最高加分 max" if role == "bonus" else "最多扣分 max")
            points = cap or Fraction(0)
        items, shown = [], _label(p, table, where)
        for m, item_table in enumerate(table.get("items") or []):
            item = parse_item(p, item_table, sid, f"{where}.items[{m}]", role, shown)
            if item.id in item_ids:
                p.problem(f"{where}.items[{m}].id", f"序号“{item.id}”重复")
            item_ids.add(item.id)
            items.append(item)
        if not items:
            p.problem(f"{where}.items", f"“{title}”下没有评分项")
        item_sum = sum((i.points for i in items), Fraction(0))
        if role == "score" and items and item_sum != points:
            p.problem(f"{where}.points", f"“{title}”标准分为{_num(points)}分，但各项标准分之和为{_num(item_sum)}分")
        if role == "bonus" and items and cap is not None and item_sum < cap:
            p.problem(f"{where}.max", f"“{title}”最高加{_num(cap)}分，但各项加分之和只有{_num(item_sum)}分，永远加不到最高分："
                                      "请检查 max 和各项的 points", "warning")
        out.append(Section(sid, title, points, tuple(items), role, shown, cap))
    scored = [s for s in out if s.role == "score"]
    if not scored:
        p.problem("sections", "至少要有一个计分部分（加分项、扣分项之外的部分）")
    section_sum = sum((s.points for s in scored), Fraction(0))
    if section_sum != total:
        extra = "（加分项、扣分项不计入）" if len(scored) < len(out) else ""
        p.problem("sections", f"各部分标准分之和{extra}为{_num(section_sum)}分，不等于总分{_num(total)}分")
    return tuple(out)


def _points(p, table: dict, key: str, where: str) -> Fraction:
    value = p.number(table, key, where)
    if (value * 10000).denominator != 1:
        p.problem(f"{where}.{key}", f"分值最多保留4位小数，实际为 {float(value)}")
    return value


def _positive(p, table: dict, key: str, where: str, what: str) -> Fraction:
    value = _points(p, table, key, where)
    if value <= 0:
        p.problem(f"{where}.{key}", f"{what}应大于0，实际为 {_num(value)}（扣分写正数，kind 已表明是扣分）")
    return value


def item_label(section_label: str, label: str) -> str:
    """How an item with a printed 序号 is named to people: after its section's (二（一）, 附1.2)."""
    if not label:
        return ""
    if section_label and label.startswith(section_label):  # written whole already: 附1.2 under 附1
        return label
    joint = section_label[-1:].isdigit() and label[:1].isdigit()
    return f"{section_label}{'.' if joint else ''}{label}"


def parse_item(p, table: dict, section: str, where: str, role: str = "score", section_label: str = "") -> Item:
    p.unknown_keys(table, {"id", "label", "content", "criteria", "points", "parts", "reading"}
                   | ({"max"} if role == "penalty" else set()), where)
    item_id = str(table.get("id", ""))
    label = f"{where}（序号 {item_id}）"
    if not ITEM_ID.match(item_id):
        p.problem(f"{where}.id", "序号只能用数字、字母和点，如 3.2（印出的序号如“附1”“（一）”写在 label 里）")
    cap = None
    if role == "penalty":
        if "points" in table:
            p.problem(f"{label}.points", "扣分项不计入满分，没有标准分：这一项最多扣几分写 max（扣完为止的不写）")
        if "max" in table:
            cap = _positive(p, table, "max", label, "这一项最多扣的分 max")
        points = cap or Fraction(0)
    else:
        points = _positive(p, table, "points", label, "标准分")
    parts = tuple(parse_part(p, raw, f"{label}.parts[{k}]", None if role == "penalty" else points, role)
                  for k, raw in enumerate(table.get("parts") or []))
    for k, part in enumerate(parts):
        if cap is not None and getattr(part, "max", None) is not None and part.max > cap:
            p.problem(f"{label}.parts[{k}].max", f"这一条最多扣{_num(part.max)}分，超过本项最多扣的{_num(cap)}分："
                                                "删去其中一个 max，或改成一致")
    if not parts:
        p.problem(f"{label}.parts", "没有计分规则 parts")
    good = tuple(part for part in parts if part is not None)
    most = sum((part.max_points for part in good), Fraction(0))
    if role != "penalty" and parts and len(good) == len(parts) and most != points:
        p.problem(f"{label}.parts", f"各部分满分之和为{_num(most)}分，与标准分{_num(points)}分不符："
                                    "base、award 的 points，per_unit_award 的 max 和 bands 的最高档之和应等于标准分")
    if good and all(isinstance(part, Base) for part in good):
        p.problem(f"{label}.parts", "这一项只有 base，总是满分：请写出扣分或得分的规则", "warning")
    own = _label(p, table, where)
    return Item(item_id, section, p.text(table, "content", where), p.text(table, "criteria", where),
                points, good, p.text(table, "reading", where, required=False), role,
                item_label(section_label, own), cap, own)


def parse_part(p, raw, where: str, item_points: Fraction | None, role: str = "score"):
    """`item_points`: the 标准分 caps are checked against (None: a penalty item without a cap)."""
    if not isinstance(raw, dict):
        p.problem(where, "计分规则应为 { kind = … } 形式的表")
        return None
    kind = raw.get("kind")
    if kind not in PART_KINDS:
        p.problem(f"{where}.kind", f"未知的规则类型“{kind}”，可用：{'、'.join(PART_KINDS)}")
        return None
    if role == "penalty" and kind not in PENALTY_PARTS:
        p.problem(f"{where}.kind", f"扣分项只能用扣分的规则 {'、'.join(PENALTY_PARTS)}，不能用“{kind}”"
                                   "（加分写在加分项 kind = \"bonus\" 里）")
        return None
    p.unknown_keys(raw, PART_KEYS[kind] | {"kind"}, where)
    before = len(p.errors)
    part = _build(p, kind, raw, where, item_points)
    if part is not None and kind != "base" and len(p.errors) == before:
        _check_reason(p, part, raw, where)
    return part


def _count_fact(p, raw: dict, key: str, where: str) -> str:
    fid = raw.get(key)
    fact = p.facts.get(fid) if isinstance(fid, str) else None
    if fact is None:
        p.problem(f"{where}.{key}", f"引用了不存在的基础数据“{fid}”")
    elif fact.type != "count":
        p.problem(f"{where}.{key}", f"这里只能用人数（count）类基础数据，“{fid}”是 {fact.type}")
    p.used_facts.add(fid)
    return fid


def _cap(p, raw: dict, where: str, item_points: Fraction, *, required: bool) -> Fraction | None:
    if "max" not in raw and not required:
        return None
    cap = _positive(p, raw, "max", where, "封顶分 max")
    if item_points is not None and cap > item_points:
        p.problem(f"{where}.max", f"封顶分 {_num(cap)} 超过本项标准分 {_num(item_points)}")
    return cap


def _build(p, kind: str, raw: dict, where: str, item_points: Fraction):
    reason = p.text(raw, "reason", where) if kind != "base" else ""
    if kind == "base":
        return Base(_positive(p, raw, "points", where, "起始分 points"))
    if kind in ("award", "deduct"):
        cls = Award if kind == "award" else Deduct
        return cls(_positive(p, raw, "points", where, "points"), p.condition(raw.get("require"), f"{where}.require"), reason)
    if kind == "veto":
        return Veto(p.condition(raw.get("require"), f"{where}.require"), reason)
    if kind == "per_unit":
        return PerUnit(_positive(p, raw, "points", where, "每人（件）扣的分 points"), _count_fact(p, raw, "fact", where),
                       reason, _cap(p, raw, where, item_points, required=False))
    if kind == "per_unit_award":
        points = _positive(p, raw, "points", where, "每人（件）得的分 points")
        cap = _cap(p, raw, where, item_points, required=True)
        if cap is not None and cap < points:
            p.problem(f"{where}.max", f"封顶分 {_num(cap)} 小于每人（件）得的分 {_num(points)}：一人就超过封顶，请检查")
        return PerUnitAward(points, _count_fact(p, raw, "fact", where), cap or Fraction(0), reason)
    if kind == "shortfall":
        return _shortfall(p, raw, where, item_points, reason)
    return _bands(p, raw, where, item_points, reason)


def _shortfall(p, raw: dict, where: str, item_points: Fraction, reason: str) -> Shortfall:
    points = _positive(p, raw, "points", where, "每少一人（件）扣的分 points")
    fid = _count_fact(p, raw, "fact", where)
    target = raw.get("target")
    target_fact, target_value = None, None
    if isinstance(target, str):
        target_fact = _count_fact(p, raw, "target", where)
        if target_fact == fid:
            p.problem(f"{where}.target", "目标 target 不能是被数的同一项基础数据")
    elif isinstance(target, (int, float)) and not isinstance(target, bool) and target > 0:
        target_value = Fraction(str(target)) if isinstance(target, float) else Fraction(target)
    else:
        p.problem(f"{where}.target", f"target 应为目标人数（正数）或表示目标的基础数据 id，实际为：{target!r}")
        target_value = Fraction(0)
    return Shortfall(points, fid, reason, target_fact, target_value, _cap(p, raw, where, item_points, required=False))


def _bands(p, raw: dict, where: str, item_points: Fraction, reason: str) -> Bands | None:
    subject = {k: raw[k] for k in ("rate", "fact") if k in raw}
    if len(subject) != 1:
        p.problem(where, "分档计分需要且只需要 rate 或 fact 之一")
        subject = {"rate": ""}
    bands = []
    for k, band in enumerate(raw.get("bands") or []):
        bwhere = f"{where}.bands[{k}]"
        if not isinstance(band, dict):
            p.problem(bwhere, "档次应为 { op = …, percent = …, points = … }")
            continue
        p.unknown_keys(band, {"op", "percent", "value", "points"}, bwhere)
        cond = {**subject, **{k2: band[k2] for k2 in ("op", "percent", "value") if k2 in band}}
        points = _points(p, band, "points", bwhere)
        if item_points is not None and not 0 <= points <= item_points:
            p.problem(f"{bwhere}.points", f"档次的分数应在 0 到本项标准分 {_num(item_points)} 之间，实际为 {_num(points)}")
        bands.append(Band(p.condition(cond, bwhere), points))
    if not bands:
        p.problem(f"{where}.bands", "至少要有一个档次")
        return None
    _check_band_order(p, bands, where)
    return Bands(tuple(bands), reason)


def _check_band_order(p, bands: list[Band], where: str) -> None:
    """The first band that holds wins: a band the ones before it always cover is a mistake."""
    tests = [b.require.threshold() for b in bands]
    if any(t is None for t in tests):
        return
    directions = {"up" if op in UP else "down" if op in DOWN else "eq" for op, _ in tests}
    if len(directions) > 1:
        p.problem(f"{where}.bands", "各档的比较方向应一致：都用 >= / >（门槛由高到低排列），或都用 <= / <（由低到高）")
        return
    direction = directions.pop()
    for k in range(1, len(bands)):
        (op0, v0), (op1, v1) = tests[k - 1], tests[k]
        bwhere = f"{where}.bands[{k}]"
        if direction == "eq":
            if v1 == v0:
                p.problem(bwhere, f"与第{k}档的条件相同，永远轮不到")
            continue
        if direction == "up":
            reachable = v1 < v0 or (v1 == v0 and op1 == ">=" and op0 == ">")
            order = "由高到低（如 >90%、>=80%、>=50%）"
        else:
            reachable = v1 > v0 or (v1 == v0 and op1 == "<=" and op0 == "<")
            order = "由低到高（如 <=1、<=3）"
        if not reachable:
            p.problem(bwhere, f"第{k + 1}档永远轮不到：取第一个成立的档次，它的条件已被第{k}档包含。请把各档门槛按{order}排列")
        elif bands[k].points > bands[k - 1].points:
            p.problem(f"{bwhere}.points", f"门槛越宽分数应越低：第{k + 1}档 {_num(bands[k].points)} 分高于第{k}档 "
                                          f"{_num(bands[k - 1].points)} 分。请检查各档的顺序和分数")
        elif bands[k].points == bands[k - 1].points:
            p.problem(f"{bwhere}.points", f"与第{k}档分数相同，可以合并为一档", "warning")


def _check_reason(p, part, raw: dict, where: str) -> None:
    text = raw.get("reason") if isinstance(raw.get("reason"), str) else ""
    can = part.fields(p.rates)
    shown = "、".join("{" + f + "}" for f in PLACEHOLDERS if f in can) or "无"
    for field in re.findall(r"\{([^{}]*)\}", text):
        if field not in PLACEHOLDERS:
            p.problem(f"{where}.reason", f"扣分说明中的“{{{field}}}”无法填写：可用的占位符只有 "
                                         f"{'、'.join('{' + f + '}' for f in PLACEHOLDERS)}（见 docs/rules.md）")
        elif field not in can:
            p.problem(f"{where}.reason", f"扣分说明中的“{{{field}}}”在这条规则里没有数可填，会原样印出；这条规则能填的是：{shown}")
