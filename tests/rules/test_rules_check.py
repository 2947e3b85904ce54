"""`fullemp rules check` refuses every broken rule set of a list, naming the item and saying what to change.

Each case takes a rule set that checks clean (tests/rulesets/other-city-150.toml, which uses every new
rule kind) or zhangye-2023, breaks one thing the way a county IT person might, and asserts the error
names the place (序号 or key) and says something a person can act on.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from fullemp_xl.engine.limits import check_file
from fullemp_xl.rules import load_ruleset
from fullemp_xl.rules.loader import builtin_path

OTHER = ROOT / "tests" / "rulesets" / "other-city-150.toml"


def broken(tmp_path: Path, old: str, new: str, base: Path = OTHER) -> Path:
    text = base.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def errors(path: Path) -> list[str]:
    return [str(p) for p in check_file(path) if p.severity == "error"]


def test_the_bases_check_clean():
    assert errors(OTHER) == [] and errors(builtin_path("zhangye-2023")) == []


ZHANGYE = builtin_path("zhangye-2023")
CASES = {
    "bands in the wrong order (a band never reached)": (
        '{ op = ">", percent = 90, points = 5 },\n    { op = ">=", percent = 80, points = 3 },',
        '{ op = ">=", percent = 80, points = 3 },\n    { op = ">", percent = 90, points = 5 },',
        ZHANGYE, ["序号 4.1", "永远轮不到", "由高到低"]),
    "bands whose points rise as the threshold falls": (
        '{ op = ">=", percent = 100, points = 15 },', '{ op = ">=", percent = 100, points = 19 },\n'
        '    { op = ">=", percent = 90, points = 20 },', OTHER, ["序号 2.2", "分数应越低"]),
    "bands mixing directions": (
        '{ op = ">=", percent = 80, points = 12 },', '{ op = "<=", percent = 80, points = 12 },',
        OTHER, ["序号 3.3", "比较方向应一致"]),
    "negative points per unit": (
        'kind = "per_unit", points = 1.5', 'kind = "per_unit", points = -1.5', OTHER,
        ["序号 1.2", "应大于0", "扣分写正数"]),
    "negative deduction": (
        '{ kind = "deduct", points = 5, require = { fact = "reports_ok" }',
        '{ kind = "deduct", points = -5, require = { fact = "reports_ok" }', ZHANGYE, ["序号 2", "应大于0"]),
    "per-unit award without a cap": (
        'kind = "per_unit_award", points = 1, fact = "helped", max = 30,',
        'kind = "per_unit_award", points = 1, fact = "helped",', OTHER, ["序号 2.1", "max"]),
    "cap below one unit": (
        'kind = "per_unit_award", points = 0.5, fact = "visits", max = 10',
        'kind = "per_unit_award", points = 12, fact = "visits", max = 10', OTHER, ["序号 3.1", "一人就超过封顶"]),
    "cap above the item's 标准分": (
        'kind = "per_unit", points = 1.5, fact = "complaints", max = 6', 'kind = "per_unit", points = 1.5, fact = "complaints", max = 16',
        OTHER, ["序号 1.2", "超过本项标准分"]),
    "shortfall against itself": (
        'fact = "trained", target = "training_target"', 'fact = "trained", target = "trained"', OTHER,
        ["序号 2.3", "同一项基础数据"]),
    "shortfall without a target": (
        'fact = "trained", target = "training_target", ', 'fact = "trained", ', OTHER, ["序号 2.3", "target"]),
    "shortfall against a yes/no fact": (
        'fact = "trained", target = "training_target"', 'fact = "trained", target = "hall"', OTHER,
        ["序号 2.3", "只能用人数"]),
    "a placeholder the rule cannot fill": (
        'reason = "没有就业服务窗口，不得{points}分"', 'reason = "没有就业服务窗口{n}个，不得{points}分"', OTHER,
        ["序号 1.1", "{n}", "没有数可填", "{points}"]),
    "an unknown placeholder": (
        '少{short}人，扣{points}分"', '少{shortage}人，扣{points}分"', OTHER, ["序号 2.3", "{shortage}", "docs/rules.md"]),
    "a band above the item's 标准分": (
        '{ op = ">=", percent = 95, points = 20 },', '{ op = ">=", percent = 95, points = 25 },', OTHER,
        ["序号 3.3", "0 到本项标准分"]),
    "a rate percent over 100 that may not exceed": (
        '{ op = ">=", percent = 95, points = 20 },', '{ op = ">=", percent = 120, points = 20 },', OTHER,
        ["序号 3.3", "may_exceed"]),
    "a 其中 count of an unknown total": (
        'part_of = "disabled_total"', 'part_of = "disabled_all"', OTHER, ["facts.disabled_registered.part_of", "disabled_all"]),
    "a circle of 其中 counts": (
        '[facts.disabled_total]\nlabel = "辖区残疾人数"', '[facts.disabled_total]\npart_of = "disabled_registered"\nlabel = "辖区残疾人数"',
        OTHER, ["绕成了一个圈"]),
    "an over-fulfillable rate over a declared 其中": (
        'denominator = "disabled_total"\n', 'denominator = "disabled_total"\nmay_exceed = true\n', OTHER,
        ["rates.registration.may_exceed", "part_of"]),
    "a negative count threshold": (
        'require = { fact = "families_helped", op = ">=", value = 3 }', 'require = { fact = "families_helped", op = ">=", value = -3 }',
        OTHER, ["序号 3.2", "非负数"]),
    "points that do not add up to the 标准分": (
        '{ kind = "base", points = 20 },\n  { kind = "shortfall"', '{ kind = "base", points = 18 },\n  { kind = "shortfall"',
        OTHER, ["序号 3.4", "与标准分20分不符"]),
    "sections that do not add up to a non-100 total": (
        "total = 150", "total = 100", OTHER, ["不等于总分100分"]),
    "a level line above the total": (
        "min = 135", "min = 155", OTHER, ["levels.bands[1].min", "0 到 150"]),
    "a higher line keeping a lower title": (
        'min = 120\ntitle = "市级充分就业社区"\n\n[[levels.bands]]\nmin = 135\ntitle = "市级充分就业示范社区"',
        'min = 120\ntitle = "市级充分就业示范社区"\n\n[[levels.bands]]\nmin = 135\ntitle = "市级充分就业社区"', OTHER,
        ["levels.bands[1].title", "称号应越高"]),
    "points with five decimals": (
        "points = 0.5, fact", "points = 0.33333, fact", OTHER, ["序号 3.1", "4位小数"]),
    "a section id that cannot be a name": ('id = "3"\ntitle = "就业服务"', 'id = "3.0"\ntitle = "就业服务"', OTHER, ["sections[2].id"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rules_check_refuses(tmp_path, case):
    old, new, base, expected = CASES[case]
    found = errors(broken(tmp_path, old, new, base))
    assert found, f"{case}: accepted"
    assert any(all(text in message for text in expected) for message in found), (case, found)


def bands_item(count: int) -> str:
    rows = "\n".join(f'    {{ op = ">=", value = {count - k}, points = {(count - k) / count * 20:.4f} }},'
                     for k in range(count))
    return ('[[sections.items]]\nid = "2.1"\ncontent = "帮助失业人员实现再就业。"\ncriteria = "每帮助一人再就业得分"\npoints = 30\n'
            'parts = [\n  { kind = "base", points = 10 },\n  { kind = "bands", fact = "helped", reason = "扣{points}分", bands = [\n'
            f'{rows}\n  ] }},\n]\n')


def test_bands_written_as_per_unit_award_is_refused_with_advice(tmp_path):
    """The issue's case: 'each person 1 point, at most N' written as N bands nests N IFs deep."""
    text = OTHER.read_text(encoding="utf-8")
    start = text.index('[[sections.items]]\nid = "2.1"')
    end = text.index('[[sections.items]]\nid = "2.2"')
    path = tmp_path / "nested.toml"
    path.write_text(text[:start] + bands_item(100) + "\n" + text[end:], encoding="utf-8")
    [message] = [m for m in errors(path) if "嵌套" in m]
    assert "序号 2.1" in message and "64" in message and "per_unit_award" in message
    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", "rules", "check", str(path)], capture_output=True,
                          text=True, encoding="utf-8")
    assert proc.returncode == 1 and "序号 2.1" in proc.stdout and "Traceback" not in proc.stderr


