"""The documented limits on what a reader may be asked to open (README: 数据安全): the one `Limits`, applied
by the screening and again by the fast reader (xlsx.package.Package) with the same numbers."""
from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 50 * MIB  # the file on disk
    unpacked_bytes: int = 500 * MIB  # all members of the package, unpacked
    ratio: int = 200  # unpacked / packed, for a member over 1 MiB (zip bombs)
    members: int = 10_000
    xml_bytes: int = 100 * MIB  # one XML part, unpacked (the fast reader: each part it reads)
    cells: int = 500_000  # cell elements, all worksheets together (the fast reader: each sheet it reads)
    rows: int = 200_000  # row elements, all worksheets together
    area: int = 500_000  # cells covered by merged ranges and hyperlinks (openpyxl makes an object for each)
    elements: int = 500_000  # every other XML element (styles, drawings, charts, names…)
    measure_sheets: bool = True  # False: the reader streams the sheets itself and enforces cells/rows as it goes


FORM_LIMITS = Limits()  # forms and registries (the fast reader's default)
LEDGER_LIMITS = Limits(cells=5_000_000, measure_sheets=False)  # the streaming ledger reader
# a merge summary (a whole province: 100,000 communities); its reader streams the sheets itself
SUMMARY_LIMITS = Limits(cells=10_000_000, rows=1_000_000, area=2_000_000, measure_sheets=False)
