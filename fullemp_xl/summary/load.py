"""Read a summary workbook back: every community with the officials' decisions, the 未提交 list, the meta.

Used by `merge` (to keep what officials typed), by `--refresh`, by the documents and by `registry next`.
Columns are found by header text; a value an official typed that is not one of a column's choices is
reported (never silently read as blank).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import RuleSet
from ..core.numbers import cell_text as _text
from ..rules import load_ruleset
from ..errors import UnusableFile
from . import columns as C
from .model import Decisions, RegistryEntry, SummaryRow
from .write import FIRST_ROW, FORM, HEAD_ROW, LOG_HEADS, META_SHEET, SHEETS, SNAPSHOT_SHEET, LogLine
from ..screening.gate import check_workbook_file
from ..screening import SUMMARY_LIMITS
from ..xlsx import open_book


@dataclass
class Summary:
    path: Path
    ruleset: RuleSet
    year: int
    generated: str
    schema: str
    rows: list[SummaryRow] = field(default_factory=list)
    missing: list[RegistryEntry] | None = None  # None: the summary was made without a registry
    meta: dict[str, list[str]] = field(default_factory=dict)
    unmatched: list[SummaryRow] = field(default_factory=list)  # earlier entries no community matched (kept)
    snapshot: dict[tuple, Decisions] = field(default_factory=dict)  # the officials' entries as the run wrote them
    log: list[LogLine] = field(default_factory=list)  # the 变更记录 so far
    published: list = field(default_factory=list)  # summary.timeline.Published: the 发布记录

    @property
    def problems(self) -> list[str]:
        """The summary's problems (summary.check), in Chinese, one per doubtful cell."""
        from .check import check_summary

        return [str(p) for p in check_summary(self)]

    @property
    def sources(self) -> list[str]:
        return self.meta.get("source", [])

    @property
    def county(self) -> str:
        """The county of a county's own summary (merge --county); "" for the city's."""
        return (self.meta.get("county") or [""])[0]

    @property
    def registry(self) -> str:
        return (self.meta.get("registry") or [""])[0]


def _number(value):
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else float(value)
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _flag(value) -> bool | None:
    text = _text(value)
    return {"是": True, "否": False}.get(text)


def _subsidy_flag(value, in_registry) -> bool | None:
    """是 / 否; blank for a registry community means the registry had no such column: not known (None)."""
    flag = _flag(value)
    if flag is None and _flag(in_registry) is True:
        return None
    return flag is True


class _Sheet:
    """A sheet as the values Excel shows (formulas by their cached result), row by row — what the loader
    needs of openpyxl's read-only worksheets, from the merge's own strict reader."""

    def __init__(self, cells):
        self.grid: dict[int, dict[int, object]] = {}
        for key, value in cells.values.items():
            self.grid.setdefault(key[0], {})[key[1]] = cells.cached[key] if key in cells.cached else value
        self.width = max((c for row in self.grid.values() for c in row), default=0)

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, values_only: bool = True):
        for r in range(min_row, (max_row or max(self.grid, default=0)) + 1):
            row = self.grid.get(r, {})
            yield tuple(row.get(c) for c in range(1, self.width + 1))


def load_summary(path: str | Path) -> Summary:
    """Raise UnusableFile when the file is not a summary made by `fullemp merge`.

    The file is screened as every submitted workbook is (macros, unsafe XML, bombs, Strict Open XML);
    one that is not a summary has its sheets screened too, so a damaged file is called damaged.
    """
    from dataclasses import replace

    path = Path(path)
    check_workbook_file(path, SUMMARY_LIMITS)
    book = open_book(path, path, limits=SUMMARY_LIMITS)
    book.named_only = False  # whole sheets: the officials' rows, not named cells
    try:
        if META_SHEET not in book.sheetnames or SHEETS["summary"] not in book.sheetnames:
            check_workbook_file(path, replace(SUMMARY_LIMITS, measure_sheets=True))
            raise UnusableFile(path, "这不是 `fullemp merge` 生成的汇总表（缺少“汇总”工作表或隐藏的汇总表信息）")
        meta: dict[str, list[str]] = {}
        for row in _Sheet(book.sheet(META_SHEET)).iter_rows(min_row=2):
            if row and row[0]:
                meta.setdefault(_text(row[0]), []).append(_text(row[1] if len(row) > 1 else ""))
        first = {k: v[0] for k, v in meta.items()}
        if first.get("fe_meta_form") != FORM:
            raise UnusableFile(path, "这不是 `fullemp merge` 生成的汇总表")
        try:
            ruleset = load_ruleset(first.get("fe_meta_ruleset") or "")
        except Exception:
            raise UnusableFile(path, f"汇总表所用的规则集“{first.get('fe_meta_ruleset')}”找不到：请用 --rules 指定") from None
        summary = Summary(path, ruleset, int(first.get("fe_meta_year") or ruleset.year), first.get("fe_meta_generated", ""),
                          first.get("fe_meta_schema", ""), meta=meta)
        _read_rows(_Sheet(book.sheet(SHEETS["summary"])), summary)
        if SHEETS["missing"] in book.sheetnames:
            summary.missing = _read_missing(_Sheet(book.sheet(SHEETS["missing"])))
        if SHEETS["unmatched"] in book.sheetnames:
            summary.unmatched = _read_unmatched(_Sheet(book.sheet(SHEETS["unmatched"])))
        if SNAPSHOT_SHEET in book.sheetnames:
            summary.snapshot = _read_snapshot(_Sheet(book.sheet(SNAPSHOT_SHEET)))
        if SHEETS["log"] in book.sheetnames:
            summary.log = _read_log(_Sheet(book.sheet(SHEETS["log"])))
        if SHEETS["published"] in book.sheetnames:
            from .timeline import read_lines

            summary.published = read_lines(_Sheet(book.sheet(SHEETS["published"])).iter_rows(min_row=FIRST_ROW))
        return summary
    finally:
        book.close()


