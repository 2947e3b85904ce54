"""Entry points for xlwings Server / xlwings Lite: the four buttons as `@script`s (UDFs: excel.udfs).

In server mode (XLWINGS_ON_SERVER=true) xlwings registers these; elsewhere they are plain functions.
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
