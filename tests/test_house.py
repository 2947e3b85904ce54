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
