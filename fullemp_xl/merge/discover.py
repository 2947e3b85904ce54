"""Find what to read in folders, workbooks and .zip archives, as counties send them.

Workbooks are recognised later by their form spec, never by name; here only obvious non-workbooks
are set aside, and counted: Excel's owner files (~$…), hidden and system files, other file types.
Zip archives made by Windows' "send to compressed folder" store Chinese names in GBK without the
UTF-8 flag: those names are decoded as GBK. Archives are read in memory, with limits (no zip bombs,
no names that climb out of the archive), and one level of archives inside archives is opened.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import stat
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# .xlsb is read only to be named in 问题清单 (what it is, and to save it as .xlsx): never silently skipped
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".et", ""}
ARCHIVE_SUFFIXES = {".zip"}
SYSTEM_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "__macosx", "$recycle.bin", "system volume information"}
MEMBER_LIMIT = 50 * 1024 * 1024  # one workbook inside an archive
ARCHIVE_LIMIT = 2 * 1024 * 1024 * 1024  # everything inside one archive, uncompressed
RATIO_LIMIT = 200
SKIP_REASONS = {"lock": "Excel 临时文件（~$ 开头）", "hidden": "隐藏文件或系统文件", "other": "不是工作簿的文件",
                "directory": "空文件夹", "backup": "本程序的备份文件（.bak-日期-时间）",
                "document": "本程序生成的文书（公示、公告、补助资金明细）", "own": "本程序生成的汇总表、名册或台账"}
OWN_KINDS = ("backup", "document", "own")  # the tool's own files: listed by name, never read as submissions
BACKUP = re.compile(r"\.bak-\d{8}-\d{6}(-\d+)?\.[^.]+$", re.IGNORECASE)  # writing.files.backup_path
DOCUMENT = re.compile(r"(公示|公告|补助资金明细)\.(docx|pdf|xlsx)$")  # documents.publish's file names


@dataclass(frozen=True, slots=True)
class Candidate:
    """One workbook to read: a file on disk, or a member of an archive (read by the parent, sent as bytes).
    Slotted and small: a merge of a whole country keeps one per file."""

    source: str  # as shown: relative to the input it came from
    link: str  # absolute path of the file on disk (the archive, for a member): what is read, and linked to
    archive: tuple[str, ...] = ()  # archive path, then member names down to the workbook; () for a file on disk
    mtime: float = 0.0
    size: int = 0


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (source, link, Chinese reason)
    own: list[tuple[str, str]] = field(default_factory=list)  # (source, Chinese reason): our own files, skipped
    inputs: list[Path] = field(default_factory=list)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the person who zipped it saw it."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gbk", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _hidden(path: Path) -> bool:
    if path.name.startswith("."):
        return True
    if path.name.lower() in SYSTEM_NAMES:
        return True
    if os.name != "nt":  # only Windows marks files hidden by an attribute
        return False
    try:
        attrs = getattr(path.lstat(), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attrs & (getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2) | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 4)))


def _kind(name: str) -> str:
    """workbook, archive, lock, hidden or other — from the name alone (the form is checked later)."""
    base = PurePosixPath(name).name
    low = base.lower()
    if base.startswith("~$"):
        return "lock"
    if base.startswith(".") or low in SYSTEM_NAMES:
        return "hidden"
    if BACKUP.search(base):
        return "backup"
    if DOCUMENT.search(base):
        return "document"
    suffix = PurePosixPath(low).suffix
    if suffix in ARCHIVE_SUFFIXES:
        return "archive"
    if suffix in WORKBOOK_SUFFIXES:
        return "workbook"
    return "other"


def discover(paths: list[Path]) -> Discovery:
    """Every candidate workbook under `paths`, in a stable order (inputs in the order given, then by name)."""
    found = Discovery(inputs=[Path(p) for p in paths])
    for root in found.inputs:
        if root.is_dir():
            for folder, dirs, files in os.walk(root):
                here = Path(folder)
                dirs[:] = sorted(d for d in dirs if not _hidden(here / d))
                for name in sorted(files):
                    _add_file(found, here / name, root.parent if root.parent != root else root)
        else:
            _add_file(found, root, root.parent)
    return found


def _shown(path: Path, base: Path) -> str:
    """The path as the person who gave it sees it: relative to the folder the input sits in."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def _add_file(found: Discovery, path: Path, base: Path) -> None:
    kind = "hidden" if _hidden(path) else _kind(path.name)
    shown = _shown(path, base)
    if kind in ("lock", "hidden", "other", *OWN_KINDS):
        found.skipped[kind] += 1
        if kind in OWN_KINDS:
            found.own.append((shown, SKIP_REASONS[kind]))
        return
    try:
        info = path.stat()
    except OSError as exc:
        found.problems.append((shown, os.path.abspath(path), f"无法读取这个文件（{exc.strerror or exc}）：请检查文件权限"))
        return
    if kind == "workbook":
        found.candidates.append(Candidate(shown, os.path.abspath(path), (), info.st_mtime, info.st_size))
        return
    try:
        with zipfile.ZipFile(path) as zf:
            _add_archive(found, zf, shown, os.path.abspath(path), (str(path),), depth=0)
    except (zipfile.BadZipFile, OSError, ValueError):
        found.problems.append((shown, os.path.abspath(path), "压缩包已损坏或不是 .zip 文件，无法打开：请重新压缩后再发送"))


