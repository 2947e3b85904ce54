"""A form file (考评表 or 申报表) read, scored, validated, marked, filled and written back: the one read
path of every command (screening, then the strict reader) and the one write path (patch what is ours,
check what is not, write atomically). `api` offers these to the command line; `demo` runs them too.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import marking, pipeline, preserve
from .ledger_fill import fill_from_ledger
from ..builder.layout import fit_named, paginate
from ..core.model import Finding, ScoreCard
from ..errors import UnusableFile
from ..forms import names
from ..forms.book import PatchedBook
from ..forms.reader import NotOurWorkbook, read_meta
from ..rules import load_ruleset
from ..screening import FORM_LIMITS, screen_workbook
from ..screening.gate import check_workbook_file
from ..writing import Update, WorkbookPatch, write_output
from ..writing.tags import DamagedPackage
from ..xlsx import FastBook
from ..xlsx import open_book as read_book
from ..xlsx import open_screened


def open_book(path: str | Path) -> FastBook:
    """The one read path of every command (xlsx.open_screened): the screening (every part of the package),
    then the strict reader. Damage anywhere is UnusableFile, the same for every command."""
    return open_screened(path)


def form_of(path: str | Path) -> str:
    """考评表 or 申报表, from the workbook's hidden form information ("" when it has none or the file is
    unusable: the command that follows screens it and says why, in the words every command uses)."""
    try:
        book = read_book(Path(path), file=Path(path).name)  # a peek: the full screening follows
    except UnusableFile:
        return ""
    try:
        return read_meta(book).form
    except (NotOurWorkbook, UnusableFile):
        return ""  # the command that follows says what the file is
    finally:
        book.close()


def _reading(path: str | Path, work):
    book = open_book(path)
    try:
        return work(book)
    finally:
        book.close()


def meta_of(path: str | Path):
    """The workbook's hidden form information (forms.reader.Meta), read on the one path; NotOurWorkbook without it."""
    return _reading(path, read_meta)


def score_file(path: str | Path, rules: str | None = None) -> ScoreCard:
    return _reading(path, lambda book: pipeline.assess(book, rules))


def score_json(card: ScoreCard, ruleset, file: str) -> dict:
    """The document `fullemp score --format json` prints for a 考评表 (fullemp.score)."""
    return pipeline.card_json(card, ruleset, file)


def monitor_file(path: str | Path, rules: str | None = None) -> dict:
    """The monthly employment-rate report of a 申报表 (rule sets with a [monitor])."""
    return _reading(path, lambda book: pipeline.monitor_report(book, rules, str(path)))


def validate_file(path: str | Path, rules: str | None = None) -> list[Finding]:
    return _reading(path, lambda book: pipeline.check_workbook(book, rules))


LAYOUT_SKIPPED = "（此文件的版式无法解析，已写入内容，但未调整行高和分页：打印前请在 Excel 中检查）"


def _write(path: str | Path, out: str | Path | None, in_place: bool, force: bool, work):
    """Run work(book) and write exactly what it changed: into OUT (a copy of the input), or over the input.

    The input is read once under a lock; the package is patched (every part we do not own is copied
    as stored), checked by the guard, and written atomically. Returns (work's result, backup or None).
    """
    src = Path(path)
    if in_place:
        with Update(src) as upd:
            screen_workbook(src, FORM_LIMITS, upd.data)  # what was read under the lock is what is screened
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
        reader = read_book(raw, src, file=src.name)  # the same read as `fullemp score` (screened already)
        try:
            book = PatchedBook(reader, WorkbookPatch(raw), src.name, raw)
            result = work(book)
        finally:
            reader.close()
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
        book.lay_out(lambda wb: (fit_named(wb, [*map(names.opinion, (s.id for s in ruleset.stages)),
                                                *map(names.note, ruleset.facts)]),
                                 paginate(wb, ruleset)))  # taller rows may move the page breaks
        if book.laid_out is False:
            changes.append(LAYOUT_SKIPPED)
        return card, changes

    (card, changes), backup = _write(path, out, in_place, force, work)
    return card, changes, backup


def mark_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
              rules: str | None = None, force: bool = False) -> tuple[list[Finding], int, Path | None]:
    """Validate, then colour and annotate the cells of the findings and add a 校验结果 sheet."""
    def work(book):
        findings = pipeline.check_workbook(book, rules)
        return findings, marking.apply_marks(book.patch, findings, marking.title_line(book))

    (findings, cells), backup = _write(path, out, in_place, force, work)
    return findings, cells, backup


def clear_marks_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                     force: bool = False) -> tuple[int, Path | None]:
    """Remove what --mark added (colours, notes, the 校验结果 sheet); returns (cells restored, backup)."""
    done = unmark_file(path, out=out, in_place=in_place, force=force)
    return done.cells, done.backup


@dataclass(frozen=True)
class Unmarked:
    """What `validate --unmark` did: cells restored, whether the 校验结果 sheet was there (and removed), the backup."""

    cells: int
    sheet: bool
    backup: Path | None

    @property
    def changed(self) -> bool:
        return bool(self.cells or self.sheet)


def unmark_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                force: bool = False) -> Unmarked:
    """clear_marks_file, telling also whether there was a 校验结果 sheet (a clean --mark adds one, marking no cell)."""
    def undo(book):
        sheet = marking.RESULT_SHEET in book.patch.sheet_names()
        return marking.clear_marks(book.patch), sheet

    (cells, sheet), backup = _write(path, out, in_place, force, undo)
    return Unmarked(cells, sheet, backup)


def fill_file(path: str | Path, ledger: str | Path, *, stage: str | None = None, out: str | Path | None = None,
              in_place: bool = False, rules: str | None = None, force: bool = False):
    """Count base data from a ledger into a 考评表 (or the monitor of a 申报表); returns (result, ruleset, backup)."""
    def work(book):
        ruleset = load_ruleset(rules or read_meta(book).ruleset)
        result = fill_from_ledger(book, Path(ledger), stage=stage, rules=rules)
        book.lay_out(lambda wb: (fit_named(wb, map(names.note, ruleset.facts)),  # the 计算说明 printed whole
                                 paginate(wb, ruleset)))
        return result, ruleset

    (result, ruleset), backup = _write(path, out, in_place, force, work)
    return result, ruleset, backup
