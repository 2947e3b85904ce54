"""The package's house: its folders show the architecture, and nothing imports upward.

Every import of ours is counted, at module level and inside functions alike. A package may import
the packages of lower layers (LAYERS, bottom first) and its own modules; a module may not import
one that imports it back (no cycle between files either). docs/developer.md shows the same table.
"""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "fullemp_xl"

# Bottom first; a part may import parts of lower layers only (same layer: not at all).
LAYERS = [
    {"errors"},
    {"core"},
    {"ooxml"},  # A1 references (and, in time, the rest every reader and writer shares)
    {"writing", "screening"},
    {"rules", "xlsx"},
    {"forms", "ledger", "summary"},
    {"engine"},
    {"builder"},
    {"assess"},
    {"registry", "documents"},
    {"merge"},
    {"demo", "addin"},  # the demo run; the add-in's generator (names the Excel side's modules only as strings)
    {"api"},
    {"excel"},  # the Excel side: buttons, FE_ functions, xlwings Server
    {"cli"},
    {"__main__"},
]
LAYER = {part: n for n, parts in enumerate(LAYERS) for part in parts}
ROOT_MODULES = {"__init__", "__main__", "api", "errors"}


def module_name(path: Path) -> str:
    bits = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(bits[:-1] if bits[-1] == "__init__" else bits)


