#!/usr/bin/env python3
"""Apply the module reorganisation of issue 18 ("one house") to any checkout of fullemp-xl.

    python3 apply-reorg-map.py TREE [--map reorg-map.tsv] [--dry-run]

The map (default: reorg-map.tsv beside this script) has one move a line, old TAB new; '#' starts a comment:

    fullemp_xl.model            fullemp_xl.core.model             a module moved (dotted names)
    fullemp_xl.safe_io:Unusable fullemp_xl.errors:UnusableFile    one name moved to another module
    tests/test_cli.py           tests/cli/test_cli.py             a file moved (paths, relative to TREE)

What it does, idempotently (a second run changes nothing):

1. A file still at an old path whose new path does not exist is moved there (git's rename detection
   normally did it already when a branch was merged; a file at both paths is reported, not touched).
2. Every import statement in every .py file — absolute, `from fullemp_xl import x`, relative (read
   relative to the file's old place when it does not make sense from its new place), inside functions
   too — is rewritten to the new names; a statement importing names that now live in different modules
   is split, one statement per module, each with the statement's indentation. Relative imports stay
   relative (spelt from the file's new place), absolute ones absolute.
3. In every text file (Python, Markdown, VBA .bas, TOML, scripts): dotted names `fullemp_xl.x.y[.Name]`
   (docstrings, `python -m fullemp_xl.x`, RunPython strings, package-data), import lines inside
   documentation, and file paths `fullemp_xl/x/y.py` and `tests/test_x.py`; in Markdown and in the
   strings and comments of Python files also a moved module of a subpackage named without the prefix
   (`merge.status.standing` -> `summary.status.standing`).

After merging a branch made before the reorganisation: where git reports a conflict in a block of
imports, keep both sides, run this script, then remove the duplicate lines it leaves; files a
branch added at the package root or at tests/ stay where they are (tests/test_house.py fails for
a new module at the package root: give it its subpackage and a line in the map).

Prints every file it changed and every import it could not resolve (look at those by hand). Exit 0.
"""
from __future__ import annotations

import argparse
import ast
import os
import re
import sys
from pathlib import Path

TEXT_SUFFIXES = {".py", ".md", ".bas", ".cls", ".frm", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".rst",
                 ".sh", ".tsv", ".json", ".conf", ""}
SKIP_DIRS = {".git", "__pycache__", ".venv", "venv", "build", "dist", ".mypy_cache", ".pytest_cache", "node_modules",
             ".hypothesis", "site-packages"}
DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)")
PATHS = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.py)\b")


class Map:
    def __init__(self, path: Path):
        self.modules: dict[str, str] = {}  # old dotted module -> new dotted module
        self.symbols: dict[tuple[str, str], tuple[str, str]] = {}  # (old module, name) -> (new module, name)
        self.files: dict[str, str] = {}  # old path -> new path (relative to the tree)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            try:
                old, new = (part.strip() for part in line.split("\t"))
            except ValueError:
                sys.exit(f"{path}:{n}: expected 'old<TAB>new': {line!r}")
            if "/" in old:
                self.files[old] = new
            elif ":" in old:
                (om, on), (nm, nn) = old.split(":"), new.split(":")
                self.symbols[(om, on)] = (nm, nn)
            else:
                self.modules[old] = new
        for old, new in self.modules.items():
            self.files.setdefault(module_path(old), module_path(new))
        self.reverse = {new: old for old, new in self.modules.items()}
        # Idempotence: no new name may read as an old one.
        # (A name that moved out of a module that still exists is fine: `module:name` is no longer true.)
        for new in list(self.modules.values()) + [m for m, _ in self.symbols.values()]:
            for old in self.modules:
                if (new == old or new.startswith(old + ".")) and self.modules.get(old) != old:
                    sys.exit(f"map is ambiguous: new name {new} reads as old name {old}")
        for new in self.files.values():
            if new in self.files:
                sys.exit(f"map is ambiguous: new path {new} is also an old path")

    def module(self, name: str) -> str:
        """The new name of a dotted module name (longest moved prefix), unchanged when nothing moved."""
        bits = name.split(".")
        for i in range(len(bits), 0, -1):
            head = ".".join(bits[:i])
            if head in self.modules:
                return ".".join([self.modules[head]] + bits[i:])
        return name

    def dotted(self, text: str) -> str:
        """A dotted name in prose or code: module.Symbol first, then the module prefix."""
        bits = text.split(".")
        for i in range(len(bits) - 1, 0, -1):
            key = (".".join(bits[:i]), bits[i])
            if key in self.symbols:
                nm, nn = self.symbols[key]
                return ".".join([nm, nn] + bits[i + 1:])
        return self.module(text)


