"""The library API and the one facade: everything the command line (`cli/`) and the Excel side (`excel/`)
do goes through the functions here; those two import only this module, `errors`, `core` and themselves
(tests/test_house.py). Grouped by the user's task, each function thin over the layer that does the work.

    from fullemp_xl import api
    card = api.score_file("考评表.xlsx")
    card.final.decision.level        # '市级充分就业社区'

Import time: Excel imports the buttons' module and the FE_ functions' module on every click and every
recalculation, and they reach the lower layers only through this module. So it imports at module level
only what a first FE_ calculation needs anyway (rule sets, the form's names and meta reader); every
function imports the rest when it is called (docs/developer.md lists these imports and their measurement).
"""
from __future__ import annotations

from pathlib import Path

from .core import DEFAULT_RULESET
from .errors import UnusableFile
from .forms.names import ASSESSMENT, DECLARATION  # noqa: F401  (named by cli/ and excel/)
from .forms.reader import NotOurWorkbook, read_meta
from .rules import RuleSetError, UnknownRuleSet, load_ruleset  # noqa: F401  (UnknownRuleSet: cli's)
from .rules.kinds import excel_number, percent_text  # noqa: F401  (how the command line writes numbers)

__all__ = ["open_book", "score_file", "monitor_file", "distribute", "fill_file", "validate_file", "write_scores", "mark_file",
           "clear_marks_file", "unmark_file", "build_templates", "load_ruleset", "UnusableFile",
           "merge", "refresh", "load_summary", "notice", "announcement", "subsidy", "next_registry"]

# Named by the callers too: the form kinds ASSESSMENT and DECLARATION, the errors NotOurWorkbook, RuleSetError and
# UnknownRuleSet (FullempError and UnusableFile are `errors`'), and excel_number, percent_text (numbers as shown).


# ------------------------------------------------------------------ one form file (考评表, 申报表)
# assess.files: the one read path (screening, then the strict reader) and the one write path.

def open_book(path: str | Path):
    """The one read path of every command: the screening (every part of the package), then the
    strict reader (fullemp_xl.xlsx). Damage anywhere is UnusableFile, the same for every command."""
    from .assess import files

    return files.open_book(path)


def form_of(path: str | Path) -> str:
    """考评表 or 申报表, from the workbook's hidden form information ("" when it has none or is unusable)."""
    from .assess import files

    return files.form_of(path)


def score_file(path: str | Path, rules: str | None = None):
    """`fullemp score`: the ScoreCard of a 考评表 (read only)."""
    from .assess import files

    return files.score_file(path, rules)


def score_json(card, ruleset, file: str) -> dict:
    """The document `fullemp score --format json` prints for a 考评表 (fullemp.score)."""
    from .assess import files

    return files.score_json(card, ruleset, file)


def monitor_file(path: str | Path, rules: str | None = None) -> dict:
    """The monthly employment-rate report of a 申报表 (rule sets with a [monitor])."""
    from .assess import files

    return files.monitor_file(path, rules)


def validate_file(path: str | Path, rules: str | None = None) -> list:
    """`fullemp validate`: every Finding of a form (read only)."""
    from .assess import files

    return files.validate_file(path, rules)


def write_scores(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                 rules: str | None = None, force: bool = False):
    """Score, then write reasons, decisions and restored formulas; returns (card, changes, backup)."""
    from .assess import files

    return files.write_scores(path, out=out, in_place=in_place, rules=rules, force=force)


def mark_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
              rules: str | None = None, force: bool = False):
    """Validate, then colour and annotate the cells of the findings and add a 校验结果 sheet;
    returns (findings, cells marked, backup)."""
    from .assess import files

    return files.mark_file(path, out=out, in_place=in_place, rules=rules, force=force)


def clear_marks_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                     force: bool = False):
    """Remove what --mark added (colours, notes, the 校验结果 sheet); returns (cells restored, backup)."""
    from .assess import files

    return files.clear_marks_file(path, out=out, in_place=in_place, force=force)


def unmark_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False, force: bool = False):
    """clear_marks_file, telling also whether there was a 校验结果 sheet (assess.files.Unmarked)."""
    from .assess import files

    return files.unmark_file(path, out=out, in_place=in_place, force=force)


def fill_file(path: str | Path, ledger: str | Path, *, stage: str | None = None, out: str | Path | None = None,
              in_place: bool = False, rules: str | None = None, force: bool = False):
    """Count base data from a ledger into a 考评表 (or the monitor of a 申报表); returns (result, ruleset, backup)."""
    from .assess import files

    return files.fill_file(path, ledger, stage=stage, out=out, in_place=in_place, rules=rules, force=force)


