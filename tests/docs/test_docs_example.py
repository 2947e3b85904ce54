"""The worked example in docs/rules.md is a real rule set: it loads, builds, scores, and matches LibreOffice."""
from __future__ import annotations

import re
from fractions import Fraction

import openpyxl
import pytest

from conftest import ROOT, make_assessment
from fullemp_xl import api
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.engine.limits import check_file
from fullemp_xl.rules import load_ruleset
from fullemp_xl.rules.kinds import PART_KINDS, PLACEHOLDERS
from fullemp_xl.engine.scoring import score_item
from lo_oracle import recalculate, require_soffice


def example(tmp_path):
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    [toml] = [block for block in re.findall(r"```toml\n(.*?)```", doc, re.S) if "[ruleset]" in block]
    path = tmp_path / "example.toml"
    path.write_text(toml, encoding="utf-8")
    return path


@pytest.mark.libreoffice
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


SKELETON = '''[ruleset]
id = "doc-example"
version = "1.0"
name = "例"
jurisdiction = "例"
year = 2025
source = "docs/rules.md"
total = {points}

[[stages]]
id = "self"
label = "自评"

[levels]
titles = ["市级充分就业社区"]

[[levels.bands]]
min = 0
title = "市级充分就业社区"

[[sections]]
id = "1"
title = "例"
points = {points}

'''
CASE = re.compile(r"^# 算例：(.+?) → ([\d.]+)分(?:，扣分说明：(.+))?$", re.M)


def kind_examples():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    return [block for block in re.findall(r"```toml\n(.*?)```", doc, re.S) if block.startswith("# 例：")]


def parse_values(text: str) -> dict:
    out = {}
    for pair in text.split("，"):
        key, raw = (p.strip() for p in pair.split("="))
        out[key] = {"是": True, "否": False}.get(raw, None)
        if out[key] is None:
            out[key] = int(raw)
    return out


@pytest.mark.parametrize("block", kind_examples(), ids=lambda b: b.splitlines()[0][4:])
def test_every_kind_example_in_the_docs_scores_as_written(tmp_path, block):
    """Each rule kind's worked example: the rule set checks clean and each 算例 line is what the engine says."""
    points = re.search(r"^points = ([\d.]+)$", block, re.M).group(1)
    path = tmp_path / "example.toml"
    path.write_text(SKELETON.format(points=points) + block, encoding="utf-8")
    assert [str(p) for p in check_file(path) if p.severity == "error"] == []
    rs = load_ruleset(path)
    cases = CASE.findall(block)
    assert len(cases) >= 2
    for values, score, reasons in cases:
        result = score_item(rs.items[0], parse_values(values), rs)
        assert result.score == Fraction(score), (values, result)
        assert "；".join(result.reasons) == reasons, (values, result.reasons)


def test_the_docs_show_every_kind_and_every_placeholder():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    heads = " ".join(b.splitlines()[0] for b in kind_examples())
    shown = {kind for kind in PART_KINDS if re.search(rf"\b{kind}\b", heads)}
    assert shown == set(PART_KINDS), set(PART_KINDS) - shown
    for field in PLACEHOLDERS:
        assert f"`{{{field}}}`" in doc, field
    assert "写你所在城市的规则集" in doc and "rules install" in doc


EXTRA_SKELETON = SKELETON.format(points=100) + '''[[sections.items]]
id = "1"
content = "前面各计分部分（算例中的 base_score 即基础得分）。"
criteria = "每分得1分。"
points = 100
parts = [{ kind = "per_unit_award", points = 1, fact = "base_score", max = 100, reason = "基础得分{n}分" }]

[facts.base_score]
label = "基础得分"
type = "count"

'''
EXTRA_CASE = re.compile(r"^# 算例：(.+?) → 基础得分([\d.]+)分，(加分|扣分)([\d.]+)分，总得分([\d.]+)分"
                        r"(?:，(未加分|扣分项)：(.+))?$", re.M)


def extra_examples():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    return [block for block in re.findall(r"```toml\n(.*?)```", doc, re.S) if block.startswith("# 例（满分之外）：")]


@pytest.mark.parametrize("block", extra_examples(), ids=lambda b: b.splitlines()[0])
def test_bonus_and_penalty_examples_in_the_docs_score_as_written(tmp_path, block):
    """加分项 and 扣分项: each 算例 is the engine's 基础得分, 加分 or 扣分, 总得分 and the opinion's wording."""
    from fullemp_xl.assess.pipeline import opinion_text
    from fullemp_xl.engine.scoring import score_stage

    path = tmp_path / "example.toml"
    path.write_text(EXTRA_SKELETON + block, encoding="utf-8")
    assert [str(p) for p in check_file(path) if p.severity == "error"] == []
    rs = load_ruleset(path)
    cases = EXTRA_CASE.findall(block)
    assert len(cases) >= 3 and len(cases) == block.count("# 算例：")
    for values, base, which, amount, total, head, reasons in cases:
        result = score_stage(rs, "self", parse_values(values))
        assert result.base == Fraction(base), values
        assert (result.bonus if which == "加分" else result.penalty) == Fraction(amount), values
        assert result.total == Fraction(total), values
        listed = re.search(r"。(未加分|扣分项)：([^。]*)", opinion_text(result, rs))
        assert (listed.groups() if listed else ("", "")) == (head, reasons), values
    assert extra_examples(), "docs/rules.md shows 加分项 and 扣分项"
