"""Mutated filled 考评表 and the verdict every command reaches on each (issue 18's differential test).

A filled form is built once by our own code (`make_assessment`); each mutant is a copy of its zip
members with one or two mutations of a kind a tester or a real producer brings: cell addresses in
lower case, absolute or missing; parts missing, renamed, in another case or damaged (checksum,
deflate data, compression method); duplicate sheet names; blank or re-pointed version metadata;
blank identity cells; a merged range over an input cell; a chart sheet first; and random XML and
value mutations. Every mutant gets its own community name, so one merge reads them all.

`verdicts(folder)` runs `score`, `validate`, `merge` (one run over the folder) and, for the files
asked, `score --write -o` through fullemp's entry point in this process, and returns per file what
each command said; `disagreements` lists where they differ. tests/assess/test_differential.py runs a few
hundred mutants, bench/bench_differential.py as many as asked.
"""
from __future__ import annotations

import contextlib
import io
import json
import random
import re
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PLACEHOLDER = "变异社区0000"
VALUE_SHEET = "xl/worksheets/sheet2.xml"  # 基础数据 (the sheet the fe_* base-data names point at)


# ---------------------------------------------------------------- the base form
@dataclass
class Base:
    members: dict[str, bytes]
    infos: dict[str, zipfile.ZipInfo]
    names: dict[str, tuple[str, str]]  # defined name -> (sheet, 'E17')
    parts: dict[str, str]  # sheet name -> part


def build_base(folder: Path) -> Base:
    """A 考评表 filled with good data for both stages (the assessed stage loses points: totals differ)."""
    sys.path.insert(0, str(TESTS))
    from conftest import good_values, make_assessment
    from fullemp_xl.rules import load_ruleset
    from fullemp_xl.xlsx import open_book

    rs = load_ruleset("zhangye-2023")
    good = good_values()
    identity = {"县（区）": "甘州区", "街道（乡镇）": "东街街道", "社区": PLACEHOLDER}
    path = make_assessment(folder / "base.xlsx", rs, {"self": good, "assessed": {**good, "ledgers_missing": 1}},
                           identity=identity, prior=("市级充分就业社区", 2020))
    book = open_book(path)
    names = {n: w for n, w in book.cells().items() if w}
    parts = dict(book.parts.sheets)
    book.close()
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
        infos = {i.filename: i for i in zf.infolist()}
    return Base(members, infos, names, parts)


# ---------------------------------------------------------------- one mutant
@dataclass
class Mutant:
    name: str  # file name (ends in the extension the mutant is saved with)
    kinds: list[str]
    members: dict[str, bytes]
    damage: list[tuple[str, str]] = field(default_factory=list)  # (member, "crc"|"deflate"|"method") applied to the zip bytes
    suffix: str = ".xlsx"


def _sheet_part(base: Base, name: str) -> str:
    sheet, _ = base.names[name]
    return base.parts[sheet]


def _cell_pattern(ref: str) -> re.Pattern:
    return re.compile(rf'<c r="{ref}"([^>]*?)(/>|>.*?</c>)', re.S)


def _set_cell(xml: str, ref: str, inner: str, attrs: str = "") -> str:
    """Replace a cell's content (the cell exists: openpyxl writes every styled cell)."""
    pat = _cell_pattern(ref)
    m = pat.search(xml)
    if m is None:
        return xml
    style = re.search(r'\ss="\d+"', m.group(1))
    s = style.group(0) if style else ""
    return xml[:m.start()] + f'<c r="{ref}"{s}{attrs}>{inner}</c>' + xml[m.end():]


def _inline(text: str) -> str:
    from xml.sax.saxutils import escape

    return f"<is><t>{escape(text)}</t></is>"


# Each mutation takes (rng, base, members) and changes members in place; returns a short label.
def m_lower_r(rng, base, members):
    name = rng.choice([n for n in base.names if n.startswith(("fe_self_", "fe_assessed_"))])
    sheet, ref = base.names[name]
    part = base.parts[sheet]
    members[part] = members[part].replace(f'r="{ref}"'.encode(), f'r="{ref.lower()}"'.encode(), 1)
    return f"lower_r:{ref}"


def m_lower_r_all(rng, base, members):
    part = rng.choice(sorted(set(base.parts.values())))
    members[part] = re.sub(rb'<c r="([A-Z]+)(\d+)"', lambda m: b'<c r="' + m.group(1).lower() + m.group(2) + b'"', members[part])
    return f"lower_r_all:{part}"


