"""Many new files written all or nothing (the registry fill): checked first, staged, then renamed into place.

Every file is first written into one staging folder inside the output folder; only when all of
them exist are they renamed to their places (a rename within one file system never half-happens).
A failure while staging leaves the output folder as it was; a failure while renaming puts back
what was already renamed. A staging folder left by a killed run is removed by the next run.
"""
from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import UnusableFile
from .files import clean_stale_temps, folder_problem, make_backup, os_error_message, temp_path


@dataclass
class Planned:
    target: Path
    render: Callable[[], bytes]
    backup: bool = False  # keep the file it replaces as a .bak (it held someone's data)


def write_all(root: Path, items: list[Planned], *, progress: Callable[[int], None] | None = None) -> None:
    """Write every item or none; root is the output folder (created if missing)."""
    problem = folder_problem(root)
    if problem:
        raise UnusableFile(root, problem)
    try:
        root.mkdir(parents=True, exist_ok=True)
        clean_stale_temps(root)
        stage = temp_path(root, "stage")
        stage.mkdir()
    except OSError as exc:
        raise UnusableFile(root, os_error_message(exc, root)) from None
    try:
        for k, item in enumerate(items):
            (stage / str(k)).write_bytes(item.render())
            if progress:
                progress(1)
        _commit(stage, items)
    except OSError as exc:
        raise UnusableFile(root, os_error_message(exc, root) + "；已生成的文件均已撤回，输出文件夹保持原样") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _commit(stage: Path, items: list[Planned]) -> None:
    done: list[int] = []
    made: list[Path] = []
    ready: set[Path] = set()
    try:
        for k, item in enumerate(items):
            folder = item.target.parent
            if folder not in ready:
                missing = [p for p in (folder, *folder.parents) if not p.exists()]
                folder.mkdir(parents=True, exist_ok=True)
                made += reversed(missing)
                ready.add(folder)
            new = stage / str(k)
            try:
                old = os.stat(item.target)
            except FileNotFoundError:
                old = None
            if old is not None:
                os.chmod(new, stat.S_IMODE(old.st_mode))
                if item.backup:
                    make_backup(item.target)
                os.replace(item.target, stage / f"old-{k}")
            os.replace(new, item.target)
            done.append(k)
    except BaseException:
        for k in reversed(done):
            target = items[k].target
            target.unlink(missing_ok=True)
            if (stage / f"old-{k}").exists():
                os.replace(stage / f"old-{k}", target)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