def imports() -> dict[str, set[str]]:
    """module -> the modules of ours it imports (anywhere in the file)."""
    files = [p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    known = {module_name(p) for p in files}
    out: dict[str, set[str]] = {}
    for f in files:
        me = module_name(f)
        base = me.split(".") if f.name == "__init__.py" else me.split(".")[:-1]
        found = out.setdefault(me, set())
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("fullemp_xl"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    mod = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                if mod.split(".")[0] == "fullemp_xl":
                    found.update(f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names)
        found.discard(me)
    return out


def part(module: str) -> str:
    bits = module.split(".")
    return bits[1] if len(bits) > 1 else "__init__"


def test_the_root_holds_only_the_facade_the_errors_init_and_main():
    assert {p.stem for p in PACKAGE.glob("*.py")} == ROOT_MODULES


def test_every_part_has_a_layer():
    parts = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert parts - set(LAYER) == set(), "add the new package to LAYERS here and to docs/developer.md"


def test_nothing_imports_upward():
    upward = sorted(f"{me} -> {dst}" for me, found in imports().items() for dst in found
                    if part(dst) != part(me) and part(dst) != "__init__" and LAYER[part(dst)] >= LAYER[part(me)])
    assert upward == []


def test_no_cycle_between_files():
    graph = imports()
    seen: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in seen:
                visit(nxt, path + [nxt])
        seen[node] = 2

    for start in sorted(graph):
        if start not in seen:
            visit(start, [start])
    assert cycles == []


def test_core_imports_nothing_of_ours_but_the_errors():
    core = {me: {d for d in found if part(d) not in ("core", "errors")} for me, found in imports().items()
            if part(me) == "core"}
    assert {me: found for me, found in core.items() if found} == {}


# The callers of the facade: they reach the rest of the package only through api (plus the errors, the
# plain data of core, and the package itself for its version).
FACADE_CALLERS = {"cli", "excel"}
FACADE_ALLOWED = {"api", "errors", "core", "__init__"}


def test_cli_and_excel_go_through_the_facade():
    bypass = sorted(f"{me} -> {dst}" for me, found in imports().items() if part(me) in FACADE_CALLERS
                    for dst in found if part(dst) not in FACADE_ALLOWED | {part(me)})
    assert bypass == [], "call it through fullemp_xl.api (add a thin function there)"


# Imports inside functions: only where a start-up time, an optional or a platform-only module needs one.
# module -> what it may import inside a function (ours by full name, others by their top package; "*": anything).
# docs/developer.md ("函数内的导入") has the same table, with the measured import times.
INNER_IMPORTS = {
    # every Excel click and every FE_ recalculation imports these: each facade function imports its layer when called
    "fullemp_xl.api": "*",
    "fullemp_xl.excel.udfs": "*",  # only fullemp_xl.core at module level; api and the helpers in the FE_ function
    # the buttons' RunPython entries: RunPython has imported xlwings already; the xlwings Server and tests import
    # the same modules without it
    "fullemp_xl.excel.handlers": {"xlwings"},
    "fullemp_xl.excel.merge_handler": {"xlwings"},
    "fullemp_xl.excel.documents_handlers": {"xlwings", "fullemp_xl.core.workdays"},  # the calendar: 公示 only
    "fullemp_xl.excel.udf_entry": {"xlwings"},  # the COM server cleans sys.path before xlwings is imported
    # openpyxl (0.2 s) stays off the click path and the merge worker: only the layout step of a write-back,
    # a Strict file's dates, shared formulas and a date written into a cell need it
    "fullemp_xl.forms.book": {"openpyxl"},
    "fullemp_xl.xlsx.sheet": {"openpyxl"},
    "fullemp_xl.writing.text": {"openpyxl"},
    "fullemp_xl.assess.marking": {"fullemp_xl.builder.style", "fullemp_xl.writing.newsheet"},  # the 校验结果 sheet
    "fullemp_xl.screening.gate": {"openpyxl"},  # load_workbook: the screening is on every read path
    "fullemp_xl.screening.kind": {"olefile"},  # merge worker start-up: only an OLE file (.xls, encrypted) needs it
    "fullemp_xl.rules.store": {"platformdirs"},  # click start-up: only without FULLEMP_RULES_DIR
    "fullemp_xl.core.workdays": {"chinese_calendar"},  # FE_WORKDAY: only for a year no holiday file supplies
    "fullemp_xl.merge.worker": {"fullemp_xl.summary.model", "fullemp_xl.merge.read",  # the process starts first
                                "resource"},  # Unix only
    "fullemp_xl.writing.lock": {"ctypes"},  # Windows only (kernel32)
    # xlwings (0.5 s here, more with pandas beside it): only installing the add-in needs its files
    "fullemp_xl.addin.install": {"xlwings"},
    "fullemp_xl.addin.macros": {"xlwings"},
    "fullemp_xl.cli.common": {"tqdm"},  # every command's start-up: only a shown progress bar needs it
    "fullemp_xl.cli.merge": {"tqdm"},
}


def inner_imports() -> dict[str, set[str]]:
    """module -> what it imports inside a function (ours by full name, others by their top package)."""
    out: dict[str, set[str]] = {}
    for f in sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts):
        me = module_name(f)
        base = me.split(".") if f.name == "__init__.py" else me.split(".")[:-1]
        for fn in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level:
                    names = [".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                else:
                    continue
                out.setdefault(me, set()).update(n if n.startswith("fullemp_xl") else n.split(".")[0] for n in names)
    return out


def test_imports_inside_functions_only_where_the_table_allows():
    found = inner_imports()
    unlisted = sorted(f"{me}: {dst}" for me, names in found.items() for dst in names
                      if INNER_IMPORTS.get(me) != "*" and dst not in INNER_IMPORTS.get(me, set()))
    assert unlisted == [], "import it at the top of the module, or add it to INNER_IMPORTS and docs/developer.md with why"
    stale = sorted(f"{me}: {dst}" for me, allowed in INNER_IMPORTS.items() if allowed != "*"
                   for dst in allowed if dst not in found.get(me, set()))
    stale += sorted(me for me, allowed in INNER_IMPORTS.items() if allowed == "*" and me not in found)
    assert stale == [], "no longer imported inside a function: take it out of INNER_IMPORTS and docs/developer.md"


def test_the_developer_docs_list_every_module_with_imports_inside_functions():
    text = (ROOT / "docs" / "developer.md").read_text(encoding="utf-8")
    section = text.split("**函数内的导入**", 1)[1].split("\n### ", 1)[0]
    missing = sorted(me for me in INNER_IMPORTS if f"`{me.removeprefix('fullemp_xl.')}`" not in section)
    assert missing == []
