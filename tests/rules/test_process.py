"""Issue 19 (3): the rule set declares its review process ([[process]]), stage by stage, as its document names
the steps; `rules check` checks it, `rules show` shows it, and the summary's officials' columns follow from it."""
from __future__ import annotations

import json
import re

import jsonschema
import pytest

from conftest import ROOT, run
from fullemp_xl.core.jsondoc import schema
from fullemp_xl.rules import load_ruleset
from fullemp_xl.summary.columns import official_columns, official_headers


def steps(rs) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [(p.id, p.name, [(s.kind, s.name) for s in p.steps]) for p in rs.publication.process]


def test_zhangye_declares_article_six():
    """第六条（二）县区：初审打分和实地考察 → 公示 → 推荐；（三）市级：审核、考评、公示 → 认定；第七条：公告。"""
    rs = load_ruleset("zhangye-2023")
    assert steps(rs) == [
        ("county", "县区推荐", [("review", "初审"), ("inspection", "实地考察"), ("notice", "公示"), ("recommend", "推荐")]),
        ("city", "市级认定", [("review", "审核"), ("notice", "公示"), ("certify", "认定"), ("announce", "公告")])]
    assert [p.source for p in rs.publication.process] == ["第六条（二）", "第六条（三）、第七条"]
    assert rs.publication.stages == ("county", "city")  # who publishes a 公示 follows from the process
    assert [c.header for c in official_columns(rs)] == [
        "县区实地考察", "县区公示异议", "市级公示异议", "最终认定", "民政变动", "变更后名称", "备注"]
    assert official_headers(rs)["objection"] == "县区公示异议" and official_headers(rs)["city_objection"] == "市级公示异议"


def test_qiqihar_declares_its_own():
    """六（一）各县（市）区自评上报；六（二）市里实地考核，考核合格的评定……并进行公示：only the city's columns."""
    rs = load_ruleset("qiqihar-2022")
    assert steps(rs) == [
        ("county", "自评上报", [("report", "自评上报")]),
        ("city", "考核评定", [("inspection", "实地考核"), ("certify", "评定"), ("notice", "公示")])]
    assert rs.publication.stages == ("city",)
    assert [c.header for c in official_columns(rs)] == ["市级实地考核", "最终认定", "市级公示异议", "民政变动", "变更后名称", "备注"]
    assert official_headers(rs)["objection"] == "市级公示异议"  # the one 公示's result keeps its key
    assert "city_objection" not in official_headers(rs) and not any(c.header.startswith("县区") for c in official_columns(rs))


def test_a_rule_set_without_a_process_keeps_the_columns_it_had():
    """Rule sets written before [[process]]: 张掖's process by default (the county inspects and publishes)."""
    rs = load_ruleset(str(ROOT / "tests" / "rulesets" / "other-city-150.toml"))
    assert [s.kind for p in rs.publication.process for s in p.steps] == [
        "review", "inspection", "notice", "recommend", "review", "notice", "certify", "announce"]
    assert [c.key for c in official_columns(rs)] == ["inspection", "objection", "city_objection", "final", "civil",
                                                     "new_name", "note"]


def docs_blocks() -> tuple[str, str, str]:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, re.S)
    [example] = [b for b in blocks if "[ruleset]" in b]
    [process] = [b for b in blocks if b.startswith("# 例（认定程序）")]
    return doc, example, process


