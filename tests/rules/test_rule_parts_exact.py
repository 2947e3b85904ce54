"""Conditions and rule kinds by their exact texts: the numbers a reason shows, the Excel each writes, what bands
are ordered by — the details a changed line of rules/conditions.py or rules/kinds.py would alter."""
from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fullemp_xl.core.model import Rate
from fullemp_xl.rules.conditions import OPS, AllOf, FactTest, RateTest, excel_number, percent_text
from fullemp_xl.rules.kinds import Award, Deduct, fill_reason

RATES = {"r": Rate("r", "再就业率", "num", "den"), "s": Rate("s", "满意率", "sat", "sampled", empty_met=False)}
ref = lambda f: f"fe_{f}"  # noqa: E731


def getter(**values):
    return values.__getitem__


@pytest.mark.parametrize("value, text", [
    (F(857, 1000), "85.7%"), (F(1), "100%"), (F(1, 3), "33.33%"), (F(2, 3), "66.67%"), (F(0), "0%"),
    (F(1, 200), "0.5%"), (F(1, 25000), "0%"), (F(3, 2), "150%"), (F(9, 10), "90%"), (None, "无（分母为0）"),
])
def test_percent_text(value, text):
    assert percent_text(value) == text


@pytest.mark.parametrize("value, text", [(F(3), "3"), (F(3, 2), "1.5"), (F(1, 3), "0.3333333333333333"), (0, "0"),
                                         (2.5, "2.5"), (F(-2), "-2")])
def test_excel_number(value, text):
    assert excel_number(value) == text


def test_a_flag_test_expecting_no():
    cond = FactTest("sideline", expect=False)
    assert cond.excel(ref, RATES) == 'fe_sideline="否"'
    assert cond.holds(getter(sideline=False), RATES) and not cond.holds(getter(sideline=True), RATES)
    assert FactTest("hall").excel(ref, RATES) == 'fe_hall="是"'
    assert cond.values(getter(sideline=True), RATES) == {} and cond.fields(RATES) == frozenset()
    assert cond.threshold() is None


def test_a_count_test():
    cond = FactTest("staff", ">=", F(2))
    assert cond.values(getter(staff=1), RATES) == {"n": 1}
    assert cond.fields(RATES) == frozenset({"n"})
    assert cond.threshold() == (">=", 2)
    assert cond.excel(ref, RATES) == "fe_staff>=2"
    assert [FactTest("k", op, F(2)).holds(getter(k=2), RATES) for op in (">=", ">", "<=", "<", "==")] == [
        True, False, True, False, True]
    assert FactTest("k", "==", F(2)).excel(ref, RATES) == "fe_k=2"


def test_a_percent_fact_gives_its_rate_to_the_reason():
    cond = FactTest("sat", ">=", F(90), percent=True)
    assert cond.values(getter(sat=0.857), RATES) == {"rate": "85.7%"}
    assert cond.fields(RATES) == frozenset({"rate"})
    assert cond.threshold() == (">=", 90)
    award = Award(F(5), cond, "满意率{rate}，不得{points}分")
    assert award.score(getter(sat=0.857), RATES).reason == "满意率85.7%，不得5分"
    assert cond.holds(getter(sat=0.9), RATES) and not cond.holds(getter(sat=0.8999), RATES)
    assert FactTest("sat", ">", F(90), percent=True).excel(ref, RATES) == "fe_sat>0.9"


def test_a_rate_test_gives_numerator_denominator_and_rate():
    cond = RateTest("r", ">=", F(90))
    assert cond.values(getter(num=6, den=7), RATES) == {"rate": "85.71%", "n": 6, "total": 7}
    assert cond.values(getter(num=0, den=0), RATES) == {"rate": "无（分母为0）", "n": 0, "total": 0}
    assert cond.fields(RATES) == frozenset({"rate", "n", "total"})
    assert cond.facts(RATES) == ("num", "den")
    assert cond.threshold() == (">=", 90)
    assert RateTest("s", "<", F(75)).excel(ref, RATES) == "IF(fe_sampled=0,FALSE,fe_sat*100<75*fe_sampled)"
    assert RateTest("s", ">=", F(75)).holds(getter(sat=0, sampled=0), RATES) is False
    assert RateTest("r", "<", F(75)).holds(getter(num=0, den=0), RATES) is True  # empty_met: the rule set's choice


