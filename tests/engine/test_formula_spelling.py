"""Formulas as other producers write them back: LibreOffice saves TRUE as TRUE(), Excel prefixes newer
functions with _xlfn.; neither is a change. Proved on a real LibreOffice round trip of every form."""
from __future__ import annotations

import openpyxl
import pytest

from lo_oracle import recalculate
from fullemp_xl import api
from fullemp_xl.engine import formulas
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.engine.monitor import formulas_for
from fullemp_xl.rules import load_ruleset
from fullemp_xl.assess.validate import formula_key


@pytest.mark.parametrize("a, b", [
    ("=IF(x=0,TRUE,FALSE)", "=IF(x=0,TRUE(),FALSE())"),
    ("=IF( x = 0 , TRUE , 1 )", "=if(x=0,true(),1)"),
    ("=_xlfn.IFS(a,1)", "=IFS(a,1)"),
    ('=IF(a="是",1,0)', '=IF(A = "是", 1, 0)'),
])
def test_harmless_spellings_are_the_same_formula(a, b):
    assert formula_key(a) == formula_key(b)


@pytest.mark.parametrize("a, b", [
    ('=IF(a="是",1,0)', '=IF(a="否",1,0)'),  # string literals are compared exactly
    ('=IF(a="A B",1,0)', '=IF(a="AB",1,0)'),
    ('=IF(a="true()",1,0)', '=IF(a="TRUE",1,0)'),
    ("=MAX(0,MIN(10,x))", "=MAX(1,MIN(10,x))"),
    ("=XTRUE()", "=XTRUE"),
    ("=fe_TRUE()", "=fe_TRUE"),  # only the function TRUE(), not a name that ends in it
])
def test_real_changes_still_count(a, b):
    assert formula_key(a) != formula_key(b)


@pytest.mark.libreoffice
def test_a_libreoffice_round_trip_changes_no_formula(tmp_path):
    zhangye, qiqihar = load_ruleset("zhangye-2023"), load_ruleset("qiqihar-2022")
    files = [tmp_path / "张掖考评表.xlsx", tmp_path / "齐齐哈尔考评表.xlsx", tmp_path / "齐齐哈尔申报表.xlsx"]
    build_assessment(zhangye).save(files[0])
    build_assessment(qiqihar).save(files[1])
    build_declaration(qiqihar).save(files[2])
    saved = recalculate(files, tmp_path / "lo")
    book = OpenpyxlBook(openpyxl.load_workbook(saved[0]))
    expected = formulas.all_formulas(zhangye)
    spelled = [n for n in expected if "TRUE()" in str(book.read(locate(book, n).sheet, locate(book, n).cell))]
    assert len(spelled) >= 10  # LibreOffice really did write TRUE() (16 cells of the 张掖 form)
    for path in saved:
        findings = api.validate_file(path)
        assert not [f for f in findings if f.rule.startswith("formula.")], [f.line() for f in findings]
    assert set(formulas_for(qiqihar.monitor))  # the declaration's monitor formulas were among those compared


@pytest.mark.libreoffice
def test_a_changed_formula_in_a_libreoffice_file_is_still_found(tmp_path):
    zhangye = load_ruleset("zhangye-2023")
    form = tmp_path / "考评表.xlsx"
    build_assessment(zhangye).save(form)
    saved = recalculate([form], tmp_path / "lo")[0]
    wb = openpyxl.load_workbook(saved)
    book = OpenpyxlBook(wb)
    loc = locate(book, "fe_score_self_3_1")
    wb[loc.sheet][loc.cell] = book.read(loc.sheet, loc.cell).replace("TRUE()", "FALSE()", 1)
    wb.save(saved)
    changed = [f for f in api.validate_file(saved) if f.rule == "formula.changed"]
    assert [f.location.name for f in changed] == ["fe_score_self_3_1"]