def m_absolute_r(rng, base, members):
    name = rng.choice([n for n in base.names if n.startswith(("fe_self_", "fe_assessed_"))])
    sheet, ref = base.names[name]
    part = base.parts[sheet]
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    members[part] = members[part].replace(f'r="{ref}"'.encode(), f'r="${col}${row}"'.encode(), 1)
    return f"absolute_r:{ref}"


def m_no_r(rng, base, members):
    """Drop r= from the cells of one row that holds an input cell (Excel and LibreOffice count columns)."""
    name = rng.choice([n for n in base.names if n.startswith(("fe_self_", "fe_assessed_", "fe_prior"))])
    sheet, ref = base.names[name]
    part = base.parts[sheet]
    row = re.fullmatch(r"[A-Z]+(\d+)", ref).group(1)
    xml = members[part].decode()
    m = re.search(rf'<row r="{row}"[^>]*>(.*?)</row>', xml, re.S)
    if m is None:
        return "no_r:none"
    cells = m.group(1)
    # only when the row's cells are contiguous from column A can r= be dropped without moving values
    refs = re.findall(r'<c r="([A-Z]+)\d+"', cells)
    expected = [chr(65 + k) for k in range(len(refs))]
    if refs == expected:
        new = re.sub(r'<c r="[A-Z]+\d+"', "<c", cells)
    else:  # drop r= only from the cells that follow their left neighbour
        new = cells
        for k in range(len(refs) - 1, 0, -1):
            a, b = refs[k - 1], refs[k]
            if len(a) == 1 and len(b) == 1 and ord(b) == ord(a) + 1:
                new = new.replace(f'<c r="{b}{row}"', "<c", 1)
    xml = xml[:m.start(1)] + new + xml[m.end(1):]
    members[part] = xml.encode()
    return f"no_r:{row}"


def m_styles_missing(rng, base, members):
    members.pop("xl/styles.xml", None)
    return "styles_missing"


def m_damage_unread(rng, base, members):
    return "damage_unread"  # the damage itself is applied to the zip bytes (see mutate)


def m_content_types_renamed(rng, base, members):
    if "[Content_Types].xml" in members:
        members["[Content_Types]_.xml"] = members.pop("[Content_Types].xml")
    return "content_types_renamed"


def m_member_case(rng, base, members):
    part = rng.choice(sorted(members))
    new = part.upper() if rng.random() < 0.5 else part.replace("xl/", "XL/")
    if new != part:
        members[new] = members.pop(part)
    return f"member_case:{part}"


def m_duplicate_sheet(rng, base, members):
    if "xl/workbook.xml" not in members:
        return "duplicate_sheet:skipped"
    wb = members["xl/workbook.xml"].decode()
    sheets = re.findall(r'<sheet [^>]*?name="([^"]+)"', wb)
    a, b = rng.sample(sheets, 2)
    # the second sheet takes the first's name (its defined names still say the old one)
    wb = wb.replace(f'name="{b}"', f'name="{a}"', 1)
    members["xl/workbook.xml"] = wb.encode()
    return f"duplicate_sheet:{a}"


def m_meta_version(rng, base, members):
    name = rng.choice(["fe_meta_ruleset_version", "fe_meta_template_version"])
    sheet, ref = base.names[name]
    part = base.parts[sheet]
    if part not in members or "xl/workbook.xml" not in members:
        return "meta:skipped"
    xml = members[part].decode()
    if rng.random() < 0.5:
        xml = re.sub(rf'<c r="{ref}"([^>]*?)>.*?</c>', rf'<c r="{ref}"\1/>', xml, count=1, flags=re.S)
        label = f"meta_blank:{name}"
    else:  # re-point the name to another cell of the meta sheet
        wb = members["xl/workbook.xml"].decode()
        row = int(re.sub(r"\D", "", ref))
        wb = re.sub(rf'(<definedName name="{name}"[^>]*>[^<]*?\$)(\d+)(<)', lambda m: f"{m.group(1)}{row + 40}{m.group(3)}", wb)
        members["xl/workbook.xml"] = wb.encode()
        label = f"meta_repointed:{name}"
    members[part] = xml.encode()
    return label


