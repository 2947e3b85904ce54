"""Issue 3 end to end: 齐齐哈尔's provisional table and level policy, the monthly employment monitor,
`rules new`, and a three-stage 85-point rule set written only from the documentation."""
from __future__ import annotations

import json

import openpyxl
import pytest

from conftest import ROOT, good_values, item_scores, make_assessment, totals
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.forms.fill import fill_form
from fullemp_xl.rules import load_ruleset
from conftest import run

THREE_STAGE = ROOT / "tests" / "rulesets" / "three-stage-85.toml"


@pytest.fixture(scope="module")
def qiqihar():
    return load_ruleset("qiqihar-2022")


def test_qiqihar_templates_say_the_table_is_provisional(tmp_path):
    assert run("templates", "build", "--rules", "qiqihar-2022", "-o", tmp_path).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "考评表.xlsx")
    ws = wb["考评表"]
    assert ws["A1"].value == "齐齐哈尔市创建充分就业社区考评表"
    assert "暂借用张掖市" in ws["A2"].value
    assert ws.print_area and "$A$1" in ws.print_area  # the notice is printed with the title
    assert str(ws.print_title_rows) == "$4:$5"
    decl = openpyxl.load_workbook(tmp_path / "申报表.xlsx")
    assert names.MONITOR_SHEET in decl.sheetnames
    assert names.MONITOR_SHEET not in openpyxl.load_workbook(ROOT / "templates" / "申报表.xlsx").sheetnames


def test_qiqihar_score_downgrades_a_prior_title(tmp_path, qiqihar):
    good = good_values()
    assessed = {**good, "publicity_recorded": False}  # 95 points
    path = make_assessment(tmp_path / "k.xlsx", qiqihar, {"self": good, "assessed": assessed},
                           prior=("国家级充分就业社区", 2020))
    proc = run("score", path, "--format", "json")
    data = json.loads(proc.stdout)
    assert data["ruleset"]["provisional"] and totals(data)["assessed"] == 95
    assert data["decision"]["level"] == "省级充分就业社区"
    assert "降为省级充分就业社区" in data["decision"]["reason"]
    assert data["decision"]["recommend"] == "可按省厅部署筛选申报省级以上充分就业社区"
    assert any(f["rule"] == "ruleset.provisional" for f in data["findings"])
    text = run("score", path).stdout
    assert "【注意】" in text and "暂借用张掖市" in text
    assert "暂借用张掖市" in run("validate", path).stdout


def test_qiqihar_exempt_community(tmp_path, qiqihar):
    path = make_assessment(tmp_path / "k.xlsx", qiqihar, {"self": good_values(), "assessed": good_values()},
                           prior=("国家级充分就业社区", 2021))
    data = json.loads(run("score", path, "--format", "json").stdout)
    assert data["decision"]["level"] == "国家级充分就业社区" and data["decision"]["due"] is False


def fill_months(path, ruleset, months: dict, *, swap_labels=False):
    book = OpenpyxlBook(build_declaration(ruleset), path.name)
    for month, (employed, unemployed) in months.items():
        fill_form(book, {names.monitor("employed", month): employed, names.monitor("unemployed", month): unemployed})
    fill_form(book, {names.COUNTY: "龙沙区", names.STREET: "五龙街道", names.COMMUNITY: "永安社区",
                     "fe_basic_info": "基本情况", "fe_work_info": "工作情况"})
    if swap_labels:
        fill_form(book, {names.monitor("month", 3): "4月", names.monitor("month", 4): "3月"})
    book.wb.save(path)
    return path


def test_monitor_report_lists_months_below_95(tmp_path, qiqihar):
    path = fill_months(tmp_path / "s.xlsx", qiqihar, {1: (950, 50), 2: (940, 60), 3: (19, 1), 4: (0, 0), 5: (18, 2)})
    proc = run("score", path, "--format", "json")
    assert proc.returncode == 0, proc.stdout
    data = json.loads(proc.stdout)["monitor"]
    assert data["below"] == [2, 5] and data["filled"] == 4
    assert data["months"][0]["rate"] == 0.95 and data["months"][0]["met"] is True  # exactly 95% meets 以上
    assert data["months"][3]["rate"] is None  # nobody economically active
    text = run("score", path).stdout
    assert "未达标的月份：2月、5月" in text
    findings = json.loads(run("validate", path, "--format", "json").stdout)["findings"]
    assert [f["field"] for f in findings if f["rule"] == "monitor.below"] == ["2月经济活动人口就业率", "5月经济活动人口就业率"]


def test_monitor_validation_errors(tmp_path, qiqihar):
    path = fill_months(tmp_path / "s.xlsx", qiqihar, {1: (950, None), 2: ("九百", 10), 3: (5, 0)}, swap_labels=True)
    proc = run("validate", path, "--format", "json")
    assert proc.returncode == 1
    rules = {(f["rule"], f["field"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("monitor.partial", "1月失业人员数") in rules
    assert ("value.invalid", "2月从业人员数") in rules
    assert ("monitor.order", "月份") in rules


def test_score_on_a_declaration_without_monitor_is_unusable(declaration):
    proc = run("score", declaration)
    assert proc.returncode == 2 and "没有按月就业率监测" in proc.stderr


def test_rules_new_starts_a_checkable_rule_set(tmp_path):
    target = tmp_path / "jiuquan-2025.toml"
    proc = run("rules", "new", "--from", "zhangye-2023", "-o", target)
    assert proc.returncode == 0 and "jiuquan-2025" in proc.stdout
    assert 'id = "jiuquan-2025"' in target.read_text(encoding="utf-8")
    assert run("rules", "check", target).returncode == 0
    assert load_ruleset(target).id == "jiuquan-2025"
    assert run("rules", "new", "-o", target).returncode == 2  # never overwrites


def test_three_stage_85_rule_set_from_the_docs(tmp_path):
    out = tmp_path / "tpl"
    assert run("templates", "build", "--rules", THREE_STAGE, "-o", out).returncode == 0
    rs = load_ruleset(THREE_STAGE)
    wb = openpyxl.load_workbook(out / "考评表.xlsx")
    assert [wb["考评表"].cell(4, c).value for c in (7, 8, 9)] == ["自评分", "县区审核分", "市评分"]
    good = {"window": True, "staff": 2, "unemployed": 10, "reemployed": 10, "unregistered": 0, "records": True,
            "satisfaction": "92%"}
    stages = {"self": good, "county": {**good, "satisfaction": 0.85}, "city": {**good, "satisfaction": 0.8, "reemployed": 8}}
    path = make_assessment(tmp_path / "k.xlsx", rs, stages)
    data = json.loads(run("score", path, "--rules", THREE_STAGE, "--format", "json").stdout)
    assert totals(data) == {"self": 100, "county": 92, "city": 82}
    assert data["decision"]["stage"] == "city" and data["decision"]["level"] == "不予认定"
    county = next(s for s in data["stages"] if s["stage"] == "county")
    assert county["decision"]["level"] == "市级充分就业社区"  # 92 >= 85
    assert item_scores(data, "2.1")["city"][1] == ["再就业率80%，扣10分"]
