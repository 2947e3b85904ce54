"""Opening submitted workbooks safely: screen first, then parse.

A submitted file can be anything: an encrypted or old .xls file, a macro workbook, a zip bomb, XML
with entity tricks. Each is refused with a Chinese message that says what to do (exit code 2), before
openpyxl parses a byte (the screening itself: this package's other modules).
"""
from __future__ import annotations

import warnings

from ..errors import UnusableFile
from .limits import FORM_LIMITS
from .screen import screen_workbook


def check_workbook_file(path, limits=None) -> None:
    """Refuse anything that is not a plain, sane .xlsx an openpyxl load can afford; raise UnusableFile.

    What the file really is, its zip container and every XML part are screened by streaming
    (fullemp_xl.screening) before any reader parses a byte; `limits` defaults to FORM_LIMITS.
    """
    screen_workbook(path, limits or FORM_LIMITS)


def load_workbook(path, *, data_only: bool = False):
    """check_workbook_file, then openpyxl; any parsing failure becomes UnusableFile.

    openpyxl's own warnings (extensions it drops, headers it cannot parse) are English and about
    writing, not reading: they are kept from the user.
    """
    import openpyxl

    check_workbook_file(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=data_only, keep_vba=False, keep_links=True, rich_text=False)
    except MemoryError:
        raise UnusableFile(path, "工作簿太大，内存不足以读取：请删去无关的工作表或空白区域的格式后再提交") from None
    except Exception:  # openpyxl raises many kinds on damaged files
        raise UnusableFile(path, "工作簿已损坏，无法读取：请用 Excel 打开后另存为 .xlsx") from None
    if not wb.worksheets:
        raise UnusableFile(path, "工作簿中没有工作表（可能已损坏或保存格式不对）：请用 Excel 打开后另存为 .xlsx")
    return wb
