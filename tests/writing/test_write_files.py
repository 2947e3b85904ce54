"""The file side of every write: locks, Excel's owner files, changed-since-read, backups, permissions,
symlinks, -o onto an existing file, read-only files and folders, and a real kill -9 in the middle."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fullemp_xl.errors import UnusableFile
from fullemp_xl.writing import Update, replace_file, write_output
from fullemp_xl.writing.lock import Lock, host_tag, lock_path
from conftest import ROOT, cell, run


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~fullemp"))


def test_two_backups_in_the_same_second_never_collide(tmp_path, filled):
    original = filled.read_bytes()
    taken = filled.with_name(f"{filled.stem}.bak-{time.strftime('%Y%m%d-%H%M%S')}{filled.suffix}")
    taken.write_bytes(b"an earlier backup someone keeps")
    backups = [replace_file(filled, lambda tmp: tmp.write_bytes(f"version {n}".encode())) for n in range(3)]
    assert len(set(backups)) == 3 and taken not in backups
    assert taken.read_bytes() == b"an earlier backup someone keeps"
    assert sorted(b.read_bytes() for b in backups) == sorted([original, b"version 0", b"version 1"])
    assert filled.read_bytes() == b"version 2"


def test_in_place_keeps_mode_and_owner(tmp_path, filled):
    os.chmod(filled, 0o664)
    if os.geteuid() == 0:
        os.chown(filled, 4321, 4321)
    proc = run("score", filled, "--write", "--in-place")
    assert proc.returncode == 0, proc.stderr
    st = filled.stat()
    assert stat.S_IMODE(st.st_mode) == 0o664
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (4321, 4321)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, filled, umask, mode):
    out = tmp_path / f"out-{umask:o}.xlsx"
    proc = subprocess.run([sys.executable, "-c", f"import os, sys; os.umask({umask}); from fullemp_xl.cli import main; "
                           f"main(['score', {str(filled)!r}, '--write', '-o', {str(out)!r}])"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_read_only_file_is_refused(tmp_path, filled):
    os.chmod(filled, 0o444)
    before = filled.read_bytes()
    proc = run("validate", filled, "--mark", "--in-place")
    assert proc.returncode == 2 and "只读" in proc.stderr and "Traceback" not in proc.stderr
    assert filled.read_bytes() == before and not list(tmp_path.glob("*.bak-*"))


def test_write_goes_through_a_symlink_to_its_target(tmp_path, filled):
    real_dir = tmp_path / "共享"
    real_dir.mkdir()
    real = real_dir / "南关社区考评表.xlsx"
    filled.rename(real)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    assert run("score", link, "--write", "--in-place").returncode == 0
    assert link.is_symlink() and link.resolve() == real
    assert len(list(real_dir.glob("南关社区考评表.bak-*.xlsx"))) == 1
    assert cell(real, "fe_opinion_assessed").value.startswith("市级充分就业社区")


def test_output_onto_an_existing_file_needs_force(tmp_path, filled):
    out = tmp_path / "已打分.xlsx"
    out.write_bytes(b"someone else's workbook")
    for args in (["score", filled, "--write"], ["validate", filled, "--mark"]):
        proc = run(*args, "-o", out)
        assert proc.returncode == 2 and "已存在" in proc.stderr and "--force" in proc.stderr
        assert out.read_bytes() == b"someone else's workbook"
    proc = run("score", filled, "--write", "-o", out, "--force")
    assert proc.returncode == 0, proc.stderr
    [backup] = tmp_path.glob("已打分.bak-*.xlsx")
    assert backup.read_bytes() == b"someone else's workbook"


def test_a_workbook_open_in_excel_is_not_replaced(tmp_path, filled):
    owner = filled.parent / ("~$" + filled.name)
    owner.write_bytes(bytes([4]) + b"wang" + b"\0" * 49 + b"\0" + "王五".encode("utf-16-le") + b"\0" * 40)
    before = filled.read_bytes()
    proc = run("score", filled, "--write", "--in-place")
    assert proc.returncode == 2 and "Excel" in proc.stderr and "~$" in proc.stderr
    assert filled.read_bytes() == before
    owner.unlink()
    lo_lock = filled.parent / f".~lock.{filled.name}#"
    lo_lock.write_text(",李四,pc-07,01.12.2026 09:00,file:///home/lisi/.config/libreoffice/4;", encoding="utf-8")
    proc = run("validate", filled, "--mark", "--in-place")
    assert proc.returncode == 2 and "李四" in proc.stderr
    lo_lock.unlink()
    assert run("score", filled, "--write", "--in-place").returncode == 0


def test_a_second_writer_is_refused_and_a_dead_ones_lock_is_taken_over(tmp_path, filled):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = lock_path(filled.resolve())
        lock.write_text(json.dumps({"pid": holder.pid, "host": "this", "tag": host_tag(), "time": "2026-12-01T09:00:00"}),
                        encoding="utf-8")
        proc = run("score", filled, "--write", "--in-place")
        assert proc.returncode == 2 and "另一个 fullemp 正在写入" in proc.stderr
    finally:
        holder.kill()
        holder.wait()
    proc = run("score", filled, "--write", "--in-place")  # the holder died: its lock is stale
    assert proc.returncode == 0, proc.stderr
    assert not lock.exists()


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path, filled):
    with pytest.raises(UnusableFile) as info:
        with Update(filled) as upd:
            filled.write_bytes(b"saved meanwhile by a colleague")  # Excel saving over it
            upd.commit(upd.data + b"")
    assert "被改动过" in info.value.message
    assert filled.read_bytes() == b"saved meanwhile by a colleague"


def test_lock_is_exclusive_within_one_folder(tmp_path, filled):
    with Lock(filled):
        assert lock_path(filled).exists()
    assert not lock_path(filled).exists()


def test_kill_9_in_the_middle_of_a_write_loses_nothing(tmp_path, filled):
    original = filled.read_bytes()
    script = ("import sys, time; from fullemp_xl.writing import replace_file\n"
              "def write(tmp):\n"
              "    tmp.write_bytes(b'half a workbook')\n"
              "    print('writing', flush=True)\n"
              "    time.sleep(60)\n"
              f"replace_file({str(filled)!r}, write)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert filled.read_bytes() == original
    assert leftovers(tmp_path)  # the killed run's temporary file and lock are still there …
    result = run("score", filled, "--write", "--in-place")
    assert result.returncode == 0, result.stderr
    assert leftovers(tmp_path) == []  # … and the next run cleaned them up


def test_failed_write_leaves_no_temporary_file(tmp_path, filled):
    before = filled.read_bytes()

    def boom(tmp):
        tmp.write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    with pytest.raises(UnusableFile) as info:
        replace_file(filled, boom)
    assert "磁盘空间不足" in info.value.message
    assert filled.read_bytes() == before and leftovers(tmp_path) == [] and not list(tmp_path.glob("*.bak-*"))


def test_read_only_output_folder(tmp_path, filled):
    folder = tmp_path / "只读"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        proc = run("score", filled, "--write", "-o", folder / "out.xlsx")
        assert proc.returncode == 2 and "只读" in proc.stderr and "内部错误" not in proc.stderr
        with pytest.raises(UnusableFile):
            write_output(folder / "x.xlsx", lambda tmp: tmp.write_bytes(b"x"))
    finally:
        os.chmod(folder, 0o755)
    assert list(folder.iterdir()) == []


def test_output_folder_path_through_a_file(tmp_path, filled):
    blocker = tmp_path / "报表"
    blocker.write_text("not a folder", encoding="utf-8")
    proc = run("score", filled, "--write", "-o", blocker / "out.xlsx")
    assert proc.returncode == 2 and "不是文件夹" in proc.stderr and "内部错误" not in proc.stderr


@pytest.mark.slow
def test_demo_remakes_its_own_folder_and_leaves_other_folders_alone(tmp_path):
    folder = tmp_path / "演示"
    assert run("demo", "-o", folder).returncode == 0
    assert run("demo", "-o", folder).returncode == 0  # again: its products are made anew, no backups pile up
    assert not list(folder.rglob("*.bak-*"))
    mine = tmp_path / "我的文件夹"
    mine.mkdir()
    (mine / "工作计划.xlsx").write_bytes(b"mine")
    proc = run("demo", "-o", mine)
    assert proc.returncode == 2 and "不是空的" in proc.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["工作计划.xlsx"]
