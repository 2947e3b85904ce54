"""Who else is writing this file: our own lock files, Excel's owner files, and changes since we read it.

A lock is a small file created exclusively beside the workbook (so it works on a shared folder);
it names the host and process, and a lock left by a process of this host that has died is stale
and taken over. Excel and WPS create '~$<name>' while a workbook is open, LibreOffice
'.~lock.<name>#': a workbook open there is never replaced under the person working in it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnusableFile

LOCK_PREFIX = ".~fullemp-lock."
_held: dict[Path, int] = {}  # lock file -> how many times this process holds it


def host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def pid_alive(pid: int) -> bool:
    """Whether a process of this host still runs (never signals it: on Windows os.kill would end it)."""
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return not ok or code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def short_name(prefix: str, name: str, suffix: str = "", limit: int = 250) -> str:
    """prefix + name + suffix, with the name replaced by a hash when the result would exceed `limit` bytes."""
    full = prefix + name + suffix
    # the bytes the file system stores: a name that is not valid UTF-8 (a GBK name unpacked from a Windows
    # zip) is carried as those bytes, never re-encoded
    if len(os.fsencode(full)) <= limit:
        return full
    return prefix + hashlib.sha1(os.fsencode(name)).hexdigest()[:16] + suffix


def lock_path(target: Path) -> Path:
    return target.parent / short_name(LOCK_PREFIX, target.name)


@dataclass(frozen=True)
class FileState:
    """What a file was when we read it: a later write refuses if it has changed since."""

    size: int
    mtime_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path, data: bytes | None = None) -> "FileState":
        st = path.stat()
        data = path.read_bytes() if data is None else data
        return cls(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def check(self, path: Path) -> None:
        st = path.stat()
        if st.st_size == self.size and st.st_mtime_ns == self.mtime_ns:
            return
        if hashlib.sha256(path.read_bytes()).hexdigest() != self.digest:
            raise UnusableFile(path, "文件在本程序读取之后被改动过（可能有人正在编辑或另一个程序写入了它），"
                                     "为免覆盖别人的修改，已取消写入。请确认文件的最新内容后重新运行")


def owner_file(target: Path) -> Path | None:
    """Excel's / WPS's '~$' owner file or LibreOffice's lock file of an open workbook, if there is one."""
    name = target.name
    candidates = ["~$" + name, ".~lock." + name + "#"]
    if len(name) > 2:
        candidates.append("~$" + name[2:])
    for candidate in candidates:
        path = target.parent / candidate
        if path.exists():
            return path
    return None


def owner_name(owner: Path) -> str:
    """The user an Excel owner file names (best effort; '' when it cannot be read)."""
    try:
        data = owner.read_bytes()[:200]
    except OSError:
        return ""
    if owner.name.startswith(".~lock."):
        fields = data.decode("utf-8", "replace").split(",")
        return fields[1].strip() if len(fields) > 1 else ""
    if data and 0 < data[0] <= 53:
        wide = data[54:54 + 2 * data[0]].decode("utf-16-le", "ignore").strip("\x00 ")
        return wide or data[1:1 + data[0]].decode("latin-1", "ignore").strip()
    return ""


WORKBOOK = ("工作簿", "Excel、WPS 或 LibreOffice")
DOCUMENT = ("Word 文档", "Word、WPS 或 LibreOffice")
KIND_BY_SUFFIX = {**dict.fromkeys((".xlsx", ".xlsm", ".xls", ".xltx", ".xlam", ".ods", ".csv"), WORKBOOK),
                  **dict.fromkeys((".docx", ".docm", ".doc", ".dotx", ".odt", ".rtf"), DOCUMENT)}


def file_kind(target: Path) -> tuple[str, str]:
    """(what the file is, which programs open it): from its content when it exists, else from its name."""
    try:
        with zipfile.ZipFile(target) as zf:
            names = zf.namelist()
        if any(n.startswith("word/") for n in names):
            return DOCUMENT
        if any(n.startswith("xl/") for n in names):
            return WORKBOOK
    except (OSError, zipfile.BadZipFile, ValueError):
        pass
    return KIND_BY_SUFFIX.get(target.suffix.lower(), ("文件", "其他程序"))


def refuse_if_open(target: Path) -> None:
    owner = owner_file(target)
    if owner is None:
        return
    who = owner_name(owner)
    by = f"（打开者：{who}）" if who else ""
    kind, programs = file_kind(target)
    raise UnusableFile(target, f"这个{kind}正在 {programs} 中打开{by}，发现了它的占用文件“{owner.name}”。"
                               f"为免覆盖正在编辑的内容，已取消写入：请先关闭该{kind}再试；如果确认已经关闭，删除这个占用文件后再试")


class Lock:
    """An exclusive lock on `target` for writers of this program (re-entrant within a process)."""

    def __init__(self, target: Path):
        self.target = target
        self.path = lock_path(target)

    def __enter__(self) -> "Lock":
        if self.path in _held:
            _held[self.path] += 1
            return self
        for attempt in (1, 2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                holder = self._holder()
                if attempt == 1 and self._stale(holder, self.path):
                    self.path.unlink(missing_ok=True)
                    continue
                started = str(holder.get("time", "")).replace("T", " ")
                raise UnusableFile(self.target, f"另一个 fullemp 正在写入这个文件（{holder.get('host', '?')} 上的进程 "
                                                f"{holder.get('pid', '?')}，开始于 {started}）：请等它完成后再试。"
                                                f"如果确认没有程序在运行，删除“{self.path.name}”后再试") from None
            except PermissionError:
                raise UnusableFile(self.target, f"没有在“{self.target.parent}”中写入的权限（文件夹只读或在只读共享上）："
                                                "请换一个可写的位置，或请管理员开放写权限") from None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"pid": os.getpid(), "host": socket.gethostname(), "tag": host_tag(),
                           "time": dt.datetime.now().isoformat(timespec="seconds")}, fh, ensure_ascii=False)
            _held[self.path] = 1
            return self
        raise AssertionError("unreachable")

    def _holder(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    @staticmethod
    def _stale(holder: dict, path: Path) -> bool:
        """Left by a process of this host that no longer runs (a kill -9, a crash), or never finished writing."""
        pid = holder.get("pid")
        if not holder:
            try:
                return dt.datetime.now().timestamp() - path.stat().st_mtime > 60
            except OSError:
                return True
        return holder.get("tag") == host_tag() and isinstance(pid, int) and not pid_alive(pid)

    def __exit__(self, *exc) -> None:
        _held[self.path] -= 1
        if _held[self.path] == 0:
            del _held[self.path]
            self.path.unlink(missing_ok=True)
