"""`fullemp fill`: registry -> forms, ledger -> base data, ledger checks, personal data kept in."""
from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pytest

from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.core.idnumber import mask
from fullemp_xl.rules import load_ruleset
from ledger_data import EXPECTED_COUNTS, EXPECTED_FLAGS, id_number, persons, write_ledger
from conftest import run, value, write_registry

D = dt.date


def test_ledger_has_200_persons_covering_every_column(zhangye):
    people = persons()
    assert len(people) >= 200
    used = {k for p in people for k, v in p.items() if v not in (None, False)}
    assert used == {c.id for c in zhangye.ledger.columns}


def test_fill_counts_match_the_hand_counts(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    form = tmp_path / "考评表.xlsx"
    build_assessment(zhangye).save(form)
    out = tmp_path / "filled.xlsx"
    proc = run("fill", form, "--ledger", ledger, "-o", out, "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data["ledger_rows"] == 205 and data["findings"] == []
    counts = {c["fact"]: c["value"] for c in data["counts"]}
    for fact, expected in EXPECTED_COUNTS.items():
        assert value(out, names.fact("self", fact)) == expected, fact
        assert counts[fact] == expected
    for fact, expected in EXPECTED_FLAGS.items():
        assert value(out, names.fact("self", fact)) == ("是" if expected else "否"), fact
    # the assessed column is untouched; identity came from the ledger's 单位信息
    assert value(out, names.fact("assessed", "hardship_total")) is None
    assert value(out, names.COMMUNITY) == "南关社区"
    # 计算说明 names rows, not people
    note = value(out, names.note("unemployed_willing"))
    assert note.startswith("自评：25：") and "第64–88行" in note
    assert "测试" not in note and not re.search(r"\d{17}[\dX]", note)
    flag_note = value(out, names.note("assistance_recorded"))
    assert flag_note.startswith("自评：否") and "第104–105行" in flag_note


def test_fill_assessed_keeps_the_self_note(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    form = tmp_path / "考评表.xlsx"
    build_assessment(zhangye).save(form)
    assert run("fill", form, "--ledger", ledger, "--in-place").returncode == 0
    assert run("fill", form, "--ledger", ledger, "--as", "assessed", "--in-place").returncode == 0
    assert value(form, names.fact("assessed", "disabled_total")) == 30
    note = value(form, names.note("disabled_total"))
    assert note.count("自评：") == 1 and note.count("考评：") == 1
    assert len(list(tmp_path.glob("考评表.bak-*.xlsx"))) == 2


def test_filled_form_scores(tmp_path, zhangye):
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, persons())
    form = tmp_path / "考评表.xlsx"
    build_assessment(zhangye).save(form)
    run("fill", form, "--ledger", ledger, "--in-place")
    data = json.loads(run("score", form, "--format", "json").stdout)
    self_score = {i["id"]: s["score"] for i in data["items"] for s in i["scores"] if s["stage"] == "self"}
    assert self_score["1"] is None  # 平台建设 facts do not come from the ledger: still to be entered
    assert self_score["3.4"] == 6 and self_score["3.5"] == 0  # 27/30 = 90% registered; 48/50 retirees managed
    assert any(f["rule"] == "value.missing" and f["name"] == "fe_self_service_hall" for f in data["findings"])


def test_ledger_defects_are_reported_with_rows_and_masked_ids(tmp_path, zhangye):
    people = persons()[:10]
    good_id = people[0]["id_number"]
    people[1]["id_number"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # wrong check digit
    people[2]["id_number"] = good_id  # duplicate of row 4
    people[3].update(registered_unemployed=True, employment_date=None)  # 从业 and 登记失业 at once
    people[4]["employment_date"] = D(2099, 1, 1)
    born_late = id_number(555, born=D(2010, 5, 5))
    people[5].update(id_number=born_late, employment_date=D(2009, 1, 1))
    people[6].update(disabled_registered=True)
    people[7].update(retired=True, registered_unemployed=True)
    people[8]["id_number"] = None
    ledger = write_ledger(tmp_path / "台账.xlsx", zhangye, people)
    form = tmp_path / "考评表.xlsx"
    build_assessment(zhangye).save(form)
    proc = run("fill", form, "--ledger", ledger, "-o", tmp_path / "out.xlsx", "--format", "json")
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)["findings"]
    rows = {f["rule"]: f["message"] for f in findings}
    assert "第5行" in rows["ledger.id_invalid"] and mask(people[1]["id_number"]) in rows["ledger.id_invalid"]
    assert "第6行与第4行是同一个人" in rows["ledger.duplicate"]
    assert "第8行" in rows["ledger.date_future"]
    assert "第9行" in rows["ledger.date_before_birth"]
    assert "第12行" in rows["ledger.id_missing"]
    contradictions = [f["message"] for f in findings if f["rule"] == "ledger.contradiction"]
    assert any(m.startswith("第7行：同时为“从业”和“登记失业”") for m in contradictions)
    assert any(m.startswith("第10行") and "残疾人" in m for m in contradictions)
    assert any(m.startswith("第11行") and "退休人员" in m for m in contradictions)
    everything = proc.stdout + run("fill", form, "--ledger", ledger, "-o", tmp_path / "o2.xlsx").stdout
    for p in people:
        if p["id_number"]:
            assert p["id_number"] not in everything
        assert p["name"] not in everything


def test_monthly_monitor_from_ledger(tmp_path):
    qiqihar = load_ruleset("qiqihar-2022")
    groups = [
        (10, dict(employed=True)),
        (1, dict(employed=True, employment_date=D(2022, 6, 15))),
        (1, dict(employment_date=D(2022, 1, 1), leave_date=D(2022, 3, 31))),
        (2, dict(registered_unemployed=True, registration_date=D(2022, 2, 10), employed=True,
                 employment_date=D(2022, 5, 20), willing_able=True)),
        (1, dict(registered_unemployed=True, registration_date=D(2022, 11, 5))),
    ]
    ledger = write_ledger(tmp_path / "台账.xlsx", qiqihar, persons(groups))
    form = tmp_path / "申报表.xlsx"
    build_declaration(qiqihar).save(form)
    assert run("fill", form, "--ledger", ledger, "--in-place").returncode == 0
    expected = {1: (11, 0), 2: (11, 2), 3: (11, 2), 4: (10, 2), 5: (12, 0), 6: (13, 0), 7: (13, 0),
                8: (13, 0), 9: (13, 0), 10: (13, 0), 11: (13, 1), 12: (13, 1)}
    for month, (employed, unemployed) in expected.items():
        assert (value(form, names.monitor("employed", month)), value(form, names.monitor("unemployed", month))) == \
            (employed, unemployed), month
    report = json.loads(run("score", form, "--format", "json").stdout)["monitor"]
    assert report["below"] == [2, 3, 4, 11, 12]  # e.g. Feb: 11/13 = 84.6%


# ---------------------------------------------------------------- registry
REGISTRY_ROWS = [
    ("甘州区", "东街街道", "南关社区", "", "市级充分就业社区", 2022, "否", "否"),
    ("甘州区", "西街街道", "南关社区", "", "无", None, None, None),          # same name, other street
    ("临泽县", "沙河镇", "CON", "", None, None, None, None),                 # reserved Windows name
    ("高台县", "城关镇", "../../etc/passwd", "", None, None, None, None),     # tries to escape
    ("高台县", "城关镇", "星光*社区?", "A01", None, None, None, None),
    ("山丹县", "", "缺街道社区", "", None, None, None, None),                  # missing street: finding, no files
    ("民乐县", "洪水镇", "=HYPERLINK(\"http://x\")", "", "省级充分就业社区", 2020, None, None),  # not a title here
]


def test_registry_distributes_safely_named_forms(tmp_path, zhangye):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, REGISTRY_ROWS)
    out = tmp_path / "分发"
    proc = run("fill", "--registry", registry, "-o", out, "--format", "json")
    assert proc.returncode == 1  # the registry has errors; the good rows were still done
    data = json.loads(proc.stdout)
    assert data["communities"] == 6 and len(data["written"]) == 12
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert len(files) == 12 and len(set(files)) == 12
    for f in files:
        assert ".." not in f.split("/") and not any(ch in f for ch in '<>:"\\|?*')
        assert f.split("/")[0] in {"甘州区", "临泽县", "高台县", "民乐县"}
        assert all(part.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"} for part in f.split("/"))
    assert "甘州区/东街街道-南关社区-考评表.xlsx" in files and "甘州区/西街街道-南关社区-考评表.xlsx" in files
    assert {f["rule"] for f in data["findings"]} == {"registry.missing", "registry.title"}
    filled = out / "甘州区" / "东街街道-南关社区-考评表.xlsx"
    assert value(filled, names.COMMUNITY) == "南关社区"
    assert value(filled, names.PRIOR_TITLE) == "市级充分就业社区" and value(filled, names.PRIOR_YEAR) == 2022
    assert value(out / "甘州区" / "东街街道-南关社区-申报表.xlsx", names.STREET) == "东街街道"


@pytest.mark.slow
def test_registry_rerun_never_overwrites_a_filled_form(tmp_path, zhangye, good):
    registry = write_registry(tmp_path / "名册.xlsx", zhangye, REGISTRY_ROWS[:2])
    out = tmp_path / "分发"
    assert run("fill", "--registry", registry, "-o", out).returncode == 0
    form = out / "甘州区" / "东街街道-南关社区-考评表.xlsx"
    wb = openpyxl.load_workbook(form)
    loc = locate(OpenpyxlBook(wb), names.fact("self", "qualified_staff"))
    wb[loc.sheet][loc.cell] = 3
    wb.save(form)
    proc = run("fill", "--registry", registry, "-o", out)
    assert "已填写过，未覆盖" in proc.stdout
    assert value(form, names.fact("self", "qualified_staff")) == 3
    untouched = out / "甘州区" / "西街街道-南关社区-考评表.xlsx"
    assert untouched.exists()
    assert run("fill", "--registry", registry, "-o", out, "--force").returncode == 0
    assert value(form, names.fact("self", "qualified_staff")) is None
