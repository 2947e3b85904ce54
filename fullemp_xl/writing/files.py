"""Putting bytes on disk: temporary file, then rename; backups that never collide; nothing left behind.

Every write goes to a temporary file beside the target (created with the user's umask, not 0600),
is flushed, gets the original file's mode (and owner where permitted), and is renamed into place.
A symlinked workbook is written through to its target. Temporary files left by a killed run of
this program are removed by the next run in that folder.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import stat
import time
from pathlib import Path
from typing import Callable, Iterable

from ..errors import UnusableFile
from .lock import FileState, Lock, host_tag, pid_alive, refuse_if_open

TEMP = re.compile(r"^\.~fullemp-([0-9a-f]{8})-(\d+)-[0-9a-f]+\.")  # ours, and files a writer derived from them
STALE_AFTER = 24 * 3600  # a temporary file of another host older than this is abandoned


def real_path(target: Path) -> Path:
    """The file a path names, following symlinks (a write goes to the link's target)."""
    return Path(os.path.realpath(target))


def folder_problem(folder: Path) -> str | None:
    """Why nothing can be written into `folder` (None: it can be)."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        return f"“{probe}”是一个文件，不是文件夹：请给出一个文件夹"
    if probe.exists() and (not os.access(probe, os.W_OK | os.X_OK) or not probe.stat().st_mode & 0o222):
        return f"“{probe}”是只读的，不能在其中写入：请换一个可写的文件夹，或请管理员开放写权限"
    return None


def os_error_message(exc: OSError, where: Path) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有在“{where}”写入的权限（只读文件夹或只读共享）：请换一个可写的位置，或请管理员开放写权限"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足，已取消写入，原文件未改动：请清理磁盘后再试"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名或路径太长，超出了文件系统的限制：请换一个短一些的名字或文件夹"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"“{where}”的路径中有一个同名文件挡住了文件夹：请换一个输出位置"
    return f"无法写入（{exc.strerror or exc}）：请检查“{where}”"


def clean_stale_temps(folder: Path) -> int:
    """Remove temporary files and folders that earlier runs of this program left in `folder`."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        m = TEMP.match(entry.name)
        if not m:
            continue
        tag, pid = m.group(1), int(m.group(2))
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if (tag == host_tag() and not pid_alive(pid)) or (tag != host_tag() and age > STALE_AFTER):
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


def temp_path(folder: Path, kind: str = "tmp") -> Path:
    return folder / f".~fullemp-{host_tag()}-{os.getpid()}-{os.urandom(4).hex()}.{kind}"


def new_temp(folder: Path) -> Path:
    """An empty temporary file in `folder`, with the permissions a new file gets there (umask)."""
    path = temp_path(folder)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.close(fd)
    return path


def backup_path(target: Path) -> Path:
    """A backup name beside target that is not taken yet (the backup itself claims it atomically)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return target.with_name(f"{target.stem}.bak-{stamp}{target.suffix}")


def make_backup(target: Path) -> Path:
    """Keep the current file as '<stem>.bak-YYYYmmdd-HHMMSS[-n]<suffix>'; never overwrites an earlier backup."""
    first = backup_path(target)
    for n in range(1, 10_000):
        candidate = first if n == 1 else first.with_name(f"{first.stem}-{n}{first.suffix}")
        try:
            os.link(target, candidate)  # the original file itself, with its mode, owner and times
            return candidate
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some shares): an exclusive copy
            try:
                with open(target, "rb") as src, open(candidate, "xb") as dst:
                    shutil.copyfileobj(src, dst)
                shutil.copystat(target, candidate)
                return candidate
            except FileExistsError:
                continue
    raise UnusableFile(target, "备份文件名已用尽，请清理旧的 .bak 备份后再试")


def refuse_read_only(target: Path) -> None:
    mode = target.stat().st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise UnusableFile(target, "文件是只读的，不予改写：请先去掉文件的只读属性，或用 -o 写到新文件")


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _put(real: Path, write: Callable[[Path], None], *, keep: os.stat_result | None, backup: bool,
         since: FileState | None) -> Path | None:
    """write(tmp) beside `real`, then rename it over `real`; returns the backup made (or None)."""
    folder = real.parent
    clean_stale_temps(folder)
    try:
        tmp = new_temp(folder)
    except OSError as exc:
        raise UnusableFile(real, os_error_message(exc, folder)) from None
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if keep is not None:
            os.chmod(tmp, stat.S_IMODE(keep.st_mode))
            if hasattr(os, "chown") and (keep.st_uid, keep.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.chown(tmp, keep.st_uid, keep.st_gid)
                except OSError:
                    pass  # not permitted: the file becomes ours, as any edit by us would
        if since is not None:
            since.check(real)
        saved = make_backup(real) if backup and real.exists() else None
        os.replace(tmp, real)
        _fsync_folder(folder)
        return saved
    except OSError as exc:
        raise UnusableFile(real, os_error_message(exc, folder)) from None
    finally:
        tmp.unlink(missing_ok=True)


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
    problem = folder_problem(target.parent)
    if problem:
        raise UnusableFile(target, problem)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnusableFile(target, os_error_message(exc, target.parent)) from None
    real = real_path(target)
    with Lock(real):
        existing = real.exists()
        if existing:
            refuse_read_only(real)
            refuse_if_open(real)
        _put(real, write, keep=real.stat() if existing else None, backup=existing, since=None)
    return target


def replace_file(target, write: Callable[[Path], None], *, backup: bool = True,
                 since: FileState | None = None) -> Path | None:
    """Replace an existing file through write(tmp_path), atomically, keeping a backup; returns the backup.

    Refuses a read-only file, a workbook open in Excel/WPS/LibreOffice, a file another fullemp is
    writing, and (with `since`) a file that changed after it was read.
    """
    target = Path(target)
    if not target.exists():
        raise UnusableFile(target, "找不到这个文件，请检查路径")
    real = real_path(target)
    refuse_read_only(real)
    refuse_if_open(real)
    with Lock(real):
        return _put(real, write, keep=real.stat(), backup=backup, since=since)


class Update:
    """Read a file under our lock and later replace it, refusing if anyone changed it in between.

        with Update(path) as upd:
            new = transform(upd.data)
            backup = upd.commit(new)
    """

    def __init__(self, target):
        self.target = Path(target)
        self.real = real_path(self.target)
        self._lock = Lock(self.real)

    def __enter__(self) -> "Update":
        if not self.real.exists():
            raise UnusableFile(self.target, "找不到这个文件，请检查路径")
        refuse_read_only(self.real)
        refuse_if_open(self.real)
        self._lock.__enter__()
        try:
            self.data = self.real.read_bytes()
            self.state = FileState.of(self.real, self.data)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def commit(self, data: bytes, *, backup: bool = True) -> Path | None:
        refuse_if_open(self.real)
        return replace_file(self.real, lambda tmp: tmp.write_bytes(data), backup=backup, since=self.state)

    def __exit__(self, *exc) -> None:
        self._lock.__exit__(*exc)


# ---------------------------------------------------------------- whole workbooks fullemp built (openpyxl)
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