def module_path(name: str) -> str:
    return name.replace(".", "/") + ".py"


class Tree:
    def __init__(self, root: Path, mp: Map):
        self.root, self.map = root, mp
        self._names: dict[str, set[str] | None] = {}

    def file_of(self, module: str) -> Path | None:
        base = self.root / module.replace(".", "/")
        for candidate in (base.with_suffix(".py") if base.name else None, base / "__init__.py"):
            if candidate is not None and candidate.is_file():
                return candidate
        if base.is_dir() and any(base.glob("*.py")):  # a namespace package (tools/)
            return base
        return None

    def exists(self, module: str) -> bool:
        return self.file_of(module) is not None

    def defines(self, module: str, name: str) -> bool:
        """Whether `from module import name` works: a submodule, or a top-level name of the module."""
        if self.exists(f"{module}.{name}"):
            return True
        if module not in self._names:
            f = self.file_of(module)
            names: set[str] | None = set()
            if f is None or f.is_dir():
                names = set() if f is not None else None
            else:
                try:
                    tree = ast.parse(f.read_text(encoding="utf-8"))
                except (SyntaxError, UnicodeDecodeError, ValueError):
                    names = None
                else:
                    for node in tree.body:
                        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                            names.add(node.name)
                            if node.name == "__getattr__":
                                names = None
                                break
                        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                            for t in targets:
                                for sub in ast.walk(t):
                                    if isinstance(sub, ast.Name):
                                        names.add(sub.id)
                        elif isinstance(node, (ast.Import, ast.ImportFrom)):
                            for a in node.names:
                                names.add((a.asname or a.name).split(".")[0])
                        elif isinstance(node, (ast.If, ast.Try)):  # try: import tomllib / except: ...
                            for sub in ast.walk(node):
                                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                                    for a in sub.names:
                                        names.add((a.asname or a.name).split(".")[0])
                                elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
                                    names.add(sub.name)
                                elif isinstance(sub, ast.Assign):
                                    for t in sub.targets:
                                        if isinstance(t, ast.Name):
                                            names.add(t.id)
            self._names[module] = names
        names = self._names[module]
        return names is None or name in names  # None: cannot tell (dynamic module): trust it


def package_of(module: str, is_package: bool) -> list[str]:
    bits = module.split(".")
    return bits if is_package else bits[:-1]


