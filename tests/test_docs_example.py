"""The worked example in docs/rules.md is a real rule set: it loads, builds, scores, and matches LibreOffice."""
from __future__ import annotations

import re

import openpyxl

from conftest import ROOT, make_assessment
from fullemp_xl import api
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.rules import check_file, load_ruleset
from lo_oracle import recalculate, require_soffice


def example(tmp_path):
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    [toml] = [block for block in re.findall(r"```toml\n(.*?)```", doc, re.S) if "[ruleset]" in block]
    path = tmp_path / "example.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def test_worked_example_scores_and_agrees_with_libreoffice(tmp_path):
    path = example(tmp_path)
    assert [p for p in check_file(path) if p.severity == "error"] == []
    rs = load_ruleset(path)
    good = {"service_hall": True, "unemployed": 10, "reemployed": 8, "unregistered": 1}
    form = make_assessment(tmp_path / "k.xlsx", rs, {"self": good, "assessed": {**good, "reemployed": 7}})
    card = api.score_file(form, rules=str(path))
    assert [s.total for s in card.stages] == [95, 75]
    assert card.stages[0].decision.level == "市级充分就业社区"
    assert card.stages[1].decision.level == "不予认定"
    require_soffice()
    [out] = recalculate([form], tmp_path / "lo")
    wb = openpyxl.load_workbook(out, data_only=True)
    book = OpenpyxlBook(wb)
    for stage, total, level in (("self", 95, "市级充分就业社区"), ("assessed", 75, "不予认定")):
        loc = locate(book, names.total(stage))
        assert wb[loc.sheet][loc.cell].value == total
        loc = locate(book, names.level(stage))
        assert wb[loc.sheet][loc.cell].value == level
