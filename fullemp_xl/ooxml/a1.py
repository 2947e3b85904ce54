"""A1 cell references, the one parser of them: 'E49', 'e49', '$E$17', ranges 'A1:C3', column letters.

Excel and LibreOffice read a cell address in any case and with or without '$'; so does every reader
and writer here. `split_ref` reads the address's form (one to three letters, one to seven digits) and
leaves the worksheet's bounds to its caller, which names the damage in its own words; `sheet_ref`
also refuses what lies outside a worksheet (columns A..XFD, rows 1..1048576).
"""
from __future__ import annotations

import re

MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's worksheet: rows 1..1048576, columns A..XFD
CELL = r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})"  # the form of one cell address, as a pattern to build on
_CELL = re.compile(CELL)
_LETTERS = re.compile(r"[A-Za-z]{1,3}")
# a defined name's destination: ='Sheet 1'!$E$15 or Sheet1!E15 (one cell; not a range, union, or another book)
_DESTINATION = re.compile(r"=?(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!,:()\[\]]+))!" + CELL)

_COLUMNS: dict[str, int] = {}
_LETTER: dict[int, str] = {}
_REFS: dict[str, tuple[int, int]] = {}  # the same addresses recur in every form: remembered
_IN_SHEET: dict[str, tuple[int, int]] = {}  # those of them inside a worksheet
_REMEMBER = 200_000


class OutsideSheet(ValueError):
    """An address of the right form that lies outside a worksheet ('A0', 'XFE1', 'A1048577')."""


def column_number(letters: str) -> int:
    """'A' -> 1, 'xfd' -> 16384 (one to three letters, any case); ValueError for anything else."""
    found = _COLUMNS.get(letters)
    if found is None:
        if not _LETTERS.fullmatch(letters):
            raise ValueError(letters)
        found = 0
        for ch in letters.upper():
            found = found * 26 + ord(ch) - 64
        if len(_COLUMNS) < _REMEMBER:
            _COLUMNS[letters] = found
    return found


def column_letter(number: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'; ValueError outside A..XFD."""
    found = _LETTER.get(number)
    if found is None:
        if not (isinstance(number, int) and 0 < number <= MAX_COL):
            raise ValueError(f"column {number!r} is outside A..XFD")
        found = _LETTER[number] = _letters(number)
    return found


def _letters(number: int) -> str:
    out = ""
    while number:
        number, rem = divmod(number - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_ref(ref: str) -> tuple[int, int]:
    """'AB12' -> (12, 28); 'ab12' and '$AB$12' too. Reads the form only (row 0 or column ZZZ pass:
    the caller checks the bounds with `in_sheet`, or calls `sheet_ref`); anything else: ValueError."""
    found = _REFS.get(ref)
    if found is not None:
        return found
    m = _CELL.fullmatch(ref) if isinstance(ref, str) else None
    if m is None:
        raise ValueError(ref)
    found = (int(m.group(2)), column_number(m.group(1)))
    if len(_REFS) < _REMEMBER:
        _REFS[ref] = found
    return found


def in_sheet(row: int, col: int) -> bool:
    return 0 < row <= MAX_ROW and 0 < col <= MAX_COL


def sheet_ref(ref: str) -> tuple[int, int]:
    """`split_ref`, refusing with OutsideSheet (a ValueError) an address outside a worksheet."""
    found = _IN_SHEET.get(ref)  # the reader asks once per cell: one look-up when seen before
    if found is not None:
        return found
    found = split_ref(ref)
    if not (0 < found[0] <= MAX_ROW and 0 < found[1] <= MAX_COL):
        raise OutsideSheet(ref)
    if len(_IN_SHEET) < _REMEMBER:
        _IN_SHEET[ref] = found
    return found


def cell_ref(ref: str | None) -> tuple[int, int] | None:
    """`split_ref`, or None for anything that is not a cell address."""
    try:
        return split_ref(ref or "")
    except ValueError:
        return None


def ref(row: int, col: int) -> str:
    """(49, 5) -> 'E49'."""
    return f"{column_letter(col)}{row}"


def plain_ref(ref_: str) -> str:
    """A cell address as the forms name it: 'e49' and '$E$49' -> 'E49'."""
    row, col = split_ref(ref_)
    return f"{column_letter(col) if col <= MAX_COL else _letters(col)}{row}"


def range_bounds(area: str) -> tuple[int, int, int, int]:
    """'A1:C3' -> (1, 1, 3, 3) as (first row, first column, last row, last column), in the order written;
    a single cell 'B2' -> (2, 2, 2, 2). ValueError for anything else."""
    first, colon, last = area.partition(":")
    if colon and not last:
        raise ValueError(area)
    r1, c1 = split_ref(first)
    r2, c2 = split_ref(last) if colon else (r1, c1)
    return r1, c1, r2, c2


def range_area(area: str | None) -> int:
    """How many cells 'A1:C3' covers (9); a single cell is 1; an unreadable range counts 1."""
    try:
        r1, c1, r2, c2 = range_bounds(area or "")
    except ValueError:
        return 1
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def destination(text: str) -> tuple[str, str] | None:
    """A defined name's one cell: "'基础数据'!$E$15" (an '=' before it too) -> ('基础数据', 'E15');
    None for anything but one cell (a range, a union, #REF!, a cell of another workbook)."""
    m = _DESTINATION.fullmatch(text.strip())
    if m is None:
        return None
    sheet = m.group("quoted").replace("''", "'") if m.group("quoted") else m.group("plain")
    return sheet, f"{m.group(3).upper()}{m.group(4)}"
