"""What a file really is, whatever its name says: the advice differs for each kind we refuse.

An OLE compound file is an encrypted workbook (EncryptedPackage stream), an old .xls (Workbook or
Book stream), an old Word or PowerPoint file, or something else; a zip is an .xlsx, an .xlsm, a
Word or PowerPoint file, an OpenDocument file or a Strict Open XML workbook (which openpyxl reads
as a workbook without sheets); anything else is a PDF, a web page, a text file or unknown bytes.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import UnusableFile

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam"}
SAVE_AS = "请用 Excel 打开后“另存为”，保存类型选“Excel 工作簿 (*.xlsx)”"
STRICT_RELS = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
STRICT_ROOT = re.compile(rb'<(?:\w+:)?workbook\b[^>]*"http://purl\.oclc\.org/ooxml/spreadsheetml/main"')
ODF_KINDS = {
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument 电子表格（.ods）",
    "application/vnd.oasis.opendocument.text": "OpenDocument 文本文档（.odt）",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument 演示文稿（.odp）",
}
OTHER_OFFICE = {"word/": "Word 文档（.docx）", "ppt/": "PowerPoint 演示文稿（.pptx）"}


def refuse_non_workbook_bytes(path: Path, head: bytes, whole: bytes | Path | None = None) -> None:
    """Refuse a file that is not a zip package, saying what it is (`whole`: the file itself, its bytes
    or where it is on disk, when `path` only names it, e.g. a member of a zip archive)."""
    if not head:
        raise UnusableFile(path, "文件是空的（0 字节），可能没有保存成功，请重新保存后再提交")
    if head.startswith(OLE_SIGNATURE):
        raise UnusableFile(path, ole_reason(path if whole is None else whole))
    if head.startswith(b"%PDF"):
        raise UnusableFile(path, "这是 PDF 文件，不是 Excel 工作簿：请提交 .xlsx 格式的表格")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"mime-version")):
        raise UnusableFile(path, "这是网页（HTML/XML）文件，只是扩展名像工作簿（有些系统导出的“Excel”就是这样）：" + SAVE_AS)
    if text.startswith(b"{\\rtf"):
        raise UnusableFile(path, "这是 RTF 文档，不是 Excel 工作簿：请提交 .xlsx 格式的表格")
    if _looks_like_text(head):
        raise UnusableFile(path, "这是文本文件（如 CSV），不是 Excel 工作簿：" + SAVE_AS)
    raise UnusableFile(path, "不是 Excel 工作簿（.xlsx）文件，或文件已损坏：" + SAVE_AS)


def _looks_like_text(head: bytes) -> bool:
    if b"\0" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # cut in the middle of the last character
                return True
    return False


def ole_reason(source: Path | bytes) -> str:
    """Tell an encrypted workbook from an old .xls, an old Word file and anything else in an OLE file."""
    import olefile

    try:  # a file object, not a name: given a name, olefile records the call stack (source lines read, ~0.1 s)
        with (io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")) as fh, olefile.OleFileIO(fh) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
    except Exception:  # a damaged compound file: olefile raises several kinds
        streams = set()
    if "encryptedpackage" in streams:
        return ("工作簿设置了打开密码（已加密），无法读取：请在 Excel 中打开，“文件→信息→保护工作簿→用密码进行加密”，"
                "删除密码后保存，再提交")
    if streams & {"workbook", "book"}:
        return "这是旧版 Excel 97-2003 工作簿（.xls）：" + SAVE_AS
    if "worddocument" in streams:
        return "这是旧版 Word 文档（.doc），不是 Excel 工作簿：请提交 .xlsx 格式的表格"
    if "powerpoint document" in streams:
        return "这是旧版 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿：请提交 .xlsx 格式的表格"
    return "这是旧版 Office 格式的文件（或已加密、已损坏），不是 .xlsx 工作簿：" + SAVE_AS


def refuse_non_workbook_package(path: Path, zf: zipfile.ZipFile, names: set[str], read=None) -> None:
    """Refuse a zip that is not a transitional .xlsx package without macros, saying what it is. `read`: the
    screening's reader of whole members (screen._ReadOnce), so that the parts looked at here are not unpacked again."""
    refuse_other_documents(path, zf, names)
    if path.suffix.lower() in MACRO_SUFFIXES or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UnusableFile(path, "含宏的工作簿（.xlsm）不予处理，宏不会被运行：" + SAVE_AS)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names or "_rels/.rels" not in names:
        raise UnusableFile(path, "不是 Excel 工作簿（.xlsx）文件，或文件已损坏：" + SAVE_AS)
    if STRICT_RELS in _small(zf, "_rels/.rels", read=read) or STRICT_ROOT.search(_small(zf, "xl/workbook.xml", 4096, read)):
        raise UnusableFile(path, "工作簿保存成了“Strict Open XML 电子表格”格式，本程序不能读取：" + SAVE_AS)


def refuse_other_documents(path: Path, zf: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse an OpenDocument file, or a Word or PowerPoint file, saying which it is."""
    if "mimetype" in names:
        kind = ODF_KINDS.get(_small(zf, "mimetype").decode("ascii", "replace").strip(), "OpenDocument 文件")
        raise UnusableFile(path, f"这是 {kind}，不是 Excel 工作簿：请用 WPS、LibreOffice 或 Excel 打开后"
                                 "“另存为”，保存类型选“Excel 工作簿 (*.xlsx)”")
    if "xl/workbook.xml" not in names and any(n.lower() == "xl/workbook.bin" for n in names):
        raise UnusableFile(path, "这是 Excel 二进制工作簿（.xlsb），本程序不能读取：" + SAVE_AS)
    for prefix, kind in OTHER_OFFICE.items():
        if "xl/workbook.xml" not in names and any(n.startswith(prefix) for n in names):
            raise UnusableFile(path, f"这是 {kind}，不是 Excel 工作簿：请提交 .xlsx 格式的表格")


def _small(zf: zipfile.ZipFile, name: str, limit: int = 65536, read=None) -> bytes:
    """The first bytes of a small member (the package checks that follow reject a damaged one). With `read`, taken
    from the member read whole when that succeeds (the same first bytes); else, as before, read in part."""
    if read is not None:
        try:  # at most 1 MiB unpacked: this runs before the members are checked for bombs
            return read(name, 1 << 20)[:limit]
        except Exception:  # noqa: BLE001 - missing, damaged or large: the read in part below decides, as it always did
            pass
    try:
        with zf.open(name) as member:
            return member.read(limit)
    except Exception:  # noqa: BLE001 - missing, encrypted or damaged: judged later
        return b""
