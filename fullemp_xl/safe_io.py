"""Opening submitted workbooks safely, and writing files without ever leaving a half-written one.

A submitted file can be anything: an encrypted or old .xls file, a macro workbook, a zip bomb, XML
with entity tricks. Each is refused with a Chinese message that says what to do (exit code 2), before
openpyxl parses a byte. Writes go to a temporary file in the target folder and are renamed into place.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
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
    from .screening import FORM_LIMITS, screen_workbook  # screening imports UnusableFile from here

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


def backup_path(target: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = target.with_name(f"{target.stem}.bak-{stamp}{target.suffix}")
    n = 0
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}.bak-{stamp}-{n}{target.suffix}")
    return candidate


def save_atomically(wb, target, *, backup: bool, check: Callable[[Path], None] | None = None) -> Path | None:
    """Save to a temporary file beside target, let `check` inspect it, then rename it into place.

    With backup=True an existing target is first copied to '<stem>.bak-YYYYmmdd-HHMMSS<suffix>';
    the backup's path is returned. On any failure the temporary file is removed and target untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp.xlsx", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        wb.save(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        if check is not None:
            check(tmp)
        saved = None
        if backup and target.exists():
            saved = backup_path(target)
            shutil.copy2(target, saved)
        os.replace(tmp, target)
        return saved
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_new(wb, target, *, inputs: Iterable = (), check: Callable[[Path], None] | None = None) -> None:
    """Write an output file that must not be one of the inputs (-o OUT)."""
    target = Path(target)
    for src in inputs:
        if Path(src).exists() and target.exists() and Path(src).resolve() == target.resolve():
            raise UnusableFile(target, "输出文件不能与输入文件相同；要改写原文件请用 --in-place（会自动备份）")
    save_atomically(wb, target, backup=False, check=check)


# ---------------------------------------------------------------- the write path every new writer uses
def write_output(target, write: Callable[[Path], None], *, force: bool = False, inputs: Iterable = ()) -> Path:
    """Create `target` (a new output file) through write(tmp_path), atomically.

    An existing target is refused unless force (then it is first backed up); the target may never be
    one of `inputs`. Returns the target path.
    """
    target = Path(target)
    for src in inputs:
        if Path(src).exists() and target.exists() and Path(src).resolve() == target.resolve():
            raise UnusableFile(target, "输出文件不能与输入文件相同；要改写原文件请用 --in-place（会自动备份）")
    if target.is_dir():
        raise UnusableFile(target, "这是一个文件夹；请给出要写入的文件名")
    if target.exists() and not force:
        raise UnusableFile(target, "文件已存在，不予覆盖：换一个文件名，或加 --force（原文件会先备份）")
    _write_via_temp(target, write, backup=target.exists())
    return target


def replace_file(target, write: Callable[[Path], None], *, backup: bool = True) -> Path | None:
    """Replace an existing file through write(tmp_path), atomically, keeping a backup; returns the backup."""
    target = Path(target)
    if not target.exists():
        raise UnusableFile(target, "找不到这个文件，请检查路径")
    return _write_via_temp(target, write, backup=backup)


def _write_via_temp(target: Path, write: Callable[[Path], None], *, backup: bool) -> Path | None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp" + target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        saved = None
        if backup and target.exists():
            saved = backup_path(target)
            shutil.copy2(target, saved)
        os.replace(tmp, target)
        return saved
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