def resolve(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    base = package_of(module, is_package)
    if level - 1 > len(base) - 1:
        return None
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def relative(from_module: str, is_package: bool, target: str) -> tuple[int, str]:
    """(level, rest) spelling `target` relative to `from_module`'s package."""
    base, bits = package_of(from_module, is_package), target.split(".")
    common = 0
    while common < min(len(base), len(bits)) and base[common] == bits[common]:
        common += 1
    return len(base) - common + 1, ".".join(bits[common:])


def module_name(root: Path, f: Path) -> tuple[str, bool] | None:
    rel = f.relative_to(root)
    if rel.parts[0] not in ("fullemp_xl", "tools"):
        return None
    bits = list(rel.with_suffix("").parts)
    is_package = bits[-1] == "__init__"
    if is_package:
        bits = bits[:-1]
    return ".".join(bits), is_package


class Rewriter:
    def __init__(self, tree: Tree, warnings: list[str]):
        self.tree, self.map, self.warnings = tree, tree.map, warnings

    def destinations(self, module: str, aliases, where: str) -> list[tuple[str, str, str | None]] | None:
        """[(new module, name, asname)] for `from module import aliases` (module is absolute, old or new)."""
        out = []
        for a in aliases:
            if a.name == "*":
                out.append((self.map.module(module), "*", None))
                continue
            full = f"{module}.{a.name}"
            moved_out = sorted(n for m, n in self.map.symbols if m == full)
            if moved_out:
                self.warnings.append(f"{where}: imports the module {full} whole; {', '.join(moved_out)} moved out of it: "
                                     "check its attribute uses")
            if full in self.map.modules:  # a module imported by name
                new = self.map.modules[full]
                parent, _, base = new.rpartition(".")
                asname = a.asname or (a.name if base != a.name else None)
                out.append((parent, base, asname))
            elif (module, a.name) in self.map.symbols:
                nm, nn = self.map.symbols[(module, a.name)]
                asname = a.asname or (a.name if nn != a.name else None)
                out.append((nm, nn, asname))
            else:
                out.append((self.map.module(module), a.name, a.asname))
        return out

    def statement(self, node, me: str | None, is_package: bool, moved_from: tuple[str, bool] | None, where: str) -> list[str] | None:
        """The new text of an ImportFrom (without indentation), one line per destination; None: leave it."""
        if node.level:
            if me is None:
                return None
            here = resolve(me, is_package, node.level, node.module)
            names_ok = here is not None and here != me and self.tree.exists(here) and all(
                a.name == "*" or self.tree.defines(here, a.name) for a in node.names)
            mapped = here is not None and (here in self.map.modules or any(
                (here, a.name) in self.map.symbols or f"{here}.{a.name}" in self.map.modules for a in node.names))
            if names_ok and not mapped:
                return None  # correct from where the file is now
            there = resolve(moved_from[0], moved_from[1], node.level, node.module) if moved_from else None
            # Written at the file's old place (another branch's line in a moved file), unless it reads
            # as a moved name from the new place.
            target = here if (names_ok or mapped or there is None) else there
            if target is None:
                self.warnings.append(f"{where}: cannot resolve relative import")
                return None
        else:
            target = node.module
        dests = self.destinations(target, node.names, where)
        groups: dict[str, list[tuple[str, str | None]]] = {}
        for module, name, asname in dests:
            groups.setdefault(module, []).append((name, asname))
        if list(groups) == [target] and all(n == a.name and s == a.asname for (n, s), a in zip(groups[target], node.names)):
            if node.level and not (self.tree.exists(target)):
                self.warnings.append(f"{where}: import of {target}, which does not exist")
            elif not node.level and target.split(".")[0] in ("fullemp_xl", "tools") and not self.tree.exists(target):
                self.warnings.append(f"{where}: import of {target}, which does not exist")
            if not node.level:
                return None
            # A relative import that only made sense from the old place: respell it from the new one.
        lines = []
        for module, names in groups.items():
            if node.level and me is not None and module.split(".")[0] == me.split(".")[0]:
                level, rest = relative(me, is_package, module)
                source = "." * level + rest
            else:
                source = module
            if not self.tree.exists(module) and module.split(".")[0] in ("fullemp_xl", "tools"):
                self.warnings.append(f"{where}: import of {module}, which does not exist")
            spelled = ", ".join(f"{n} as {s}" if s and s != n else n for n, s in names)
            lines.append(f"from {source} import {spelled}")
        return lines


def rewrite_python(path: Path, text: str, rw: Rewriter, root: Path) -> str:
    named = module_name(root, path)
    me, is_package = named if named else (None, False)
    moved_from = None  # (old module name, old is-package) when the file came from elsewhere
    if me is not None and me in rw.map.reverse:
        moved_from = (rw.map.reverse[me], is_package)
    elif me is not None:
        rel = path.relative_to(root).as_posix()
        for old, new in rw.map.files.items():
            if new == rel and old.endswith(".py"):
                old_named = module_name(root, root / old)
                if old_named and old_named != (me, is_package):
                    moved_from = old_named
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as e:
        rw.warnings.append(f"{path.relative_to(root)}: not valid Python ({e.__class__.__name__}), imports left as they are")
        return text
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                moved_out = sorted(n for m, n in rw.map.symbols if m == alias.name)
                if moved_out:
                    rw.warnings.append(f"{path.relative_to(root)}:{node.lineno}: imports the module {alias.name} whole; "
                                       f"{', '.join(moved_out)} moved out of it: check its attribute uses")
        if not isinstance(node, ast.ImportFrom):
            continue
        where = f"{path.relative_to(root)}:{node.lineno}"
        if not node.level and not (node.module or "").split(".")[0] in {m.split(".")[0] for m in rw.map.modules} | {
                m for m, _ in rw.map.symbols}:
            continue
        new = rw.statement(node, me, is_package, moved_from, where)
        if new is None:
            continue
        first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
        indent = first[: len(first) - len(first.lstrip())]
        if first[node.col_offset:].lstrip() != first.lstrip() or last[node.end_col_offset:].strip().split("#")[0].strip():
            rw.warnings.append(f"{where}: import shares its line with other code, left as it is")
            continue
        comment = last[node.end_col_offset:].rstrip("\r\n")
        eol = "\r\n" if last.endswith("\r\n") else "\n"
        if len(new) == 1 and node.end_lineno > node.lineno and "(" in first:
            # Keep a parenthesised list as it is laid out: respell the module only.
            head = re.match(r"(\s*from\s+)(\S+)(\s+import\b)", first)
            src = new[0].split()[1]
            if head:
                names_now = [a for a in new[0].split(" import ", 1)[1].split(", ")]
                old_names = [f"{a.name} as {a.asname}" if a.asname else a.name for a in node.names]
                if names_now == old_names:
                    edits.append((node.lineno - 1, node.lineno, [head.group(1) + src + first[head.end(2):]]))
                    continue
        out = [indent + line + (comment if i == 0 else "") + eol for i, line in enumerate(new)]
        edits.append((node.lineno - 1, node.end_lineno, out))
    for start, end, out in sorted(edits, reverse=True):
        lines[start:end] = out
    return "".join(lines)


def rewrite_text(text: str, rw: Rewriter, python: bool) -> str:
    mp = rw.map
    tops = {m.split(".")[0] for m in mp.modules} | {m.split(".")[0] for m, _ in mp.symbols}

    def import_line(m: re.Match) -> str:
        indent, stmt = m.group(1), m.group(2)
        try:
            node = ast.parse(stmt.strip()).body[0]
        except (SyntaxError, IndexError, ValueError):
            return m.group(0)
        if not isinstance(node, ast.ImportFrom) or node.level or (node.module or "").split(".")[0] not in tops:
            return m.group(0)
        new = rw.statement(node, None, False, None, "(text)")
        if new is None:
            return m.group(0)
        return "\n".join(indent + line for line in new)

    if not python:  # import lines inside documentation (Python files: the AST pass did them)
        text = re.sub(r"(?m)^([ \t>]*(?:[$#]\s*)?(?:python3? -c [\"'])?)(from [\w.]+ import [\w, ]+)$", import_line, text)

    def dotted(m: re.Match) -> str:
        name = m.group(1)
        return mp.dotted(name) if name.split(".")[0] in tops else name

    text = DOTTED.sub(dotted, text)

    def path(m: re.Match) -> str:
        p = m.group(1)
        for prefix in ("", "./"):
            if p.startswith(prefix) and p[len(prefix):] in mp.files:
                return prefix + mp.files[p[len(prefix):]]
        return p

    return PATHS.sub(path, text)


def short_names(text: str, mp: Map, python: bool) -> str:
    """`merge.status.standing`, `forms.build_lists.X` in prose (docstrings, comments, Markdown): a moved module of a
    subpackage named without the `fullemp_xl.` prefix. In Python files only inside strings and comments."""
    heads = {}
    for old, new in mp.modules.items():
        bits = old.split(".")
        if len(bits) == 3 and bits[0] == "fullemp_xl" and new.startswith("fullemp_xl."):
            heads[".".join(bits[1:])] = new[len("fullemp_xl."):]
    if not heads:
        return text
    pattern = re.compile(r"(?<![\w./])(" + "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True)) + r")(?![\w])")

    def sub(chunk: str) -> str:
        return pattern.sub(lambda m: heads[m.group(1)], chunk)

    if not python:
        return sub(text)
    import io
    import tokenize
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return text
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    out, last = [], 0
    for tok in tokens:
        if tok.type not in (tokenize.STRING, tokenize.COMMENT):
            continue
        start = offsets[tok.start[0] - 1] + tok.start[1]
        end = offsets[tok.end[0] - 1] + tok.end[1]
        out.append(text[last:start])
        out.append(sub(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def move_files(root: Path, mp: Map, dry: bool, warnings: list[str]) -> None:
    for old, new in sorted(mp.files.items()):
        src, dst = root / old, root / new
        if src.is_file() and not dst.exists():
            print(f"moved: {old} -> {new}")
            if not dry:
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
                init = dst.parent / "__init__.py"
                if new.startswith("fullemp_xl/") and dst.suffix == ".py" and not init.exists():
                    init.write_text("", encoding="utf-8")
        elif src.is_file() and dst.exists() and old != new:
            warnings.append(f"{old} and {new} both exist: merge them by hand")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--map", type=Path, default=Path(__file__).with_name("reorg-map.tsv"))
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    root = args.tree.resolve()
    mp = Map(args.map)
    warnings: list[str] = []
    move_files(root, mp, args.dry_run, warnings)
    rw = Rewriter(Tree(root, mp), warnings)
    me = {Path(__file__).resolve(), args.map.resolve()}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for fn in filenames:
            f = Path(dirpath) / fn
            if f.resolve() in me or f.suffix not in TEXT_SUFFIXES or f.name.startswith("reorg-map") or \
                    f.name == "apply-reorg-map.py":
                continue
            if f.suffix == "" and f.parent.name not in (".ci", "bin", "bench", "tools"):
                continue
            try:
                text = f.read_bytes().decode("utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            new = text
            if f.suffix == ".py":
                new = rewrite_python(f, new, rw, root)
            new = rewrite_text(new, rw, python=f.suffix == ".py")
            if f.suffix in (".py", ".md"):
                new = short_names(new, mp, python=f.suffix == ".py")
            if new != text:
                print(f"rewrote: {f.relative_to(root)}")
                if not args.dry_run:
                    f.write_bytes(new.encode("utf-8"))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