def m_blank_identity(rng, base, members):
    name = rng.choice(["fe_county", "fe_street", "fe_community"])
    sheet, ref = base.names[name]
    part = base.parts[sheet]
    members[part] = re.sub(rf'<c r="{ref}"([^>]*?)>.*?</c>'.encode(), rf'<c r="{ref}"\1/>'.encode(), members[part],
                           count=1, flags=re.S)
    return f"blank_identity:{name}"


def m_merge_over_input(rng, base, members):
    name = rng.choice([n for n in base.names if n.startswith(("fe_self_", "fe_assessed_"))])
    sheet, ref = base.names[name]
    part = base.parts[sheet]
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    left = chr(ord(col) - 1)
    xml = members[part].decode()
    mc = f'<mergeCell ref="{left}{row}:{col}{row}"/>'
    if "<mergeCells" in xml:
        xml = re.sub(r'<mergeCells count="(\d+)">', lambda m: f'<mergeCells count="{int(m.group(1)) + 1}">{mc}', xml, count=1)
    else:
        xml = xml.replace("</sheetData>", f'</sheetData><mergeCells count="1">{mc}</mergeCells>', 1)
    members[part] = xml.encode()
    return f"merge_over:{ref}"


CHARTSHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
              b'<sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>')


def m_chartsheet_first(rng, base, members):
    if "xl/workbook.xml" not in members or "[Content_Types].xml" not in members:
        return "chartsheet_first:skipped"
    wb = members["xl/workbook.xml"].decode()
    wb = wb.replace("<sheets>", '<sheets><sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                    'name="图表1" sheetId="99" r:id="rIdChart1"/>', 1)
    members["xl/workbook.xml"] = wb.encode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdChart1" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>')
    members["xl/_rels/workbook.xml.rels"] = rels.encode()
    ct = members["[Content_Types].xml"].decode()
    ct = ct.replace("</Types>", '<Override PartName="/xl/chartsheets/sheet1.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"/></Types>')
    members["[Content_Types].xml"] = ct.encode()
    members["xl/chartsheets/sheet1.xml"] = CHARTSHEET
    return "chartsheet_first"


TYPED = [None, "", " ", "0", "12", "12人", "１２", "九十", "-3", "1e9", "3.5", "是", "否", "√", "TRUE", "#N/A",
         "2021-05-01", "=1+1", "\u3000", "12 ", "abc"]


def m_value(rng, base, members):
    """Another value in an input cell: a number, text as people type it, a boolean, an error, a formula."""
    name = rng.choice([n for n in base.names if n.startswith(("fe_self_", "fe_assessed_", "fe_prior", "fe_county",
                                                                 "fe_street"))])
    sheet, ref = base.names[name]
    part = base.parts[sheet]
    xml = members[part].decode()
    roll = rng.random()
    if roll < 0.3:
        xml = _set_cell(xml, ref, f"<v>{rng.choice([0, 1, 2, 5, 17, 40, 99, 1000, -1, 0.5, 2.25])}</v>")
    elif roll < 0.45:
        xml = _set_cell(xml, ref, f"<v>{rng.choice([0, 1])}</v>", ' t="b"')
    elif roll < 0.5:
        xml = _set_cell(xml, ref, f"<v>{rng.choice(['#N/A', '#VALUE!', '#DIV/0!'])}</v>", ' t="e"')
    elif roll < 0.55:
        xml = _set_cell(xml, ref, "<f>1+1</f><v>2</v>")
    elif roll < 0.6:
        xml = _set_cell(xml, ref, "<v>bad</v>", ' t="str"')
    else:
        text = rng.choice(TYPED)
        xml = _set_cell(xml, ref, "" if text is None else _inline(text), "" if text is None else ' t="inlineStr"')
    members[part] = xml.encode()
    return f"value:{name}"


def m_xml_random(rng, base, members):
    """A random structural edit of one XML part: drop, duplicate or empty an element; change an attribute."""
    part = rng.choice(sorted(n for n in members if n.endswith((".xml", ".rels"))))
    xml = members[part]
    tags = [m for m in re.finditer(rb"<([A-Za-z][\w:]*)\b[^<>]*?/>", xml)]
    if not tags:
        return f"xml_random:{part}:none"
    m = rng.choice(tags)
    roll = rng.random()
    if roll < 0.3:
        xml = xml[:m.start()] + xml[m.end():]
        what = "drop"
    elif roll < 0.5:
        xml = xml[:m.end()] + m.group(0) + xml[m.end():]
        what = "dup"
    elif roll < 0.8:
        attrs = list(re.finditer(rb'(\w+)="([^"]*)"', m.group(0)))
        if not attrs:
            return f"xml_random:{part}:noattr"
        a = rng.choice(attrs)
        value = rng.choice([b"", b"0", b"-1", b"x", b"99999999", a.group(2).lower(), a.group(2) + b"1"])
        start = m.start() + a.start(2)
        xml = xml[:start] + value + xml[m.start() + a.end(2):]
        what = "attr"
    else:
        cut = rng.randrange(len(xml))
        xml = xml[:cut]
        what = "truncate"
    members[part] = xml
    return f"xml_random:{part}:{what}"


MUTATIONS = {
    "lower_r": m_lower_r, "lower_r_all": m_lower_r_all, "absolute_r": m_absolute_r, "no_r": m_no_r,
    "styles_missing": m_styles_missing, "damage_unread": m_damage_unread,
    "content_types_renamed": m_content_types_renamed, "member_case": m_member_case,
    "duplicate_sheet": m_duplicate_sheet, "meta_version": m_meta_version, "blank_identity": m_blank_identity,
    "merge_over_input": m_merge_over_input, "chartsheet_first": m_chartsheet_first,
    "value": m_value, "xml_random": m_xml_random,
}
WEIGHTS = {"value": 6, "xml_random": 4}


def mutants(base: Base, n: int, seed: int = 18) -> list[Mutant]:
    """n mutants: every structured kind in turn, then random draws (values and XML weighted up)."""
    rng = random.Random(seed)
    kinds = list(MUTATIONS)
    pool = [k for k in kinds for _ in range(WEIGHTS.get(k, 1))]
    out = []
    for k in range(n):
        members = dict(base.members)
        community = _charrefs(f"变异社区{k + 1:04d}")
        for part, data in members.items():
            if _charrefs(PLACEHOLDER) in data:
                members[part] = data.replace(_charrefs(PLACEHOLDER), community)
        first = kinds[k] if k < len(kinds) else rng.choice(pool)
        chosen = [first] + ([rng.choice(pool)] if rng.random() < 0.25 else [])
        labels, damage = [], []
        for kind in chosen:
            try:
                labels.append(MUTATIONS[kind](rng, base, members))
            except (KeyError, UnicodeDecodeError):  # an earlier mutation removed or broke the part
                labels.append(f"{kind}:skipped")
            if kind == "damage_unread":
                target = rng.choice([p for p in ("docProps/app.xml", "docProps/core.xml", "xl/theme/theme1.xml")
                                     if p in members])
                damage.append((target, rng.choice(["crc", "deflate", "method"])))
        out.append(Mutant(f"m{k + 1:04d}.xlsx", labels, members, damage))
    return out


def _charrefs(text: str) -> bytes:
    """Text as openpyxl writes it into an inline string: characters outside ASCII as &#NNNN;."""
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode()


def write_mutant(mutant: Mutant, folder: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in mutant.members.items():
            zf.writestr(name, data)
    data = bytearray(buf.getvalue())
    for member, how in mutant.damage:
        _damage(data, member, how)
    path = folder / mutant.name
    path.write_bytes(bytes(data))
    return path


def _damage(data: bytearray, member: str, how: str) -> None:
    """Damage one member in the zip bytes: its checksum, its deflate stream or its compression method."""
    name = member.encode()
    pos = 0
    while True:
        local = data.find(b"PK\x03\x04", pos)
        if local < 0:
            return
        nlen, xlen = struct.unpack_from("<HH", data, local + 26)
        if bytes(data[local + 30:local + 30 + nlen]) == name:
            break
        pos = local + 4
    central = data.find(b"PK\x01\x02", local)
    while central >= 0:
        clen = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + clen]) == name:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    if how == "crc":
        for at in (local + 14, central + 16):
            data[at] ^= 0xFF
    elif how == "method":
        for at in (local + 8, central + 10):
            struct.pack_into("<H", data, at, 99)
    else:  # overwrite the start of the deflate stream with bytes that are not a valid block
        start = local + 30 + nlen + xlen
        data[start:start + 4] = b"\xff\xff\xff\xff"


