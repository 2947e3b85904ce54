"""Entry points for xlwings Server / xlwings Lite: the four buttons as `@script`s (UDFs: excel.udfs).

In server mode (XLWINGS_ON_SERVER=true) xlwings registers these; elsewhere they are plain functions.
Excel on the web is not a supported way of using fullemp (README: Excel 网页版): there the engine
reads no formulas (校验 says so) and cannot lift sheet protection, and we ship no manifest or task pane.
xlwings Server is part of xlwings PRO (PolyForm Noncommercial 1.0.0 — government use is permitted).
Required Notice: Copyright (C) Zoomer Analytics GmbH.
"""
from __future__ import annotations

import xlwings as xw
from xlwings import script

from . import handlers

__all__ = ["fullemp_fill", "fullemp_validate", "fullemp_score", "fullemp_clear"]


@script
def fullemp_fill(book: xw.Book):
    """填报"""
    handlers.fill_book(book)


@script
def fullemp_validate(book: xw.Book):
    """校验"""
    handlers.validate_book(book)


@script
def fullemp_score(book: xw.Book):
    """打分"""
    handlers.score_book(book)


@script
def fullemp_clear(book: xw.Book):
    """清除标记"""
    handlers.clear_book(book)