def test_formula_length_and_argument_limits(tmp_path):
    many = ", ".join('{ fact = "helped", op = ">=", value = %d }' % k for k in range(600))
    path = broken(tmp_path, 'require = { fact = "hall" }, reason = "没有就业服务窗口',
                  f'require = {{ all = [{many}] }}, reason = "没有就业服务窗口')
    found = errors(path)
    assert any("序号 1.1" in m and "8192" in m for m in found), found
    assert any("序号 1.1" in m and "AND" in m and "600 个参数" in m for m in found), found


def test_load_refuses_what_check_refuses(tmp_path):
    path = broken(tmp_path, "points = 0.5, fact", "points = -0.5, fact")
    with pytest.raises(Exception) as info:
        load_ruleset(path)
    assert "序号 3.1" in str(info.value)


def test_cli_check_exit_codes(tmp_path):
    run = lambda p: subprocess.run([sys.executable, "-m", "fullemp_xl", "rules", "check", str(p)],  # noqa: E731
                                   capture_output=True, text=True, encoding="utf-8")
    good = run(OTHER)
    assert good.returncode == 0 and "检查通过" in good.stdout
    bad = run(broken(tmp_path, 'kind = "per_unit", points = 1.5', 'kind = "per_unit", points = -1.5'))
    assert bad.returncode == 1 and "序号 1.2" in bad.stdout and "1 个错误" in bad.stdout