# ---------------------------------------------------------------- running the commands
def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """fullemp's entry point in this process: (exit code, stdout, stderr)."""
    from fullemp_xl.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, out.getvalue(), err.getvalue()


@dataclass
class Verdict:
    """What one command said about one file, in the terms all commands share."""

    command: str
    code: int  # 0 clean, 1 errors, 2 refused
    reason: str = ""  # for a refusal: the message without the file name
    totals: tuple = ()  # per stage
    level: str = ""  # the decision's level ("" when none)
    errors: int = 0
    internal: str = ""  # an internal error's text

    def key(self) -> tuple:
        if self.code == 2:
            return (2, self.reason)
        return (self.code, self.totals, self.level, self.errors)


def _refusal(stderr: str) -> str:
    text = stderr.strip().splitlines()[0] if stderr.strip() else ""
    text = re.sub(r"^.*?\.xls[xmb]?[：:]\s*", "", text)
    return text.removeprefix("错误：").strip()


def score_verdict(path: Path, command: str = "score") -> Verdict:
    code, out, err = run_cli([command, path, "--format", "json"])
    return _verdict(command, code, out, err)


def _verdict(command: str, code: int, out: str, err: str) -> Verdict:
    if "程序内部错误" in err:
        return Verdict(command, code, internal=err.strip())
    if code == 2:
        return Verdict(command, 2, _refusal(err))
    data = json.loads(out)
    if command == "validate":
        return Verdict(command, code, errors=data["summary"]["error"])
    errors = sum(f["severity"] == "error" for f in data["findings"])
    level = (data["decision"] or {}).get("level", "")
    return Verdict(command, code, totals=tuple(s["total"] for s in data["stages"]), level=level, errors=errors)


