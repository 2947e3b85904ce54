"""The FE_ functions' UDF server on Windows: what the add-in starts instead of xlwings' own command.

xlwings starts its UDF server as `python -c "import xlwings.utils; ...; xlwings.serve(...)"` in
Excel's current folder — often the folder a received file was opened from — and with `-c` Python
puts that folder ('' in `sys.path`) first, so an `openpyxl.py` or `xlwings.py` placed beside a
workbook would be imported on the first FE_ calculation. The add-in's command (see
`addin.macros.UDF_SERVER_COMMAND`) first drops '' and '.' from `sys.path` (only `sys` and `os`,
already loaded by Python's start-up, are imported before that), then imports this module, which
drops every other relative entry and every entry naming the current folder, moves to the Python's
own folder (as RunPython does for the buttons) and only then imports xlwings' server and, on the
first call, our UDFs.
Nothing of the workbook's folder is ever added: the add-in's config has no PYTHONPATH and
ADD_WORKBOOK_TO_PYTHONPATH=false, so xlwings' `prepare_sys_path` is not needed and not called.
"""
from __future__ import annotations

import os
import sys
from typing import Callable


def clean_path(path: list[str], cwd: str) -> list[str]:
    """`path` without relative entries ('', '.', anything resolved against the current folder) and
    without any entry that is the current folder `cwd`."""
    here = os.path.normcase(os.path.abspath(cwd))
    return [p for p in path if os.path.isabs(p) and os.path.normcase(os.path.abspath(p)) != here]


def serve(clsid: str, start: Callable[[str], None] | None = None) -> None:
    """Clean the import path, leave the current folder, then run xlwings' COM server (`start`)."""
    sys.path[:] = clean_path(sys.path, os.getcwd())
    os.chdir(sys.exec_prefix)
    if start is None:
        import xlwings

        start = xlwings.serve
    start(clsid)