def fill_json(result, ruleset, file: str, ledger: str) -> dict:
    """The document `fullemp fill --ledger --format json` prints (fullemp.fill-ledger)."""
    from .assess.ledger_fill import result_json

    return result_json(result, ruleset, file, ledger)


# ------------------------------------------------------------------ the workbook open in Excel (the buttons)
# `book` is any forms.book.Book: forms.xlwingsbook.XlwingsBook (excel_book) over the open workbook, read through the same
# form reader and pipeline as `fullemp score` (no copy of the workbook on disk).

def excel_book(book):
    """An xlwings Book (desktop Excel or the remote engine) as a form book: the reader adapter the buttons use
    (forms.xlwingsbook.XlwingsBook: values read once per sheet, writes that keep later reads consistent,
    sheet protection lifted only while a button writes)."""
    from .forms.xlwingsbook import XlwingsBook

    return XlwingsBook(book)


def column_letter(column: int) -> str:
    """A column's letters (1 -> A), for addressing the 校验结果 sheet the buttons write."""
    from .ooxml.a1 import column_letter as letters

    return letters(column)


def book_meta(book):
    """The form information of an open workbook (forms.reader.Meta); NotOurWorkbook without it."""
    return read_meta(book)


def named_value(book, name: str):
    """(value, Location or None) of a defined name in an open workbook; (None, None) when the name is missing."""
    from .forms.book import read_name

    return read_name(book, name)


def ledger_path_in(book) -> str:
    """The 台账文件 cell of a form (基础数据 sheet), as typed; "" when blank or missing."""
    from .forms import names

    value, _ = named_value(book, names.LEDGER_PATH)
    return str(value or "").strip().strip('"')


def fill_stage_in(book) -> str:
    """The stage chosen in a form's 填报到 cell (its label, as shown); "" when blank or missing."""
    from .forms import names

    value, _ = named_value(book, names.FILL_STAGE)
    return str(value or "").strip()


def assess_book(book, rules: str | None = None):
    """打分 of an open 考评表: its ScoreCard (the same pipeline as `fullemp score`)."""
    from .assess import pipeline

    return pipeline.assess(book, rules)


def monitor_book(book, rules: str | None = None) -> dict:
    """打分 of an open 申报表: the monthly employment-rate report."""
    from .assess import pipeline

    return pipeline.monitor_report(book, rules)


def check_book(book, rules: str | None = None) -> list:
    """校验 of an open form: its Findings (the same checks as `fullemp validate`)."""
    from .assess import pipeline

    return pipeline.check_workbook(book, rules)


def write_results(book, card, ruleset) -> list[str]:
    """Write a card's reasons and decisions into an open form, restoring changed formulas; returns the changes."""
    from .assess import pipeline

    return pipeline.write_results(book, card, ruleset)


def score_text(final, ruleset) -> str:
    """The stage's score as the buttons say it: 合计 N 分, or the parts (基本分、加分、扣分)."""
    from .assess import pipeline

    return pipeline.parts_text(final) if ruleset.has_parts else f"合计 {pipeline.number_text(final.total)} 分"


def fill_book(book, ledger: str | Path, *, stage: str | None = None, rules: str | None = None):
    """填报 into an open form: base data counted from the ledger (assess.ledger_fill)."""
    from .assess.ledger_fill import fill_from_ledger

    return fill_from_ledger(book, Path(ledger), stage=stage, rules=rules)


# 校验's marks on an open workbook (assess.marking: the same plan and records as `validate --mark`)

def mark_layout():
    """(the 校验结果 sheet's name, its record column, its title rows, the fill colour of each severity)."""
    from .assess import marking

    return marking.RESULT_SHEET, marking.RECORD_COL, marking.TITLE_ROWS, marking.FILLS


def mark_plan(book, findings, sheets: set[str], original_fill):
    """Where 校验 colours and annotates, and the records that let 清除标记 undo it (marking.plan)."""
    from .assess import marking

    return marking.plan(findings, sheets, original_fill, lambda s, c: None, marking.title_line(book))


def mark_records(rows: list) -> list[dict]:
    """The restore records of a 校验结果 sheet's record column."""
    from .assess import marking

    return marking.read_records(rows)


def mark_colour(record: dict):
    """The colour a marked cell had before 校验 (from its record)."""
    from .assess import marking

    return marking.record_colour(record)


# ------------------------------------------------------------------ rule sets (`fullemp rules`)

