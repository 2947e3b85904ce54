"""Each rule kind on its own: the Python meaning and the Excel text side by side."""
from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fullemp_xl.core.model import Rate
from fullemp_xl.rules.kinds import (
    PART_KINDS, PLACEHOLDERS, AllOf, Award, Band, Bands, Base, Deduct, FactTest, PerUnit, PerUnitAward, RateTest,
    Shortfall, Veto, excel_number, fill_reason, percent_text,
)
from fullemp_xl.engine.scoring import score_item, score_stage

RATES = {"r": Rate("r", "再就业率", "num", "den"), "s": Rate("s", "满意率", "num", "den", empty_met=False)}
ref = lambda f: f"fe_x_{f}"  # noqa: E731


def getter(**values):
    return values.__getitem__


def test_base():
    assert Base(F(10)).score(getter(), RATES).points == 10
    assert Base(F(10)).excel(ref, RATES) == "10"


def test_award_and_deduct_on_a_flag():
    cond = FactTest("ok")
    award, deduct = Award(F(6), cond, "无服务，不得{points}分"), Deduct(F(2), cond, "无记录，扣{points}分")
    assert award.score(getter(ok=True), RATES).points == 6
    out = award.score(getter(ok=False), RATES)
    assert (out.points, out.lost, out.reason) == (0, 6, "无服务，不得6分")
    assert deduct.score(getter(ok=False), RATES).points == -2
    assert deduct.score(getter(ok=True), RATES).points == 0
    assert award.excel(ref, RATES) == 'IF(fe_x_ok="是",6,0)'
    assert deduct.excel(ref, RATES) == '-IF(fe_x_ok="是",0,2)'


def test_per_unit():
    part = PerUnit(F(3), "n", "未登记{n}人，扣{points}分")
    out = part.score(getter(n=2), RATES)
    assert (out.points, out.reason) == (-6, "未登记2人，扣6分")
    assert part.score(getter(n=0), RATES).reason == ""
    assert part.excel(ref, RATES) == "-3*fe_x_n"


def test_per_unit_with_a_cap():
    part = PerUnit(F(3, 2), "n", "投诉{n}件，扣{points}分，最多扣{max}分", max=F(6))
    assert [part.score(getter(n=k), RATES).points for k in (0, 1, 4, 5, 100)] == [0, F(-3, 2), -6, -6, -6]
    assert part.score(getter(n=5), RATES).reason == "投诉5件，扣6分，最多扣6分"
    assert part.excel(ref, RATES) == "-MIN(6,1.5*fe_x_n)"


def test_per_unit_award_is_capped_and_short():
    part = PerUnitAward(F(1), "n", F(100), "帮助{n}人，少得{points}分（最高{max}分）")
    assert part.max_points == 100
    assert [part.score(getter(n=k), RATES).points for k in (0, 40, 100, 250)] == [0, 40, 100, 100]
    assert part.score(getter(n=40), RATES).reason == "帮助40人，少得60分（最高100分）"
    assert part.score(getter(n=100), RATES).reason == ""
    assert part.excel(ref, RATES) == "MIN(100,1*fe_x_n)"  # not 100 nested IFs


def test_shortfall_against_a_fact_or_a_number():
    part = Shortfall(F(2), "done", "完成{n}人，目标{target}人，少{short}人，扣{points}分", target_fact="goal")
    assert part.score(getter(done=7, goal=10), RATES).points == -6
    assert part.score(getter(done=7, goal=10), RATES).reason == "完成7人，目标10人，少3人，扣6分"
    assert part.score(getter(done=12, goal=10), RATES).points == 0  # over-fulfilled: nothing off
    assert part.excel(ref, RATES) == "-2*MAX(0,fe_x_goal-fe_x_done)"
    capped = Shortfall(F(5, 2), "done", "少{short}个，扣{points}分", target_value=F(10), max=F(15))
    assert capped.score(getter(done=0), RATES).points == -15
    assert capped.score(getter(done=6), RATES).reason == "少4个，扣10分"
    assert capped.excel(ref, RATES) == "-MIN(15,2.5*MAX(0,10-fe_x_done))"


PARTS = [
    Award(F(6), RateTest("r", ">=", F(90)), "x"), Deduct(F(2), FactTest("k", ">=", F(2)), "x"),
    PerUnit(F(3), "n", "x", F(9)), PerUnitAward(F(1), "n", F(5), "x"),
    Shortfall(F(2), "n", "x", target_value=F(8), max=F(6)),
    Bands((Band(RateTest("r", ">=", F(90)), F(5)), Band(RateTest("r", ">=", F(50)), F(2))), "x"),
    Veto(AllOf((FactTest("k", ">=", F(3)), RateTest("r", ">=", F(90)))), "x"),
]


