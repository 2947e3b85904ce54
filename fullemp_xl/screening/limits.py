"""The documented limits on what a reader may be asked to open (README: 数据安全)."""
from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 50 * MIB  # the file on disk
    unpacked_bytes: int = 500 * MIB  # all members of the package, unpacked
    ratio: int = 200  # unpacked / packed, for a member over 1 MiB (zip bombs)
    members: int = 10_000
    xml_bytes: int = 100 * MIB  # one XML part, unpacked
    cells: int = 500_000  # cell elements, all worksheets together
    rows: int = 200_000  # row elements, all worksheets together
    area: int = 500_000  # cells covered by merged ranges and hyperlinks (openpyxl makes an object for each)
    elements: int = 500_000  # every other XML element (styles, drawings, charts, names…)
    measure_sheets: bool = True  # False: the reader streams the sheets itself and enforces cells/rows as it goes


FORM_LIMITS = Limits()  # openpyxl loads the whole workbook: forms, registries
LEDGER_LIMITS = Limits(cells=5_000_000, measure_sheets=False)  # the streaming ledger reader
# a merge summary (a whole province: 100,000 communities); its reader streams the sheets itself
SUMMARY_LIMITS = Limits(cells=10_000_000, rows=1_000_000, area=2_000_000, measure_sheets=False)
