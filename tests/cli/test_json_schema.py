"""Every command's --format json output follows its shipped JSON Schema, names itself, and has keys that do
not depend on the rule set (no stage, item or fact ids as keys, no Chinese keys)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import jsonschema
import pytest

from conftest import ROOT
from fullemp_xl.core.jsondoc import VERSIONS, schema, schema_id
from fullemp_xl.rules import load_ruleset
from tools import schemas as build

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("json_schema")]  # its module-scoped `demo` is built once per run

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("json") / "demo"
    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", "demo", "-o", str(out)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def run_json(*args, cwd=None) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", *map(str, args), "--format", "json"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=cwd,
                          timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def keys(value, found=None) -> set[str]:
    found = set() if found is None else found
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(k)
            keys(v, found)
    elif isinstance(value, list):
        for v in value:
            keys(v, found)
    return found


def check(data: dict, name: str) -> dict:
    assert data["schema"] == schema_id(name)
    jsonschema.validate(data, schema(name), format_checker=jsonschema.FormatChecker())
    rs = load_ruleset("zhangye-2023")
    names = {s.id for s in rs.stages} | {i.id for i in rs.items} | set(rs.facts) | {str(m) for m in range(1, 13)}
    used = keys(data)
    assert not {k for k in used if CJK.search(k)}, "keys are English"
    assert not used & names, f"rule-set ids used as keys: {used & names}"
    return data


def test_committed_schemas_are_what_the_code_builds():
    for name in VERSIONS:
        committed = (ROOT / "fullemp_xl" / "schemas" / f"{name}.json").read_text(encoding="utf-8")
        assert committed == build.text(name), f"run: python -m tools.schemas ({name})"
        jsonschema.Draft202012Validator.check_schema(json.loads(committed))


def test_score_validate_and_marks(demo, tmp_path):
    form = next((demo / "1-提交的考评表").glob("01-*.xlsx"))
    code, data = run_json("score", form)
    check(data, "score")
    assert code == 0 and data["file"] == str(form) and data["complete"] is True
    assert data["community"] == {"county": "甘州区", "street": "东街街道", "community": "南关社区"}
    scores = {s["stage"]: s for s in next(i for i in data["items"] if i["id"] == "2")["scores"]}
    assert scores["assessed"]["score"] == 7 and scores["assessed"]["reasons"] == ["缺少或未及时更新台账1种，扣3分"]
    bad = next((demo / "1-提交的考评表").glob("04-*.xlsx"))
    code, data = run_json("score", bad)
    check(data, "score")
    assert code == 1 and data["complete"] is False and data["decision"] is None
    assert data["incomplete_reason"] and data["stages"][0]["incomplete"]  # says why, not only nulls
    assert {f["file"] for f in data["findings"]} == {str(bad)}
    check(run_json("score", form, "--write", "-o", tmp_path / "s.xlsx")[1], "score")
    code, data = run_json("validate", bad)
    check(data, "validate")
    assert data["summary"]["error"] > 0 and {f["file"] for f in data["findings"]} == {str(bad)}
    check(run_json("validate", bad, "--mark", "-o", tmp_path / "m.xlsx")[1], "validate")
    check(run_json("validate", tmp_path / "m.xlsx", "--unmark", "-o", tmp_path / "u.xlsx")[1], "unmark")


def test_monitor_of_a_declaration(tmp_path):
    from fullemp_xl.builder.declaration import build_declaration

    path = tmp_path / "申报表.xlsx"
    build_declaration(load_ruleset("qiqihar-2022")).save(path)
    code, data = run_json("score", path)
    check(data, "monitor")
    assert [m["month"] for m in data["monitor"]["months"]] == list(range(1, 13))


def test_fill_both_ways(demo, tmp_path):
    ledger = next((demo / "4-台账填报").glob("*台账.xlsx"))
    form = next((demo / "0-分发" / "甘州区").glob("*南关社区-考评表.xlsx"))
    code, data = run_json("fill", form, "--ledger", ledger, "-o", tmp_path / "f.xlsx")
    check(data, "fill-ledger")
    assert data["file"] == str(form) and data["ledger"] == str(ledger)
    assert {c["fact"] for c in data["counts"]} <= set(load_ruleset("zhangye-2023").facts)
    registry = demo / "0-分发" / "社区名册.xlsx"
    code, data = run_json("fill", "--registry", registry, "-o", tmp_path / "分发")
    check(data, "fill-registry")
    assert data["file"] == str(registry) and data["communities"] == 5


def test_merge_documents_and_next_year(demo, tmp_path):
    inbox = demo / "5-汇总" / "县区报送"
    code, data = run_json("merge", inbox, "-o", tmp_path / "汇总表.xlsx", "--registry", demo / "0-分发" / "社区名册.xlsx")
    check(data, "merge")
    assert data["skipped"] == {"lock": 1} and set(data["problems"]) <= {"quarantined", "error", "warning", "info"}
    check(run_json("merge", "--refresh", tmp_path / "汇总表.xlsx")[1], "merge")
    decided = tmp_path / "决定.xlsx"
    shutil.copy(demo / "6-文书" / "汇总表（已填写决定）.xlsx", decided)
    shutil.copy(demo / "6-文书" / "发文机关.toml", tmp_path / "发文机关.toml")
    code, data = run_json("announce", decided, "-o", tmp_path / "公告.docx", "--number", "3")
    check(data, "documents")
    assert data["file"] == str(decided) and data["documents"][0]["output"] == str(tmp_path / "公告.docx")
    code, data = run_json("notice", decided, "--stage", "city", "--start", "2026-12-07", "-o", tmp_path / "公示.docx")
    check(data, "documents")
    assert data["start"] == "2026-12-07"
    code, data = run_json("subsidy", decided, "--year", "2026", "-o", tmp_path / "补助", "--number", "4")
    check(data, "documents")
    code, data = run_json("registry", "next", decided, "-o", tmp_path / "名册-2027.xlsx")
    check(data, "registry-next")
    assert data["file"] == str(decided) and data["output"] == str(tmp_path / "名册-2027.xlsx")


def test_rules_commands_and_errors(tmp_path):
    check(run_json("rules", "list")[1], "rules-list")
    check(run_json("rules", "show", "zhangye-2023")[1], "rules-show")
    check(run_json("rules", "check", ROOT / "fullemp_xl" / "rulesets" / "zhangye-2023.toml")[1], "rules-check")
    code, data = run_json("score", tmp_path / "没有这个文件.xlsx")
    assert code == 2
    check(data, "error")
    assert data["exit_code"] == 2 and "找不到" in data["error"]
    code, data = run_json("merge", "--no-such-option")
    assert code == 2 and check(data, "error")["error"].startswith("用法错误")
