"""Turn the tables of a rule file into model objects, recording every problem and going on.

The scoring table itself (sections, items, parts and their invariants) is parsed by `items`;
this module reads everything around it: identity, stages, base data, rates, conditions, gates,
level policy and the monthly monitor.
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..core.model import Exemption, Fact, Gate, LevelBand, LevelPolicy, Monitor, Rate, RuleSet, Stage
from .conditions import OPS, AllOf, FactTest, RateTest
from .items import parse_sections
from .ledger_spec import parse_ledger
from .policies import parse_coverage, parse_publication, parse_subsidy
from .problems import RuleProblem

IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_STAGE_IDS = frozenset({"score", "section", "total", "gate", "level", "reason", "opinion", "meta", "prior"})
FACT_TYPES = {"count": "人数/件数（非负整数）", "flag": "是/否", "percent": "百分比"}
TOP_KEYS = {"ruleset", "stages", "facts", "rates", "conditions", "gates", "levels", "sections", "monitor", "ledger",
            "subsidy", "coverage", "publication", "process"}
HEAD_KEYS = {"id", "version", "name", "declaration", "jurisdiction", "year", "source", "total", "provisional", "items_from"}


def points_value(value) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


class Parser:
    """Turns the TOML tables into model objects; `problem()` records, parsing goes on."""

    def __init__(self, name: str, path: str):
        self.name, self.path = name, path
        self.problems: list[RuleProblem] = []
        self.facts: dict[str, Fact] = {}
        self.rates: dict[str, Rate] = {}
        self.conditions: dict[str, object] = {}
        self.used_facts: set[str] = set()

    @property
    def errors(self) -> list[RuleProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def problem(self, key: str, message: str, severity: str = "error") -> None:
        self.problems.append(RuleProblem(self.name, key, message, severity))

    def text(self, table: dict, key: str, where: str, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", f"缺少“{key}”")
            return ""
        if not isinstance(value, str):
            self.problem(f"{where}.{key}", f"“{key}”应为文字（用引号括起）")
            return ""
        return value

    def number(self, table: dict, key: str, where: str) -> Fraction:
        value = points_value(table.get(key))
        if value is None:
            self.problem(f"{where}.{key}", f"“{key}”应为数字，实际为：{table.get(key)!r}")
            return Fraction(0)
        return value

    def unknown_keys(self, table: dict, allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(f"{where}.{key}", f"不认识的键“{key}”（可用：{'、'.join(sorted(allowed))}）")

    # ------------------------------------------------------------ top level
    def ruleset(self, data: dict, digest: str = "") -> RuleSet | None:
        self.unknown_keys(data, TOP_KEYS, "")
        head = data.get("ruleset")
        if not isinstance(head, dict):
            self.problem("ruleset", "缺少 [ruleset] 表（id、version、name 等）")
            head = {}
        self.unknown_keys(head, HEAD_KEYS, "ruleset")
        rule_id = self.text(head, "id", "ruleset")
        if rule_id and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule_id):
            self.problem("ruleset.id", "id 只能用小写字母、数字和连字符，如 zhangye-2023")
        year = head.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            self.problem("ruleset.year", "year 应为年份，如 2023")
            year = 0
        total = self.number(head, "total", "ruleset") if "total" in head else Fraction(100)
        if total <= 0:
            self.problem("ruleset.total", "总分 total 应大于0")
        stages = self.stages(data.get("stages"))
        self.facts_table(data.get("facts"))
        self.rates_table(data.get("rates"))
        self.conditions_table(data.get("conditions"))
        sections = parse_sections(self, data.get("sections"), total)
        gates = self.gates(data.get("gates"))
        levels = self.levels(data.get("levels"), total, gates, sections)
        monitor = self.monitor(data.get("monitor"))
        ledger = parse_ledger(self, data.get("ledger"), self.facts)
        subsidy = parse_subsidy(self, data.get("subsidy"), levels.titles)
        coverage = parse_coverage(self, data.get("coverage"))
        publication = parse_publication(self, data.get("publication"), data.get("process"))
        for fact_id in self.facts:
            if fact_id not in self.used_facts:
                self.problem(f"facts.{fact_id}", "这项基础数据没有被任何计分规则、门槛或“其中”关系用到", "warning")
        if self.errors:
            return None
        return RuleSet(
            id=rule_id, version=self.text(head, "version", "ruleset"), name=self.text(head, "name", "ruleset"),
            jurisdiction=self.text(head, "jurisdiction", "ruleset"), source=self.text(head, "source", "ruleset"),
            year=year, stages=stages, facts=self.facts, rates=self.rates, conditions=self.conditions,
            sections=sections, gates=gates, levels=levels, total=total,
            provisional=self.text(head, "provisional", "ruleset", required=False), path=self.path,
            monitor=monitor, ledger=ledger, items_from=head.get("items_from", ""), digest=digest,
            subsidy=subsidy, coverage=coverage, publication=publication,
            declaration=self.text(head, "declaration", "ruleset", required=False)
            or f"{self.text(head, 'jurisdiction', 'ruleset')}充分就业社区申报表",
        )

    def stages(self, raw) -> tuple[Stage, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem("stages", "至少要有一个评分阶段 [[stages]]（如 自评、考评）")
            return ()
        out, seen = [], set()
        for n, table in enumerate(raw):
            where = f"stages[{n}]"
            self.unknown_keys(table, {"id", "label"}, where)
            sid, label = self.text(table, "id", where), self.text(table, "label", where)
            if sid and not IDENT.match(sid):
                self.problem(f"{where}.id", "阶段 id 只能用小写英文字母、数字和下划线，如 self")
            if sid in RESERVED_STAGE_IDS:
                self.problem(f"{where}.id", f"“{sid}”是保留字，请换一个阶段 id")
            if sid in seen:
                self.problem(f"{where}.id", f"阶段 id“{sid}”重复")
            seen.add(sid)
            out.append(Stage(sid, label))
        return tuple(out)

    def facts_table(self, raw) -> None:
        if not isinstance(raw, dict) or not raw:
            self.problem("facts", "缺少基础数据 [facts.*]")
            return
        wholes: dict[str, tuple[str, ...]] = {}
        for fid, table in raw.items():
            where = f"facts.{fid}"
            if not IDENT.match(fid):
                self.problem(where, "基础数据 id 只能用小写英文字母、数字和下划线")
            self.unknown_keys(table, {"label", "type", "unit", "help", "part_of"}, where)
            ftype = table.get("type")
            if ftype not in FACT_TYPES:
                self.problem(f"{where}.type", f"type 应为 {'、'.join(FACT_TYPES)} 之一，实际为：{ftype!r}")
                ftype = "count"
            part_of = table.get("part_of", ())
            part_of = (part_of,) if isinstance(part_of, str) else part_of
            if not isinstance(part_of, (list, tuple)) or not all(isinstance(w, str) for w in part_of):
                self.problem(f"{where}.part_of", "part_of 应为基础数据 id，或 id 的列表")
                part_of = ()
            wholes[fid] = tuple(part_of)
            self.facts[fid] = Fact(fid, self.text(table, "label", where), ftype,
                                   self.text(table, "unit", where, required=False),
                                   self.text(table, "help", where, required=False), tuple(part_of))
        self.check_part_of(wholes)

    def check_part_of(self, wholes: dict[str, tuple[str, ...]]) -> None:
        """“其中”关系: both counts, no fact its own part, no circle (a ≤ b ≤ a would force equality)."""
        for fid, parents in wholes.items():
            for whole in parents:
                where = f"facts.{fid}.part_of"
                fact, other = self.facts[fid], self.facts.get(whole)
                if other is None:
                    self.problem(where, f"引用了不存在的基础数据“{whole}”")
                elif whole == fid:
                    self.problem(where, "一项基础数据不能是它自己的“其中”数")
                elif "count" != fact.type or "count" != other.type:
                    self.problem(where, f"“其中”关系只用于人数（count）：“{fid}”是 {fact.type}，“{whole}”是 {other.type}")
                else:
                    self.used_facts.update((fid, whole))
        for start in wholes:
            seen, todo = set(), list(wholes[start])
            while todo:
                current = todo.pop()
                if current == start:
                    self.problem(f"facts.{start}.part_of", "“其中”关系绕成了一个圈（甲是乙的其中数，乙又是甲的其中数）")
                    break
                if current not in seen:
                    seen.add(current)
                    todo += wholes.get(current, ())

    def rates_table(self, raw) -> None:
        for rid, table in (raw or {}).items():
            where = f"rates.{rid}"
            self.unknown_keys(table, {"label", "numerator", "denominator", "empty_met", "may_exceed"}, where)
            parts = []
            for key in ("numerator", "denominator"):
                fid = self.text(table, key, where)
                fact = self.facts.get(fid)
                if fid and fact is None:
                    self.problem(f"{where}.{key}", f"引用了不存在的基础数据“{fid}”")
                elif fact and fact.type != "count":
                    self.problem(f"{where}.{key}", f"比率的分子、分母必须是人数（count），“{fid}”是 {fact.type}")
                parts.append(fid)
            flags = {}
            for key, default in (("empty_met", True), ("may_exceed", False)):
                flags[key] = table.get(key, default)
                if not isinstance(flags[key], bool):
                    self.problem(f"{where}.{key}", f"{key} 应为 true 或 false")
                    flags[key] = default
            numerator = self.facts.get(parts[0])
            if flags["may_exceed"] and numerator is not None and parts[1] in numerator.part_of:
                self.problem(f"{where}.may_exceed", f"“{parts[0]}”声明为“{parts[1]}”的其中数（part_of），不能再允许超过它："
                                                    "删去 may_exceed，或删去 part_of")
            self.rates[rid] = Rate(rid, self.text(table, "label", where), parts[0], parts[1], **flags)

    def conditions_table(self, raw) -> None:
        for cid, table in (raw or {}).items():
            self.conditions[cid] = self.condition(table, f"conditions.{cid}")

    # ------------------------------------------------------------ conditions
    def condition(self, raw, where: str):
        if isinstance(raw, str):
            if raw not in self.conditions:
                self.problem(where, f"引用了未定义的条件“{raw}”（在 [conditions] 中定义）")
                return FactTest("")
            return self.conditions[raw]
        if not isinstance(raw, dict):
            self.problem(where, "条件应为条件名或 { fact = … } / { rate = … } / { all = [ … ] }")
            return FactTest("")
        if "all" in raw:
            self.unknown_keys(raw, {"all"}, where)
            items = raw["all"] if isinstance(raw["all"], list) else []
            if not items:
                self.problem(f"{where}.all", "all 应为至少一个条件的列表")
            return AllOf(tuple(self.condition(c, f"{where}.all[{n}]") for n, c in enumerate(items)))
        if "rate" in raw:
            return self.rate_condition(raw, where)
        if "fact" in raw:
            return self.fact_condition(raw, where)
        self.problem(where, "条件应含 fact、rate 或 all 之一")
        return FactTest("")

    def rate_condition(self, raw: dict, where: str) -> RateTest:
        self.unknown_keys(raw, {"rate", "op", "percent"}, where)
        rid = raw["rate"]
        rate = self.rates.get(rid)
        if rate is None:
            self.problem(f"{where}.rate", f"引用了不存在的比率“{rid}”（在 [rates] 中定义）")
        else:
            self.used_facts.update((rate.numerator, rate.denominator))
        op = self.op(raw, where)
        percent = self.number(raw, "percent", where)
        if rate is not None and rate.may_exceed:
            if percent < 0:
                self.problem(f"{where}.percent", "percent 不能为负数")
        elif not 0 <= percent <= 100:
            self.problem(f"{where}.percent", "percent 应在 0 到 100 之间（比率可以超过100%的，在 [rates] 中写 may_exceed = true）")
        return RateTest(rid, op, percent)

    def fact_condition(self, raw: dict, where: str) -> FactTest:
        self.unknown_keys(raw, {"fact", "op", "value", "percent", "expect"}, where)
        fid = raw["fact"]
        fact = self.facts.get(fid)
        if fact is None:
            self.problem(f"{where}.fact", f"引用了不存在的基础数据“{fid}”")
            return FactTest(fid)
        self.used_facts.add(fid)
        if fact.type == "flag":
            if "op" in raw or "value" in raw:
                self.problem(where, f"“{fid}”是是/否事实，不能比较大小；用 expect = false 表示应为“否”")
            return FactTest(fid, expect=bool(raw.get("expect", True)))
        op = self.op(raw, where)
        if fact.type == "percent":
            percent = self.number(raw, "percent", where)
            if not 0 <= percent <= 100:
                self.problem(f"{where}.percent", "percent 应在 0 到 100 之间")
            return FactTest(fid, op, percent, percent=True)
        value = self.number(raw, "value", where)
        if value < 0:
            self.problem(f"{where}.value", f"“{fid}”是人数，不会小于0：value 应为非负数")
        return FactTest(fid, op, value)

    def op(self, raw: dict, where: str) -> str:
        op = raw.get("op")
        if op not in OPS:
            self.problem(f"{where}.op", f"op 应为 {' '.join(OPS)} 之一，实际为：{op!r}")
            return ">="
        return op

    # ------------------------------------------------------------ gates and levels
    def gates(self, raw) -> tuple[Gate, ...]:
        out, seen = [], set()
        for n, table in enumerate(raw or []):
            where = f"gates[{n}]"
            self.unknown_keys(table, {"id", "label", "require"}, where)
            gid = self.text(table, "id", where)
            if gid in seen:
                self.problem(f"{where}.id", f"门槛 id“{gid}”重复")
            seen.add(gid)
            out.append(Gate(gid, self.text(table, "label", where), self.condition(table.get("require"), f"{where}.require")))
        return tuple(out)

    def monitor(self, raw) -> Monitor | None:
        """The monthly employment-rate monitor (齐齐哈尔: 从业/(从业+失业) ≥ 95%)."""
        if raw is None:
            return None
        where = "monitor"
        if not isinstance(raw, dict):
            self.problem(where, "[monitor] 应为表")
            return None
        self.unknown_keys(raw, {"label", "employed_label", "unemployed_label", "percent", "months", "reading"}, where)
        percent = self.number(raw, "percent", where)
        if not 0 < percent <= 100:
            self.problem(f"{where}.percent", "percent 应在 0 到 100 之间")
        months = raw.get("months", 12)
        if not isinstance(months, int) or not 1 <= months <= 12:
            self.problem(f"{where}.months", "months 应为 1 到 12 的整数")
            months = 12
        return Monitor(self.text(raw, "label", where), raw.get("employed_label", "从业人员数"),
                       raw.get("unemployed_label", "失业人员数"), percent, months,
                       self.text(raw, "reading", where, required=False))

    def levels(self, raw, total: Fraction, gates, sections=()) -> LevelPolicy:
        where = "levels"
        if not isinstance(raw, dict):
            self.problem(where, "缺少认定层级 [levels]")
            return LevelPolicy((), ())
        self.unknown_keys(raw, {"titles", "bands", "requires_gates", "gates_label", "none_label", "revoked_label", "review",
                                "new_every_years", "recertify_every_years", "exemptions", "reading", "with_bonus"}, where)
        titles = tuple(raw.get("titles") or ())
        if not titles or not all(isinstance(t, str) and t for t in titles):
            self.problem(f"{where}.titles", "titles 应为由低到高排列的称号列表")
        with_bonus = raw.get("with_bonus", True)
        bonus = sum((s.cap or 0 for s in sections if s.role == "bonus"), Fraction(0))
        if not isinstance(with_bonus, bool):
            self.problem(f"{where}.with_bonus", "with_bonus 应为 true（分数线按含加分的总得分）或 false（按不含加分的得分）")
            with_bonus = True
        elif "with_bonus" in raw and not bonus:
            self.problem(f"{where}.with_bonus", "规则集没有加分项（kind = \"bonus\" 的部分），with_bonus 不起作用：删去它", "warning")
        bands = self.level_bands(raw.get("bands"), titles, total + (bonus if with_bonus else 0),
                                 "总分加最高加分" if bonus and with_bonus else "总分")
        exemptions = []
        for n, ex in enumerate(raw.get("exemptions") or []):
            ewhere = f"{where}.exemptions[{n}]"
            self.unknown_keys(ex, {"title", "granted_year", "label"}, ewhere)
            if ex.get("title") not in titles:
                self.problem(f"{ewhere}.title", f"称号“{ex.get('title')}”不在 titles 中")
            exemptions.append(Exemption(ex.get("title", ""), int(ex.get("granted_year", 0)), self.text(ex, "label", ewhere)))
        ints = {k: raw.get(k, 1) for k in ("new_every_years", "recertify_every_years")}
        for key, value in ints.items():
            if not isinstance(value, int) or value < 1:
                self.problem(f"{where}.{key}", f"{key} 应为正整数（年）")
                ints[key] = 1
        requires_gates = bool(raw.get("requires_gates", True))
        if requires_gates and not gates and "requires_gates" in raw:
            self.problem(f"{where}.requires_gates", "规则集没有 [[gates]]，requires_gates 不起作用：删去它，或写出门槛", "warning")
        return LevelPolicy(
            titles=titles, bands=bands, requires_gates=requires_gates,
            none_label=raw.get("none_label", "不予认定"), revoked_label=raw.get("revoked_label", "取消认定资格"),
            review=raw.get("review", ""), exemptions=tuple(exemptions), reading=raw.get("reading", ""),
            gates_label=self.text(raw, "gates_label", where, required=False) or "认定基本条件", with_bonus=with_bonus,
            **ints,
        )

    def level_bands(self, raw, titles: tuple, total: Fraction, what: str = "总分") -> tuple[LevelBand, ...]:
        bands, last = [], None
        for n, band in enumerate(raw or []):
            bwhere = f"levels.bands[{n}]"
            self.unknown_keys(band, {"min", "title", "new_title", "recommend"}, bwhere)
            low = self.number(band, "min", bwhere)
            if last is not None and low <= last.min:
                self.problem(f"{bwhere}.min", "档次应按分数由低到高排列")
            if not 0 <= low <= total:
                self.problem(f"{bwhere}.min", f"分数线应在 0 到 {num(total)}（{what}）之间")
            title = self.text(band, "title", bwhere)
            new_title = band.get("new_title", title)
            for key, value in (("title", title), ("new_title", new_title)):
                if value and value not in titles:
                    self.problem(f"{bwhere}.{key}", f"称号“{value}”不在 titles 中")
            rank = {t: k for k, t in enumerate(titles)}
            if last is not None and title in rank and last.title in rank and rank[title] < rank[last.title]:
                self.problem(f"{bwhere}.title", f"分数线越高，能保持的称号应越高：“{title}”低于上一档的“{last.title}”")
            if title in rank and new_title in rank and rank[new_title] > rank[title]:
                self.problem(f"{bwhere}.new_title", f"新认定的称号“{new_title}”不能高于本档能保持的称号“{title}”")
            last = LevelBand(low, title, new_title, self.text(band, "recommend", bwhere, required=False))
            bands.append(last)
        if not bands:
            self.problem("levels.bands", "至少要有一个认定分数线 [[levels.bands]]")
        return tuple(bands)