def official_columns(ruleset) -> list:
    """The summary's officials' columns (summary.columns.Column: key, header, choices), labelled by the rule set's
    review process."""
    from .summary.columns import official_columns as columns

    return columns(ruleset)


def builtin_rulesets() -> list[str]:
    """The ids of the rule sets that ship with fullemp."""
    from .rules import builtin_ids

    return builtin_ids()


def installed_rulesets() -> list[str]:
    """The ids of the rule sets installed on this machine."""
    from .rules import installed_ids

    return installed_ids()


def rules_folder() -> Path:
    """Where `rules install` puts rule sets (FULLEMP_RULES_DIR or the user's folder)."""
    from .rules import user_dir

    return user_dir()


def unreadable_ruleset(path: str | Path) -> str | None:
    """Why a rule-set file cannot be read at all (missing, not UTF-8, not TOML …); None when it can."""
    from .rules.source import unreadable

    return unreadable(Path(path))


def check_ruleset_file(path: str | Path) -> list:
    """`rules check`: every problem of a rule-set file (including Excel's formula limits), errors and warnings."""
    from .engine.limits import check_file

    return check_file(path)


def install_ruleset(path: str | Path, *, force: bool = False) -> tuple[str, Path, str]:
    """`rules install`: check as `rules check` does (RuleSetError on errors), then install; (id, where, what was done)."""
    from .rules.install import install

    errors = [p for p in check_ruleset_file(Path(path)) if p.severity == "error"]
    if errors:
        raise RuleSetError(errors)
    return install(Path(path), force=force)


def uninstall_ruleset(rule_id: str) -> Path:
    """`rules uninstall`: remove an installed rule set (never a built-in one); returns the file removed."""
    from .rules.install import uninstall

    return uninstall(rule_id)


