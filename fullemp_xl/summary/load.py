"""Read a summary workbook back: every community with the officials' decisions, the 未提交 list, the meta.

Used by `merge` (to keep what officials typed), by `--refresh`, by the documents and by `registry next`.
Columns are found by header text; a value an official typed that is not one of a column's choices is
reported (never silently read as blank).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..core.model import RuleSet
from ..core.numbers import cell_text as _text
from ..rules import load_ruleset
from ..errors import UnusableFile
from . import columns as C
from .check import check_summary
from .model import Decisions, RegistryEntry, SummaryRow
from .timeline import HEADS, read_lines
from .write import FIRST_ROW, FORM, HEAD_ROW, LOG_HEADS, META_SHEET, SHEETS, SNAPSHOT_SHEET, LogLine
from ..screening.gate import check_workbook_file
from ..screening import SUMMARY_LIMITS
from ..xlsx import Row, open_book


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


def _cells(row: dict[int, object], width: int) -> tuple:
    """A sparse row (xlsx.Row's column -> value) as the values of its first `width` columns, blanks as None."""
    return tuple(row.get(c) for c in range(1, width + 1))


def load_summary(path: str | Path) -> Summary:
    """Raise UnusableFile when the file is not a summary made by `fullemp merge`.

    The file is screened as every submitted workbook is (macros, unsafe XML, bombs, Strict Open XML);
    one that is not a summary has its sheets screened too, so a damaged file is called damaged.
    """
    path = Path(path)
    check_workbook_file(path, SUMMARY_LIMITS)
    book = open_book(path, path, limits=SUMMARY_LIMITS)
    try:
        if META_SHEET not in book.sheetnames or SHEETS["summary"] not in book.sheetnames:
            check_workbook_file(path, replace(SUMMARY_LIMITS, measure_sheets=True))
        return read_summary(_BookSheets(book), path)
    finally:
        book.close()


class _BookSheets:
    """The sheets of a workbook read by the one reader, by name: each sheet's rows (xlsx.Row), read when asked for."""

    def __init__(self, book):
        self.book = book

    def __contains__(self, name: str) -> bool:
        return name in self.book.sheetnames

    def __getitem__(self, name: str) -> list[Row]:
        return list(self.book.rows(name))  # the values Excel shows, row by row (xlsx: one way to walk a sheet)


def sheets_of_rows(sheets: dict[str, tuple[list, int, int]]) -> dict[str, list[Row]]:
    """{name: (rows of values, top row, left column)}, as an open workbook gives them through xlwings, as the
    sparse rows read_summary takes (blank cells, None or "", left out — as the reader leaves them out)."""
    out: dict[str, list[Row]] = {}
    for name, (values, top, left) in sheets.items():
        rows = []
        for number, row in enumerate(values or [], start=top):
            cells = {c: v for c, v in enumerate(row, start=left) if v not in (None, "")}
            if cells:
                rows.append((number, cells))
        out[name] = rows
    return out


def read_summary(sheets, path: Path) -> Summary:
    """The summary in `sheets` (name -> its rows as xlsx.Row, as load_summary reads the file or sheets_of_rows
    makes from an open workbook); `path` is the summary's file."""
    if META_SHEET not in sheets or SHEETS["summary"] not in sheets:
        raise UnusableFile(path, "这不是 `fullemp merge` 生成的汇总表（缺少“汇总”工作表或隐藏的汇总表信息）")
    meta: dict[str, list[str]] = {}
    for number, row in sheets[META_SHEET]:
        if number >= 2 and row.get(1):
            meta.setdefault(_text(row[1]), []).append(_text(row.get(2, "")))
    first = {k: v[0] for k, v in meta.items()}
    if first.get("fe_meta_form") != FORM:
        raise UnusableFile(path, "这不是 `fullemp merge` 生成的汇总表")
    try:
        ruleset = load_ruleset(first.get("fe_meta_ruleset") or "")
    except Exception:
        raise UnusableFile(path, f"汇总表所用的规则集“{first.get('fe_meta_ruleset')}”找不到：请用 --rules 指定") from None
    summary = Summary(path, ruleset, int(first.get("fe_meta_year") or ruleset.year), first.get("fe_meta_generated", ""),
                      first.get("fe_meta_schema", ""), meta=meta)
    _read_rows(sheets[SHEETS["summary"]], summary)
    if SHEETS["missing"] in sheets:
        summary.missing = _read_missing(sheets[SHEETS["missing"]])
    if SHEETS["unmatched"] in sheets:
        summary.unmatched = _read_unmatched(sheets[SHEETS["unmatched"]], summary.ruleset)
    if SNAPSHOT_SHEET in sheets:
        summary.snapshot = _read_snapshot(sheets[SNAPSHOT_SHEET])
    if SHEETS["log"] in sheets:
        summary.log = _read_log(sheets[SHEETS["log"]])
    if SHEETS["published"] in sheets:
        summary.published = read_lines(_cells(row, len(HEADS)) for n, row in sheets[SHEETS["published"]] if n >= FIRST_ROW)
    return summary


def _header(rows: list[Row]) -> tuple[int, dict[int, str]]:
    """The header row among the top rows: (its number, column -> header text)."""
    for number, row in rows:
        if number > HEAD_ROW + 3:
            break
        texts = {c: _text(v) for c, v in row.items()}
        if "社区" in texts.values() and "县（区）" in texts.values():
            return number, {c: t for c, t in texts.items() if t}
    return HEAD_ROW, {}


def _read_rows(rows: list[Row], summary: Summary) -> None:
    rs = summary.ruleset
    keys, aliases = C.header_keys(rs), C.official_aliases(rs)
    head_row, header = _header(rows)
    index = {keys[t]: c for c, t in header.items() if t in aliases}  # an earlier summary's 实地考察, 公示异议 …
    index |= {keys[t]: c for c, t in header.items() if t in keys and t not in aliases}  # today's headers win
    for required in ("county", "street", "community"):
        if required not in index:
            raise UnusableFile(summary.path, f"“汇总”工作表找不到“{next(c.header for c in C.IDENTITY if c.key == required)}”列：请不要改动表头")
    stage_ids = [s.id for s in rs.stages]
    for number, row in rows:
        if number <= head_row:
            continue
        get = lambda key: row.get(index[key]) if key in index else None  # noqa: E731
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


def _by_header(rows: list[Row], heads: dict[str, str]):
    """Rows of a sheet of ours as key -> value getters, columns found by their header text."""
    head_row, header = _header(rows)
    index = {heads[t]: c for c, t in header.items() if t in heads}
    for number, row in rows:
        if number <= head_row:
            continue

        def get(key, row=row):
            return row.get(index[key]) if key in index else None
        yield get


def _read_unmatched(rows: list[Row], ruleset: RuleSet) -> list[SummaryRow]:
    heads = {"县（区）": "county", "街道（乡镇）": "street", "社区": "community", "社区代码": "code", "认定得分": "total",
             "来源文件": "source", **C.official_header_keys(ruleset)}
    out = []
    for get in _by_header(rows, heads):
        community = _text(get("community"))
        if not community:
            continue
        out.append(SummaryRow(county=_text(get("county")), street=_text(get("street")), community=community,
                              code=_text(get("code")), total=_number(get("total")), source=_text(get("source")),
                              decisions=_decisions(get)))
    return out


def _read_snapshot(rows: list[Row]) -> dict[tuple, Decisions]:
    out = {}
    for number, sparse in rows:
        row = _cells(sparse, 3 + len(C.OFFICIAL))
        if number < 2 or not any(row[:3]):
            continue
        values = dict(zip([c.key for c in C.OFFICIAL], row[3:]))
        out[tuple(_text(v) for v in row[:3])] = _decisions(values.get)
    return out


def _read_log(rows: list[Row]) -> list[LogLine]:
    out = []
    for number, sparse in rows:
        row = _cells(sparse, len(LOG_HEADS))
        if number < FIRST_ROW or not isinstance(row[0], (int, float)):
            continue
        out.append(LogLine(*(_text(v) for v in row[1:len(LOG_HEADS)])))
    return out


def _read_missing(rows: list[Row]) -> list[RegistryEntry]:
    out = []
    for number, sparse in rows:
        row = _cells(sparse, 9)
        if number < FIRST_ROW or not _text(row[3]) or not isinstance(row[0], (int, float)):
            continue
        out.append(RegistryEntry(_text(row[1]), _text(row[2]), _text(row[3]), _text(row[4]), _text(row[5]),
                                 _number(row[6]), _flag(row[7]), _flag(row[8])))  # a blank flag: not known
    return out
