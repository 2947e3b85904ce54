"""Opening submitted workbooks safely, and writing files without ever leaving a half-written one.

A submitted file can be anything: an encrypted or old .xls file, a macro workbook, a zip bomb, XML
with entity tricks. Each is refused with a Chinese message that says what to do (exit code 2), before
openpyxl parses a byte. Writes go through `fullemp_xl.writing` (re-exported here: write_output, replace_file).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable


class UnusableFile(Exception):
    """The file cannot be used at all; `message` is Chinese and says what to do (exit code 2)."""

    def __init__(self, path, message: str):
        self.path, self.message = Path(path), message
        super().__init__(f"{self.path.name}: {message}")


def check_workbook_file(path, limits=None) -> None:
    """Refuse anything that is not a plain, sane .xlsx an openpyxl load can afford; raise UnusableFile.

    What the file really is, its zip container and every XML part are screened by streaming
    (fullemp_xl.screening) before any reader parses a byte; `limits` defaults to FORM_LIMITS.
    """
    from . import FORM_LIMITS, screen_workbook  # screening imports UnusableFile from here

    screen_workbook(path, limits or FORM_LIMITS)


def load_workbook(path, *, data_only: bool = False):
    """check_workbook_file, then openpyxl; any parsing failure becomes UnusableFile.

    openpyxl's own warnings (extensions it drops, headers it cannot parse) are English and about
    writing, not reading: they are kept from the user.
    """
    import warnings

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


def save_atomically(wb, target, *, backup: bool, check: Callable[[Path], None] | None = None) -> Path | None:
    """Save a workbook fullemp built whole (templates, demo files) through the write path.

    An existing target is replaced (kept as a backup when backup=True); `check` may inspect the
    saved temporary file and veto the write by raising.
    """
    def write(tmp: Path) -> None:
        wb.save(tmp)
        if check is not None:
            check(tmp)

    target = Path(target)
    if target.exists():
        return replace_file(target, write, backup=backup)
    write_output(target, write)
    return None


def write_new(wb, target, *, inputs: Iterable = (), check: Callable[[Path], None] | None = None) -> None:
    """Write a workbook to a new file that must not be one of the inputs (-o OUT)."""
    def write(tmp: Path) -> None:
        wb.save(tmp)
        if check is not None:
            check(tmp)

    write_output(target, write, inputs=inputs)


# ---------------------------------------------------------------- the write path (fullemp_xl.writing), kept here by name
def write_output(target, write: Callable[[Path], None], *, force: bool = False, inputs: Iterable = ()) -> Path:
    """Create `target` (a new output file) through write(tmp_path), atomically: see writing.files.write_output."""
    from ..writing import files

    return files.write_output(target, write, force=force, inputs=inputs)


def replace_file(target, write: Callable[[Path], None], *, backup: bool = True) -> Path | None:
    """Replace an existing file through write(tmp_path), atomically, keeping a backup: see writing.files.replace_file."""
    from ..writing import files

    return files.replace_file(target, write, backup=backup)
