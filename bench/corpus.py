"""A realistic corpus of submitted 考评表, fast to make: used by bench/bench_merge.py and by the tests.

A few base workbooks are built once (our template as openpyxl writes it, the same with rows inserted
in both sheets, and optionally the same re-saved by LibreOffice); every submission is a copy of one of
them with its identity and base data written into the cells the defined names point at — straight
into the sheet XML, so thousands of files take seconds. Some values are typed as people type them
("12人", "１２", "九十"); some files are damaged on purpose.
"""
from __future__ import annotations

import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.forms.fill import assessment_values

COUNTIES = ["甘州区", "临泽县", "高台县", "山丹县", "民乐县", "肃南县"]
STREETS = ["东街街道", "西街街道", "南街街道", "北街街道", "火车站街道", "梁家墩镇", "新墩镇", "沙河镇"]
NAMES = "南关 西关 北关 东关 城关 新民 和平 团结 幸福 光明 建设 文化 康宁 华西 临松 丹霞 泉水 花园 长安 工农".split()


def shift_rows(wb, sheet: str, at: int, amount: int) -> None:
    """Insert rows the way Excel does: cells move down and so do the defined names and merges below."""
    ws = wb[sheet]
    ws.insert_rows(at, amount)
    prefix = f"'{sheet}'!"
    for dn in wb.defined_names.values():
        text = dn.attr_text
        if text.startswith(prefix):
            col, row = re.fullmatch(r"\$([A-Z]+)\$(\d+)", text[len(prefix):]).groups()
            if int(row) >= at:
                dn.attr_text = f"{prefix}${col}${int(row) + amount}"
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= at:
            rng.shift(0, amount)
    ws.print_area = None


def base_files(ruleset, folder: Path) -> dict[str, Path]:
    """The base workbooks: 'plain' (as openpyxl writes our template) and 'inserted' (rows inserted)."""
    folder.mkdir(parents=True, exist_ok=True)
    plain = folder / "base-plain.xlsx"
    build_assessment(ruleset).save(plain)
    wb = openpyxl.load_workbook(plain)
    shift_rows(wb, "基础数据", 12, 3)
    shift_rows(wb, "考评表", 7, 2)
    wb["基础数据"]["C12"] = "县区自加的说明行"
    inserted = folder / "base-inserted.xlsx"
    wb.save(inserted)
    return {"plain": plain, "inserted": inserted}


def filled_values(ruleset, identity: dict, stages: dict, prior=("", None)) -> dict[str, object]:
    """defined name -> value, as the tests' make_assessment fills a form."""
    return assessment_values(ruleset, identity, stages, *prior)


class Patcher:
    """Writes values into copies of one base workbook, by defined name, in the sheet XML."""

    def __init__(self, base: Path):
        self.base = base
        book = OpenpyxlBook(openpyxl.load_workbook(base), base.name)
        self.where = {n: w for n, w in book.cells().items() if w}
        with zipfile.ZipFile(base) as zf:
            self.members = {i.filename: zf.read(i) for i in zf.infolist()}
            rels = zf.read("xl/_rels/workbook.xml.rels").decode()
            workbook = zf.read("xl/workbook.xml").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*?Target="([^"]+)"', rels) +
                       [(b, a) for a, b in re.findall(r'Target="([^"]+)"[^>]*?Id="(rId\d+)"', rels)])
        self.parts = {}
        for name, rid in re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="(rId\d+)"', workbook):
            target = targets[rid].lstrip("/")
            self.parts[name] = target if target.startswith("xl/") else f"xl/{target}"

    def write(self, path: Path, values: dict[str, object]) -> None:
        by_part: dict[str, dict[str, object]] = {}
        for name, value in values.items():
            if name in self.where and value is not None:
                sheet, ref = self.where[name]
                by_part.setdefault(self.parts[sheet], {})[ref] = "是" if value is True else "否" if value is False else value
        members = dict(self.members)
        for part, cells in by_part.items():
            members[part] = _patch(members[part].decode("utf-8"), cells).encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)


