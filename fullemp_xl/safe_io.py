"""Opening submitted workbooks safely, and writing files without ever leaving a half-written one.

A submitted file can be anything: an encrypted or old .xls file, a macro workbook, a zip bomb, XML
with entity tricks. Each is refused with a Chinese message that says what to do (exit code 2), before
openpyxl parses a byte. Writes go through `fullemp_xl.writing` (re-exported here: write_output, replace_file).
"""
from __future__ import annotations

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
    from .writing import files

    return files.write_output(target, write, force=force, inputs=inputs)


def replace_file(target, write: Callable[[Path], None], *, backup: bool = True) -> Path | None:
    """Replace an existing file through write(tmp_path), atomically, keeping a backup: see writing.files.replace_file."""
    from .writing import files

    return files.replace_file(target, write, backup=backup)
