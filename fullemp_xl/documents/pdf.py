"""Word → PDF through LibreOffice headless: a fresh profile per run, a time limit, parallel, with progress.

LibreOffice exits 0 even when a conversion fails, so success is an output file that exists and a stderr
without "Error:". A run past its time limit is killed with its whole process group (soffice starts
oosplash and soffice.bin). On Linux the PDF uses the fontconfig file shipped beside this module, which
maps the official font names to free faces (see fonts.conf); Windows has the real fonts.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
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


def convert(pairs: list[tuple[Path, Path]], *, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT,
            progress: Callable[[int, int, Path], None] | None = None) -> list[Path]:
    """Convert (docx, pdf) pairs, `jobs` at a time (default: the cores), each with its own profile;
    progress(done, total, pdf) after each. Every failure is reported together at the end."""
    if not pairs:
        return []
    soffice()  # a clear message before any work when LibreOffice is missing
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pairs)))
    done, failures, written = 0, [], []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(convert_one, docx, pdf, timeout=timeout): pdf for docx, pdf in pairs}
        for future in as_completed(futures):
            done += 1
            try:
                written.append(future.result())
            except PdfError as exc:
                failures.append(str(exc))
            if progress:
                progress(done, len(pairs), futures[future])
    if failures:
        raise PdfError("\n".join(failures))
    order = {pdf: k for k, (_, pdf) in enumerate(pairs)}
    return sorted(written, key=order.__getitem__)
