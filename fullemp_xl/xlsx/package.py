"""The zip container and safe XML: what every part goes through before we look inside it."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..errors import UnusableFile
from ..ooxml.xml import DamagedXml, UnsafeXml, iterparse_xml, parse_xml
from ..screening.kind import refuse_non_workbook_bytes, refuse_other_documents
from ..screening.limits import FORM_LIMITS, MIB, Limits
from ..screening.package import check_members
from ..screening.screen import regular_file_size

ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)
DAMAGED = "工作簿已损坏，无法读取：请用 Excel 打开后另存为 .xlsx 再提交"

def parse_part(data: bytes, name: str, source: Path):
    """A whole part as an element tree (ooxml.xml.parse_xml); damaged XML or any DTD is refused."""
    try:
        return parse_xml(data)
    except DamagedXml:
        raise UnusableFile(source, f"{DAMAGED}（{name} 的内容不完整或已损坏）") from None
    except UnsafeXml:
        raise UnusableFile(source, "文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝处理") from None


def iterparse_part(data, name: str, source: Path, tag: str):
    """Stream the elements `tag` of a large part (the caller clears them); damage is raised at its point."""
    try:
        yield from iterparse_xml(data, tag)
    except DamagedXml:
        raise UnusableFile(source, f"{DAMAGED}（{name} 的内容不完整或已损坏）") from None
    except UnsafeXml:
        raise UnusableFile(source, "文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝处理") from None


def sniff(head: bytes, source: Path, whole: bytes | Path | None = None) -> None:
    """Refuse what is plainly not an .xlsx before opening it as a zip, saying what it really is
    (an encrypted workbook, an old .xls, a Word file, a PDF, a text file…: screening.kind)."""
    refuse_non_workbook_bytes(source, head, whole)


class Package:
    """The members of one .xlsx, read on demand with every guard applied (the reader's; the writer's is
    writing.package.EditablePackage). The limits are the screening's (screening.limits), the same numbers
    the screening applied before: `xml_bytes` for each part read, `cells` for each sheet read."""

    def __init__(self, data: bytes | Path, source: Path, limits: Limits = FORM_LIMITS, screened: dict | None = None):
        """`screened`: part name -> (CRC-32, bytes, tree or None) the screening read whole (screen_workbook's
        `keep`); a part whose member here has the same CRC and size is taken from there instead of being
        decompressed (and, where the screening parsed it, parsed) again."""
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
        check_members(source, infos, limits)  # the screening's own check: members, bombs, encryption, compression
        # part names exactly as stored: the screening refuses a part referenced in another case
        self.infos = {i.filename.lstrip("/"): i for i in infos}

    def has(self, name: str) -> bool:
        return name.lstrip("/") in self.infos

    def _info(self, name: str) -> zipfile.ZipInfo | None:
        """A member's entry (None when absent), refused when it claims too much or is encrypted."""
        info = self.infos.get(name.lstrip("/"))
        if info is None:
            return None
        limits = self.limits
        if info.file_size > limits.xml_bytes or (
                info.file_size > MIB and info.file_size > limits.ratio * max(info.compress_size, 1)):
            raise self.too_big(info)
        if info.flag_bits & 0x1:
            raise UnusableFile(self.source, "工作簿的内容已加密，无法读取：请取消密码后另存为 .xlsx")
        return info

    def _kept(self, info: zipfile.ZipInfo) -> tuple | None:
        """What the screening kept of this member (CRC-32, bytes, tree or None), when it is this member's."""
        kept = self.screened.get(info.filename)
        return kept if kept is not None and kept[0] == info.CRC and len(kept[1]) == info.file_size else None

    def too_big(self, info: zipfile.ZipInfo) -> UnusableFile:
        return UnusableFile(self.source, f"文件中的 {info.filename} 解压后异常巨大，已拒绝处理")

    def damaged(self, info: zipfile.ZipInfo) -> UnusableFile:
        return UnusableFile(self.source, f"{DAMAGED}（{info.filename} 解压失败）")

    def read(self, name: str) -> bytes | None:
        """A member's bytes (None when absent); damage and bombs are refused."""
        info = self._info(name)
        if info is None:
            return None
        kept = self._kept(info)
        if kept is not None:
            return kept[1]
        try:
            with self.zip.open(info) as member:
                data = member.read(self.limits.xml_bytes + 1)
        except ZIP_DAMAGE:
            raise self.damaged(info) from None
        if len(data) > self.limits.xml_bytes:
            raise self.too_big(info)
        return data

    def stream(self, name: str) -> Member | None:
        """A member to read in pieces (None when absent): a large sheet is parsed as it unpacks, so its bytes
        are never all in memory. The same guards as read(); damage met on the way (a bad compressed block,
        a wrong checksum at the end) is refused where it is met — the caller must not act on a part read."""
        info = self._info(name)
        return None if info is None else Member(self, info)

    def xml(self, name: str, data: bytes | None = None) -> etree._Element | None:
        """A part as an element tree (None when absent): the screening's own parse where it kept one (the
        same parser on the same bytes, so the same tree; never changed by a reader), else parsed here
        (from `data`, its bytes, when the caller has read them already)."""
        info = self._info(name)
        if info is None:
            return None
        kept = self._kept(info)
        if kept is not None and kept[2] is not None:
            return kept[2]
        return parse_part(self.read(name) if data is None else data, name, self.source)

    def close(self) -> None:
        self.zip.close()


class Member:
    """One member of a Package as a file lxml can parse from: unpacked as it is read, its size bounded."""

    def __init__(self, pkg: Package, info: zipfile.ZipInfo):
        self.pkg, self.info, self.left = pkg, info, pkg.limits.xml_bytes
        self.fh = None

    def read(self, size: int = -1) -> bytes:
        try:
            if self.fh is None:
                self.fh = self.pkg.zip.open(self.info)
            data = self.fh.read(size if size and size > 0 else 1 << 20)
        except ZIP_DAMAGE:
            raise self.pkg.damaged(self.info) from None
        self.left -= len(data)
        if self.left < 0:
            raise self.pkg.too_big(self.info)
        return data

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
