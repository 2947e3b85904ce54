"""Whether a workbook at a path we are about to write holds someone's data (then it is not overwritten).

Read straight from the package (defined names, then the named cells), which takes a millisecond
where loading the workbook takes a tenth of a second: a registry fill checks thousands of files.
Anything that cannot be read counts as holding data — it is kept, never overwritten.
"""
from __future__ import annotations

from pathlib import Path

from ..ooxml.a1 import sheet_ref
from ..writing.workbook import WorkbookPatch
from . import names
from ..screening.gate import check_workbook_file

COMPUTED = ("fe_meta_", "fe_score_", "fe_section_", "fe_total_", "fe_gate_", "fe_level_", "fe_rate_", "fe_unit",
            "fe_mon_month_", "fe_mon_total_", "fe_mon_rate_", "fe_mon_ok_")
LIST_SHEETS = {"社区名册": names.REGISTRY_SHEET, "台账": names.LEDGER_SHEET}
FIRST_LIST_ROW = 4


def holds_data(path: Path, *, ignore: tuple[str, ...] = ()) -> bool:
    """True for anything that is not one of our forms, and for our forms with any input filled.

    `ignore` names inputs that do not count (e.g. the identity fields the registry itself fills).
    """

    try:
        check_workbook_file(path)
        patch = WorkbookPatch(path.read_bytes())
        cells = patch.defined_names()
        form_cell = cells.get("fe_meta_form")
        form = patch.value(*form_cell) if form_cell else None
        if not form:
            return True
        if form in LIST_SHEETS:
            shared = patch.shared_strings()
            return any(c.value(shared) not in (None, "") for c in patch.sheet(LIST_SHEETS[form]).all_cells()
                       if sheet_ref(c.ref)[0] >= FIRST_LIST_ROW)
        for name, where in cells.items():
            if name.startswith(COMPUTED) or name in ignore or where is None:
                continue
            if patch.value(*where) not in (None, "", "无"):
                return True
        return False
    except Exception:  # unreadable, damaged, not a workbook: never overwrite it
        return True
