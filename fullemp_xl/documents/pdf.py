"""Word → PDF through LibreOffice headless: one start for all the files of a command, a fresh profile per run, a
time limit per file, a failing file converted again on its own, with progress.

LibreOffice exits 0 even when a conversion fails, so success is an output file that exists and a stderr
without "Error:". A run past its time limit is killed with its whole process group (soffice starts
oosplash and soffice.bin). On Linux the PDF uses the fontconfig file shipped beside this module, which
maps the official font names to free faces (see fonts.conf); Windows has the real fonts.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Callable

from ..errors import FullempError

DEFAULT_TIMEOUT = 900  # seconds per document: a 2,000-row table takes minutes on a slow PC
SOFFICE_ENV = "FULLEMP_SOFFICE"
WINDOWS_PLACES = (r"C:\Program Files\LibreOffice\program\soffice.exe", r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


class PdfError(FullempError):
    """Conversion failed or LibreOffice is missing; the message is Chinese and says what to do."""


def fontconfig_file() -> Path:
    return Path(str(resources.files("fullemp_xl.documents") / "fonts.conf"))


def soffice() -> str:
    given = os.environ.get(SOFFICE_ENV)
    if given and not Path(given).is_file():
        raise PdfError(f"环境变量 {SOFFICE_ENV} 指定的 {given} 不存在，无法生成 PDF。Word 文档已经生成")
    found = given or shutil.which("soffice") or shutil.which("libreoffice")
    if not found and sys.platform == "win32":
        found = next((p for p in WINDOWS_PLACES if Path(p).exists()), None)
    if not found:
        raise PdfError("没有找到 LibreOffice（soffice），无法生成 PDF。Word 文档已经生成，可以在 Word 或 WPS 中另存为 PDF；"
                       f"或安装 LibreOffice 后重试（也可用环境变量 {SOFFICE_ENV} 指定 soffice 的位置）")
    return found


def _environment() -> dict:
    env = dict(os.environ)
    conf = fontconfig_file()
    if conf.is_file():
        env["FONTCONFIG_FILE"] = str(conf)
    return env


# FangSong faces: the official one and the free ones fonts.conf prefers for 仿宋_GB2312 when installed
FANGSONG_FACES = ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "Zhuque Fangsong (technical preview)",
                  "朱雀仿宋（预览测试版）", "Zhuque Fangsong", "华文仿宋", "STFangsong", "方正仿宋_GBK", "FZFangSong-Z02S")


def fangsong_note() -> str | None:
    """A Chinese note when the PDF's body (仿宋_GB2312) will be drawn in a Song face because no FangSong face is
    installed (fontconfig: Linux; Windows and macOS with the fonts are not asked); None when one is."""
    if not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}", "仿宋_GB2312"], capture_output=True, text=True,
                               env=_environment(), timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = [f.strip() for f in found.split(",")]
    if any(f in FANGSONG_FACES for f in families):
        return None
    return (f"本机没有仿宋字体：PDF 正文的“仿宋_GB2312”用 {families[0] or '其他字体'}（宋体风格）代替。正式发文请在装有"
            "仿宋_GB2312 的电脑上用 Word 或 WPS 另存为 PDF，或安装仿宋字体后重新生成（见 README“PDF 与字体”）")


def convert_one(docx: Path, pdf: Path, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """docx → pdf (written atomically: a temporary folder, then a rename next to the target)."""
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="fullemp-lo-") as work:
        work = Path(work)
        (work / "in").mkdir()
        source = work / "in" / "document.docx"  # a plain name: soffice names its output after the input
        shutil.copyfile(docx, source)
        cmd = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--infilter=MS Word 2007 XML", "--convert-to", "pdf",
               "--outdir", str(work / "out"), str(source)]
        kwargs = {"start_new_session": True} if os.name != "nt" else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(), **kwargs)
        except OSError as exc:
            raise PdfError(f"无法启动 LibreOffice（{exc}）") from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise PdfError(f"{docx.name}：LibreOffice 超过 {timeout:.0f} 秒仍未转换完，已停止。Word 文档已经生成；"
                           "名单很长时可按县（区）分别生成，或在 Word 中另存为 PDF") from None
        produced = work / "out" / "document.pdf"
        errors = err.decode("utf-8", "replace")
        if "Error:" in errors or not produced.exists() or produced.stat().st_size == 0:
            raise PdfError(f"{docx.name}：LibreOffice 没有生成 PDF（{errors.strip()[:200] or '无输出'}）")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        staged = pdf.with_name(f".{pdf.stem}.tmp.pdf")
        shutil.move(str(produced), staged)
        os.replace(staged, pdf)
    return pdf


def _kill(proc: subprocess.Popen) -> None:
    try:
        if os.name == "nt":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()


def _batch(pairs: list[tuple[Path, Path]], *, timeout: float, progress: Callable[[Path], None]) -> dict[Path, str]:
    """Convert every pair in one LibreOffice start; return {pdf: reason} for those that did not come out.

    LibreOffice announces each file ("convert …/in/3.docx -> …") as it goes: when nothing more is announced for
    `timeout` seconds (the per-file limit) the run is stopped, and the files it did not finish are left to the caller."""
    program = soffice()
    missing: dict[Path, str] = {}
    with tempfile.TemporaryDirectory(prefix="fullemp-lo-") as work:
        work = Path(work)
        (work / "in").mkdir()
        sources = []
        for k, (docx, _) in enumerate(pairs):
            source = work / "in" / f"{k}.docx"  # plain names: soffice names its output after the input
            shutil.copyfile(docx, source)
            sources.append(str(source))
        cmd = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--infilter=MS Word 2007 XML", "--convert-to", "pdf",
               "--outdir", str(work / "out"), *sources]
        kwargs = {"start_new_session": True} if os.name != "nt" else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(), **kwargs)
        except OSError as exc:
            raise PdfError(f"无法启动 LibreOffice（{exc}）") from None
        announced: list[int] = []
        last = [time.monotonic()]
        errors: list[bytes] = []

        def read_out():
            for line in proc.stdout:
                m = re.search(rb"[/\\]in[/\\](\d+)\.docx -> ", line)
                if m:
                    announced.append(int(m.group(1)))
                    last[0] = time.monotonic()

        readers = [threading.Thread(target=read_out, daemon=True),
                   threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)]
        for t in readers:
            t.start()
        reported: set[int] = set()

        def report_finished():
            for k in range(len(pairs)):
                if k not in reported and (work / "out" / f"{k}.pdf").exists() and any(j > k for j in announced):
                    reported.add(k)
                    progress(pairs[k][1])

        stopped, written = False, 0
        while proc.poll() is None:
            try:
                proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
            report_finished()
            now = sum(1 for _ in (work / "out").glob("*.pdf")) if (work / "out").is_dir() else 0
            if now > written:  # a file was written: the next one's time starts
                written, last[0] = now, time.monotonic()
            if time.monotonic() - last[0] > timeout:
                _kill(proc)
                stopped = True
                break
        for t in readers:
            t.join(timeout=5)
        for k, (docx, pdf) in enumerate(pairs):
            produced = work / "out" / f"{k}.pdf"
            if not produced.exists() or produced.stat().st_size == 0:
                missing[pdf] = "stopped" if stopped else "failed"
                continue
            pdf.parent.mkdir(parents=True, exist_ok=True)
            staged = pdf.with_name(f".{pdf.stem}.tmp.pdf")
            shutil.move(str(produced), staged)
            os.replace(staged, pdf)
            if k not in reported:
                progress(pdf)
    return missing


def convert(pairs: list[tuple[Path, Path]], *, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT,
            progress: Callable[[int, int, Path], None] | None = None) -> list[Path]:
    """Convert (docx, pdf) pairs in one LibreOffice start (`jobs` > 1: that many starts side by side, each with its
    own profile); progress(done, total, pdf) after each. The time limit is per file. A file LibreOffice cannot
    convert is tried again on its own (for its exact message); a file that overruns the limit is reported and the
    files after it go into one more start; so one bad file costs only itself. Every failure is reported together at
    the end."""
    if not pairs:
        return []
    soffice()  # a clear message before any work when LibreOffice is missing
    jobs = max(1, min(jobs or 1, len(pairs)))
    done = [0]
    lock = threading.Lock()

    def tick(pdf: Path):
        with lock:
            done[0] += 1
            if progress:
                progress(done[0], len(pairs), pdf)

    failures: dict[Path, str] = {}

    def run(batch: list[tuple[Path, Path]]) -> list[tuple[Path, Path]]:
        """One start for the batch; the files that failed on their own are returned for a second try alone. When a
        file overran its time limit, it is the first one without a PDF (LibreOffice takes them in order): it is
        reported, and the files after it go into one more start."""
        while batch:
            missing = _batch(batch, timeout=timeout, progress=tick)
            if "stopped" not in missing.values():
                return [pair for pair in batch if pair[1] in missing]
            k = next(k for k, (_, pdf) in enumerate(batch) if pdf in missing)
            failures[batch[k][1]] = (f"{batch[k][0].name}：LibreOffice 超过 {timeout:.0f} 秒仍未转换完，已停止。"
                                     "Word 文档已经生成；名单很长时可按县（区）分别生成，或在 Word 中另存为 PDF")
            retry = [pair for pair in batch[:k] if pair[1] in missing]
            batch = batch[k + 1:]
            if retry:
                return retry + run(batch)
        return []

    if len(pairs) == 1:  # one file: its own start, with its own messages
        again = list(pairs)
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            again = [pair for result in pool.map(run, [pairs[k::jobs] for k in range(jobs)]) for pair in result]
    for docx, pdf in again:
        try:
            convert_one(docx, pdf, timeout=timeout)
            tick(pdf)
        except PdfError as exc:
            failures[pdf] = str(exc)
    if failures:
        raise PdfError("\n".join(failures[pdf] for _, pdf in pairs if pdf in failures))
    return [pdf for _, pdf in pairs]