def test_the_documented_process_is_a_real_one(tmp_path):
    doc, example, process = docs_blocks()
    path = tmp_path / "example.toml"
    path.write_text(example + "\n" + process, encoding="utf-8")
    proc = run("rules", "check", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rs = load_ruleset(str(path))
    assert steps(rs) == steps(load_ruleset("zhangye-2023"))
    headers = "、".join(c.header for c in official_columns(rs))
    assert f"汇总表中官员填写的列是：{headers}。" in doc  # the sentence under the example says what it gives


def test_the_documented_example_digest_ignores_the_process(tmp_path):
    """The process changes no score: forms made before it was declared keep matching their rule set."""
    _, example, process = docs_blocks()
    plain, declared = tmp_path / "a.toml", tmp_path / "b.toml"
    plain.write_text(example, encoding="utf-8")
    declared.write_text(example + "\n" + process, encoding="utf-8")
    assert load_ruleset(str(plain)).digest == load_ruleset(str(declared)).digest


BAD = [
    ('[[process]]\nstage = "province"\nname = "省级"\nsteps = [{ kind = "certify", name = "认定" }]\n',
     "process[0].stage", "stage 应为 county 或 city"),
    ('[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "inspection", name = "实地考察" }, '
     '{ kind = "notice", name = "公示" }, { kind = "approve", name = "批准" }]\n',
     "process[0].steps[2].kind", "“approve”不是程序步骤"),
    ('[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "inspection", name = "实地考察" }, '
     '{ kind = "notice", name = "公示" }]\n', "process", "市级缺少认定"),
    ('[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "inspection", name = "实地考察" }, '
     '{ kind = "certify", name = "认定" }, { kind = "notice", name = "公示" }]\n'
     '[[process]]\nstage = "county"\nname = "县区"\nsteps = [{ kind = "notice", name = "公示" }]\n',
     "process", "县区（county）在前"),
    ('[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "notice", name = "公示" }, '
     '{ kind = "certify", name = "认定" }]\n', "process", "实地考察（kind = \"inspection\"）应在且只在一个层级"),
    ('[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "inspection", name = "实地考察" }, '
     '{ kind = "notice", name = "公示" }, { kind = "notice", name = "再公示" }, { kind = "certify", name = "认定" }]\n',
     "process[0].steps[2].kind", "“notice”步骤写了两次"),
    ('[[process]]\nstage = "county"\nname = "县区"\nsteps = [{ kind = "inspection", name = "实地考察" }, '
     '{ kind = "recommend", name = "推荐" }, { kind = "notice", name = "公示" }]\n'
     '[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "certify", name = "认定" }]\n',
     "process", "推荐（recommend）应是本层级的最后一步"),
    ('[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "inspection", name = "实地考察" }, '
     '{ kind = "announce", name = "公告" }, { kind = "notice", name = "公示" }, { kind = "certify", name = "认定" }]\n',
     "process", "公告（announce）应在认定（certify）之后"),
    ('[publication]\nstages = ["county", "city"]\n[[process]]\nstage = "city"\nname = "市级"\n'
     'steps = [{ kind = "inspection", name = "实地考察" }, { kind = "notice", name = "公示" }, { kind = "certify", name = "认定" }]\n',
     "publication.stages", "与 [[process]] 中有公示（notice）步骤的层级"),
    ('[[process]]\nstage = "city"\nname = "市级"\nsteps = [{ kind = "inspection", name = "市级组织考核组深入社区实地考核" }, '
     '{ kind = "notice", name = "公示" }, { kind = "certify", name = "认定" }]\n', "process[0].steps[0].name", "太长"),
]


@pytest.mark.parametrize("tail,key,message", BAD, ids=[b[1] + ":" + b[2][:8] for b in BAD])
def test_rules_check_names_what_is_wrong_with_a_process(tmp_path, tail, key, message):
    _, example, _ = docs_blocks()
    path = tmp_path / "bad.toml"
    path.write_text(example + "\n" + tail, encoding="utf-8")
    proc = run("rules", "check", path, "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    problems = json.loads(proc.stdout)["problems"]
    assert any(p["key"] == key and message in p["message"] and p["severity"] == "error" for p in problems), problems


def test_rules_show_lists_the_process_and_the_columns():
    text = run("rules", "show", "zhangye-2023").stdout
    assert "县区推荐（县区，第六条（二））：初审 → 实地考察 → 公示 → 推荐" in text
    assert "市级认定（市级，第六条（三）、第七条）：审核 → 公示 → 认定 → 公告" in text
    assert "汇总表中官员填写的列：县区实地考察、县区公示异议、市级公示异议、最终认定、民政变动、变更后名称、备注" in text
    data = json.loads(run("rules", "show", "qiqihar-2022", "--format", "json").stdout)
    jsonschema.validate(data, schema("rules-show"))
    assert data["process"][1] == {"stage": "city", "name": "考核评定", "source": "六（二）", "steps": [
        {"kind": "inspection", "name": "实地考核"}, {"kind": "certify", "name": "评定"}, {"kind": "notice", "name": "公示"}]}
    assert [c["header"] for c in data["official_columns"]][:3] == ["市级实地考核", "最终认定", "市级公示异议"]
