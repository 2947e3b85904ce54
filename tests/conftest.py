"""Shared fixtures: the rule set, base data that meets every standard, and template files on disk."""
from __future__ import annotations

import os

# xlwings registers its PRO engines at import time: the key must be set before any import of it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# Rule sets installed by tests (`fullemp rules install`) go to a folder of their own, never the user's.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

os.environ["FULLEMP_RULES_DIR"] = tempfile.mkdtemp(prefix="fullemp-rules-")
atexit.register(shutil.rmtree, os.environ["FULLEMP_RULES_DIR"], True)

import sys
from pathlib import Path

import pytest

from fullemp_xl.forms.book import OpenpyxlBook
from fullemp_xl.forms.build import build_assessment, build_declaration
from fullemp_xl.forms.fill import assessment_values, fill_form
from fullemp_xl.rules import load_ruleset

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # bench/corpus.py makes realistic submissions for tests and benches alike


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


@pytest.fixture
def filled(tmp_path, zhangye, good):
    """A 考评表 with both stages filled with full-marks data."""
    return make_assessment(tmp_path / "考评表.xlsx", zhangye, {"self": dict(good), "assessed": dict(good)})


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
