"""LibreOffice headless as the independent judge: recalculate our .xlsx files, render documents to PDF.

Facts this relies on (shared/notes/libreoffice-oracle.md): a profile of our own whose registry forces a
full recalculation on load (one per test process, made once and reused: pytest-xdist workers never share
one, and a run that timed out gets a fresh one); many files in one call; soffice exits 0 even when a conversion fails;
kill the whole process group on timeout; outputs are named by the input's stem.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
FILTERS = {".xlsx": "Calc Office Open XML", ".docx": "MS Word 2007 XML", ".xlsm": "Calc MS Excel 2007 VBA XML"}
CHUNK = 100  # one soffice run handles many files, but a run of ~250 was seen to stop early


_PROFILE: list[Path] = []  # this process's LibreOffice profile, made on first use


def _profile() -> Path:
    """This process's profile: a first start of LibreOffice spends seconds setting a profile up."""
    if not _PROFILE:
        profile = Path(tempfile.mkdtemp(prefix=f"fe-lo-profile-{os.getpid()}-"))
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
        atexit.register(shutil.rmtree, profile, True)
        _PROFILE.append(profile)
    return _PROFILE[0]


def _discard_profile() -> None:
    """After a killed run the profile may be left locked: the next run makes a new one."""
    if _PROFILE:
        shutil.rmtree(_PROFILE.pop(), ignore_errors=True)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


SOFFICE_MISSING = "soffice not found"  # in every skip reason below: conftest lists these tests at the end of the run


def require_soffice() -> str:
    path = soffice_path()
    if path is None:
        reason = (f"未安装 LibreOffice（soffice），跳过与 LibreOffice 的对照测试 / {SOFFICE_MISSING}: "
                  "LibreOffice differential tests SKIPPED; install libreoffice-calc-nogui")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


FONT_PACKAGES = {"LXGW WenKai": "fonts-lxgw-wenkai", "HanaMinA": "fonts-hanazono", "HanaMinB": "fonts-hanazono",
                 "Noto Serif CJK SC": "fonts-noto-cjk", "Noto Sans CJK SC": "fonts-noto-cjk"}


def require_fonts(*families: str) -> None:
    """The font families a PDF test needs, installed: else skipped loudly (a failure in CI, which installs them)."""
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    have = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    missing = [f for f in families if f not in have]
    if missing:
        packages = sorted({FONT_PACKAGES.get(f, f) for f in missing})
        reason = (f"缺少字体 {'、'.join(missing)}，跳过这项 PDF 字体测试 / fonts missing, test SKIPPED: "
                  f"sudo apt-get install {' '.join(packages)}")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def _convert(paths: list[Path], out_dir: Path, target: str, timeout: float) -> list[Path]:
    soffice = require_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fe-lo-") as work:
        work = Path(work)
        profile = _profile()
        staged = []  # unique stems, so inputs from different folders never overwrite each other
        for n, path in enumerate(paths):
            copy = work / "in" / f"f{n:04d}{path.suffix.lower()}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, copy)
            staged.append(copy)
        results = []
        groups = []
        for suffix in sorted({p.suffix for p in staged}):
            same_kind = [p for p in staged if p.suffix == suffix]
            groups += [same_kind[k:k + CHUNK] for k in range(0, len(same_kind), CHUNK)]
        for group in groups:
            suffix = group[0].suffix
            cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   f"--infilter={FILTERS[suffix]}", "--convert-to", target, "--outdir", str(work / "out"),
                   *map(str, group)]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
            try:
                _, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                _discard_profile()
                raise RuntimeError(f"LibreOffice 超时（{timeout} 秒）未完成转换") from None
            errors = err.decode("utf-8", "replace")
            if "Error:" in errors:
                raise RuntimeError(f"LibreOffice 转换失败：{errors}")
            results.append(errors)
        outputs = []
        for original, copy in zip(paths, staged):
            produced = work / "out" / f"{copy.stem}.{target.split(':')[0]}"
            if not produced.exists():
                raise RuntimeError(f"LibreOffice 没有生成 {original.name} 的结果（文件可能已损坏）：{' '.join(results)}")
            final = out_dir / f"{original.stem}.{target.split(':')[0]}"
            n = 1
            while final in outputs:
                final = out_dir / f"{original.stem}-{n}.{target.split(':')[0]}"
                n += 1
            shutil.move(produced, final)
            outputs.append(final)
        return outputs


def recalculate(paths: list[Path], out_dir: Path, *, timeout: float = 300) -> list[Path]:
    """Open every .xlsx in LibreOffice, recalculate all formulas, save as .xlsx in out_dir (input order)."""
    return _convert([Path(p) for p in paths], Path(out_dir), "xlsx", timeout)


def convert(paths: list[Path], out_dir: Path, target: str, *, timeout: float = 300) -> list[Path]:
    """Convert .xlsx or .docx files to another format LibreOffice writes ("xls:MS Excel 97", "ods", …)."""
    return _convert([Path(p) for p in paths], Path(out_dir), target, timeout)


def pdf(paths: list[Path], out_dir: Path, *, timeout: float = 300) -> list[Path]:
    """Render .xlsx or .docx files to PDF in out_dir (input order)."""
    return _convert([Path(p) for p in paths], Path(out_dir), "pdf", timeout)


def to_ods(paths: list[Path], out_dir: Path, *, timeout: float = 300) -> list[Path]:
    """Convert workbooks to .ods: LibreOffice's own reading of them (e.g. the VBA it imports from an .xlsm)."""
    return _convert(paths, out_dir, "ods", timeout)