def merge_verdicts(folder: Path, out: Path) -> dict[str, Verdict]:
    """One merge over the folder: file name -> the verdict merge reached on it."""
    code, stdout, err = run_cli(["merge", folder, "-o", out, "--format", "json", "--jobs", "1", "--force"])
    if "程序内部错误" in err or not stdout.strip():
        raise AssertionError(f"merge failed ({code}): {err[:2000]}")
    data = json.loads(stdout)
    found: dict[str, Verdict] = {}
    for q in data["quarantined"]:
        found[Path(q["file"]).name] = Verdict("merge", 2, q["reason"])
    for c in data["communities"]:
        totals = tuple(t["recomputed"] for t in c["totals"])
        level = c["level"] if not c["level"].startswith("暂不能认定") else ""
        found[Path(c["file"]).name] = Verdict("merge", 1 if c["errors"] else 0, totals=totals, level=level,
                                              errors=c["errors"])
    for d in data["duplicates"]:  # every mutant has its own community: a duplicate is a disagreement
        found.setdefault(Path(d["dropped"]).name, Verdict("merge", -1, "taken for a duplicate of " + d["kept"]))
    return found


def write_verdict(path: Path, out: Path) -> Verdict:
    code, stdout, err = run_cli(["score", path, "--write", "-o", out, "--format", "json", "--force"])
    return _verdict("score --write", code, stdout, err)


def disagreements(verdicts: dict[str, dict[str, Verdict]]) -> list[str]:
    """Every file where a command disagrees with `score`, or any command failed internally."""
    out = []
    for name, by in sorted(verdicts.items()):
        score = by["score"]
        for command, v in by.items():
            if v.internal:
                out.append(f"{name}: {command} internal error: {v.internal[:300]}")
                continue
            if command == "score" or score.internal:
                continue
            if command == "validate":
                same = v.code == score.code and (v.code == 2 and v.reason == score.reason or
                                                 v.code != 2 and v.errors == score.errors)
            elif command == "merge":
                same = v.key() == score.key()
            else:
                same = v.key() == score.key()
            if not same:
                out.append(f"{name}: {command} {v.key()} but score {score.key()}")
    return out


def run_all(mutant_list: list[Mutant], folder: Path, write_every: int = 1) -> tuple[dict, dict]:
    """Write the mutants, run every command; returns (file -> command -> Verdict, file -> kinds)."""
    src = folder / "in"
    src.mkdir(parents=True, exist_ok=True)
    paths = [write_mutant(m, src) for m in mutant_list]
    verdicts: dict[str, dict[str, Verdict]] = {}
    merged = merge_verdicts(src, folder / "汇总表.xlsx")
    for k, (m, path) in enumerate(zip(mutant_list, paths)):
        by = verdicts[path.name] = {"score": score_verdict(path), "validate": score_verdict(path, "validate")}
        by["merge"] = merged.get(path.name, Verdict("merge", -1, "not reported"))
        if k % write_every == 0:
            by["score --write"] = write_verdict(path, folder / "out" / path.name)
    return verdicts, {m.name: m.kinds for m in mutant_list}
