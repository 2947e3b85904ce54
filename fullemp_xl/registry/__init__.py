"""Registry -> forms: every community of the city's 社区名册 gets its own pre-filled 申报表 and 考评表.

File names come from community names, so they are made safe for Windows, short enough for the file
system and can never leave the output folder; two communities of the same name in different streets
get distinct files; a form a community has already filled is never overwritten unless forced. Each
form is built once and stamped per community (writing.stamp), and the whole run is written all or
nothing (writing.batch).
"""
from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..forms import names
from ..forms.book import OpenpyxlBook
from ..builder.build import ASSESSMENT, DECLARATION, NO_TITLE, build_assessment
from ..builder.declaration import build_declaration
from ..builder.lists import FIRST_DATA_ROW, REGISTRY_COLUMNS
from ..forms.filled import holds_data
from ..summary.model import RegistryEntry
from ..core.model import Finding, Location, RuleSet
from ..core.numbers import cell_text as _text
from ..core.numbers import parse_count, parse_flag, shown
from ..core.filenames import safe_filename
from ..errors import UnusableFile
from ..ooxml.a1 import column_letter
from ..writing.batch import Planned, write_all
from ..writing.files import folder_problem, os_error_message
from ..writing.lock import Lock
from ..writing.stamp import Stamp
from ..writing.zipout import directory
from ..writing.files import refuse_read_only
from ..writing.lock import refuse_if_open
from ..xlsx import open_screened

IDENTITY_NAMES = (*names.IDENTITY, names.PRIOR_TITLE, names.PRIOR_YEAR, names.CODE)
LOCK_NAME = "社区名册分发"
PENDING = "待核实"  # a subsidy flag nobody has checked yet (merge.combine.PENDING_SUBSIDY)  # the lock file of a distribution lives inside its output folder


@dataclass(frozen=True)
class Community(RegistryEntry):
    """A registry line, with the row it was read from (for messages and for pairing output files)."""

    row: int = 0


@dataclass
class Distribution:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already filled, not overwritten
    unchanged: list[Path] = field(default_factory=list)  # already exactly what we would write
    findings: list[Finding] = field(default_factory=list)
    communities: int = 0


HEADER_ROWS = 10  # a registry typed by hand may start its header in row 1, or below a title and notes
REQUIRED_HEADERS = tuple(label for _, label, _ in REGISTRY_COLUMNS[:3])


def _header_text(value) -> str:
    """“县(区)”, “ 社 区 ” and “县（区）” are one header."""
    return "".join(str(value).split()).replace("(", "（").replace(")", "）")


def find_header(cells) -> tuple[int | None, dict[str, int]]:
    """The first of the top rows (cells: (row, column) -> value) that holds every required header:
    (row, label -> column index)."""
    rows: dict[int, dict[str, int]] = {}
    for (row, col), value in cells.items():
        if row <= HEADER_ROWS and value not in (None, ""):
            rows.setdefault(row, {}).setdefault(_header_text(value), col - 1)
    for row in sorted(rows):
        if all(label in rows[row] for label in REQUIRED_HEADERS):
            return row, rows[row]
    return None, {}


def _registry_sheet(book, path: Path) -> str:
    """The sheet a registry is read from: 社区名册, else its first worksheet."""
    worksheets = book.parts.worksheets
    if not worksheets:
        raise UnusableFile(path, "工作簿中没有工作表（只有图表等），不是社区名册：请用 `fullemp templates build` 生成的名册模板")
    return names.REGISTRY_SHEET if names.REGISTRY_SHEET in worksheets else worksheets[0]


def registry_title(path: Path) -> str:
    """The text of A1 on the registry's sheet, as Excel shows it (`registry next` writes the year there:
    张掖市充分就业社区名册（2027年）); screened and read as read_registry reads the registry."""
    book = open_screened(path)
    try:
        return _text(book.cached(_registry_sheet(book, path), "A1"))
    finally:
        book.close()


