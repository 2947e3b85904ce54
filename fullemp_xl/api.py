"""The library API: what the command line does, callable from Python.

    from fullemp_xl import api
    card = api.score_file("考评表.xlsx")
    card.final.decision.level        # '市级充分就业社区'
"""
from __future__ import annotations

from pathlib import Path

from . import marking, pipeline
from .forms.book import OpenpyxlBook
from .forms import names
from .forms.build import build_templates
from .forms.layout import fit_named, paginate
from .model import Finding, ScoreCard
from .preserve import losses
from .rules import load_ruleset
from .safe_io import UnusableFile, check_workbook_file, load_workbook, save_atomically, write_new

__all__ = ["open_book", "score_file", "monitor_file", "distribute", "fill_file", "validate_file", "write_scores", "mark_file", "build_templates",
           "load_ruleset", "UnusableFile"]


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
    return pipeline.monitor_report(open_book(path), rules)


def validate_file(path: str | Path, rules: str | None = None) -> list[Finding]:
    return pipeline.check_workbook(open_book(path), rules)


def _save(book: OpenpyxlBook, src: Path, out: Path | None, in_place: bool, allow: dict | None = None) -> Path | None:
    """Write to OUT, or over the input atomically with a backup; refuse a write that would lose content."""
    def guard(tmp: Path) -> None:
        lost = losses(src, tmp, allow=allow)
        if lost:
            raise UnusableFile(src, "保存后会丢失工作簿中的" + "、".join(lost) +
                               "（本程序使用的 openpyxl 不支持这些内容），已取消写入，原文件未改动。请删去这些内容后再试")

    if in_place:
        return save_atomically(book.wb, src, backup=True, check=guard)
    write_new(book.wb, out, inputs=[src], check=guard)
    return None


def write_scores(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                 rules: str | None = None) -> tuple[ScoreCard, list[str], Path | None]:
    """Score, then write reasons, decisions and restored formulas; returns (card, changes, backup)."""
    src = Path(path)
    book = open_book(src)
    card = pipeline.assess(book, rules)
    ruleset = load_ruleset(card.ruleset if rules is None else rules)
    changes = pipeline.write_results(book, card, ruleset)
    fit_named(book.wb, [*map(names.opinion, (s.id for s in ruleset.stages)), *map(names.note, ruleset.facts)])
    paginate(book.wb, ruleset)  # taller rows may move the page breaks
    backup = _save(book, src, Path(out) if out else None, in_place)
    return card, changes, backup


def mark_file(path: str | Path, *, out: str | Path | None = None, in_place: bool = False,
              rules: str | None = None) -> tuple[list[Finding], int, Path | None]:
    """Validate, then colour and annotate the cells of the findings and add a 校验结果 sheet."""
    src = Path(path)
    book = open_book(src)
    findings = pipeline.check_workbook(book, rules)
    ours = marking.own_marks(book.wb)  # what a previous --mark added may go away
    cells = marking.mark(book.wb, findings)
    backup = _save(book, src, Path(out) if out else None, in_place, allow=ours)
    return findings, cells, backup


def distribute(registry: str | Path, out_dir: str | Path, *, rules: str | None = None, force: bool = False):
    """Pre-filled 申报表 and 考评表 for every community of a 社区名册, one folder per county."""
    from .forms.reader import NotOurWorkbook, read_meta
    from .registry import distribute as run

    if rules is None:  # a registry built by `templates build` records its rule set
        try:
            rules = read_meta(open_book(registry)).ruleset
        except NotOurWorkbook:
            rules = "zhangye-2023"
    return run(Path(registry), load_ruleset(rules), Path(out_dir), force=force)


def fill_file(path: str | Path, ledger: str | Path, *, stage: str | None = None, out: str | Path | None = None,
              in_place: bool = False, rules: str | None = None):
    """Count base data from a ledger into a 考评表 (or the monitor of a 申报表); returns (result, ruleset, backup)."""
    from .fill import fill_from_ledger
    from .forms.reader import read_meta

    src = Path(path)
    book = open_book(src)
    ruleset = load_ruleset(rules or read_meta(book).ruleset)
    result = fill_from_ledger(book, Path(ledger), stage=stage, rules=rules)
    fit_named(book.wb, map(names.note, ruleset.facts))  # the 计算说明 printed whole
    paginate(book.wb, ruleset)
    backup = _save(book, src, Path(out) if out else None, in_place)
    return result, ruleset, backup