@pytest.mark.parametrize("part", PARTS, ids=lambda p: type(p).__name__)
def test_every_placeholder_a_kind_offers_is_filled(part):
    """A reason using every placeholder its kind offers comes out with no {…} left, on failing data."""
    template = "".join("{" + f + "}" for f in sorted(part.fields(RATES)))
    part = type(part)(**{**part.__dict__, "reason": template})
    get = getter(num=1, den=10, n=1, k=0)
    text = part.vetoes(get, RATES, F(10)) if isinstance(part, Veto) else part.score(get, RATES).reason
    assert text and "{" not in text, text
    assert set(part.fields(RATES)) <= set(PLACEHOLDERS)


def test_every_kind_is_documented_in_the_registry():
    assert {"per_unit_award", "shortfall"} <= set(PART_KINDS)
    for kind, (cls, meaning, fields) in PART_KINDS.items():
        assert cls.__doc__ and meaning and fields


@pytest.mark.parametrize("num, den, holds", [(9, 10, True), (89, 100, False), (0, 0, True), (1, 1, True)])
def test_rate_test_is_exact(num, den, holds):
    cond = RateTest("r", ">=", F(90))
    assert cond.holds(getter(num=num, den=den), RATES) is holds
    assert cond.excel(ref, RATES) == "IF(fe_x_den=0,TRUE,fe_x_num*100>=90*fe_x_den)"


def test_empty_denominator_policy():
    assert RateTest("s", ">=", F(75)).holds(getter(num=0, den=0), RATES) is False
    assert "FALSE" in RateTest("s", ">=", F(75)).excel(ref, RATES)


def test_bands_take_the_first_band_that_holds():
    bands = Bands((Band(RateTest("r", ">", F(90)), F(5)), Band(RateTest("r", ">=", F(80)), F(3)),
                   Band(RateTest("r", ">=", F(50)), F(1))), "培训率{rate}，扣{points}分")
    assert [bands.score(getter(num=n, den=100), RATES).points for n in (91, 90, 80, 79, 50, 49)] == [5, 3, 3, 1, 1, 0]
    assert bands.score(getter(num=85, den=100), RATES).reason == "培训率85%，扣2分"
    assert bands.max_points == 5
    assert bands.excel(ref, RATES).count("IF(") == 6


def test_veto_and_all_of():
    cond = AllOf((FactTest("staff", ">=", F(2)), FactTest("stable")))
    veto = Veto(cond, "不具备条件，本项不得分")
    assert veto.vetoes(getter(staff=2, stable=True), RATES) is None
    assert veto.vetoes(getter(staff=1, stable=True), RATES) == "不具备条件，本项不得分"
    assert veto.excel(ref, RATES) == 'AND(fe_x_staff>=2,fe_x_stable="是")'


def test_percent_fact():
    cond = FactTest("sat", ">=", F(90), percent=True)
    assert cond.holds(getter(sat=0.9), RATES) and not cond.holds(getter(sat=0.899), RATES)
    assert cond.excel(ref, RATES) == "fe_x_sat>=0.9"


def test_reason_filling_is_not_format():
    assert fill_reason("{n.__class__}扣{points}分", points=F(3)) == "{n.__class__}扣3分"
    assert percent_text(F(2, 3)) == "66.67%" and percent_text(None) == "无（分母为0）"
    assert excel_number(F(5, 2)) == "2.5" and excel_number(F(20)) == "20"


# ---------------------------------------------------------------- properties over the whole rule set
def stage_values(ruleset):
    parts = {}
    for fact in ruleset.facts.values():
        parts[fact.id] = st.booleans() if fact.type == "flag" else st.integers(min_value=0, max_value=500)
    return st.fixed_dictionaries(parts)


@pytest.fixture(scope="module")
def rs():
    from fullemp_xl.rules import load_ruleset
    return load_ruleset("zhangye-2023")


def test_scores_bounded_and_totals_add_up(rs):
    @given(stage_values(rs))
    def check(values):
        result = score_stage(rs, "self", values)
        for item, s in zip(rs.items, result.items):
            assert 0 <= s.score <= item.points
            assert (s.score < item.points) == bool(s.reasons), (item.id, s)
        for section in rs.sections:
            assert result.sections[section.id] == sum(s.score for s in result.items if s.item in {i.id for i in section.items})
        assert result.total == sum(s.score for s in result.items)
        assert 0 <= result.total <= 100
        assert result.decision.certified == (result.total >= 90 and result.gates_met)

    check()


def test_item_scores_never_raise_on_partial_data(rs):
    @given(stage_values(rs), st.sets(st.sampled_from(sorted(rs.facts))))
    def check(values, blanks):
        values = {**values, **{b: None for b in blanks}}
        for item in rs.items:
            s = score_item(item, values, rs)
            assert s.score is None or 0 <= s.score <= item.points

    check()
