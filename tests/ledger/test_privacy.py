"""Personal data never printed: every output of a ledger corpus with real-shaped ID numbers (valid
check digits) and real-looking names, text and JSON, stdout and stderr, grepped for any of them.

The ledger has each kind of defect that makes a message about a row: a row pasted one column to
the right (the ID lands in a yes/no column, the name in the ID column), a name typed in front of an
ID, an ID that Excel stored as a number, a wrong check digit, a duplicate, a date before birth, an
ID in a date column and in a count column. Messages may name rows and columns and show an ID's
6-digit region code; never a name, never seven digits of an ID in a row.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys

import openpyxl
import pytest

from conftest import ROOT
from ledger_data import id_number, persons, write_ledger
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.core.idnumber import check_digit, mask

NAMES = ["张伟", "王秀英", "李娜", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周杰", "吴芳", "徐丽", "孙强", "马军", "朱红"]


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "fullemp_xl", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env)


@pytest.fixture
def defective_ledger(tmp_path, zhangye):
    people = copy.deepcopy(persons()[:len(NAMES)])
    for k, (person, name) in enumerate(zip(people, NAMES)):
        person["name"] = name
        person["id_number"] = id_number(k, born=dt.date(1970 + k, 1 + k % 12, 3 + k), region=f"{620102 + k * 11}")
    people[3]["id_number"] = people[3]["id_number"][:-1] + ("1" if people[3]["id_number"][-1] != "1" else "2")
    people[4]["id_number"] = people[2]["id_number"]  # the same person twice
    people[5]["employment_date"] = dt.date(1960, 1, 1)  # before the birth date in the ID
    path = write_ledger(tmp_path / "台账.xlsx", zhangye, people)
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    order = [c.id for c in zhangye.ledger.columns]
    row = lambda k: 4 + k  # noqa: E731 - the first data row is 4
    col = lambda key: order.index(key) + 1  # noqa: E731
    shifted = [c.value for c in ws[row(6)]]
    for j, value in enumerate(shifted):  # row pasted one column to the right
        ws.cell(row(6), j + 2, value)
    ws.cell(row(6), 1, None)
    ws.cell(row(7), col("id_number"), NAMES[7] + people[7]["id_number"])  # a name typed in front of the ID
    ws.cell(row(8), col("id_number"), int(people[8]["id_number"][:15] + "000"))  # what Excel keeps of it
    ws.cell(row(9), col("employment_date"), people[9]["id_number"])  # an ID in a date column
    ws.cell(row(10), col("assistance_times"), people[10]["id_number"])  # and in a count column
    ws.cell(row(11), col("registered_unemployed"), NAMES[11])  # a name in a yes/no column
    wb.save(path)
    return path, people


def forbidden(people) -> list[str]:
    """Every name, and every run of seven digits of every ID (the region code is six)."""
    out = list(NAMES)
    for p in people:
        digits = p["id_number"]
        out += [digits[k:k + 7] for k in range(len(digits) - 6)]
    return out


def test_no_name_or_id_in_any_output(defective_ledger, tmp_path, zhangye):
    ledger, people = defective_ledger
    form = tmp_path / "考评表.xlsx"
    build_assessment(zhangye).save(form)
    outputs = []
    for fmt in ("text", "json"):
        proc = run("fill", form, "--ledger", ledger, "-o", tmp_path / f"out-{fmt}.xlsx", "--format", fmt)
        assert proc.returncode == 1, proc.stderr
        outputs += [proc.stdout, proc.stderr]
    report = json.loads(outputs[2])
    rules = [f["rule"] for f in report["findings"]]
    assert rules.count("ledger.value") >= 5 and "ledger.duplicate" in rules and "ledger.id_invalid" in rules
    everything = "\n".join(outputs)
    for secret in forbidden(people):
        assert secret not in everything, secret
    # the written form carries counts and row numbers only
    wb = openpyxl.load_workbook(tmp_path / "out-text.xlsx")
    written = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    for secret in forbidden(people):
        assert secret not in written, secret


def test_messages_say_what_went_wrong_without_the_value(defective_ledger, tmp_path, zhangye):
    ledger, _ = defective_ledger
    form = tmp_path / "考评表.xlsx"
    build_assessment(zhangye).save(form)
    findings = json.loads(run("fill", form, "--ledger", ledger, "-o", tmp_path / "o.xlsx", "--format", "json").stdout)["findings"]
    by_row = {}
    for f in findings:
        by_row.setdefault(f["cell"], []).append(f["message"])
    text = json.dumps(by_row, ensure_ascii=False)
    assert "错位" in text  # the shifted row: an ID-like number in a yes/no column
    assert "被 Excel 存成了数字" in text and "文本" in text  # the ID stored as a number: what to do
    assert "校验位" in text
    assert any(m.endswith("这里填的是一段文字") for ms in by_row.values() for m in ms)  # the name in a yes/no column


def test_mask_shows_the_region_code_at_most():
    number = id_number(5, region="620702")
    assert mask(number) == "620702" + "*" * 12
    assert mask("张三" + number) == "*" * 18  # a name in front: nothing of it
    assert mask("6207") == "*" * 18
    first = "11010519491231002"
    assert mask(first + check_digit(first))[:6] == "110105"
