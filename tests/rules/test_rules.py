"""Rule sets as data: the shipped one loads cleanly, malformed ones are rejected with a precise message."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from fullemp_xl.rules import RuleSetError, builtin_ids, load_ruleset
from fullemp_xl.engine.limits import check_file
from fullemp_xl.rules.kinds import PART_KINDS
from fullemp_xl.rules.loader import builtin_path

SOURCES = Path(__file__).resolve().parents[2] / "docs" / "sources"
SEED = SOURCES / "zhangye-2023-181.txt"


def variant(tmp_path: Path, old: str, new: str, *, count: int = 1) -> Path:
    text = builtin_path("zhangye-2023").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "variant.toml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def errors(path: Path) -> list[str]:
    return [str(p) for p in check_file(path) if p.severity == "error"]


def test_builtin_rule_sets_check_clean():
    assert "zhangye-2023" in builtin_ids()
    for rule_id in builtin_ids():
        assert [p for p in check_file(builtin_path(rule_id)) if p.severity == "error"] == []


def test_texts_are_verbatim_from_the_seed(zhangye):
    seed = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    for item in zhangye.items:
        assert re.sub(r"\s+", "", item.criteria) in seed, item.id
        for clause in re.split(r"[①②③④]", item.content):
            assert re.sub(r"\s+", "", clause) in seed, (item.id, clause)


def test_unknown_rule_kind_names_file_item_and_kind(tmp_path):
    path = variant(tmp_path, '{ kind = "per_unit", points = 3, fact = "unemployed_unregistered"',
                   '{ kind = "per_person", points = 3, fact = "unemployed_unregistered"')
    [message] = errors(path)
    assert "variant.toml" in message and "序号 3.2" in message and "per_person" in message
    assert all(kind in message for kind in PART_KINDS)


def test_points_not_adding_up(tmp_path):
    path = variant(tmp_path, 'points = 4\nparts = [', 'points = 5\nparts = [')
    found = errors(path)
    assert any("服务工作标准" in m and "41" in m for m in found)
    assert any("序号 3.5" in m and "与标准分5分不符" in m for m in found)


def test_section_total_must_be_100(tmp_path):
    path = variant(tmp_path, 'title = "其他评价标准"\npoints = 15', 'title = "其他评价标准"\npoints = 20')
    found = errors(path)
    assert any("不等于总分100分" in m for m in found)


def test_reference_to_missing_base_data(tmp_path):
    path = variant(tmp_path, 'fact = "ledgers_missing", reason', 'fact = "ledger_gaps", reason')
    found = errors(path)
    assert any("序号 2" in m and "ledger_gaps" in m and "不存在的基础数据" in m for m in found)


def test_reference_to_missing_rate_and_condition(tmp_path):
    path = variant(tmp_path, 'rate = "reemployment", op', 'rate = "re_employment", op')
    assert any("re_employment" in m and "不存在的比率" in m for m in errors(path))
    path = variant(tmp_path, 'require = "hall"\n', 'require = "lobby"\n')
    assert any("lobby" in m and "未定义的条件" in m for m in errors(path))


def test_reason_placeholders_are_limited(tmp_path):
    path = variant(tmp_path, "缺少或未及时更新台账{n}种", "缺少或未及时更新台账{n.__class__}种")
    [message] = errors(path)
    assert "{n.__class__}" in message and "序号 2" in message


def test_syntax_error_is_reported_not_raised(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[ruleset]\nid = "x\n', encoding="utf-8")
    [problem] = check_file(path)
    assert "TOML 语法错误" in problem.message and problem.file == "broken.toml"


def test_load_raises_with_every_problem(tmp_path):
    path = variant(tmp_path, 'kind = "veto"', 'kind = "zero"', count=2)
    with pytest.raises(RuleSetError) as info:
        load_ruleset(path)
    assert len(info.value.problems) >= 2


def test_flag_cannot_be_compared(tmp_path):
    path = variant(tmp_path, 'require = { fact = "reports_ok" }', 'require = { fact = "reports_ok", op = ">=", value = 1 }')
    assert any("是/否事实，不能比较大小" in m for m in errors(path))


def test_unused_fact_is_a_warning(tmp_path):
    path = variant(tmp_path, "[facts.service_hall]", '[facts.spare]\nlabel = "备用"\ntype = "count"\n\n[facts.service_hall]')
    problems = check_file(path)
    assert [p.severity for p in problems if "spare" in p.key] == ["warning"]
    assert not errors(path)


def test_unknown_rule_set_id():
    with pytest.raises(RuleSetError) as info:
        load_ruleset("nowhere-2020")
    assert "zhangye-2023" in str(info.value)


def test_qiqihar_titles_and_monitor_are_from_its_source():
    """The 齐齐哈尔 rule set's own parts (levels, the monthly monitor) against docs/sources, in every clone."""
    source = re.sub(r"\s+", "", (SOURCES / "qiqihar-2022.txt").read_text(encoding="utf-8"))
    rs = load_ruleset("qiqihar-2022")
    for title in rs.levels.titles:
        assert title in source, title
    assert f"确保就业率达到{rs.monitor.percent}" in source and rs.monitor.employed_label in source
    for band in rs.levels.bands:
        assert f"{band.min}分" in source, band.min
