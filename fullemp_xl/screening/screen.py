"""screen_workbook: the one check every reader runs before it opens a submitted workbook."""
from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from ..errors import UnusableFile
from ..ooxml.parts import resolve
from ..ooxml.xml import parse_xml
from .kind import refuse_non_workbook_bytes, refuse_non_workbook_package
from .limits import FORM_LIMITS, MIB, Limits
from .package import check_members
from .xmlscan import DAMAGED, scan_parts

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def screen_workbook(path, limits: Limits = FORM_LIMITS, data: bytes | None = None,
                    keep: dict | None = None) -> None:
    """Refuse anything but a plain, sane, affordable .xlsx (UnusableFile).

    `data`: the workbook's bytes when it is not a file of its own (a member of a zip archive); `path`
    then only names it. With limits.measure_sheets False the reader streams the sheets and the shared
    strings and enforces the limits itself.

    This is the one screening policy of every command (README: 数据安全): every part of the package is
    checked, the parts no command reads (docProps, theme, …) as strictly as the sheets, and a part
    the workbook's relationships name but the package lacks (or holds under a name in another case)
    is damage.

    `keep`: a dict that receives the XML parts the screening read whole (part name -> (CRC-32, bytes, tree or
    None)), for `xlsx.open_book(..., screened=keep)`: the reader then takes the bytes, and the worksheets and
    shared strings as parsed, that were screened.
    """
    path = Path(path)
    _check_size(path, regular_file_size(path) if data is None else len(data), limits)
    if data is None:
        try:
            with path.open("rb") as fh:
                head = fh.read(512)
        except OSError as exc:
            raise UnusableFile(path, unreadable(exc)) from None
        refuse_non_workbook_bytes(path, head)
    else:
        refuse_non_workbook_bytes(path, data[:512], data)
    try:
        with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            read = _ReadOnce(zf)
            refuse_non_workbook_package(path, zf, names, read)
            check_members(path, infos, limits)
            sheets = sheet_parts(zf, read)
            for part, sheet in sheets.items():
                if part not in names:
                    raise UnusableFile(path, DAMAGED.format(what=f"缺少工作表“{sheet}”的内容"))
            for part in referenced_parts(zf, read):
                if part not in names:
                    raise UnusableFile(path, DAMAGED.format(what=f"缺少“{part}”部分"))
            scan_parts(path, zf, infos, limits, sheets, keep, read.whole)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise UnusableFile(path, "不是 Excel 工作簿（.xlsx）文件，或文件已损坏（压缩包结构有误）：请用 Excel 打开后另存为 .xlsx") from None
    except OSError as exc:
        raise UnusableFile(path, unreadable(exc)) from None


def read_workbook_bytes(path: Path, limits: Limits = FORM_LIMITS) -> bytes:
    """A workbook file's bytes, read once so that the screening and the reader share them (no second
    opening of the file), refused as screen_workbook refuses a file before reading it: not a regular
    file, unreadable, or over limits.file_bytes."""
    _check_size(path, regular_file_size(path), limits)
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.file_bytes + 1)  # a file that grows meanwhile is refused, never read whole
    except OSError as exc:
        raise UnusableFile(path, unreadable(exc)) from None
    _check_size(path, len(data), limits)
    return data


def _check_size(path: Path, size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise UnusableFile(path, f"文件过大（{size / MIB:.0f} MB，上限 {limits.file_bytes // MIB} MB），请删去无关的图片或工作表后再提交")


def regular_file_size(path: Path) -> int:
    """The size of a regular file we may read; a folder, a device, a pipe or no permission is refused."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UnusableFile(path, "找不到这个文件，请检查路径") from None
    except OSError as exc:
        raise UnusableFile(path, unreadable(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise UnusableFile(path, "这是一个文件夹，不是工作簿文件")
    if not stat.S_ISREG(info.st_mode):
        raise UnusableFile(path, "这不是普通文件（而是设备、管道等），不能当作工作簿读取")
    if not os.access(path, os.R_OK):
        raise UnusableFile(path, "没有读取这个文件的权限：请检查文件权限，或把文件复制到自己的文件夹后再试")
    return info.st_size


def unreadable(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取这个文件的权限：请检查文件权限，或把文件复制到自己的文件夹后再试"
    return "读取文件时出错：请检查文件所在的磁盘或网络共享后再试"


def sheet_parts(zf: zipfile.ZipFile, read=None) -> dict[str, str]:
    """Worksheet part name -> sheet name, from xl/workbook.xml and its relationships; {} if unreadable.

    Only used to name sheets in messages: the full scan that follows judges the parts themselves.
    `read`: the screening's _ReadOnce (else the members are read here).
    """
    read = read or _ReadOnce(zf)
    try:
        key = (read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels"))
        known = _SHEET_PARTS.get(key)
        if known is not None:  # forms of one template share these parts byte for byte
            return dict(known)
        book, rels = parse_xml(key[0]), parse_xml(key[1])
    except Exception:  # noqa: BLE001 - unsafe, damaged or missing: the scan reports it with its reason
        return {}
    targets = {}
    for rel in rels.iter(f"{REL_NS}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = os.path.normpath(target).replace(os.sep, "/")
    out = {}
    for sheet in book.iter(f"{MAIN_NS}sheet"):
        part = targets.get(sheet.get(OFFICE_REL_ID))
        if part:
            out[part] = sheet.get("name", part)
    if len(_SHEET_PARTS) >= 64:
        _SHEET_PARTS.pop(next(iter(_SHEET_PARTS)))
    _SHEET_PARTS[key] = dict(out)
    return out


_SHEET_PARTS: dict[tuple[bytes, bytes], dict[str, str]] = {}


def referenced_parts(zf: zipfile.ZipFile, read=None) -> list[str]:
    """The parts the workbook's relationships name (sheets, styles, strings, theme…: internal targets
    inside the package only); [] if unreadable. `read`: as sheet_parts."""
    try:
        data = (read or _ReadOnce(zf))("xl/_rels/workbook.xml.rels")
        known = _REFERENCED.get(data)
        if known is not None:  # forms of one template share this part byte for byte
            return list(known)
        rels = parse_xml(data)
    except Exception:  # noqa: BLE001 - unsafe, damaged or missing: the scan (or the kind check) reports it
        return []
    out = []
    for rel in rels.iter(f"{REL_NS}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target or "://" in target:
            continue
        target = resolve("xl/workbook.xml", target)
        if not target.startswith(".."):
            out.append(target)
    if len(_REFERENCED) >= 64:
        _REFERENCED.pop(next(iter(_REFERENCED)))
    _REFERENCED[data] = tuple(out)
    return out


_REFERENCED: dict[bytes, tuple[str, ...]] = {}


class _ReadOnce:
    """Members read whole (zipfile checks the CRC) once per screening: the sheet names, the parts referenced and
    the scan of every part take the same bytes (workbook.xml and its relationships were unpacked three times).
    Kept by zip entry, not by name: a name stored twice is two entries, each scanned for itself."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.whole: dict[zipfile.ZipInfo, bytes] = {}

    def __call__(self, name: str, limit: int = 16 * MIB) -> bytes:
        info = self.zf.getinfo(name)
        data = self.whole.get(info)
        if data is None:
            if info.file_size > limit:
                raise ValueError(name)
            data = self.whole[info] = self.zf.read(info)
        return data