def new_ruleset(source: str, path: str | Path, new_id: str, *, force: bool = False) -> str:
    """`rules new`: a copy of a built-in rule set under a new id, written to `path`; returns the id."""
    from .rules.newfile import new_ruleset_text
    from .writing import write_output

    text, rule_id = new_ruleset_text(source, new_id)
    write_output(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"), force=force)
    return rule_id


# ------------------------------------------------------------------ templates (`fullemp templates build`)

def build_templates(ruleset, out_dir: str | Path) -> list[Path]:
    """The blank 考评表, 申报表, 社区名册 and 台账 of a rule set (.xlsx) into out_dir."""
    from .builder.templates import build_templates as build

    return build(ruleset, Path(out_dir))


def holds_data(path: str | Path) -> bool:
    """Whether a workbook already holds someone's data (templates are not written over it)."""
    from .forms.filled import holds_data as filled

    return filled(Path(path))


def write_document_templates(out_dir: str | Path, *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """The Word templates of the documents (公示, 认定公告, 补助资金明细); (written, kept as they were)."""
    from .documents.templates import write_templates

    return write_templates(Path(out_dir), force=force)


def text_width(text: str) -> int:
    """Display width of a text in a terminal or a cell (a CJK character counts two)."""
    from .builder.style import text_width as width

    return width(text)


# ------------------------------------------------------------------ the registry (`fullemp fill --registry`, `registry next`)

def distribute(registry: str | Path, out_dir: str | Path, *, rules: str | None = None, force: bool = False,
               progress=None, planned=None):
    """Pre-filled 申报表 and 考评表 for every community of a 社区名册, one folder per county, all or nothing.

    planned(n) is told how many files will be written, progress(1) after each (for a progress bar).
    """
    from .assess import files
    from .registry import distribute as run

    if rules is None:  # a registry built by `templates build` records its rule set
        try:
            rules = files.meta_of(registry).ruleset
        except NotOurWorkbook:
            rules = DEFAULT_RULESET
    return run(Path(registry), load_ruleset(rules), Path(out_dir), force=force, progress=progress, planned=planned)


def next_registry(summary: str | Path, out: str | Path, *, force: bool = False):
    """Next year's 社区名册 from a decided summary (titles won, kept, lowered or lost; 民政 changes applied)."""
    from .registry.next_year import write_next_registry

    return write_next_registry(Path(summary), Path(out), force=force)


# ------------------------------------------------------------------ the summary (`fullemp merge`, the 汇总 button)

def merge(paths, out: str | Path, *, registry: str | Path | None = None, rules: str | None = None,
          year: int | None = None, jobs: int | None = None, force: bool = False, progress=None, started=None,
          county: str | None = None):
    """汇总: every submission under `paths` (folders, workbooks, .zip) into the summary workbook `out`;
    with `county`, that county's own summary (its registry rows only).

    Re-running into an existing summary keeps the officials' columns (the old file is backed up first).
    Returns a MergeResult (communities, duplicates, missing, problems …). `started(total)` is called once the
    files are found, `progress(file_result)` after each one is read."""
    from .merge.workers import Started, default_jobs

    jobs = jobs or default_jobs()
    pool = Started(jobs, rules)  # the workers start up while this process imports the merge (openpyxl, 0.2 s)
    try:
        from .merge.run import merge as run
    except BaseException:
        pool.close()
        raise
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return run([Path(p) for p in paths], Path(out), registry=Path(registry) if registry else None, rules=rules,
               year=year, jobs=jobs, force=force, progress=progress, started=started, county=county, pool=pool)


def refresh(summary: str | Path, *, jobs: int | None = None, progress=None, started=None):
    """Re-read the sources a summary records into the same file (`fullemp merge --refresh`)."""
    from .merge.run import refresh as run

    return run(Path(summary), jobs=jobs, progress=progress, started=started)


def is_quarantined(file_result) -> bool:
    """Whether merge could not use a file (its progress callback's argument)."""
    from .summary.model import QUARANTINED

    return file_result.kind == QUARANTINED


def merge_report(result, *, fmt: str = "text", refreshed: str | None = None):
    """What `fullemp merge` prints: the text summary, or the JSON document (fullemp.merge)."""
    from .merge.report import as_json, as_text

    return as_json(result, refreshed) if fmt == "json" else as_text(result)


def load_summary(path: str | Path):
    """A summary workbook read back: its rows (scores, conclusions, the officials' decisions), rule set, year."""
    from .summary.load import load_summary as load

    return load(Path(path))


def summary_sheets() -> tuple[str, ...]:
    """The sheets of a summary the document buttons read from the open workbook: 汇总, 未提交, 发布记录, the meta."""
    from .summary.write import META_SHEET, SHEETS

    return SHEETS["summary"], SHEETS["missing"], SHEETS["published"], META_SHEET


def read_summary_book(sheets: dict, path: str | Path):
    """An open summary read by the same code as `load_summary` reads the file (summary.load.read_summary),
    without a copy on disk: `sheets` maps a sheet's name to (its values as shown, row by row; the top row;
    the left column); `path` is the workbook's file (documents are written beside it)."""
    from .summary.load import read_summary, sheets_of_rows

    return read_summary(sheets_of_rows(sheets), Path(path))


def is_summary_book(book) -> bool:
    """Whether an open workbook is a 汇总表 made by `fullemp merge` (its hidden form information says so)."""
    from .summary.write import FORM

    value, _ = named_value(book, "fe_meta_form")
    return str(value or "").strip() == FORM


# ------------------------------------------------------------------ the documents (`notice`, `announce`, `subsidy`)
# Imported when called: documents bring docxtpl and jinja2, which the per-form functions above never need.

def _settings(options: dict):
    from .documents.publish import Settings

    paths = {k: Path(v) for k, v in options.items() if k in ("template", "profile") and v is not None}
    return Settings(**{**options, **paths})


def notice(summary: str | Path, *, stage: str, start, out: str | Path, county: str | None = None,
           days: int | None = None, holidays=None, loaded=None, **settings):
    """公示 of stage "county" (one county, or every county into the folder `out`) or "city".

    `start` is the first day (datetime.date); `holidays` a holiday file for years the calendar does not know;
    `loaded` a summary already read (e.g. from the open workbook) instead of reading the file again;
    further keywords are Settings: template, profile, office, date (成文日期), number, pdf, force, jobs, progress, record."""
    from .documents.publish import make_notice

    return make_notice(Path(summary), stage=stage, start=start, out=Path(out), county=county, days=days,
                       holidays=holidays, settings=_settings(settings), summary=loaded)


def announcement(summary: str | Path, *, out: str | Path, loaded=None, **settings):
    """认定公告 of the communities finally certified (最终认定 = 认定)."""
    from .documents.publish import make_announcement

    return make_announcement(Path(summary), out=Path(out), settings=_settings(settings), summary=loaded)


def subsidy(summary: str | Path, *, out_dir: str | Path, year: int | None = None, report_by=None, loaded=None,
            **settings):
    """补助资金明细: one Word statement and one workbook for the finance office per county."""
    from .documents.publish import make_subsidy

    return make_subsidy(Path(summary), out_dir=Path(out_dir), year=year, settings=_settings(settings),
                        report_by=report_by, summary=loaded)


def document_errors() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(errors that make a document command unusable: template, profile, PDF, calendar; errors that mean
    nothing was published: nothing to publish, a date conflict) — the classes, for `except`."""
    from .core.workdays import HolidayFileError, UnknownYear
    from .documents.engine import TemplateProblems
    from .documents.pdf import PdfError
    from .documents.profile import ProfileError
    from .documents.publish import DateConflict, NothingToPublish

    return (TemplateProblems, ProfileError, PdfError, UnknownYear, HolidayFileError), (NothingToPublish, DateConflict)


def nothing_to_publish(reason: str) -> Exception:
    """The error that says no document could be made, and why (documents.publish.NothingToPublish)."""
    from .documents.publish import NothingToPublish

    return NothingToPublish(reason)


def city_summary_refusal(summary) -> str:
    """Why the city's summary makes no county 公示 (第六条: the county publishes from its own summary)."""
    from .documents.publish import city_summary_refusal as refusal

    return refusal(summary)


# ------------------------------------------------------------------ the demo (`fullemp demo`)

def run_demo(out_dir: str | Path):
    """Templates, distribution, scoring and marking of the sample forms into out_dir; one DemoResult a community."""
    from .demo import run_demo as run

    return run(Path(out_dir))


def run_ledger_demo(out_dir: str | Path):
    """The sample ledger counted into 南关社区's form: (fill result, ledger path, filled form path)."""
    from .demo import run_ledger_demo as run

    return run(Path(out_dir))


def run_merge_demo(out_dir: str | Path):
    """The counties' sample submissions merged with the registry (demo.MergeDemo)."""
    from .demo import run_merge_demo as run

    return run(Path(out_dir))


def run_documents_demo(summary: str | Path, out_dir: str | Path, *, pdf: bool = False, progress=None):
    """The officials' decisions, the documents and next year's registry and forms (demo.documents.DocumentsDemo)."""
    from .demo.documents import run_documents_demo as run

    return run(Path(summary), Path(out_dir), pdf=pdf, progress=progress)


# ------------------------------------------------------------------ the Excel add-in (`fullemp addin`)

def write_addin_sources(folder: str | Path) -> list[Path]:
    """The ribbon XML and our VBA modules into folder (the macros/ of the repository)."""
    from .addin import write_macros

    return write_macros(Path(folder))


def check_addin(folder: str | Path) -> list[str]:
    """`addin check`: the problems of the add-in's sources in folder (Chinese, one a line)."""
    from .addin.check import check

    return check(Path(folder))


def build_addin(folder: str | Path, interpreter: str = "") -> tuple[Path, str, int, str]:
    """fullemp.xlam into folder; (its path, the VBA project's name, the number of buttons, xlwings' version).
    Raises the first class of addin_errors() when the installed xlwings is not the one the add-in is made for."""
    import xlwings

    from .addin import ADDIN_NAME, BUTTONS, build_xlam

    return build_xlam(Path(folder) / f"{ADDIN_NAME}.xlam", interpreter), ADDIN_NAME, len(BUTTONS), xlwings.__version__


def install_addin():
    """`addin install` (Windows): fullemp.xlam recording this Python into Excel's XLSTART; a Report of lines and warnings."""
    from .addin.install import install

    return install()


def uninstall_addin():
    """`addin uninstall` (Windows): fullemp.xlam removed from Excel's XLSTART; a Report."""
    from .addin.install import uninstall

    return uninstall()


def addin_errors() -> tuple[type, type]:
    """(xlwings is not the version the add-in is made for, the install failed) — the classes, for `except`."""
    from .addin.install import InstallError
    from .addin.macros import XlwingsMismatch

    return XlwingsMismatch, InstallError


# ------------------------------------------------------------------ the FE_ worksheet functions (excel.udfs)

def parse_fact(kind: str, raw):
    """A base-data value as a form's reader parses it (forms.reader.PARSERS): .value and .problem."""
    from .forms.reader import PARSERS

    return PARSERS[kind](raw)


def score_item(item, values: dict, ruleset):
    """The points of one item from parsed base data (engine.scoring)."""
    from .engine.scoring import score_item as score

    return score(item, values, ruleset)


def score_stage(ruleset, stage: str, values: dict):
    """One stage scored from parsed base data (engine.scoring)."""
    from .engine.scoring import score_stage as score

    return score(ruleset, stage, values)


def decide(levels, total, gates_met: bool, prior, year: int):
    """The certification decision for a total (engine.scoring.decide)."""
    from .engine.scoring import decide as run

    return run(levels, total, gates_met, prior, year)
