"""Read a ledger workbook into typed rows, through the one reader (xlsx: screened, streamed row by row,
strict — a sheet that breaks off or whose compressed data is damaged is refused, never read in part —
and sparse, so a value in the sheet's last cell costs nothing).

Columns are found by their header text, so a community may reorder or add columns. Personal data
(names, ID numbers) stay inside the Ledger object: a message about a cell names its row and column
and says what kind of content it found, never the content itself (a row pasted one column to the
right puts an ID number into a yes/no column: its message must not repeat it).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..core.idnumber import looks_like_id, normalise, stored_as_number
from ..core.model import Finding, LedgerSpec, Location
from ..core.numbers import MAX_COUNT, parse_count, parse_flag
from ..errors import UnusableFile
from ..ooxml.a1 import column_letter
from ..screening import LEDGER_LIMITS, Limits, screen_workbook
from ..xlsx import FastBook, Row, open_book

LEDGER_SHEET = "台账"
INFO_SHEET = "单位信息"
HEADER_ROWS = 15  # the header is looked for in the first rows
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class Ledger:
    file: str
    sheet: str
    rows: list[tuple[int, dict]]  # (Excel row number, column id -> value)
    identity: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unreadable: set[tuple[int, str]] = field(default_factory=set)  # (row, column id) already reported


def parse_date(raw) -> tuple[dt.date | None, str | None]:
    if raw in (None, ""):
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(raw)), None
    match = DATE_TEXT.match(str(raw).strip())
    if match:
        try:
            return dt.date(*map(int, match.groups())), None
        except ValueError:
            pass
    return None, "应填日期，如 2023-05-01"


def _flag(raw) -> tuple[bool | None, str | None]:
    if raw == "是":
        return True, None
    if raw in ("", None, "否"):
        return False, None  # a blank flag in a ledger means 否
    parsed = parse_flag(raw)
    return parsed.value, "应填“是”或“否”" if parsed.problem else None


def _count(raw) -> tuple[int | None, str | None]:
    if raw in ("", None):
        return None, None
    if type(raw) is int and 0 <= raw <= MAX_COUNT:  # a plain number cell
        return raw, None
    parsed = parse_count(raw)
    return parsed.value, "应填非负整数" if parsed.problem else None


def _text(raw) -> tuple[str, None]:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return ("" if raw is None else str(raw).strip()), None


def _id(raw) -> tuple[str, str | None]:
    if stored_as_number(raw):
        return "", ("被 Excel 存成了数字，超过 15 位的部分已经丢失：请把这一列的单元格格式设为“文本”，再重新输入号码"
                    "（也可以在号码前加英文单引号 ' ）")
    return normalise(raw), None


def what_it_holds(raw) -> str:
    """What kind of content a ledger cell holds, without repeating it (it may be personal data)."""
    if isinstance(raw, bool):
        return "一个是/否值"
    if isinstance(raw, (dt.date, dt.datetime)):
        return "一个日期"
    if looks_like_id(raw):
        return "一串像公民身份号码的数字（这一行可能错位了，请核对各列）"
    if isinstance(raw, (int, float)):
        return "一个数"
    text = str(raw)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "一段文字"
    return "一段字母、数字或符号"


PARSE = {"flag": _flag, "date": parse_date, "count": _count, "text": _text, "id": _id}


def open_ledger(path: Path, limits: Limits = LEDGER_LIMITS) -> FastBook:
    """A ledger screened (its kind, its container, every part but the sheets and strings, which the reader
    streams) and opened in the one reader with the ledger's limits."""
    screen_workbook(path, limits)
    return open_book(path, limits=limits)


def ledger_rows(book: FastBook, sheet: str, limits: Limits = LEDGER_LIMITS) -> Iterator[Row]:
    """The rows of a ledger's sheet (xlsx: streamed, strict, sparse), at most `limits.rows` of them."""
    for n, row in enumerate(book.rows(sheet), start=1):
        if n > limits.rows:
            raise UnusableFile(book.pkg.source, f"工作表“{sheet}”超过 {limits.rows:,} 行，超出台账的上限，已拒绝处理：请按社区分开提交")
        yield row


def read_ledger(path: str | Path, spec: LedgerSpec, limits: Limits = LEDGER_LIMITS) -> Ledger:
    """The ledger's persons, typed; a damaged sheet is refused whole (its rows are streamed once, and
    nothing is returned until the last one is read)."""
    path = Path(path)
    book = open_ledger(path, limits)
    try:
        sheets = book.parts.worksheets
        if not sheets:
            raise UnusableFile(path, "台账中没有工作表：请用 `fullemp templates build` 生成的台账模板")
        sheet_name = LEDGER_SHEET if LEDGER_SHEET in sheets else sheets[0]
        ledger = Ledger(path.name, sheet_name, [])
        _read_persons(ledger, ledger_rows(book, sheet_name, limits), spec, path)
        if INFO_SHEET in sheets:
            for _, row in ledger_rows(book, INFO_SHEET, limits):
                label = str(row.get(1, "")).strip()
                if label in ("县（区）", "街道（乡镇）", "社区") and 2 in row:
                    ledger.identity[label] = _text(row[2])[0]
    finally:
        book.close()
    return ledger


def _read_persons(ledger: Ledger, rows: Iterator[Row], spec: LedgerSpec, path: Path) -> None:
    sheet_name = ledger.sheet
    labels = {c.label: c for c in spec.columns}
    header_at, columns = None, {}
    for number, row in rows:
        if number > HEADER_ROWS:
            break
        found = {k: labels[str(v).strip()] for k, v in row.items() if str(v).strip() in labels}
        if len(found) >= max(2, len(spec.columns) // 2):
            header_at, columns = number, found
            break
    if header_at is None:
        for _ in rows:  # the rest of the sheet: a damaged one is called damaged
            pass
        raise UnusableFile(path, "找不到台账的表头（姓名、公民身份号码等列名）：请用 `fullemp templates build` 生成的台账模板")
    missing = [c.label for c in spec.columns if c not in columns.values()]
    for label in missing:
        ledger.findings.append(Finding("ledger.column", "error", f"台账缺少“{label}”列，与它有关的数不能计算",
                                       Location(path.name, sheet_name, f"A{header_at}"), label))
    for number, raw_row in rows:
        if number <= header_at or not any(k in raw_row for k in columns):
            continue  # a row above the header, or a row with nothing in the ledger's columns (a stray far cell)
        values = {c.id: None for c in spec.columns}
        for k, col in columns.items():
            raw = raw_row.get(k, "")
            value, problem = PARSE[col.type](raw)
            values[col.id] = value
            if problem:
                shown = problem if col.type == "id" else f"{problem}，这里填的是{what_it_holds(raw)}"
                ledger.findings.append(Finding("ledger.value", "error", f"第{number}行：{col.label}{shown}",
                                               Location(path.name, sheet_name, f"{column_letter(k)}{number}"), col.label))
                ledger.unreadable.add((number, col.id))
        ledger.rows.append((number, values))