def _header(ws) -> tuple[int, dict[int, str]]:
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=HEAD_ROW + 3, values_only=True), start=1):
        texts = [_text(v) for v in row]
        if "社区" in texts and "县（区）" in texts:
            return r, {k: t for k, t in enumerate(texts) if t}
    return HEAD_ROW, {}


def _read_rows(ws, summary: Summary) -> None:
    rs = summary.ruleset
    keys = C.header_keys(rs)
    head_row, header = _header(ws)
    index = {keys[t]: k for k, t in header.items() if t in keys}
    for required in ("county", "street", "community"):
        if required not in index:
            raise UnusableFile(summary.path, f"“汇总”工作表找不到“{next(c.header for c in C.IDENTITY if c.key == required)}”列：请不要改动表头")
    stage_ids = [s.id for s in rs.stages]
    for r, row in enumerate(ws.iter_rows(min_row=head_row + 1, values_only=True), start=head_row + 1):
        get = lambda key: row[index[key]] if key in index and index[key] < len(row) else None  # noqa: E731
        county, street, community = _text(get("county")), _text(get("street")), _text(get("community"))
        if not (county or street or community or _text(get("source"))):
            continue  # a blank row; a form whose identity cells were blank still has its file here
        decisions = _decisions(get)
        summary.rows.append(SummaryRow(
            county=county, street=street, community=community, code=_text(get("code")),
            items={i.id: _number(get(f"item:{i.id}")) for i in rs.items},
            stage_label=_text(get("stage_label")),
            totals={s: _number(get(f"total:{s}")) for s in stage_ids},
            recorded={s: _number(get(f"recorded:{s}")) for s in stage_ids},
            total=_number(get("total")), gates=_text(get("gates")), level=_text(get("level")),
            parts={c.key[5:]: _number(get(c.key)) for c in C.part_columns(rs)},
            eligible=_flag(get("eligible")) is True, recommend=_text(get("recommend")),
            prior_title=_text(get("prior_title")), prior_year=_number(get("prior_year")),
            change=_text(get("change")), national_subsidy=_subsidy_flag(get("national_subsidy"), get("in_registry")),
            provincial_subsidy=_subsidy_flag(get("provincial_subsidy"), get("in_registry")), subsidy=_text(get("subsidy")),
            errors=_number(get("errors")) or 0, warnings=_number(get("warnings")) or 0,
            source=_text(get("source")), declaration=_text(get("declaration")),
            in_registry=_flag(get("in_registry")), decisions=decisions))


def _decisions(get) -> Decisions:
    """The officials' columns of a row; a text that is not one of a column's choices is kept aside (summary.check)."""
    decisions = Decisions()
    for col in C.OFFICIAL:
        value = _text(get(col.key))
        if col.choices and value and value not in col.choices:
            decisions.invalid[col.key] = value  # reported by summary.check, written back by the merge
            value = ""
        if col.key == "civil" and value == "无":
            value = ""
        setattr(decisions, col.key, value)
    return decisions


def _by_header(ws, heads: dict[str, str]):
    """Rows of a sheet of ours as key -> value getters, columns found by their header text."""
    head_row, header = _header(ws)
    index = {heads[t]: k for k, t in header.items() if t in heads}
    for row in ws.iter_rows(min_row=head_row + 1, values_only=True):
        def get(key, row=row):
            return row[index[key]] if key in index and index[key] < len(row) else None
        yield get


def _read_unmatched(ws) -> list[SummaryRow]:
    heads = {"县（区）": "county", "街道（乡镇）": "street", "社区": "community", "社区代码": "code", "认定得分": "total",
             "来源文件": "source", **{c.header: c.key for c in C.OFFICIAL}}
    out = []
    for get in _by_header(ws, heads):
        community = _text(get("community"))
        if not community:
            continue
        out.append(SummaryRow(county=_text(get("county")), street=_text(get("street")), community=community,
                              code=_text(get("code")), total=_number(get("total")), source=_text(get("source")),
                              decisions=_decisions(get)))
    return out


def _read_snapshot(ws) -> dict[tuple, Decisions]:
    out = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if not row or not any(row[:3]):
            continue
        values = dict(zip([c.key for c in C.OFFICIAL], row[3:]))
        out[tuple(_text(v) for v in row[:3])] = _decisions(values.get)
    return out


def _read_log(ws) -> list[LogLine]:
    out = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if len(row) < len(LOG_HEADS) or not isinstance(row[0], (int, float)):
            continue
        out.append(LogLine(*(_text(v) for v in row[1:len(LOG_HEADS)])))
    return out


def _read_missing(ws) -> list[RegistryEntry]:
    out = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if len(row) < 4 or not _text(row[3]) or not isinstance(row[0], (int, float)):
            continue
        out.append(RegistryEntry(_text(row[1]), _text(row[2]), _text(row[3]), _text(row[4]) if len(row) > 4 else "",
                                 _text(row[5]) if len(row) > 5 else "",
                                 _number(row[6]) if len(row) > 6 else None,
                                 _flag(row[7]) if len(row) > 7 else False,  # blank: not known
                                 _flag(row[8]) if len(row) > 8 else False))
    return out
