"""The zip container and safe XML: what every part goes through before we look inside it."""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import UnusableFile
from ..ooxml.xml import DamagedXml, UnsafeXml
from ..ooxml.xml import iterparse_xml as _iterparse_xml
from ..ooxml.xml import parse_xml as _parse_xml
from ..screening.kind import refuse_non_workbook_bytes, refuse_other_documents
from ..screening.screen import regular_file_size

@dataclass(frozen=True)
class Limits:
    file_bytes: int = 50 * 1024 * 1024
    members: int = 10_000
    total_bytes: int = 500 * 1024 * 1024  # all members, uncompressed
    part_bytes: int = 64 * 1024 * 1024  # one part we parse
    ratio: int = 200  # uncompressed / compressed, for members over 1 MiB
    cells: int = 2_000_000  # non-empty cells of one sheet


DEFAULT_LIMITS = Limits()
DAMAGED = "工作簿已损坏，无法读取：请用 Excel 打开后另存为 .xlsx 再提交"

def parse_xml(data: bytes, name: str, source: Path):
    """A whole part as an element tree (ooxml.xml.parse_xml); damaged XML or any DTD is refused."""
    try:
        return _parse_xml(data)
    except DamagedXml:
        raise UnusableFile(source, f"{DAMAGED}（{name} 的内容不完整或已损坏）") from None
    except UnsafeXml:
        raise UnusableFile(source, "文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝处理") from None


def iterparse_xml(data: bytes, name: str, source: Path, tag: str):
    """Stream the elements `tag` of a large part (the caller clears them); damage is raised at its point."""
    try:
        yield from _iterparse_xml(data, tag)
    except DamagedXml:
        raise UnusableFile(source, f"{DAMAGED}（{name} 的内容不完整或已损坏）") from None


def sniff(head: bytes, source: Path, whole: bytes | Path | None = None) -> None:
    """Refuse what is plainly not an .xlsx before opening it as a zip, saying what it really is
    (an encrypted workbook, an old .xls, a Word file, a PDF, a text file…: screening.kind)."""
    refuse_non_workbook_bytes(source, head, whole)


class Package:
    """The members of one .xlsx, read on demand with every guard applied."""

    def __init__(self, data: bytes | Path, source: Path, limits: Limits = DEFAULT_LIMITS, screened: dict | None = None):
        """`screened`: part name -> (CRC-32, bytes) the screening read whole (screen_workbook's `keep`); a part
        whose member here has the same CRC and size is taken from there instead of being decompressed again."""
        self.source, self.limits = source, limits
        self.screened = screened or {}
        if isinstance(data, Path):
            size = regular_file_size(data)  # a folder, a device or a pipe is refused before it is opened
            if size > limits.file_bytes:
                raise UnusableFile(source, f"文件过大（{size / 1048576:.0f} MB，上限 {limits.file_bytes // 1048576} MB），"
                                           "请删去无关的图片或工作表后再提交")
            with data.open("rb") as fh:
                head = fh.read(512)
            stream, whole = data, data
        else:
            if len(data) > limits.file_bytes:
                raise UnusableFile(source, f"文件过大（上限 {limits.file_bytes // 1048576} MB）")
            head, stream, whole = data[:512], io.BytesIO(data), data
        sniff(head, source, whole)
        try:
            self.zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise UnusableFile(source, "不是 Excel 工作簿（.xlsx）文件，或文件已损坏：请用 Excel 打开后另存为 .xlsx") from None
        infos = self.zip.infolist()
        refuse_other_documents(source, self.zip, {i.filename for i in infos})
        if len(infos) > limits.members or sum(i.file_size for i in infos) > limits.total_bytes:
            raise UnusableFile(source, "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝处理")
        # part names exactly as stored: the screening refuses a part referenced in another case
        self.infos = {i.filename.lstrip("/"): i for i in infos}

    def has(self, name: str) -> bool:
        return name.lstrip("/") in self.infos

    def read(self, name: str) -> bytes | None:
        """A member's bytes (None when absent); damage and bombs are refused."""
        info = self.infos.get(name.lstrip("/"))
        if info is None:
            return None
        limits = self.limits
        if info.file_size > limits.part_bytes or (
                info.file_size > 1048576 and info.file_size > limits.ratio * max(info.compress_size, 1)):
            raise UnusableFile(self.source, f"文件中的 {info.filename} 解压后异常巨大，已拒绝处理")
        if info.flag_bits & 0x1:
            raise UnusableFile(self.source, "工作簿的内容已加密，无法读取：请取消密码后另存为 .xlsx")
        kept = self.screened.get(info.filename)
        if kept is not None and kept[0] == info.CRC and len(kept[1]) == info.file_size:
            return kept[1]
        try:
            with self.zip.open(info) as member:
                data = member.read(limits.part_bytes + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
            raise UnusableFile(self.source, f"{DAMAGED}（{info.filename} 解压失败）") from None
        if len(data) > limits.part_bytes:
            raise UnusableFile(self.source, f"文件中的 {info.filename} 解压后异常巨大，已拒绝处理")
        return data

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        return None if data is None else parse_xml(data, name, self.source)

    def close(self) -> None:
        self.zip.close()
