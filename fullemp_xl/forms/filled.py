"""Whether a workbook at a path we are about to write holds someone's data (then it is not overwritten)."""
from __future__ import annotations

from pathlib import Path

from . import names
from .book import OpenpyxlBook
from .reader import NotOurWorkbook, read_meta

COMPUTED = ("fe_meta_", "fe_score_", "fe_section_", "fe_total_", "fe_gate_", "fe_level_", "fe_rate_", "fe_unit",
            "fe_mon_month_", "fe_mon_total_", "fe_mon_rate_", "fe_mon_ok_")
LIST_SHEETS = {"社区名册": names.REGISTRY_SHEET, "台账": names.LEDGER_SHEET}


def holds_data(path: Path, *, ignore: tuple[str, ...] = ()) -> bool:
    """True for anything that is not one of our forms, and for our forms with any input filled.

    `ignore` names inputs that do not count (e.g. the identity fields the registry itself fills).
    """
    from ..safe_io import UnusableFile, load_workbook

    try:
        book = OpenpyxlBook(load_workbook(path), path.name)
        meta = read_meta(book)
    except (UnusableFile, NotOurWorkbook):
        return True
    if meta.form in LIST_SHEETS:
        ws = book.wb[LIST_SHEETS[meta.form]]
        # the cells present only: iterating the sheet would create every empty cell up to a far one
        return any(c.value not in (None, "") for (row, _), c in ws._cells.items() if row >= 4)
    for name, where in book.cells().items():
        if name.startswith(COMPUTED) or name in ignore or where is None:
            continue
        if book.read(*where) not in (None, "", "无"):
            return True
    return False