def read_registry(path: Path, ruleset: RuleSet) -> tuple[list[Community], list[Finding]]:
    book = open_screened(path)  # the one screening and the one reader of every command
    try:
        sheet = _registry_sheet(book, path)
        book.named_only = False
        cells = book.sheet(sheet).values  # only the cells present, (row, column) -> value
    finally:
        book.close()
    head_row, header = find_header(cells)
    if head_row is None:
        raise UnusableFile(path, f"社区名册的前 {HEADER_ROWS} 行中找不到表头：“{'”“'.join(REQUIRED_HEADERS)}”要在同一行"
                                 f"（模板在第{FIRST_DATA_ROW - 1}行）。请用 `fullemp templates build` 生成的名册模板")
    index = {key: header.get(label) for key, label, _ in REGISTRY_COLUMNS}
    found, findings, seen = [], [], {}
    findings += _absent_columns(path, sheet, ruleset, index)
    titles_known = index["prior_title"] is not None
    for n in sorted({row for row, _ in cells if row > head_row}):
        values = {key: (cells.get((n, i + 1)) if i is not None else None)
                  for key, i in index.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        where = lambda key: Location(path.name, sheet, f"{column_letter(index[key] + 1)}{n}" if index[key] is not None else f"A{n}")  # noqa: E731
        county, street, community = (_text(values[k]) for k in ("county", "street", "community"))
        bad = False
        for key, value in (("county", county), ("street", street), ("community", community)):
            if not value:
                label = dict((k, lbl) for k, lbl, _ in REGISTRY_COLUMNS)[key]
                findings.append(Finding("registry.missing", "error", f"第{n}行：未填{label}，该社区不生成表格", where(key), label))
                bad = True
        title = _text(values["prior_title"])
        if title in ("", NO_TITLE):
            title = ""
        elif title not in ruleset.levels.titles:
            findings.append(Finding("registry.title", "error", f"第{n}行：原有称号“{shown(title)}”不是本规则集的称号", where("prior_title"), "原有称号"))
            title = ""
        year = None
        if _text(values["prior_year"]):
            parsed = parse_count(values["prior_year"])
            if parsed.value is None or not 1990 <= parsed.value <= 2100:
                findings.append(Finding("registry.year", "error", f"第{n}行：取得年份无法识别", where("prior_year"), "取得年份"))
            else:
                year = parsed.value
        flags = {}
        for key in ("national_subsidy", "provincial_subsidy"):
            if index[key] is None:  # the column is missing: nobody is paid until someone fills it in
                flags[key] = None
                continue
            if _text(values[key]) == PENDING:  # as `registry next` writes an unknown: still not known
                flags[key] = None
                continue
            parsed = parse_flag(values[key]) if _text(values[key]) else None
            if parsed is not None and parsed.problem:
                findings.append(Finding("registry.flag", "error", f"第{n}行：{parsed.problem}", where(key)))
            flags[key] = bool(parsed and parsed.value)
        if bad:
            continue
        key = (county, street, community)
        if key in seen:
            findings.append(Finding("registry.duplicate", "warning", f"第{n}行与第{seen[key]}行是同一个社区，已分别生成文件",
                                    where("community"), "社区"))
        seen.setdefault(key, n)
        found.append(Community(county, street, community, _text(values["code"]), title, year, **flags,
                               titles_known=titles_known, row=n))
    return found, findings


def _absent_columns(path: Path, sheet: str, ruleset: RuleSet, index: dict) -> list[Finding]:
    """Columns the registry does not have, named once, with what their absence changes."""
    label = {k: lbl for k, lbl, _ in REGISTRY_COLUMNS}
    where = Location(path.name, sheet, f"A{FIRST_DATA_ROW - 1}")
    out = []
    titles = [label[k] for k in ("prior_title", "prior_year") if index[k] is None]
    if titles:
        out.append(Finding("registry.columns", "warning",
                           f"社区名册没有“{'”“'.join(titles)}”列：原有称号和取得年份按各社区考评表中填写的计，名册不作核对；"
                           "要以名册为准，请在名册第3行加上这些列并填写", where, "、".join(titles)))
    flags = [label[k] for k in ("national_subsidy", "provincial_subsidy") if index[k] is None]
    if flags and ruleset.subsidy is not None:
        out.append(Finding("registry.columns", "warning",
                           f"社区名册没有“{'”“'.join(flags)}”列：无法核对是否已享受补助，各社区的补助资格为“待核实”，"
                           "不列入补助资金明细；请在名册第3行加上这些列，填“是”或“否”后重新汇总", where, "、".join(flags)))
    return out


def form_paths(out_dir: Path, communities: list[Community]) -> dict[int, tuple[Path, Path]]:
    """Row -> (申报表, 考评表) paths: one folder per county, names unique, within the name limit and inside out_dir."""
    root = Path(os.path.abspath(out_dir))
    taken: set[str] = set()
    out = {}
    for c in communities:
        folder = root / safe_filename(c.county)
        stem = safe_filename(f"{c.street}-{c.community}" + (f"-{c.code}" if c.code else ""))
        candidate, k = stem, 1
        while str(folder / candidate).casefold() in taken:  # Windows folds case: 'A' and 'a' are one file
            k += 1
            candidate = f"{stem}-{k}"
        taken.add(str(folder / candidate).casefold())
        pair = (folder / f"{candidate}-{DECLARATION}.xlsx", folder / f"{candidate}-{ASSESSMENT}.xlsx")
        for p in pair:
            if root not in p.parents:  # belt and braces: safe_filename already forbids this
                raise UnusableFile(p, "文件名会越出输出文件夹，已拒绝")
        out[c.row] = pair
    return out


def _signature(data: bytes) -> dict[str, tuple[int, int]] | None:
    """What a file's members are (CRC and size), without its timestamps (docProps/core.xml)."""
    members = directory(data)
    if members is not None:
        members.pop("docProps/core.xml", None)
    return members


def _stamps(ruleset: RuleSet) -> dict[str, Stamp]:
    """Each form built once; copies differ only in the identity cells."""
    out = {}
    for form, build in ((DECLARATION, build_declaration), (ASSESSMENT, build_assessment)):
        wb = build(ruleset)
        data = io.BytesIO()
        wb.save(data)
        cells = OpenpyxlBook(wb).cells()
        out[form] = Stamp(data.getvalue(), {n: cells[n] for n in IDENTITY_NAMES if cells.get(n)})
    return out


def distribute(registry: Path, ruleset: RuleSet, out_dir: Path, *, force: bool = False,
               progress: Callable[[int], None] | None = None, planned: Callable[[int], None] | None = None) -> Distribution:
    """All forms of the registry, written all or nothing. A form identical to what we would write is left
    alone; one a community has filled is kept (with force: replaced, the old one kept as a backup).

    planned(n) is told how many files will be written, progress(1) after each one.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UnusableFile(out_dir, "这是一个文件，不是文件夹：-o 请给出输出文件夹（不存在时会自动创建）")
    problem = folder_problem(out_dir)
    if problem:
        raise UnusableFile(out_dir, problem)
    communities, findings = read_registry(registry, ruleset)
    result = Distribution(findings=findings, communities=len(communities))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnusableFile(out_dir, os_error_message(exc, out_dir)) from None
    stamps = _stamps(ruleset)
    paths = form_paths(out_dir, communities)
    items, problems = [], []
    with Lock(Path(os.path.abspath(out_dir)) / LOCK_NAME):
        for c in communities:
            values = {names.COUNTY: c.county, names.STREET: c.street, names.COMMUNITY: c.community,
                      names.PRIOR_TITLE: c.prior_title or NO_TITLE, names.PRIOR_YEAR: c.prior_year,
                      names.CODE: c.code or None}
            for path, form in zip(paths[c.row], (DECLARATION, ASSESSMENT)):
                stamp = stamps[form]
                backup = False
                try:
                    existing = path.read_bytes()
                except FileNotFoundError:
                    existing = None
                except IsADirectoryError:
                    problems.append(f"{path}：同名的文件夹挡住了要生成的表格")
                    continue
                except OSError as exc:
                    problems.append(f"{path}：{os_error_message(exc, path.parent)}")
                    continue
                if existing is not None:
                    if _signature(existing) == stamp.signature(values):
                        result.unchanged.append(path)
                        continue
                    if holds_data(path, ignore=IDENTITY_NAMES):
                        if not force:
                            result.kept.append(path)
                            continue
                        backup = True
                    why = _why_not_replace(path)
                    if why:
                        problems.append(f"{path}：{why}")
                        continue
                items.append(Planned(path, functools.partial(stamp.render, values), backup))
        if problems:
            shown = "；\n  ".join(problems[:10]) + (f"；\n  ……共 {len(problems)} 处" if len(problems) > 10 else "")
            raise UnusableFile(out_dir, f"以下表格无法生成，为免只生成一半，一个文件也没有写：\n  {shown}")
        if planned:
            planned(len(items))
        write_all(out_dir, items, progress=progress)
    result.written = [item.target for item in items]
    return result


def _why_not_replace(path: Path) -> str | None:
    try:
        refuse_read_only(path)
        refuse_if_open(path)
    except UnusableFile as exc:
        return exc.message
    return None
