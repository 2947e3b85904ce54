"""The library API: what the command line does, callable from Python.

    from fullemp_xl import api
    card = api.score_file("考评表.xlsx")
    card.final.decision.level        # '市级充分就业社区'
"""
from __future__ import annotations

from pathlib import Path

from . import marking, pipeline, preserve
from .forms import names
from .forms.book import OpenpyxlBook, PatchedBook
from .forms.build import build_templates
from .forms.layout import fit_named, paginate
from .model import Finding, ScoreCard
from .rules import load_ruleset
from .safe_io import UnusableFile, check_workbook_file, load_workbook
from .writing import Update, WorkbookPatch, write_output
from .writing.tags import DamagedPackage

__all__ = ["open_book", "score_file", "monitor_file", "distribute", "fill_file", "validate_file", "write_scores", "mark_file",
           "clear_marks_file", "build_templates", "load_ruleset", "UnusableFile"]


def open_book(path: str | Path) -> OpenpyxlBook:
    path = Path(path)
    return OpenpyxlBook(load_workbook(path), path.name)


def form_of(path: str | Path) -> str:
    """考评表 or 申报表, from the workbook's hidden form information (a quick read-only peek)."""
    import openpyxl

    from .forms.reader import read_meta

    path = Path(path)
    check_workbook_file(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, keep_links=False)
    except Exception:
        return ""  # the full load that follows reports the damage
    try:
        return read_meta(OpenpyxlBook(wb, path.name)).form
    finally:
        wb.close()


def score_file(path: str | Path, rules: str | None = None) -> ScoreCard:
    return pipeline.assess(open_book(path), rules)


def monitor_file(path: str | Path, rules: str | None = None) -> dict:
    """The monthly employment-rate report of a 申报表 (rule sets with a [monitor])."""
    return pipeline.monitor_report(open_book(path), rules, str(path))


def validate_file(path: str | Path, rules: str | None = None) -> list[Finding]:
    return pipeline.check_workbook(open_book(path), rules)


def _write(path: str | Path, out: str | Path | None, in_place: bool, force: bool, work):
    """Run work(book) and write exactly what it changed: into OUT (a copy of the input), or over the input.

    The input is read once under a lock; the package is patched (every part we do not own is copied
    as stored), checked by the guard, and written atomically. Returns (work's result, backup or None).
    """
    src = Path(path)
    if in_place:
        with Update(src) as upd:
            result, data = _patched(src, upd.data, work)
            if data is None:  # nothing to change: the file (and its date) stay as they are, no backup
                return result, None
            return result, upd.commit(data)
    check_workbook_file(src)
    raw = src.read_bytes()
    result, data = _patched(src, raw, work)
    write_output(out, lambda tmp: tmp.write_bytes(raw if data is None else data), force=force, inputs=[src])
    return result, None


def _patched(src: Path, raw: bytes, work):
    """(work's result, the patched package — None when work changed nothing), checked by the guard."""
    try:
        book = PatchedBook(load_workbook(src), WorkbookPatch(raw), src.name)
        layout = book.layout()
        result = work(book)
        book.carry_layout(layout)  # row heights and page breaks the layout code set through openpyxl
        data = book.patch.to_bytes()
        if not book.patch.pkg.owned():
            return result, None
    except DamagedPackage as exc:
        raise UnusableFile(src, f"{exc}，无法安全写入，已取消：请用 Excel 打开后另存为 .xlsx 再试") from None
    preserve.check(raw, data, book.patch.pkg.owned(), src, note_author=marking.AUTHOR)
    return result, data


def write_scores(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                 rules: str | None = None, force: bool = False) -> tuple[ScoreCard, list[str], Path | None]:
    """Score, then write reasons, decisions and restored formulas; returns (card, changes, backup)."""
    def work(book):
        card = pipeline.assess(book, rules)
        ruleset = load_ruleset(card.ruleset if rules is None else rules)
        changes = pipeline.write_results(book, card, ruleset)
        fit_named(book.wb, [*map(names.opinion, (s.id for s in ruleset.stages)), *map(names.note, ruleset.facts)])
        paginate(book.wb, ruleset)  # taller rows may move the page breaks
        return card, changes

    (card, changes), backup = _write(path, out, in_place, force, work)
    return card, changes, backup


def mark_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
              rules: str | None = None, force: bool = False) -> tuple[list[Finding], int, Path | None]:
    """Validate, then colour and annotate the cells of the findings and add a 校验结果 sheet."""
    def work(book):
        findings = pipeline.check_workbook(book, rules)
        return findings, marking.apply_marks(book.patch, findings)

    (findings, cells), backup = _write(path, out, in_place, force, work)
    return findings, cells, backup


def clear_marks_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                     force: bool = False) -> tuple[int, Path | None]:
    """Remove what --mark added (colours, notes, the 校验结果 sheet); returns (cells restored, backup)."""
    return _write(path, out, in_place, force, lambda book: marking.clear_marks(book.patch))


def distribute(registry: str | Path, out_dir: str | Path, *, rules: str | None = None, force: bool = False,
               progress=None, planned=None):
    """Pre-filled 申报表 and 考评表 for every community of a 社区名册, one folder per county, all or nothing.

    planned(n) is told how many files will be written, progress(1) after each (for a progress bar).
    """
    from .forms.reader import NotOurWorkbook, read_meta
    from .registry import distribute as run

    if rules is None:  # a registry built by `templates build` records its rule set
        try:
            rules = read_meta(open_book(registry)).ruleset
        except NotOurWorkbook:
            rules = "zhangye-2023"
    return run(Path(registry), load_ruleset(rules), Path(out_dir), force=force, progress=progress, planned=planned)


def fill_file(path: str | Path, ledger: str | Path, *, stage: str | None = None, out: str | Path | None = None,
              in_place: bool = False, rules: str | None = None, force: bool = False):
    """Count base data from a ledger into a 考评表 (or the monitor of a 申报表); returns (result, ruleset, backup)."""
    from .fill import fill_from_ledger
    from .forms.reader import read_meta

    def work(book):
        ruleset = load_ruleset(rules or read_meta(book).ruleset)
        result = fill_from_ledger(book, Path(ledger), stage=stage, rules=rules)
        fit_named(book.wb, map(names.note, ruleset.facts))  # the 计算说明 printed whole
        paginate(book.wb, ruleset)
        return result, ruleset

    (result, ruleset), backup = _write(path, out, in_place, force, work)
    return result, ruleset, backup
