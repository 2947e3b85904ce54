"""The [ledger] table of a rule set: ledger columns and how each base-data value is counted from them."""
from __future__ import annotations

from ..core.model import Contradiction, LedgerColumn, LedgerCount, LedgerFlag, LedgerSpec, MonthRule, RowAny, RowTest
from .conditions import OPS

COLUMN_TYPES = {"text": "文字", "id": "公民身份号码", "flag": "是/否", "date": "日期", "count": "非负整数"}


def parse_ledger(parser, raw, facts: dict) -> LedgerSpec | None:
    if raw is None:
        return None
    where = "ledger"
    if not isinstance(raw, dict):
        parser.problem(where, "[ledger] 应为表")
        return None
    parser.unknown_keys(raw, {"title", "columns", "counts", "flags", "monitor", "contradictions"}, where)
    columns, seen = [], set()
    for n, col in enumerate(raw.get("columns") or []):
        cwhere = f"{where}.columns[{n}]"
        parser.unknown_keys(col, {"id", "label", "type", "personal", "help"}, cwhere)
        cid = col.get("id", "")
        if cid in seen:
            parser.problem(f"{cwhere}.id", f"列 id“{cid}”重复")
        seen.add(cid)
        if col.get("type") not in COLUMN_TYPES:
            parser.problem(f"{cwhere}.type", f"列类型应为 {'、'.join(COLUMN_TYPES)} 之一")
        columns.append(LedgerColumn(cid, parser.text(col, "label", cwhere), col.get("type", "text"),
                                    bool(col.get("personal", False)), parser.text(col, "help", cwhere, required=False)))
    types = {c.id: c.type for c in columns}
    if not columns:
        parser.problem(f"{where}.columns", "台账至少要有一列")

    def tests(items, twhere) -> tuple:
        if not isinstance(items, list) or not items:
            parser.problem(twhere, "应为至少一个条件的列表")
            return ()
        return tuple(test(t, f"{twhere}[{k}]") for k, t in enumerate(items))

    def test(t, twhere):
        if isinstance(t, dict) and "any" in t:
            parser.unknown_keys(t, {"any"}, twhere)
            return RowAny(tests(t["any"], f"{twhere}.any"))
        if not isinstance(t, dict) or "col" not in t:
            parser.problem(twhere, "条件应为 { col = … } 或 { any = [ … ] }")
            return RowTest("", "flag")
        parser.unknown_keys(t, {"col", "is", "filled", "op", "value", "within_months", "of"}, twhere)
        col = t["col"]
        if col not in types:
            parser.problem(f"{twhere}.col", f"台账没有列“{col}”")
            return RowTest(col, "flag")
        if "filled" in t:
            return RowTest(col, "filled", bool(t["filled"]))
        if "within_months" in t:
            other = t.get("of", "")
            if types.get(col) != "date" or types.get(other) != "date":
                parser.problem(twhere, "within_months 只能用于两个日期列")
            return RowTest(col, "within", months=int(t["within_months"]), of=other)
        if "op" in t:
            if t["op"] not in OPS:
                parser.problem(f"{twhere}.op", f"op 应为 {' '.join(OPS)} 之一")
            if types[col] != "count":
                parser.problem(twhere, f"只有非负整数列能比较大小，“{col}”是{COLUMN_TYPES.get(types[col], types[col])}")
            return RowTest(col, "compare", op=t["op"], value=parser.number(t, "value", twhere))
        if types[col] != "flag":
            parser.problem(twhere, f"“{col}”不是是/否列：请写 filled = true 或 op/value")
        return RowTest(col, "flag", expect=bool(t.get("is", True)))

    counts = {}
    for fact, spec in (raw.get("counts") or {}).items():
        cwhere = f"{where}.counts.{fact}"
        parser.unknown_keys(spec, {"where", "distinct"}, cwhere)
        if fact not in facts:
            parser.problem(cwhere, f"没有基础数据“{fact}”")
        elif facts[fact].type != "count":
            parser.problem(cwhere, f"“{fact}”不是人数类基础数据，应写在 [ledger.flags] 中")
        distinct = spec.get("distinct", "")
        if distinct and distinct not in types:
            parser.problem(f"{cwhere}.distinct", f"台账没有列“{distinct}”")
        counts[fact] = LedgerCount(fact, tests(spec.get("where"), f"{cwhere}.where"), distinct)
    flags = {}
    for fact, spec in (raw.get("flags") or {}).items():
        fwhere = f"{where}.flags.{fact}"
        parser.unknown_keys(spec, {"among", "require"}, fwhere)
        if fact not in facts:
            parser.problem(fwhere, f"没有基础数据“{fact}”")
        elif facts[fact].type != "flag":
            parser.problem(fwhere, f"“{fact}”不是是/否类基础数据，应写在 [ledger.counts] 中")
        flags[fact] = LedgerFlag(fact, tests(spec.get("among"), f"{fwhere}.among"),
                                 tests(spec.get("require"), f"{fwhere}.require"))
    monitor = None
    if raw.get("monitor") is not None:
        monitor = {}
        for state in ("employed", "unemployed"):
            spec = raw["monitor"].get(state) or {}
            mwhere = f"{where}.monitor.{state}"
            for key in ("start", "end"):
                if types.get(spec.get(key)) != "date":
                    parser.problem(f"{mwhere}.{key}", f"{key} 应为台账中的日期列")
            monitor[state] = MonthRule(tests(spec.get("where"), f"{mwhere}.where"), spec.get("start", ""), spec.get("end", ""))
    contradictions = []
    for n, spec in enumerate(raw.get("contradictions") or []):
        cwhere = f"{where}.contradictions[{n}]"
        parser.unknown_keys(spec, {"when", "message", "severity"}, cwhere)
        severity = spec.get("severity", "error")
        if severity not in ("error", "warning"):
            parser.problem(f"{cwhere}.severity", "severity 应为 error 或 warning")
        contradictions.append(Contradiction(tests(spec.get("when"), f"{cwhere}.when"),
                                            parser.text(spec, "message", cwhere), severity))
    return LedgerSpec(raw.get("title", "实名制台账"), tuple(columns), counts, flags, monitor, tuple(contradictions))
