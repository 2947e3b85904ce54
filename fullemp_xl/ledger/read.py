"""Read a ledger workbook with python-calamine (fast, read-only) into typed rows.

Columns are found by their header text, so a community may reorder or add columns. Personal data
(names, ID numbers) stay inside the Ledger object: findings carry row numbers and masked IDs only.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..idnumber import normalise
from ..model import Finding, LedgerSpec, Location
from ..numbers import parse_count, parse_flag
from ..safe_io import UnusableFile, check_workbook_file

LEDGER_SHEET = "台账"
INFO_SHEET = "单位信息"
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class Ledger:
    file: str
    sheet: str
    rows: list[tuple[int, dict]]  # (Excel row number, column id -> value)
    identity: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def parse_date(raw) -> tuple[dt.date | None, str | None]:
    if raw in (None, ""):
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and 1 <= raw < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(raw)), None
    match = DATE_TEXT.match(str(raw).strip())
    if match:
        try:
            return dt.date(*map(int, match.groups())), None
        except ValueError:
            pass
    return None, f"“{raw}”不是有效的日期，请按 2023-05-01 的格式填写"


def _flag(raw) -> tuple[bool | None, str | None]:
    if raw == "是":
        return True, None
    if raw in ("", None, "否"):
        return False, None  # a blank flag in a ledger means 否
    parsed = parse_flag(raw)
    return parsed.value, parsed.problem


def _count(raw) -> tuple[int | None, str | None]:
    if raw in ("", None):
        return None, None
    if type(raw) is float and raw >= 0 and raw.is_integer():  # what calamine gives for a number cell
        return int(raw), None
    parsed = parse_count(raw)
    return parsed.value, parsed.problem


def _text(raw) -> tuple[str, None]:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return ("" if raw is None else str(raw).strip()), None


def _id(raw) -> tuple[str, None]:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # typed as a number: Excel has already lost digits beyond 15, the check digit will say so
    return normalise(raw), None


PARSE = {"flag": _flag, "date": parse_date, "count": _count, "text": _text, "id": _id}


def read_ledger(path: str | Path, spec: LedgerSpec) -> Ledger:
    path = Path(path)
    check_workbook_file(path)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheet_name = LEDGER_SHEET if LEDGER_SHEET in wb.sheet_names else wb.sheet_names[0]
        grid = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        info = wb.get_sheet_by_name(INFO_SHEET).to_python() if INFO_SHEET in wb.sheet_names else []
    except Exception as exc:
        raise UnusableFile(path, f"台账无法读取（{type(exc).__name__}）：请用 Excel 打开后另存为 .xlsx") from None
    ledger = Ledger(path.name, sheet_name, [])
    for row in info:
        if len(row) >= 2 and str(row[0]).strip() in ("县（区）", "街道（乡镇）", "社区"):
            ledger.identity[str(row[0]).strip()] = _text(row[1])[0]
    labels = {c.label: c for c in spec.columns}
    header_at, columns = None, {}
    for r, row in enumerate(grid[:15]):
        found = {k: labels[str(v).strip()] for k, v in enumerate(row) if str(v).strip() in labels}
        if len(found) >= max(2, len(spec.columns) // 2):
            header_at, columns = r, found
            break
    if header_at is None:
        raise UnusableFile(path, "找不到台账的表头（姓名、公民身份号码等列名）：请用 `fullemp templates build` 生成的台账模板")
    missing = [c.label for c in spec.columns if c not in columns.values()]
    for label in missing:
        ledger.findings.append(Finding("ledger.column", "error", f"台账缺少“{label}”列，与它有关的数不能计算",
                                       Location(path.name, sheet_name, f"A{header_at + 1}"), label))
    for r in range(header_at + 1, len(grid)):
        raw_row = grid[r]
        if all(v in ("", None) for v in raw_row):
            continue
        excel_row = r + 1
        values = {c.id: None for c in spec.columns}
        for k, col in columns.items():
            raw = raw_row[k] if k < len(raw_row) else ""
            value, problem = PARSE[col.type](raw)
            values[col.id] = value
            if problem:
                where = Location(path.name, sheet_name, f"{_letter(k)}{excel_row}")
                shown = problem if not col.personal else "内容无法识别"
                ledger.findings.append(Finding("ledger.value", "error", f"第{excel_row}行：{shown}", where, col.label))
        ledger.rows.append((excel_row, values))
    return ledger


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
