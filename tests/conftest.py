"""Shared fixtures: the rule set, base data that meets every standard, and template files on disk."""
from __future__ import annotations

import ast

import os

# xlwings registers its PRO engines at import time: the key must be set before any import of it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# Rule sets installed by tests (`fullemp rules install`) go to a folder of their own, never the user's.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

os.environ["FULLEMP_RULES_DIR"] = tempfile.mkdtemp(prefix="fullemp-rules-")
atexit.register(shutil.rmtree, os.environ["FULLEMP_RULES_DIR"], True)

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.builder.lists import FIRST_DATA_ROW, build_registry
from fullemp_xl.forms.fill import assessment_values, fill_form
from fullemp_xl.rules import load_ruleset

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # bench/corpus.py makes realistic submissions for tests and benches alike
# tests follow the house (tests/<package>/): a test module that borrows another's helpers (`from test_merge import
# submission`) finds it whichever files pytest was asked to run; test file names are unique across the folders
for _folder in sorted(p for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name.isidentifier()):
    if str(_folder) not in sys.path:
        sys.path.append(str(_folder))


# ---------------------------------------------------------------- the command line as a user runs it
def run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def fill_key(fill):
    return (fill.patternType, fill.fgColor.type, fill.fgColor.value, fill.bgColor.type, fill.bgColor.value)


def cell(path: Path, name: str, *, data_only=False):
    wb = openpyxl.load_workbook(path, data_only=data_only)
    loc = locate(OpenpyxlBook(wb), name)
    return wb[loc.sheet][loc.cell]


@pytest.fixture(scope="session")
def zhangye():
    return load_ruleset("zhangye-2023")


def good_values() -> dict:
    """The demo's [base]: a community that meets every standard of 张掖 2023 (100 points)."""
    text = (ROOT / "fullemp_xl" / "samples" / "demo.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text)["base"])


@pytest.fixture
def good():
    return good_values()


IDENTITY = {"县（区）": "甘州区", "街道（乡镇）": "东街街道", "社区": "南关社区"}


def make_assessment(path: Path, ruleset, stages: dict, identity=IDENTITY, prior=("", None)) -> Path:
    """A real 考评表 file built by our code and filled through the defined names."""
    book = OpenpyxlBook(build_assessment(ruleset), path.name)
    fill_form(book, assessment_values(ruleset, identity, stages, *prior))
    book.wb.save(path)
    return path


@pytest.fixture(scope="session")
def filled_once(tmp_path_factory, zhangye):
    """`filled`'s file, built once per test process (a build costs a fifth of a second); never handed to a test."""
    good = good_values()
    return make_assessment(tmp_path_factory.mktemp("filled") / "考评表.xlsx", zhangye, {"self": dict(good), "assessed": dict(good)})


@pytest.fixture
def filled(tmp_path, filled_once):
    """A 考评表 with both stages filled with full-marks data: each test's own copy, in its own tmp_path."""
    path = tmp_path / "考评表.xlsx"
    shutil.copyfile(filled_once, path)
    return path


@pytest.fixture
def declaration(tmp_path, zhangye):
    path = tmp_path / "申报表.xlsx"
    build_declaration(zhangye).save(path)
    return path


# ---------------------------------------------------------------- reading `score --format json` (fullemp.score/2)
def totals(data: dict) -> dict:
    """stage id -> total of a score document."""
    return {s["stage"]: s["total"] for s in data["stages"]}


def item_scores(data: dict, item_id: str) -> dict:
    """stage id -> (score, reasons) of one item of a score document."""
    item = next(i for i in data["items"] if i["id"] == item_id)
    return {s["stage"]: (s["score"], s["reasons"]) for s in item["scores"]}


# ---------------------------------------------------------------- the long tests first
def pytest_collection_modifyitems(items):
    """Modules with a test marked slow first, then those that start LibreOffice, then the rest; each module's own
    order kept (its module fixtures are built once). pytest-xdist (--dist loadgroup) hands out the xdist_group
    modules first and then the single tests in this order, a few at a time to whichever worker is free: a long test
    handed out last keeps one worker busy at the end while the other has nothing left to do."""
    modules: dict[str, list] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)

    def rank(tests) -> int:
        marks = {mark.name for item in tests for mark in item.iter_markers()}
        return 0 if "slow" in marks else 1 if "libreoffice" in marks else 2

    items[:] = [item for tests in sorted(modules.values(), key=rank) for item in tests]


# ---------------------------------------------------------------- what LibreOffice did not check (never silently)
NOT_CHECKED: dict[str, tuple[str, list[str]]] = {}  # test file -> (what it checks, the tests skipped for want of soffice)


def pytest_runtest_logreport(report):
    """Collect the tests skipped for want of soffice. A report hook, not an item hook: with pytest-xdist the
    reports reach the controlling process, which prints the summary (an item hook runs only in the workers)."""
    from lo_oracle import SOFFICE_MISSING

    if report.skipped and SOFFICE_MISSING in str(report.longrepr):
        path = report.location[0]
        if path not in NOT_CHECKED:
            module = ast.parse((ROOT / path).read_text(encoding="utf-8"))
            doc = ((ast.get_docstring(module) or "").strip().splitlines() or [""])[0]
            NOT_CHECKED[path] = (doc, [])
        NOT_CHECKED[path][1].append(report.location[2])


def pytest_terminal_summary(terminalreporter):
    """Outside CI a missing LibreOffice skips its tests: say at the end, in red, what they did not check."""
    if not NOT_CHECKED:
        return
    tr = terminalreporter
    count = sum(len(names) for _, names in NOT_CHECKED.values())
    tr.section("未经 LibreOffice 核对 / NOT CHECKED against LibreOffice", sep="!", red=True, bold=True)
    tr.write_line(f"没有 soffice：{count} 个测试没有运行，下面这些内容这次没有核对（tests/engine/test_formula_sanity.py 只查公式的"
                  f"写法，不查算出的结果）/ {count} tests skipped, nothing below was checked:", red=True, bold=True)
    for location, (doc, names) in sorted(NOT_CHECKED.items()):
        tr.write_line(f"  {location}（{len(names)} 个）：{doc}", red=True)
    tr.write_line("安装 LibreOffice：apt-get install libreoffice-calc-nogui fonts-noto-cjk；在 CI（设置了 CI）里缺少 soffice 是失败。",
                  red=True)
# ---------------------------------------------------------------- forms and registries on disk
def value(path, name):
    wb = openpyxl.load_workbook(path)
    loc = locate(OpenpyxlBook(wb), name)
    return wb[loc.sheet][loc.cell].value
def write_registry(path, ruleset, rows):
    wb = build_registry(ruleset)
    ws = wb["社区名册"]
    for k, row in enumerate(rows):
        for j, v in enumerate(row, start=1):
            ws.cell(FIRST_DATA_ROW + k, j, v)
    wb.save(path)
    return path

