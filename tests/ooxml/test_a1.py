"""The one A1-reference parser: addresses in any case, absolute, ranges, Excel's bounds."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fullemp_xl.ooxml import a1

rows = st.integers(1, a1.MAX_ROW)
cols = st.integers(1, a1.MAX_COL)


@given(rows, cols, st.booleans(), st.booleans(), st.booleans())
def test_an_address_reads_back_in_any_case_and_with_dollars(row, col, lower, dollar_col, dollar_row):
    letters = a1.column_letter(col)
    text = ("$" if dollar_col else "") + (letters.lower() if lower else letters) + ("$" if dollar_row else "") + str(row)
    assert a1.split_ref(text) == a1.sheet_ref(text) == (row, col)
    assert a1.plain_ref(text) == a1.ref(row, col) == f"{letters}{row}"


@given(cols)
def test_column_letters_and_numbers_round_trip(col):
    assert a1.column_number(a1.column_letter(col)) == col
    assert a1.column_number(a1.column_letter(col).lower()) == col


@given(rows, cols, rows, cols)
def test_a_range_reads_back_as_written(r1, c1, r2, c2):
    area = f"{a1.ref(r1, c1)}:${a1.column_letter(c2)}${r2}"
    assert a1.range_bounds(area) == (r1, c1, r2, c2)
    assert a1.range_area(area) == (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def test_the_examples_and_excels_bounds():
    assert a1.split_ref("E49") == a1.split_ref("e49") == a1.split_ref("$E$49") == (49, 5)
    assert a1.split_ref("$E$17") == (17, 5)
    assert a1.sheet_ref("XFD1048576") == (a1.MAX_ROW, a1.MAX_COL)
    assert a1.column_letter(1) == "A" and a1.column_letter(26) == "Z" and a1.column_letter(27) == "AA"
    assert a1.column_letter(16384) == "XFD" and a1.column_number("xfd") == 16384
    assert a1.range_bounds("A1:C3") == (1, 1, 3, 3) and a1.range_bounds("B2") == (2, 2, 2, 2)
    assert a1.range_area("A1:C3") == 9 and a1.range_area("junk") == 1
    for outside in ("XFE1", "A1048577", "A0", "ZZZ9999999"):
        a1.split_ref(outside)  # the form is an address ...
        with pytest.raises(a1.OutsideSheet):
            a1.sheet_ref(outside)  # ... outside a worksheet
    for junk in ("", "E", "49", "E4.9", "AAAA1", "A12345678", "E49 ", "E$$49", "Ｅ49", "A1:B2", None):
        with pytest.raises(ValueError):
            a1.split_ref(junk)
        assert a1.cell_ref(junk) is None
    for bad in (0, 16385, -1):
        with pytest.raises(ValueError):
            a1.column_letter(bad)


def test_a_defined_names_destination():
    assert a1.destination("'基础数据'!$E$15") == ("基础数据", "E15")
    assert a1.destination("=基础数据!e15") == ("基础数据", "E15")
    assert a1.destination("'it''s'!A1") == ("it's", "A1")
    for not_one_cell in ("基础数据!$E$15:$E$16", "#REF!", "[1]Sheet1!A1", "Sheet1!#REF!", "(A!A1,A!B2)", ""):
        assert a1.destination(not_one_cell) is None
