"""What the rule set says reaches every form and every output: “其中” pairs are checked, over-fulfilled
targets are not errors, a rule set without gates has no gate row, reasons carry their numbers in every
channel, and a value the form's formula cannot read is said plainly — and fixed by `score --write` so
that the printed form and the command line agree (LibreOffice is the judge)."""
from __future__ import annotations

import json
import re

import openpyxl
import pytest

from conftest import ROOT, good_values, item_scores, make_assessment
from fullemp_xl import api
from fullemp_xl.excel import udfs
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.rules import builtin_ids, load_ruleset
from fullemp_xl.rules.kinds import PLACEHOLDERS
from lo_oracle import recalculate, require_soffice
from conftest import run

OTHER = ROOT / "tests" / "rulesets" / "other-city-150.toml"
OTHER_VALUES = dict(hall=True, complaints=0, helped=17, task_target=10, task_done=13, training_target=8, trained=8,
                    visits=20, families_helped=3, disabled_total=20, disabled_registered=19, new_jobs=10)


def cell(path, name, *, data_only=False):
    wb = openpyxl.load_workbook(path, data_only=data_only)
    loc = locate(OpenpyxlBook(wb), name)
    return wb[loc.sheet][loc.cell]


def test_every_of_which_count_of_the_builtin_rule_sets_is_declared():
    for rule_id in builtin_ids():
        rs = load_ruleset(rule_id)
        for fact in rs.facts.values():
            if fact.label.startswith("其中"):
                assert fact.part_of, f"{rule_id}: {fact.id} is an “of which” count without part_of"
    pairs = {(p.part, p.whole) for p in load_ruleset("zhangye-2023").part_whole}
    assert ("disabled_able_willing", "disabled_total") in pairs and ("disabled_registered", "disabled_total") in pairs


def test_a_part_larger_than_its_whole_is_an_error_at_its_cell(tmp_path, zhangye):
    good = good_values()
    form = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": {**good, "disabled_able_willing": good["disabled_total"] + 5},
                                                           "assessed": good})
    findings = api.validate_file(form)
    [found] = [f for f in findings if f.rule == "value.part_exceeds_whole"]
    assert found.severity == "error" and found.location.name == "fe_self_disabled_able_willing"
    assert "有就业能力和就业愿望的残疾人数" in found.message and "辖区残疾人数" in found.message
    assert run("validate", form).returncode == 1


def test_an_over_fulfilled_target_is_not_an_error(tmp_path):
    rs = load_ruleset(OTHER)
    form = make_assessment(tmp_path / "k.xlsx", rs, {"self": OTHER_VALUES, "assessed": {**OTHER_VALUES, "disabled_registered": 21}})
    findings = api.validate_file(form, rules=str(OTHER))
    assert not [f for f in findings if "task" in f.location.name]
    [found] = [f for f in findings if f.rule == "rate.numerator_exceeds"]
    assert found.location.name == "fe_assessed_disabled_registered"
    card = api.score_file(form, rules=str(OTHER))
    assert next(i for i in card.stages[0].items if i.item == "2.2").score == 20  # 13 of 10: 130%


def test_a_rule_set_without_gates_has_no_gate_row():
    rs = load_ruleset(OTHER)
    wb = build_assessment(rs)
    assert not [n for n in wb.defined_names if n.startswith("fe_gate_")]
    texts = [c.value for row in wb["考评表"].iter_rows() for c in row if isinstance(c.value, str)]
    assert not any("基本条件" in t for t in texts) and not any("fe_gate" in t for t in texts)
    zhangye = build_assessment(load_ruleset("zhangye-2023"))
    labels = [c.value for row in zhangye["考评表"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "平台建设基本条件（不符合的不能参与认定）（自评）" in labels


def test_reasons_carry_their_numbers_in_every_channel(tmp_path):
    rs = load_ruleset(OTHER)
    values = {**OTHER_VALUES, "helped": 12}
    form = make_assessment(tmp_path / "k.xlsx", rs, {"self": values, "assessed": values})
    reason = "帮助12人再就业，少得18分（最高30分）"
    text = run("score", form, "--rules", OTHER)
    assert reason in text.stdout
    data = json.loads(run("score", form, "--rules", OTHER, "--format", "json").stdout)
    assert item_scores(data, "2.1")["self"][1] == [reason]
    out = tmp_path / "written.xlsx"
    run("score", form, "--rules", OTHER, "--write", "-o", out)
    item = rs.item("2.1")
    assert cell(out, names.reason("self", item)).value == reason
    assert f"（2.1）{reason}" in cell(out, names.opinion("assessed")).value
    column = [("是" if values[f] is True else "否" if values[f] is False else values[f]) for f in rs.facts]
    assert udfs.FE_REASONS("2.1", column, str(OTHER)) == reason
    unfilled = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
    for channel in (text.stdout, json.dumps(data, ensure_ascii=False), cell(out, names.opinion("self")).value):
        assert not unfilled.search(channel)


@pytest.fixture
def forty(tmp_path, zhangye):
    """A 考评表 where a count was typed as “４０人” (full-width digits and a unit): the engine reads 40."""
    good = good_values()
    form = make_assessment(tmp_path / "k.xlsx", zhangye, {"self": good, "assessed": good})
    wb = openpyxl.load_workbook(form)
    loc = locate(OpenpyxlBook(wb), "fe_self_unemployed_willing")
    wb[loc.sheet][loc.cell] = "４０人"
    flag = locate(OpenpyxlBook(wb), "fe_assessed_reports_ok")
    wb[flag.sheet][flag.cell] = "√"
    spaced = locate(OpenpyxlBook(wb), "fe_assessed_service_hall")
    wb[spaced.sheet][spaced.cell] = "是 "  # read as 是 without a word, but not by the formula
    wb.save(form)
    return form


def test_a_value_the_form_cannot_read_is_said_plainly(forty):
    proc = run("score", forty)
    assert "表内公式读不出" in proc.stdout and "3.2" in proc.stdout and "fullemp score --write" in proc.stdout
    assert "不是“是”或“否”" in proc.stdout
    data = json.loads(run("validate", forty, "--format", "json").stdout)
    [found] = [f for f in data["findings"] if f["name"] == "fe_self_unemployed_willing"]
    assert found["rule"] == "value.normalised" and "与本程序的结果（按 40 计）不一致" in found["message"]
    [spaced] = [f for f in data["findings"] if f["name"] == "fe_assessed_service_hall"]
    assert "平台建设基本条件" in spaced["message"] and "按 是 计" in spaced["message"]


@pytest.mark.libreoffice
def test_score_write_makes_the_form_agree_with_the_command_line(forty, tmp_path):
    out = tmp_path / "written.xlsx"
    proc = run("score", forty, "--write", "-o", out)
    assert "原为“４０人”" in proc.stdout and "已改为 40" in proc.stdout and "原为“√”" in proc.stdout
    assert cell(out, "fe_self_unemployed_willing").value == 40
    assert cell(out, "fe_assessed_reports_ok").value == "是" and cell(out, "fe_assessed_service_hall").value == "是"
    assert "原填“４０人”，打分时已改为 40" in cell(out, names.note("unemployed_willing")).value
    assert "表内公式读不出" not in run("score", out).stdout
    card = api.score_file(out)
    require_soffice()
    before, after = recalculate([forty, out], tmp_path / "lo")
    assert cell(before, names.total("self"), data_only=True).value in (None, "")  # the form could not compute it
    for stage in ("self", "assessed"):
        assert cell(after, names.total(stage), data_only=True).value == card.stage(stage).total
        assert cell(after, names.level(stage), data_only=True).value == card.stage(stage).decision.level
