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
import zipfile
from pathlib import Path
from typing import Callable, Iterable

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam"}


class UnusableFile(Exception):
    """The file cannot be used at all; `message` is Chinese and says what to do (exit code 2)."""

    def __init__(self, path, message: str):
        self.path, self.message = Path(path), message
        super().__init__(f"{self.path.name}: {message}")


def check_workbook_file(path, *, max_bytes: int = MAX_FILE_BYTES, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
                        max_ratio: float = MAX_RATIO) -> None:
    """Refuse anything that is not a plain, sane .xlsx; raise UnusableFile."""
    path = Path(path)
    if not path.exists():
        raise UnusableFile(path, "找不到这个文件，请检查路径")
    if path.is_dir():
        raise UnusableFile(path, "这是一个文件夹，不是工作簿文件")
    size = path.stat().st_size
    if size == 0:
        raise UnusableFile(path, "文件是空的（0 字节），可能没有保存成功，请重新保存后再提交")
    if size > max_bytes:
        raise UnusableFile(path, f"文件过大（{size / 1048576:.0f} MB，上限 {max_bytes // 1048576} MB），请删去无关的图片或工作表后再提交")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_SIGNATURE:
        raise UnusableFile(path, "文件已加密或为旧版 .xls 格式：请在 Excel 中取消密码（文件→信息→保护工作簿），并另存为 .xlsx")
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise UnusableFile(path, "含宏的工作簿（.xlsm）不予处理，宏不会被运行：请另存为 .xlsx 后再提交")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_members(path, zf, infos, max_uncompressed, max_ratio)
    except zipfile.BadZipFile:
        raise UnusableFile(path, "不是 Excel 工作簿（.xlsx）文件，或文件已损坏：请用 Excel 打开后另存为 .xlsx") from None


def _check_members(path: Path, zf: zipfile.ZipFile, infos, max_uncompressed: int, max_ratio: float) -> None:
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnusableFile(path, "不是 Excel 工作簿（.xlsx）文件，或文件已损坏：请用 Excel 打开后另存为 .xlsx")
    if "xl/vbaProject.bin" in names:
        raise UnusableFile(path, "含宏的工作簿（.xlsm）不予处理，宏不会被运行：请另存为 .xlsx 后再提交")
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > max_uncompressed:
        raise UnusableFile(path, "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝处理")
    for info in infos:
        if info.file_size > 1048576 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnusableFile(path, "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝处理")
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with zf.open(info) as member:
                head = member.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnusableFile(path, "文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝处理")


def load_workbook(path, *, data_only: bool = False):
    """check_workbook_file, then openpyxl; any parsing failure becomes UnusableFile."""
    import openpyxl

    check_workbook_file(path)
    try:
        return openpyxl.load_workbook(path, data_only=data_only, keep_vba=False, keep_links=True, rich_text=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise UnusableFile(path, f"工作簿已损坏，无法读取（{type(exc).__name__}）：请用 Excel 打开后另存为 .xlsx") from None


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