def _add_archive(found: Discovery, zf: zipfile.ZipFile, shown: str, link: str, chain: tuple[str, ...], depth: int) -> None:
    infos = zf.infolist()
    if sum(i.file_size for i in infos) > ARCHIVE_LIMIT:
        found.problems.append((shown, link, "压缩包解压后异常巨大（疑似“压缩炸弹”），已拒绝处理"))
        return
    for info in sorted(infos, key=member_name):
        name = member_name(info)
        if info.is_dir():
            continue
        parts = PurePosixPath(name.replace("\\", "/")).parts
        member_shown = f"{shown}/{'/'.join(p for p in parts if p not in ('..', '/'))}"
        if any(p.lower() in SYSTEM_NAMES or p.startswith(".") for p in parts[:-1]):
            found.skipped["hidden"] += 1
            continue
        kind = _kind(name)
        if kind in ("lock", "hidden", "other", *OWN_KINDS):
            found.skipped[kind] += 1
            if kind in OWN_KINDS:
                found.own.append((member_shown, SKIP_REASONS[kind]))
            continue
        too_big = info.file_size > MEMBER_LIMIT or (
            info.file_size > 1048576 and info.file_size > RATIO_LIMIT * max(info.compress_size, 1))
        if too_big:
            found.problems.append((member_shown, link, "压缩包中的文件解压后异常巨大，已拒绝处理"))
            continue
        if info.flag_bits & 0x1:
            found.problems.append((member_shown, link, "压缩包中的文件设有密码，无法读取：请不加密码重新压缩"))
            continue
        mtime = _zip_time(info)
        if kind == "workbook":
            found.candidates.append(Candidate(member_shown, link, (*chain, info.filename), mtime, info.file_size))
        elif depth == 0:
            try:
                inner = zipfile.ZipFile(io.BytesIO(zf.read(info)))
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
                found.problems.append((member_shown, link, "压缩包中的压缩包已损坏，无法打开"))
                continue
            with inner:
                _add_archive(found, inner, member_shown, link, (*chain, info.filename), depth + 1)
        else:
            found.problems.append((member_shown, link, "压缩包套了两层以上，没有打开：请解压后再汇总"))


def _zip_time(info: zipfile.ZipInfo) -> float:
    try:
        return dt.datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return 0.0


class ArchiveReader:
    """Reads archive members for the workers, keeping each archive open once."""

    def __init__(self):
        self._open: dict[tuple[str, ...], zipfile.ZipFile] = {}

    def read(self, chain: tuple[str, ...]) -> bytes:
        """Bytes of the member at the end of `chain`; raises OSError/zipfile errors for damage."""
        zf = self._zip(chain[:-1])
        with zf.open(chain[-1]) as member:
            data = member.read(MEMBER_LIMIT + 1)
        if len(data) > MEMBER_LIMIT:
            raise ValueError("member too large")
        return data

    def _zip(self, chain: tuple[str, ...]) -> zipfile.ZipFile:
        zf = self._open.get(chain)
        if zf is None:
            if len(chain) == 1:
                zf = zipfile.ZipFile(chain[0])
            else:
                zf = zipfile.ZipFile(io.BytesIO(self.read(chain)))
            self._open[chain] = zf
        return zf

    def close(self) -> None:
        for zf in self._open.values():
            zf.close()
        self._open.clear()