def test_all_of_takes_the_first_number_and_every_field():
    cond = AllOf((FactTest("hall"), FactTest("staff", ">=", F(2)), RateTest("r", ">=", F(90))))
    assert cond.values(getter(hall=True, staff=1, num=1, den=2), RATES) == {"n": 1, "rate": "50%", "total": 2}
    assert cond.fields(RATES) == frozenset({"n", "rate", "total"})
    assert cond.facts(RATES) == ("hall", "staff", "num", "den")
    assert cond.threshold() is None
    assert cond.holds(getter(hall=True, staff=2, num=9, den=10), RATES)
    assert not cond.holds(getter(hall=True, staff=2, num=8, den=10), RATES)
    assert cond.excel(ref, RATES) == 'AND(fe_hall="是",fe_staff>=2,IF(fe_den=0,TRUE,fe_num*100>=90*fe_den))'
    deduct = Deduct(F(2), cond, "员额{n}人，{rate}，共{total}人，扣{points}分")
    assert deduct.score(getter(hall=True, staff=1, num=1, den=2), RATES).reason == "员额1人，50%，共2人，扣2分"


def test_fill_reason_leaves_unknown_and_missing_placeholders():
    assert fill_reason("{n}人{points}分{max}", n=3, points=F(3, 2)) == "3人1.5分{max}"
    assert fill_reason("{rate}", rate="90%") == "90%"


# ---------------------------------------------------------------- kinds: what each part gives and what it did not
def test_outcomes_say_what_was_given_and_what_was_not():
    from fullemp_xl.rules.kinds import Band, Bands, Base, Outcome, PerUnit, PerUnitAward, Shortfall

    assert Base(F(10)).score(getter(), RATES) == Outcome(F(10), F(0))
    award = Award(F(6), FactTest("ok"), "不得{points}分")
    assert award.score(getter(ok=True), RATES) == Outcome(F(6), F(0))
    assert award.score(getter(ok=False), RATES) == Outcome(F(0), F(6), "不得6分")
    deduct = Deduct(F(2), FactTest("ok"), "扣{points}分")
    assert deduct.score(getter(ok=True), RATES) == Outcome(F(0), F(0))
    assert deduct.score(getter(ok=False), RATES) == Outcome(F(-2), F(2), "扣2分")
    per_unit = PerUnit(F(3), "n", "{n}人扣{points}分")
    assert per_unit.score(getter(n=2), RATES) == Outcome(F(-6), F(6), "2人扣6分")
    award_each = PerUnitAward(F(1), "n", F(10), "少得{points}分")
    assert award_each.score(getter(n=10), RATES) == Outcome(F(10), F(0))
    assert award_each.score(getter(n=4), RATES) == Outcome(F(4), F(6), "少得6分")
    short = Shortfall(F(2), "done", "少{short}人，目标{target}人，扣{points}分", target_value=F(5))
    assert short.score(getter(done=3), RATES) == Outcome(F(-4), F(4), "少2人，目标5人，扣4分")
    bands = Bands((Band(FactTest("k", ">=", F(3)), F(5)), Band(FactTest("k", ">=", F(1)), F(2))), "{n}次，扣{points}分")
    assert bands.score(getter(k=3), RATES) == Outcome(F(5), F(0))
    assert bands.score(getter(k=1), RATES) == Outcome(F(2), F(3), "1次，扣3分")
    assert bands.score(getter(k=0), RATES) == Outcome(F(0), F(5), "0次，扣5分")


