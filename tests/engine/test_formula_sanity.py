"""Every formula fullemp writes, checked in process without LibreOffice: the quick run's guard against the
malformed formulas only a recalculation would otherwise show (#NAME? in an official's 考评表).

Each formula of the 考评表, 申报表, 台账 and 社区名册 of every rule set (the shipped ones and tests/rulesets/*.toml),
of the committed templates/ and of a merged 汇总表 is tokenised as Excel reads it (openpyxl's tokenizer) and must
have balanced parentheses, only functions Excel knows, only names the workbook defines (or cell references),
numbers Excel can read and no Python left in it: no `None`, no `True`, no `Fraction(…)`, no `{placeholder}`, and no
name such as XXFALSEXX. The LibreOffice differential test (tests/engine/test_differential_lo.py) checks what they compute.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import FORMULAE

from conftest import ROOT
from documents_data import write as write_summary, zhangye_rows
from fullemp_xl.engine import formulas
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.builder.lists import build_ledger, build_registry
from fullemp_xl.core.model import Rate
from fullemp_xl.rules import load_ruleset
from fullemp_xl.rules.kinds import Band, Bands, RateTest

RULESETS = ["zhangye-2023", "qiqihar-2022"] + sorted(str(p) for p in (ROOT / "tests" / "rulesets").glob("*.toml"))
BUILDERS = [build_assessment, build_declaration, build_ledger, build_registry]
CELL = re.compile(r"^(?:(?:'[^']+'|[^'!:]+)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$")
SHEET_PREFIX = re.compile(r"^'([^']+)'!|^([^'!:]+)!")
NUMBER = re.compile(r"^\d+(\.\d+)?([Ee][+-]?\d+)?$")
STRINGS = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')  # text literals and quoted sheet names
NEWER = {"IFS", "IFNA", "SWITCH", "MAXIFS", "MINIFS", "CONCAT", "TEXTJOIN", "XLOOKUP", "XMATCH", "LET", "FILTER", "UNIQUE",
         "SORT", "SEQUENCE"}  # Excel 2016 and later: written with the _xlfn. prefix, not in openpyxl's list
PYTHON = re.compile(r"None|Fraction\(|Decimal\(|\bnan\b|\binf\b|\{\w+\}|<[a-z_.]+ object")


def formula_problems(formula: str, names: set[str], sheets: set[str] = frozenset()) -> list[str]:
    """What is wrong with one formula, as Excel would read it; [] when nothing is."""
    if not formula.startswith("="):
        return [f"不以 = 开头：{formula}"]
    depth = 0
    for ch in STRINGS.sub("", formula):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return ["右括号多于左括号"]
    if depth > 0:
        return ["左括号多于右括号"]
    try:
        tokens = Tokenizer(formula).items
    except Exception as exc:  # noqa: BLE001 - the tokenizer raises plain exceptions on malformed text
        return [f"无法解析（{exc}）"]
    out = []
    known = {n.lower() for n in names}
    for token in tokens:
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            name = token.value[:-1].upper().removeprefix("_XLFN.")
            if name not in FORMULAE and name not in NEWER:
                out.append(f"未知函数 {token.value[:-1]}")
        elif token.type == Token.OPERAND and token.subtype == Token.RANGE:
            sheet = SHEET_PREFIX.match(token.value)
            if CELL.match(token.value):
                if sheet and sheets and (sheet.group(1) or sheet.group(2)) not in sheets:
                    out.append(f"引用了不存在的工作表 {token.value}")
            elif token.value.lower() not in known:
                out.append(f"未定义的名称 {token.value}")
        elif token.type == Token.OPERAND and token.subtype == Token.NUMBER:
            if not NUMBER.match(token.value):
                out.append(f"不是数 {token.value}")
        elif token.type == Token.OPERAND and token.subtype == Token.ERROR:
            out.append(f"错误值 {token.value}")
        elif token.type == Token.OPERAND and token.subtype == Token.TEXT and PYTHON.search(token.value):
            out.append(f"文字中有 Python 的内容 {token.value}")
        elif token.type == Token.OPERAND and token.subtype == Token.LOGICAL and token.value not in ("TRUE", "FALSE"):
            out.append(f"逻辑值写法 {token.value}")
    return out


def workbook_formulas(wb) -> list[tuple[str, str]]:
    """(where, formula) for every cell formula, data validation, conditional format and defined name."""
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = getattr(cell.value, "text", cell.value)  # ArrayFormula keeps its text in .text
                if cell.data_type == "f" and isinstance(value, str):
                    out.append((f"{ws.title}!{cell.coordinate}", value))
        for dv in ws.data_validations.dataValidation:
            for text in (dv.formula1, dv.formula2):
                if text is not None:
                    out.append((f"{ws.title} 数据验证 {dv.sqref}", "=" + text))
        for area in ws.conditional_formatting:
            for rule in area.rules:
                for text in rule.formula or ():
                    out.append((f"{ws.title} 条件格式 {area.sqref}", "=" + text))
    for name, defined in wb.defined_names.items():
        out.append((f"名称 {name}", "=" + defined.attr_text))
    return out


def workbook_problems(wb) -> list[str]:
    names = set(wb.defined_names.keys())
    sheets = {ws.title for ws in wb.worksheets}
    return [f"{where}：{p}：{formula}" for where, formula in workbook_formulas(wb)
            for p in formula_problems(formula, names, sheets)]


# ---------------------------------------------------------------- the checker itself
@pytest.mark.parametrize("formula, problem", [
    ("=IF(fe_x>=90,5,IF(fe_x>=80,3,None))", "未定义的名称 None"),
    ("=IF(fe_n=0,XXFALSEXX,fe_x*100>=90*fe_n)", "未定义的名称 XXFALSEXX"),
    ("=IF(fe_n=0,True,1)", "未定义的名称 True"),
    ("=MIN(Fraction(1, 2),fe_x)", "未知函数 Fraction"),
    ("=SUM((fe_x)", "左括号多于右括号"),
    ("=SUM(fe_x))", "右括号多于左括号"),
    ("=IFF(fe_x,1,0)", "未知函数 IFF"),
    ('=IF(fe_x=")",(1,0)', "左括号多于右括号"),  # a parenthesis inside text does not count
    ('=IF(fe_x,"综合得分None分",0)', '文字中有 Python 的内容 "综合得分None分"'),
    ('=IF(fe_x,"扣{points}分",0)', '文字中有 Python 的内容 "扣{points}分"'),
    ("=fe_x*#REF!", "错误值 #REF!"),
    ("=fe_y+1", "未定义的名称 fe_y"),
    ("=fe_x+'无此表'!A1", "引用了不存在的工作表 '无此表'!A1"),
    ("IF(fe_x,1,0)", "不以 = 开头：IF(fe_x,1,0)"),
])
def test_the_checker_finds_each_malformation(formula, problem):
    assert problem in formula_problems(formula, {"fe_x", "fe_n"}, {"考评表"})


@pytest.mark.parametrize("formula", [
    "=IF(fe_x>=90,5,IF(fe_x>=80,3,0))", "=IF(fe_n=0,FALSE,fe_x*100>=90*fe_n)", "=ROUND(SUM(fe_x,fe_n),6)",
    "=_xlfn.IFS(fe_x,1)", '=IF(fe_x="是",0.3333333333333333,1E-05)', "='考评表'!$A$1+A1:B2", '="单位名称："&fe_x',
    '=IF(ISNUMBER(MATCH(fe_x,{"市级","省级"},0)),1,0)',
])
def test_the_checker_accepts_what_excel_reads(formula):
    assert formula_problems(formula, {"fe_x", "fe_n"}, {"考评表"}) == []


# ---------------------------------------------------------------- what fullemp writes
@pytest.mark.parametrize("rules", RULESETS, ids=lambda r: Path(r).stem)
def test_every_formula_of_every_form_of_every_rule_set(rules):
    rs = load_ruleset(rules)
    checked = 0
    for build in BUILDERS:
        if build is build_ledger and rs.ledger is None:
            continue  # a rule set without a real-name ledger has no 台账 template
        wb = build(rs)
        assert workbook_problems(wb) == [], build.__name__
        checked += len(workbook_formulas(wb))
    assert checked > 100
    wb = build_assessment(rs)
    names = set(wb.defined_names.keys())
    for name, formula in formulas.all_formulas(rs).items():  # also the compiler's output, cell by cell
        assert name in names, name
        assert formula_problems(str(formula), names) == [], (name, str(formula))


def test_the_committed_templates():
    files = sorted((ROOT / "templates").rglob("*.xlsx"))
    assert len(files) >= 8
    for path in files:
        assert workbook_problems(openpyxl.load_workbook(path)) == [], path.name


def test_a_merged_summary(tmp_path):
    path = write_summary(tmp_path / "汇总表.xlsx", zhangye_rows())
    wb = openpyxl.load_workbook(path)
    assert workbook_formulas(wb)  # the summary does hold formulas (the counties' COUNTIFS)
    assert workbook_problems(wb) == []


# ---------------------------------------------------------------- the two cases a recalculation once alone would see
def test_a_community_below_the_lowest_band_gets_zero_not_none(zhangye):
    formula = str(formulas.item_formula(zhangye, "self", zhangye.item("4.1")))
    assert ("IF(IF(fe_self_hardship_total=0,TRUE,fe_self_hardship_trained*100>=50*fe_self_hardship_total),1,0)"
            in formula)
    bands = Bands((Band(RateTest("r", ">=", Fraction(90)), Fraction(5)), Band(RateTest("r", ">=", Fraction(80)), Fraction(3))),
                  "{rate}")
    rates = {"r": Rate("r", "率", "a", "b", empty_met=False)}
    assert bands.excel(lambda f: f"fe_{f}", rates) == (
        "IF(IF(fe_b=0,FALSE,fe_a*100>=90*fe_b),5,IF(IF(fe_b=0,FALSE,fe_a*100>=80*fe_b),3,0))")


def test_satisfaction_with_nobody_surveyed_scores_nothing_in_the_formula(zhangye):
    formula = str(formulas.item_formula(zhangye, "self", zhangye.item("5.1")))
    assert formula == (
        "=IF(AND(ISNUMBER(fe_self_survey_satisfied),ISNUMBER(fe_self_survey_sampled)),MAX(0,MIN(5,"
        "IF(IF(fe_self_survey_sampled=0,FALSE,fe_self_survey_satisfied*100>=90*fe_self_survey_sampled),5,"
        "IF(IF(fe_self_survey_sampled=0,FALSE,fe_self_survey_satisfied*100>=75*fe_self_survey_sampled),3,0)))),\"\")")
    assert formula_problems(formula, set(build_assessment(zhangye).defined_names.keys())) == []


# ---------------------------------------------------------------- the LibreOffice check is never skipped silently
def _pytest_without_soffice(tmp_path, ci: bool):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = str(tmp_path)  # an empty folder: no soffice, no libreoffice
    if ci:
        env["CI"] = "true"
    # -n 1: through pytest-xdist as the suite runs (the skips reach the controlling process as reports), with one
    # worker rather than one per core: the same path for half the start-up
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-rs", "-n", "1",
                           "tests/engine/test_differential_lo.py::test_monitor_formulas_agree"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_without_libreoffice_the_run_says_what_it_did_not_check(tmp_path):
    proc = _pytest_without_soffice(tmp_path, ci=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout
    assert "未经 LibreOffice 核对 / NOT CHECKED against LibreOffice" in proc.stdout
    assert ("tests/engine/test_differential_lo.py（1 个）：The two compilers agree: the engine's results equal what LibreOffice "
            "computes from our formulas.") in proc.stdout


def test_without_libreoffice_in_ci_the_run_fails(tmp_path):
    proc = _pytest_without_soffice(tmp_path, ci=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "soffice not found" in proc.stdout
    assert "NOT CHECKED" not in proc.stdout  # failed, not skipped: nothing to list
