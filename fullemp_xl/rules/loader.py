"""Read a rule-set TOML file into a RuleSet, collecting every problem instead of stopping at the first."""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..model import Exemption, Fact, Gate, Item, LevelBand, LevelPolicy, Monitor, Rate, RuleSet, Section, Stage
from .ledger_spec import parse_ledger
from .policies import parse_coverage, parse_publication, parse_subsidy
from .source import read_rule_data
from .kinds import (
    OPS, PART_KINDS, REASON_FIELDS, AllOf, Award, Band, Bands, Base, Deduct, FactTest,
    PerUnit, RateTest, Veto,
)

IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
ITEM_ID = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
RESERVED_STAGE_IDS = frozenset({"score", "section", "total", "gate", "level", "reason", "opinion", "meta", "prior"})
FACT_TYPES = {"count": "人数/件数（非负整数）", "flag": "是/否", "percent": "百分比"}


@dataclass(frozen=True)
class RuleProblem:
    file: str
    key: str  # where in the file, e.g. sections[3].items[2].parts[1]
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        level = "错误" if self.severity == "error" else "警告"
        return f"{self.file}: {self.key}: {level} {self.message}" if self.key else f"{self.file}: {level} {self.message}"


class RuleSetError(Exception):
    def __init__(self, problems: list[RuleProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def builtin_ids() -> list[str]:
    folder = resources.files("fullemp_xl") / "rulesets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def builtin_path(rule_id: str) -> Path:
    return Path(str(resources.files("fullemp_xl") / "rulesets" / f"{rule_id}.toml"))


def resolve(id_or_path: str | Path) -> Path:
    """A built-in id (zhangye-2023) or a path to a .toml file."""
    text = str(id_or_path)
    if text in builtin_ids():
        return builtin_path(text)
    path = Path(text)
    if path.suffix.lower() == ".toml" or path.exists():
        return path
    known = "、".join(builtin_ids())
    raise RuleSetError([RuleProblem(text, "", f"没有这个规则集。内置规则集：{known}；也可以给出 .toml 文件的路径")])


_cache: dict[tuple[str, float], RuleSet] = {}


def load_ruleset(id_or_path: str | Path = "zhangye-2023") -> RuleSet:
    """Load and check a rule set; raise RuleSetError listing every problem."""
    path = resolve(id_or_path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError:
        raise RuleSetError([RuleProblem(str(path), "", "找不到规则集文件")]) from None
    if key not in _cache:
        ruleset, problems = parse_file(path)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise RuleSetError(errors)
        _cache[key] = ruleset
    return _cache[key]


def check_file(path: str | Path) -> list[RuleProblem]:
    """Every problem of a rule file, errors and warnings, for `fullemp rules check`."""
    return parse_file(Path(path))[1]


def parse_file(path: Path) -> tuple[RuleSet | None, list[RuleProblem]]:
    name = path.name
    data, problem = read_rule_data(path)
    if problem:
        return None, [RuleProblem(name, "", problem)]
    parser = _Parser(name, str(path))
    data = _borrow_table(data, parser)
    ruleset = parser.ruleset(data)
    return (ruleset if not parser.errors else None), parser.problems


BORROWED = ("stages", "facts", "rates", "conditions", "gates", "sections", "monitor", "ledger")


def _borrow_table(data: dict, parser: "_Parser") -> dict:
    """`[ruleset] items_from = "other-id"`: take the scoring table of another built-in rule set.

    Everything the file itself defines wins; the level policy and identity are always its own.
    """
    head = data.get("ruleset") if isinstance(data.get("ruleset"), dict) else {}
    source = head.get("items_from")
    if source is None:
        return data
    if source not in builtin_ids():
        parser.problem("ruleset.items_from", f"items_from 引用了不存在的内置规则集“{source}”（可用：{'、'.join(builtin_ids())}）")
        return data
    base = tomllib.loads(builtin_path(source).read_text(encoding="utf-8"))
    if "items_from" in base.get("ruleset", {}):
        parser.problem("ruleset.items_from", f"“{source}”本身也借用了别的评分表，不能再被借用")
        return data
    if not head.get("provisional"):
        parser.problem("ruleset.provisional", "借用别处的评分表时，应在 provisional 中写明评分表是暂用的", "warning")
    merged = dict(data)
    for key in BORROWED:
        if key not in data and key in base:
            merged[key] = base[key]
    return merged


def _points(value) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


class _Parser:
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
        value = _points(table.get(key))
        if value is None:
            self.problem(f"{where}.{key}", f"“{key}”应为数字，实际为：{table.get(key)!r}")
            return Fraction(0)
        return value

    def unknown_keys(self, table: dict, allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(f"{where}.{key}", f"不认识的键“{key}”（可用：{'、'.join(sorted(allowed))}）")

    # ------------------------------------------------------------ top level
    def ruleset(self, data: dict) -> RuleSet | None:
        self.unknown_keys(data, {"ruleset", "stages", "facts", "rates", "conditions", "gates", "levels", "sections", "monitor", "ledger",
                                "subsidy", "coverage", "publication"}, "")
        head = data.get("ruleset")
        if not isinstance(head, dict):
            self.problem("ruleset", "缺少 [ruleset] 表（id、version、name 等）")
            head = {}
        self.unknown_keys(head, {"id", "version", "name", "declaration", "jurisdiction", "year", "source", "total", "provisional", "items_from"}, "ruleset")
        rule_id = self.text(head, "id", "ruleset")
        if rule_id and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule_id):
            self.problem("ruleset.id", "id 只能用小写字母、数字和连字符，如 zhangye-2023")
        year = head.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            self.problem("ruleset.year", "year 应为年份，如 2023")
            year = 0
        total = self.number(head, "total", "ruleset") if "total" in head else Fraction(100)
        stages = self.stages(data.get("stages"))
        self.facts_table(data.get("facts"))
        self.rates_table(data.get("rates"))
        self.conditions_table(data.get("conditions"))
        sections = self.sections(data.get("sections"), total)
        gates = self.gates(data.get("gates"))
        levels = self.levels(data.get("levels"), total)
        monitor = self.monitor(data.get("monitor"))
        ledger = parse_ledger(self, data.get("ledger"), self.facts)
        subsidy = parse_subsidy(self, data.get("subsidy"), levels.titles)
        coverage = parse_coverage(self, data.get("coverage"))
        publication = parse_publication(self, data.get("publication"))
        for fact_id in self.facts:
            if fact_id not in self.used_facts:
                self.problem(f"facts.{fact_id}", "这项基础数据没有被任何计分规则或门槛用到", "warning")
        if self.errors:
            return None
        return RuleSet(
            id=rule_id, version=self.text(head, "version", "ruleset"), name=self.text(head, "name", "ruleset"),
            jurisdiction=self.text(head, "jurisdiction", "ruleset"), source=self.text(head, "source", "ruleset"),
            year=year, stages=stages, facts=self.facts, rates=self.rates, conditions=self.conditions,
            sections=sections, gates=gates, levels=levels, total=total,
            provisional=self.text(head, "provisional", "ruleset", required=False), path=self.path,
            monitor=monitor, ledger=ledger, items_from=head.get("items_from", ""),
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
        for fid, table in raw.items():
            where = f"facts.{fid}"
            if not IDENT.match(fid):
                self.problem(where, "基础数据 id 只能用小写英文字母、数字和下划线")
            self.unknown_keys(table, {"label", "type", "unit", "help"}, where)
            ftype = table.get("type")
            if ftype not in FACT_TYPES:
                self.problem(f"{where}.type", f"type 应为 {'、'.join(FACT_TYPES)} 之一，实际为：{ftype!r}")
                ftype = "count"
            self.facts[fid] = Fact(fid, self.text(table, "label", where), ftype,
                                   self.text(table, "unit", where, required=False),
                                   self.text(table, "help", where, required=False))

    def rates_table(self, raw) -> None:
        for rid, table in (raw or {}).items():
            where = f"rates.{rid}"
            self.unknown_keys(table, {"label", "numerator", "denominator", "empty_met"}, where)
            parts = []
            for key in ("numerator", "denominator"):
                fid = self.text(table, key, where)
                fact = self.facts.get(fid)
                if fid and fact is None:
                    self.problem(f"{where}.{key}", f"引用了不存在的基础数据“{fid}”")
                elif fact and fact.type != "count":
                    self.problem(f"{where}.{key}", f"比率的分子、分母必须是人数（count），“{fid}”是 {fact.type}")
                parts.append(fid)
            empty_met = table.get("empty_met", True)
            if not isinstance(empty_met, bool):
                self.problem(f"{where}.empty_met", "empty_met 应为 true 或 false")
                empty_met = True
            self.rates[rid] = Rate(rid, self.text(table, "label", where), parts[0], parts[1], empty_met)

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
            self.unknown_keys(raw, {"rate", "op", "percent"}, where)
            rid = raw["rate"]
            if rid not in self.rates:
                self.problem(f"{where}.rate", f"引用了不存在的比率“{rid}”（在 [rates] 中定义）")
            else:
                self.used_facts.update((self.rates[rid].numerator, self.rates[rid].denominator))
            op = self.op(raw, where)
            percent = self.number(raw, "percent", where)
            if not 0 <= percent <= 100:
                self.problem(f"{where}.percent", "percent 应在 0 到 100 之间")
            return RateTest(rid, op, percent)
        if "fact" in raw:
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
                expect = raw.get("expect", True)
                return FactTest(fid, expect=bool(expect))
            op = self.op(raw, where)
            if fact.type == "percent":
                return FactTest(fid, op, self.number(raw, "percent", where), percent=True)
            return FactTest(fid, op, self.number(raw, "value", where))
        self.problem(where, "条件应含 fact、rate 或 all 之一")
        return FactTest("")

    def op(self, raw: dict, where: str) -> str:
        op = raw.get("op")
        if op not in OPS:
            self.problem(f"{where}.op", f"op 应为 {' '.join(OPS)} 之一，实际为：{op!r}")
            return ">="
        return op

    # ------------------------------------------------------------ items
    def sections(self, raw, total: Fraction) -> tuple[Section, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem("sections", "缺少评分表 [[sections]]")
            return ()
        out, item_ids = [], set()
        for n, table in enumerate(raw):
            where = f"sections[{n}]"
            self.unknown_keys(table, {"id", "title", "points", "items"}, where)
            sid, title = self.text(table, "id", where), self.text(table, "title", where)
            points = self.number(table, "points", where)
            items = []
            for m, item_table in enumerate(table.get("items") or []):
                item = self.item(item_table, sid, f"{where}.items[{m}]")
                if item.id in item_ids:
                    self.problem(f"{where}.items[{m}].id", f"序号“{item.id}”重复")
                item_ids.add(item.id)
                items.append(item)
            if not items:
                self.problem(f"{where}.items", f"“{title}”下没有评分项")
            item_sum = sum((i.points for i in items), Fraction(0))
            if items and item_sum != points:
                self.problem(f"{where}.points", f"“{title}”标准分为{_num(points)}分，但各项标准分之和为{_num(item_sum)}分")
            out.append(Section(sid, title, points, tuple(items)))
        section_sum = sum((s.points for s in out), Fraction(0))
        if section_sum != total:
            self.problem("sections", f"各部分标准分之和为{_num(section_sum)}分，不等于总分{_num(total)}分")
        return tuple(out)

    def item(self, table: dict, section: str, where: str) -> Item:
        self.unknown_keys(table, {"id", "content", "criteria", "points", "parts", "reading"}, where)
        item_id = str(table.get("id", ""))
        label = f"{where}（序号 {item_id}）"
        if not ITEM_ID.match(item_id):
            self.problem(f"{where}.id", "序号只能用数字、字母和点，如 3.2")
        points = self.number(table, "points", where)
        parts = tuple(self.part(p, f"{label}.parts[{k}]") for k, p in enumerate(table.get("parts") or []))
        if not parts:
            self.problem(f"{label}.parts", "没有计分规则 parts")
        most = sum((p.max_points for p in parts if p is not None), Fraction(0))
        if parts and all(parts) and most != points:
            self.problem(f"{label}.parts", f"各部分满分之和为{_num(most)}分，与标准分{_num(points)}分不符")
        return Item(item_id, section, self.text(table, "content", where), self.text(table, "criteria", where),
                    points, tuple(p for p in parts if p is not None), self.text(table, "reading", where, required=False))

    def part(self, raw, where: str):
        if not isinstance(raw, dict):
            self.problem(where, "计分规则应为 { kind = … } 形式的表")
            return None
        kind = raw.get("kind")
        if kind not in PART_KINDS:
            self.problem(f"{where}.kind", f"未知的规则类型“{kind}”，可用：{'、'.join(PART_KINDS)}")
            return None
        reason = self.reason(raw, where) if kind != "base" else ""
        if kind == "base":
            self.unknown_keys(raw, {"kind", "points"}, where)
            return Base(self.number(raw, "points", where))
        if kind in ("award", "deduct"):
            self.unknown_keys(raw, {"kind", "points", "require", "reason"}, where)
            cls = Award if kind == "award" else Deduct
            return cls(self.number(raw, "points", where), self.condition(raw.get("require"), f"{where}.require"), reason)
        if kind == "per_unit":
            self.unknown_keys(raw, {"kind", "points", "fact", "reason"}, where)
            fid = raw.get("fact")
            fact = self.facts.get(fid)
            if fact is None:
                self.problem(f"{where}.fact", f"引用了不存在的基础数据“{fid}”")
            elif fact.type != "count":
                self.problem(f"{where}.fact", f"按人数扣分只能用人数（count）类基础数据，“{fid}”是 {fact.type}")
            self.used_facts.add(fid)
            return PerUnit(self.number(raw, "points", where), fid, reason)
        if kind == "veto":
            self.unknown_keys(raw, {"kind", "require", "reason"}, where)
            return Veto(self.condition(raw.get("require"), f"{where}.require"), reason)
        # bands
        self.unknown_keys(raw, {"kind", "rate", "fact", "bands", "reason"}, where)
        subject = {k: raw[k] for k in ("rate", "fact") if k in raw}
        if len(subject) != 1:
            self.problem(where, "分档计分需要且只需要 rate 或 fact 之一")
            subject = {"rate": ""}
        bands = []
        for k, band in enumerate(raw.get("bands") or []):
            bwhere = f"{where}.bands[{k}]"
            if not isinstance(band, dict):
                self.problem(bwhere, "档次应为 { op = …, percent = …, points = … }")
                continue
            self.unknown_keys(band, {"op", "percent", "value", "points"}, bwhere)
            cond = {**subject, **{k2: band[k2] for k2 in ("op", "percent", "value") if k2 in band}}
            bands.append(Band(self.condition(cond, bwhere), self.number(band, "points", bwhere)))
        if not bands:
            self.problem(f"{where}.bands", "至少要有一个档次")
            return None
        return Bands(tuple(bands), reason)

    def reason(self, raw: dict, where: str) -> str:
        text = self.text(raw, "reason", where)
        for field in re.findall(r"\{([^{}]*)\}", text):
            if field not in REASON_FIELDS:
                self.problem(f"{where}.reason", f"扣分说明中的“{{{field}}}”无法填写，只能用 {{n}}、{{points}}、{{rate}}")
        return text

    # ------------------------------------------------------------ gates and levels
    def gates(self, raw) -> tuple[Gate, ...]:
        out = []
        for n, table in enumerate(raw or []):
            where = f"gates[{n}]"
            self.unknown_keys(table, {"id", "label", "require"}, where)
            out.append(Gate(self.text(table, "id", where), self.text(table, "label", where),
                            self.condition(table.get("require"), f"{where}.require")))
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

    def levels(self, raw, total: Fraction) -> LevelPolicy:
        where = "levels"
        if not isinstance(raw, dict):
            self.problem(where, "缺少认定层级 [levels]")
            return LevelPolicy((), ())
        self.unknown_keys(raw, {"titles", "bands", "requires_gates", "none_label", "revoked_label", "review",
                                "new_every_years", "recertify_every_years", "exemptions", "reading"}, where)
        titles = tuple(raw.get("titles") or ())
        if not titles or not all(isinstance(t, str) and t for t in titles):
            self.problem(f"{where}.titles", "titles 应为由低到高排列的称号列表")
        bands, last = [], None
        for n, band in enumerate(raw.get("bands") or []):
            bwhere = f"{where}.bands[{n}]"
            self.unknown_keys(band, {"min", "title", "new_title", "recommend"}, bwhere)
            low = self.number(band, "min", bwhere)
            if last is not None and low <= last:
                self.problem(f"{bwhere}.min", "档次应按分数由低到高排列")
            if not 0 <= low <= total:
                self.problem(f"{bwhere}.min", f"分数线应在 0 到 {_num(total)} 之间")
            last = low
            title = self.text(band, "title", bwhere)
            new_title = band.get("new_title", title)
            for key, value in (("title", title), ("new_title", new_title)):
                if value and value not in titles:
                    self.problem(f"{bwhere}.{key}", f"称号“{value}”不在 titles 中")
            bands.append(LevelBand(low, title, new_title, self.text(band, "recommend", bwhere, required=False)))
        if not bands:
            self.problem(f"{where}.bands", "至少要有一个认定分数线 [[levels.bands]]")
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
        return LevelPolicy(
            titles=titles, bands=tuple(bands), requires_gates=bool(raw.get("requires_gates", True)),
            none_label=raw.get("none_label", "不予认定"), revoked_label=raw.get("revoked_label", "取消认定资格"),
            review=raw.get("review", ""), exemptions=tuple(exemptions), reading=raw.get("reading", ""), **ints,
        )


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))