def test_what_each_kind_reads_and_offers_to_its_reason():
    from fullemp_xl.rules.kinds import Band, Bands, PerUnit, PerUnitAward, Shortfall, Veto

    assert PerUnit(F(3), "n", "x").fields(RATES) == frozenset({"points", "n"})
    assert PerUnit(F(3), "n", "x", F(9)).fields(RATES) == frozenset({"points", "n", "max"})
    assert PerUnit(F(3), "n", "x").facts(RATES) == ("n",)
    assert PerUnitAward(F(1), "n", F(5), "x").fields(RATES) == frozenset({"points", "n", "max"})
    assert PerUnitAward(F(1), "n", F(5), "x").facts(RATES) == ("n",)
    plain = Shortfall(F(2), "done", "x", target_value=F(8))
    assert plain.fields(RATES) == frozenset({"points", "n", "target", "short"})
    assert plain.facts(RATES) == ("done",)
    capped = Shortfall(F(2), "done", "x", target_fact="goal", max=F(6))
    assert capped.fields(RATES) == frozenset({"points", "n", "target", "short", "max"})
    assert capped.facts(RATES) == ("done", "goal")
    assert Award(F(6), RateTest("r", ">=", F(90)), "x").fields(RATES) == frozenset({"points", "rate", "n", "total"})
    assert Deduct(F(2), FactTest("ok"), "x").fields(RATES) == frozenset({"points"})
    assert Veto(FactTest("k", ">=", F(2)), "x").fields(RATES) == frozenset({"points", "n"})
    assert Veto(FactTest("k", ">=", F(2)), "x").facts(RATES) == ("k",)
    bands = Bands((Band(RateTest("r", ">=", F(90)), F(5)), Band(RateTest("r", ">=", F(50)), F(2))), "x")
    assert bands.fields(RATES) == frozenset({"points", "rate", "n", "total"})
    assert bands.facts(RATES) == ("num", "den", "num", "den")


def test_a_single_band():
    from fullemp_xl.rules.kinds import Band, Bands, Outcome

    single = Bands((Band(FactTest("k", ">=", F(3)), F(5)),), "{n}次，扣{points}分")
    assert single.fields(RATES) == frozenset({"points", "n"})
    assert single.score(getter(k=1), RATES) == Outcome(F(0), F(5), "1次，扣5分")
    assert single.excel(ref, RATES) == "IF(fe_k>=3,5,0)"
    assert single.max_points == 5


FRACTIONS = st.fractions(min_value=0, max_value=200, max_denominator=8)
NUMBERS = st.one_of(st.integers(0, 200), FRACTIONS)  # counts are ints from the reader; other facts may be Fractions


@given(st.sampled_from(sorted(OPS)), NUMBERS, FRACTIONS)
@example(">=", 3, F(5, 2))  # a whole count against 2.5
@example("==", F(5, 2), F(5, 2))  # a Fraction at the threshold
def test_a_number_test_compares_exactly_whatever_the_types(op, value, threshold):
    """Whole counts against a whole threshold are compared in integers (no Fraction built); every other pairing
    (a Fraction value, a threshold such as 2.5) by exact fractions. Both must say what exact arithmetic says."""
    cond = FactTest("n", op, threshold)
    assert cond.holds(getter(n=value), RATES) is OPS[op](F(value), threshold)


@given(st.sampled_from(sorted(OPS)), NUMBERS, NUMBERS.filter(bool), st.fractions(0, 100, max_denominator=8))
@example("<=", 5, 8, F(125, 2))  # 5 of 8 is exactly 62.5%
@example("<=", F(1, 2), 1, F(50))  # a Fraction exactly at the percent
def test_a_rate_test_compares_exactly_whatever_the_types(op, num, den, percent):
    """num / den against a percent such as 62.5: in integers for counts, in fractions otherwise, never by division."""
    cond = RateTest("r", op, percent)
    assert cond.holds(getter(num=num, den=den), RATES) is OPS[op](F(num) / F(den) * 100, percent)
