"""More than fifty kinds of bad and hostile input, built as real files and run through every command
that reads them, each run in a child process with limited memory.

For every command: the documented exit code, a Chinese message (a word saying what was wrong where
the kind names one), no traceback, no internal error, no English error text, bounded memory,
nothing changed in any input and no file left behind (no temporary file, no output after a refusal).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from hostile import KINDS, Base, commands, make_base, run_limited
from lo_oracle import require_soffice

MEMORY_LIMIT_MIB = 1024  # the child's address space: a reader that tried to allocate per cell would hit it
PEAK_BOUND_MIB = 400  # what any of these inputs may cost
RULE_ID = re.compile(r"\[[a-z_]+\.[a-z_.]+\]")  # a finding's rule id, e.g. [value.invalid]
SLOW = {"too-many-cells", "too-many-rows"}  # each takes half a minute or more on a busy machine
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"\b(?:the|is|are|not|does|invalid|error|errno|exception|traceback|warning|file|directory)\b", re.I)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    return make_base(tmp_path_factory.mktemp("base"))


@pytest.fixture(scope="module")
def available() -> set[str]:
    from fullemp_xl.cli import cli

    return set(cli.list_commands(None))


def fingerprint(paths) -> dict[str, tuple]:
    out = {}
    for path in paths:
        path = Path(path)
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            out[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mode, st.st_mtime_ns)
    return out


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if not p.is_dir()}


def test_the_corpus_is_large_enough():
    assert len(KINDS) >= 40 and len({k.name for k in KINDS}) == len(KINDS)


@pytest.mark.parametrize("kind", [pytest.param(k, marks=[pytest.mark.libreoffice] * k.soffice + [pytest.mark.slow] * (k.name in SLOW))
                                  for k in KINDS],
                         ids=[k.name for k in KINDS])
def test_hostile_input(kind, base, available, tmp_path):
    if kind.soffice:
        require_soffice()
    suffix = ".toml" if kind.role == "rules" else ".xlsx"
    x = kind.build(base, tmp_path / f"{kind.name}{suffix}")
    out = tmp_path / "out"
    cmds = commands(kind, x, base, out, available)
    inputs = [x, base.form, base.ledger, base.registry, base.plain]
    before, base_files, own_files = fingerprint(inputs), files_under(base.folder), files_under(tmp_path)

    results = run_limited(list(cmds.values()), MEMORY_LIMIT_MIB)

    shown_path = re.compile("(?:" + re.escape(str(tmp_path)) + "|" + re.escape(str(base.folder)) + r")[^\s：，。（）“”]*")
    for (name, argv), r in zip(cmds.items(), results):
        said = r["stdout"] + r["stderr"]
        words = RULE_ID.sub("", shown_path.sub("", said))
        context = f"{kind.name} / {name}: {' '.join(argv)}\n{said[:2000]}"
        assert not r["crashed"], context + r["crashed"]
        assert r["code"] == kind.code(name), context
        assert "Traceback" not in said and "程序内部错误" not in said and "内存不足" not in said, context
        assert CJK.search(words), context
        assert not ENGLISH.search(words), context
        if r["code"] == 2:
            assert r["stderr"].startswith(("错误：", "用法错误：")), context
            assert not [p for p in files_under(out / name)] if (out / name).exists() else True, context
        if kind.must_say(name) and r["code"] != 0:
            assert kind.must_say(name) in said, context
        assert r["peak_mib"] < PEAK_BOUND_MIB, context
    assert fingerprint(inputs) == before, "an input was changed"
    assert files_under(base.folder) == base_files
    left = {p for p in files_under(tmp_path) - own_files if "/out/" not in str(p)}
    assert not left, f"files left behind: {left}"
    hidden = [p for p in files_under(tmp_path) if p.name.startswith(".") or ".tmp" in p.name]
    assert not hidden, f"temporary files left behind: {hidden}"
