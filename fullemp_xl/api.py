"""The library API: what the command line does, callable from Python.

    from fullemp_xl import api
    card = api.score_file("考评表.xlsx")
    card.final.decision.level        # '市级充分就业社区'
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assess import marking, pipeline, preserve
from .forms import names
from .forms.book import PatchedBook
from .builder.templates import build_templates
from .builder.layout import fit_named, paginate
from .core import DEFAULT_RULESET
from .core.model import Finding, ScoreCard
from .rules import load_ruleset
from .errors import UnusableFile
from .screening.gate import check_workbook_file
from .screening import FORM_LIMITS, screen_workbook
from .writing import Update, WorkbookPatch, write_output
from .writing.tags import DamagedPackage
from .xlsx import FastBook
from .xlsx import open_book as read_book

__all__ = ["open_book", "score_file", "monitor_file", "distribute", "fill_file", "validate_file", "write_scores", "mark_file",
           "clear_marks_file", "unmark_file", "build_templates", "load_ruleset", "UnusableFile",
           "merge", "refresh", "load_summary", "notice", "announcement", "subsidy", "next_registry"]


def open_book(path: str | Path) -> FastBook:
    """The one read path of every command: the screening (every part of the package), then the
    strict reader (fullemp_xl.xlsx). Damage anywhere is UnusableFile, the same for every command."""
    path = Path(path)
    check_workbook_file(path)
    return read_book(path, file=path.name)


def form_of(path: str | Path) -> str:
    """考评表 or 申报表, from the workbook's hidden form information ("" when it has none or the file is
    unusable: the command that follows screens it and says why, in the words every command uses)."""
    from .forms.reader import NotOurWorkbook, read_meta

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


def distribute(registry: str | Path, out_dir: str | Path, *, rules: str | None = None, force: bool = False,
               progress=None, planned=None):
    """Pre-filled 申报表 and 考评表 for every community of a 社区名册, one folder per county, all or nothing.

    planned(n) is told how many files will be written, progress(1) after each (for a progress bar).
    """
    from .forms.reader import NotOurWorkbook, read_meta
    from .registry import distribute as run

    if rules is None:  # a registry built by `templates build` records its rule set
        try:
            rules = _reading(registry, read_meta).ruleset
        except NotOurWorkbook:
            rules = DEFAULT_RULESET
    return run(Path(registry), load_ruleset(rules), Path(out_dir), force=force, progress=progress, planned=planned)


def fill_file(path: str | Path, ledger: str | Path, *, stage: str | None = None, out: str | Path | None = None,
              in_place: bool = False, rules: str | None = None, force: bool = False):
    """Count base data from a ledger into a 考评表 (or the monitor of a 申报表); returns (result, ruleset, backup)."""
    from .assess.ledger_fill import fill_from_ledger
    from .forms.reader import read_meta

    def work(book):
        ruleset = load_ruleset(rules or read_meta(book).ruleset)
        result = fill_from_ledger(book, Path(ledger), stage=stage, rules=rules)
        book.lay_out(lambda wb: (fit_named(wb, map(names.note, ruleset.facts)),  # the 计算说明 printed whole
                                 paginate(wb, ruleset)))
        return result, ruleset

    (result, ruleset), backup = _write(path, out, in_place, force, work)
    return result, ruleset, backup


# ------------------------------------------------------------------ the city's half of the year
# Imported when called: documents bring docxtpl and jinja2, which the per-form functions above never need.

def fill_json(result, ruleset, file: str, ledger: str) -> dict:
    """The document `fullemp fill --ledger --format json` prints (fullemp.fill-ledger)."""
    from .assess.ledger_fill import result_json

    return result_json(result, ruleset, file, ledger)


def merge(paths, out: str | Path, *, registry: str | Path | None = None, rules: str | None = None,
          year: int | None = None, jobs: int | None = None, force: bool = False, progress=None, started=None,
          county: str | None = None):
    """汇总: every submission under `paths` (folders, workbooks, .zip) into the summary workbook `out`;
    with `county`, that county's own summary (its registry rows only).

    Re-running into an existing summary keeps the officials' columns (the old file is backed up first).
    Returns a MergeResult (communities, duplicates, missing, problems …). `started(total)` is called once the
    files are found, `progress(file_result)` after each one is read."""
    from .merge.run import merge as run

    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return run([Path(p) for p in paths], Path(out), registry=Path(registry) if registry else None, rules=rules,
               year=year, jobs=jobs, force=force, progress=progress, started=started, county=county)


def refresh(summary: str | Path, *, jobs: int | None = None, progress=None, started=None):
    """Re-read the sources a summary records into the same file (`fullemp merge --refresh`)."""
    from .merge.run import refresh as run

    return run(Path(summary), jobs=jobs, progress=progress, started=started)


def load_summary(path: str | Path):
    """A summary workbook read back: its rows (scores, conclusions, the officials' decisions), rule set, year."""
    from .summary.load import load_summary as load

    return load(Path(path))


def _settings(options: dict):
    from .documents.publish import Settings

    paths = {k: Path(v) for k, v in options.items() if k in ("template", "profile") and v is not None}
    return Settings(**{**options, **paths})


def notice(summary: str | Path, *, stage: str, start, out: str | Path, county: str | None = None,
           days: int | None = None, holidays=None, **settings):
    """公示 of stage "county" (one county, or every county into the folder `out`) or "city".

    `start` is the first day (datetime.date); `holidays` a holiday file for years the calendar does not know;
    further keywords are Settings: template, profile, office, date (成文日期), number, pdf, force, jobs, progress."""
    from .documents.publish import make_notice

    return make_notice(Path(summary), stage=stage, start=start, out=Path(out), county=county, days=days,
                       holidays=holidays, settings=_settings(settings))


def announcement(summary: str | Path, *, out: str | Path, **settings):
    """认定公告 of the communities finally certified (最终认定 = 认定)."""
    from .documents.publish import make_announcement

    return make_announcement(Path(summary), out=Path(out), settings=_settings(settings))


def subsidy(summary: str | Path, *, out_dir: str | Path, year: int | None = None, report_by=None, **settings):
    """补助资金明细: one Word statement and one workbook for the finance office per county."""
    from .documents.publish import make_subsidy

    return make_subsidy(Path(summary), out_dir=Path(out_dir), year=year, settings=_settings(settings),
                        report_by=report_by)


def next_registry(summary: str | Path, out: str | Path, *, force: bool = False):
    """Next year's 社区名册 from a decided summary (titles won, kept, lowered or lost; 民政 changes applied)."""
    from .registry.next_year import write_next_registry

    return write_next_registry(Path(summary), Path(out), force=force)
