"""Screening: what a submitted file really is, and whether a reader may open it.

In: a path and the limits of the reader that will open it. Out: nothing when the file is a plain
.xlsx package that reader can afford; otherwise UnusableFile with a Chinese reason and what to do.
Nothing here builds cells or a workbook: the checks stream through the package (zip members
decompressed in chunks, every XML part parsed with DTDs refused), so a hostile file costs
about what its own bytes cost, whatever it claims to hold.

    kind     what the file is: encrypted, old .xls, Word, OpenDocument, Strict Open XML, text, …
    package  the zip container: bombs, encrypted or damaged members
    xmlscan  every XML part safe and well-formed; what a reader would allocate, within the limits
    limits   the documented limits, one set per kind of reader

    gate     check_workbook_file (screen with the form limits) and load_workbook (screen, then openpyxl)

May import errors (for UnusableFile), ooxml (A1 references, the one safe XML parse) and the standard
library, lxml and olefile; nothing else of ours. The readers (xlsx, ledger, summary) and the gate's callers import it.
"""
from __future__ import annotations

from .limits import FORM_LIMITS, LEDGER_LIMITS, SUMMARY_LIMITS, Limits
from .screen import screen_workbook

__all__ = ["FORM_LIMITS", "LEDGER_LIMITS", "SUMMARY_LIMITS", "Limits", "screen_workbook"]