def _cell_xml(ref: str, style: str, value) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _patch(xml: str, cells: dict[str, object]) -> str:
    """Replace (or add) each cell in the sheet XML; openpyxl writes every styled cell, so they exist."""
    def repl(m: re.Match) -> str:
        ref, style = m.group(1), m.group(2) or ""
        if ref not in cells:
            return m.group(0)
        return _cell_xml(ref, style, cells.pop(ref))

    out = re.sub(r'<c r="([A-Z]+\d+)"(?: s="(\d+)")?(?: t="\w+")?\s*(?:/>|>.*?</c>)', repl, xml)
    if cells:
        raise ValueError(f"cells not in the base workbook: {sorted(cells)[:5]}")
    return out


@dataclass
class Spec:
    county: str
    street: str
    community: str
    stages: dict
    base: str = "plain"
    damage: str = ""  # "", "truncated", "xml", "garbage", "xls"


def messy(value, rng: random.Random):
    """A count as people type it: most often a number, sometimes text fullemp reads (or refuses)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    roll = rng.random()
    if roll < 0.03:
        return f"{value}人"
    if roll < 0.05:
        return "".join(chr(ord(ch) + 0xFEE0) for ch in str(value))  # full-width digits
    if roll < 0.055:
        return "九十"
    return value


def specs(ruleset, good: dict, n: int, seed: int = 7, damaged: float = 0.01, inserted: float = 0.1) -> list[Spec]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        county = COUNTIES[k % len(COUNTIES)]
        street = STREETS[(k // len(COUNTIES)) % len(STREETS)]
        community = f"{NAMES[k % len(NAMES)]}{k:05d}社区"
        stages = {}
        for stage in ruleset.stages:
            values = dict(good)
            for fact in rng.sample(sorted(values), 3):
                v = values[fact]
                values[fact] = (not v) if isinstance(v, bool) else max(0, v + rng.choice((-2, -1, 1, 2)))
            for fact in ruleset.rates.values():  # keep parts within their wholes
                if isinstance(values.get(fact.numerator), int) and isinstance(values.get(fact.denominator), int):
                    values[fact.numerator] = min(values[fact.numerator], values[fact.denominator])
            stages[stage.id] = {f: messy(v, rng) for f, v in values.items()}
        roll = rng.random()
        damage = ""
        if roll < damaged:
            damage = rng.choice(["truncated", "xml", "garbage", "xls"])
        out.append(Spec(county, street, community, stages, "inserted" if rng.random() < inserted else "plain", damage))
    return out


def write_corpus(ruleset, good: dict, folder: Path, n: int, *, seed: int = 7, damaged: float = 0.01,
                 inserted: float = 0.1) -> list[tuple[Path, Spec]]:
    """n submissions under folder/<county>/, returns (path, spec) pairs."""
    bases = base_files(ruleset, folder / "_bases")
    patchers = {k: Patcher(p) for k, p in bases.items()}
    written = []
    for k, spec in enumerate(specs(ruleset, good, n, seed, damaged, inserted)):
        path = folder / "提交" / spec.county / f"{spec.street}-{spec.community}-考评表.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        identity = {"县（区）": spec.county, "街道（乡镇）": spec.street, "社区": spec.community}
        patchers[spec.base].write(path, filled_values(ruleset, identity, spec.stages))
        _damage(path, spec.damage)
        written.append((path, spec))
    return written


def _damage(path: Path, how: str) -> None:
    if not how:
        return
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(bytes(range(256)) * 40)
    elif how == "xls":
        path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4000)
    elif how == "xml":  # the data sheet breaks off mid-rows, the zip itself is fine
        with zipfile.ZipFile(path) as zf:
            members = {i.filename: zf.read(i) for i in zf.infolist()}
        sheet = "xl/worksheets/sheet2.xml"
        members[sheet] = members[sheet][: len(members[sheet]) * 2 // 3]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, blob in members.items():
                zf.writestr(name, blob)


__all__ = ["base_files", "Patcher", "Spec", "specs", "write_corpus", "shift_rows", "names"]
