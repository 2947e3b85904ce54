"""The FE_ worksheet functions as plain Python functions (the xlwings Server path: test_xlwings_server)."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import xlwings
from hypothesis import given
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser

from conftest import ROOT, good_values
from fullemp_xl.addin import package
from fullemp_xl.excel import udfs
from fullemp_xl.core.money import rmb_upper
from fullemp_xl.rules import load_ruleset
from fullemp_xl.core.workdays import Calendar, add_workdays


def column(values: dict, rules="zhangye-2023"):
    rs = load_ruleset(rules)
    return [("是" if values[f] is True else "否" if values[f] is False else values[f]) for f in rs.facts]


def test_rate():
    assert udfs.FE_RATE(9, 10) == 0.9
    assert udfs.FE_RATE(0, 0) == "—"
    assert udfs.FE_RATE(11, 10) == "错误：分子大于分母"
    assert udfs.FE_RATE("九", 10).startswith("错误：分子")
    assert udfs.FE_RATE(None, 10) == "错误：分子未填"


def test_item_score_reasons_section_total():
    good = good_values()
    values = column({**good, "unemployed_unregistered": 2})
    assert udfs.FE_ITEM_SCORE("3.2", values) == 4
    assert udfs.FE_ITEM_SCORE(3.2, values) == 4
    assert udfs.FE_REASONS("3.2", values) == "未登记失业人员2人，扣6分"
    assert udfs.FE_REASONS("1", values) == ""
    assert udfs.FE_SECTION("3", values) == 34
    assert udfs.FE_TOTAL(values) == 94
    assert udfs.FE_ITEM_SCORE("9.9", values) == "错误：没有序号为“9.9”的评分项"
    assert udfs.FE_TOTAL(values[:-1]).startswith("错误：基础数据应为")
    assert udfs.FE_TOTAL(values, "nowhere-2020").startswith("错误：")


def test_level():
    assert udfs.FE_LEVEL(90, "符合") == "市级充分就业社区"
    assert udfs.FE_LEVEL(95, "不符合") == "不予认定"
    assert udfs.FE_LEVEL(89.5, "符合") == "不予认定"
    assert udfs.FE_LEVEL(96, "", "国家级充分就业社区", 2020, "qiqihar-2022") == "省级充分就业社区"
    assert udfs.FE_LEVEL(50, "", "国家级充分就业社区", 2021, "qiqihar-2022") == "国家级充分就业社区"
    assert udfs.FE_LEVEL(91, "符合", "省级", 2020).startswith("错误：")
    assert udfs.FE_LEVEL("九十").startswith("错误：综合得分")


def test_workday_counts_holidays_and_make_up_days():
    # 2026 National Day: 10月1日–7日 off, Saturday 10月10日 a make-up working day
    assert udfs.FE_WORKDAY(dt.date(2026, 9, 28), 5) == dt.date(2026, 10, 10)
    assert udfs.FE_WORKDAY("2026-12-01", 5) == dt.date(2026, 12, 8)
    assert udfs.FE_WORKDAY(46357, 5) == dt.date(2026, 12, 8)  # an Excel date serial
    message = udfs.FE_WORKDAY("2026-12-28", 5)
    assert message.startswith("错误：2027年的法定节假日")  # a year the calendar does not know: explicit
    # with that year's notice supplied, it works
    assert udfs.FE_WORKDAY("2026-12-28", 5, ["2027-01-01"], []) == dt.date(2027, 1, 5)


def test_rmb_upper():
    assert udfs.FE_RMB_UPPER(10000) == "壹万元整"
    assert udfs.FE_RMB_UPPER("abc") == "错误：“abc”不是金额"
    cases = {0: "零元整", 10: "壹拾元整", 1010: "壹仟零壹拾元整", 100500: "壹拾万零伍佰元整", 1000000.01: "壹佰万元零壹分",
             0.5: "伍角", 100.05: "壹佰元零伍分", 1234.56: "壹仟贰佰叁拾肆元伍角陆分", 100010000: "壹亿零壹万元整"}
    for amount, text in cases.items():
        assert rmb_upper(amount) == text


DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def parse_upper(text: str) -> int:
    """Cents from a 大写 amount — written independently of money.py, for the round trip."""
    cents = 0
    if "元" in text:
        yuan_text, rest = text.split("元")
    else:
        yuan_text, rest = "", text
    for part, unit in ((r"(\d)角", 10), (r"(\d)分", 1)):
        m = re.search(part.replace(r"(\d)", "([壹贰叁肆伍陆柒捌玖])"), rest)
        if m:
            cents += DIGIT[m.group(1)] * unit
    total = section = digit = 0
    for ch in yuan_text:
        if ch in DIGIT:
            digit = DIGIT[ch]
        elif ch in UNIT:
            section += digit * UNIT[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    return (total + section + digit) * 100 + cents


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_rmb_upper_round_trip(cents):
    text = rmb_upper(f"{cents // 100}.{cents % 100:02d}")
    assert parse_upper(text) == cents
    assert re.fullmatch(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+", text)
    assert text.endswith("整") == (cents % 100 == 0)
    assert "零零" not in text


@given(st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2026, 11, 30)), st.integers(min_value=0, max_value=20))
def test_workdays_property(start, n):
    end = add_workdays(start, n)
    cal = Calendar()
    days = [start + dt.timedelta(days=k) for k in range(1, (end - start).days + 1)]
    assert sum(cal.is_workday(d) for d in days) == n
    assert n == 0 or cal.is_workday(end)


def test_level_fails_closed_on_a_blank_gates_cell():
    for blank in (None, "", "  "):
        assert udfs.FE_LEVEL(95, blank) == "错误：基本条件未填：请填“符合”或“不符合”"
    assert udfs.FE_LEVEL(95) .startswith("错误：基本条件未填")  # omitted in the formula: the same
    assert udfs.FE_LEVEL(95, None, "", None, "qiqihar-2022") == "市级充分就业社区"  # a rule set without gates


def test_blank_cells_never_show_none():
    import inspect

    good = column(good_values())
    sample = {"numerator": 9, "denominator": 10, "item": "3.2", "section": "3", "values": good, "rules": "zhangye-2023",
              "total": 95, "gates_met": "符合", "prior_title": "", "prior_year": None, "start": "2026-12-01", "days": 5,
              "holidays": None, "workdays": None, "amount": 100}
    for fn in udfs.UDFS:
        params = list(inspect.signature(fn).parameters)
        for blank_param in params:
            for blank in (None, ""):
                args = [blank if p == blank_param else sample[p] for p in params]
                result = fn(*args)
                assert "None" not in str(result), (fn.__name__, blank_param, result)
                assert "Error" not in str(result) and "TypeError" not in str(result), (fn.__name__, blank_param, result)


# ---------------------------------------------------------------- the UDF server's import path
PLANTED = ("openpyxl", "xlwings", "fullemp_xl", "fractions", "json", "tomllib")


def vba_string(expression: str, variables: dict[str, str]) -> str:
    """The value of a VBA string expression of literals and variables joined with &."""
    out = []
    for literal, name in re.findall(r'"((?:[^"]|"")*)"|(\w+)', expression):
        out.append(variables[name] if name else literal.replace('""', '"'))
    return "".join(out)


def udf_server_code(vba: str, pythonpath: str = "") -> str:
    """The Python the UDF server runs: the -c argument built by XLPyCommand (DEBUG UDFS off)."""
    [line] = [line for line in vba.splitlines() if line.strip().startswith("tail = ")]
    tail = vba_string(line.split("=", 1)[1], {"LicenseKeyEnvString": "", "PYTHONPATH": pythonpath})
    assert tail.startswith(' -B -c "') and tail.endswith('"'), tail
    return tail[len(' -B -c "'):-1]


def plant(folder):
    """Modules that must never be imported, each leaving a mark when it is."""
    folder.mkdir()
    for name in PLANTED:
        (folder / f"{name}.py").write_text(f"open({str(folder / ('IMPORTED-' + name))!r}, 'w').close()\n"
                                           f"raise SystemExit('planted {name} imported')\n", encoding="utf-8")
    return folder


# what xlwings' COM server does on a cell's first FE_ call: import the UDF module, call the function
PROBE = ("lambda clsid: print(__import__('json').dumps({'clsid': clsid, 'cwd': __import__('os').getcwd(), "
         "'total': __import__('importlib').import_module('fullemp_xl.excel.udfs').FE_TOTAL(%r), "
         "'modules': {n: getattr(__import__('sys').modules.get(n), '__file__', None) for n in %r}}))")


def test_udf_server_never_imports_from_the_current_folder(tmp_path):
    """The command in the built add-in, started in a folder of planted modules as Excel would start it there."""
    xlam = package.build_xlam(tmp_path / "fullemp.xlam")
    vba = {name: code for _, _, name, code in VBA_Parser(str(xlam)).extract_macros()}["xlwings.bas"]
    code = udf_server_code(vba)
    assert code.endswith("e.serve('$(CLSID)')")
    clsid = "{506e67c3-55b5-48c3-a035-eed5deea7d6d}"
    values = column(good_values())
    probe = PROBE % (values, PLANTED)
    folder = plant(tmp_path / "received")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # where fullemp-xl is installed (absolute, as site-packages is)
    proc = subprocess.run([sys.executable, "-B", "-c", code.replace("e.serve('$(CLSID)')", f"e.serve({clsid!r}, start={probe})")],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not list(folder.glob("IMPORTED-*")), "a planted module was imported"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["clsid"] == clsid and out["total"] == 100  # the FE_ call ran, with the real modules
    assert out["cwd"] == os.path.realpath(sys.exec_prefix)  # the server left the received files' folder
    assert all(path is None or not path.startswith(str(folder)) for path in out["modules"].values()), out["modules"]

    # the control: xlwings' own command, in the same folder, imports the planted xlwings.py
    stock = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    # PYTHONPATH as XLPyCommand builds it from our config: ADD_WORKBOOK_TO_PYTHONPATH=false, no PYTHONPATH
    stock_code = udf_server_code(stock, r"false;C:\\received\\book.xlsx;C:\\fullemp.xlam;;;;").replace('\\"', '"')
    subprocess.run([sys.executable, "-B", "-c", stock_code], cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert (folder / "IMPORTED-xlwings").exists()


def test_clean_path_drops_every_spelling_of_the_current_folder(tmp_path):
    from fullemp_xl.excel.udf_entry import clean_path

    here, other = tmp_path / "received", tmp_path / "site-packages"
    here.mkdir()
    other.mkdir()
    path = ["", ".", str(here), str(here) + os.sep, str(here / "sub" / ".."), str(other), "relative"]
    kept = clean_path(path, str(here))
    assert kept == [str(other)]  # "relative" is resolved against the current folder: dropped too
    assert clean_path([str(other)], str(here)) == [str(other)]
