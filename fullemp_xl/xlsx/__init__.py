"""A strict, bounded, fast reader of .xlsx packages: zip + lxml, only the parts asked for.

In: a path or the bytes of a workbook (a member of a zip archive, say). Out: defined names, cell
values as openpyxl gives them (formulas as "=…" text, numbers, dates by the cell's number format,
shared and inline strings, booleans, errors) and the cached values of formula cells.

Strict: a damaged part (broken XML, a bad compressed member, a wrong checksum) raises
`errors.UnusableFile` — a sheet is never read in part. Bounded: size limits on the file, each part,
the number of members and of cells, a zip-bomb guard, no DTDs (so no entity expansion) and no
network. Far cells cost nothing: cells are kept sparse.

It imports nothing of ours but errors.UnusableFile, ooxml and the screening (what a file that is not an .xlsx
really is, the limits, and for `open_screened` — the one read path: the file's bytes read once, screened, then
read — the screening itself). It is the one reader of submitted workbooks (issue 18): score, validate, the writes
(score --write, validate --mark, fill), the merge's workers and the registry read through it, each after
the one screening (fullemp_xl.screening); addresses in lower case or with '$' and cells without an
address are read as Excel and LibreOffice read them, duplicate sheet names are refused.
"""
from .book import FastBook, open_book, open_screened
from .sheet import Row

__all__ = ["FastBook", "Row", "open_book", "open_screened"]  # limits: screening.limits (one Limits for screening and reader)
