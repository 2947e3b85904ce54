"""Decisions and their reasons by their full wording: what the 考评表, the summary and the 公示 print.

齐齐哈尔 2022 四（一）: 90分以上（含90分）认定；原省级以上、90～95分的降为市级；95～98分原省星级以上的降为省级；98～99分
原国家级的降为省星级；95分以上可筛选申报；2021年认定的国家级免于评定；不足90分的取消评定资格。
张掖 2023 第七条: 90分以上认定为市级；平台建设基本条件任一项不符合的不能参与认定。
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, good_values
from fullemp_xl.core.model import Decision, Exemption, LevelBand, LevelPolicy, PriorTitle
from fullemp_xl.rules import load_ruleset
from fullemp_xl.rules.kinds import Veto
from fullemp_xl.engine.scoring import check_gates, decide, item_facts, score_item, score_stage

CITY, PROV, STAR, NATION = "市级充分就业社区", "省级充分就业社区", "省级充分就业星级社区", "国家级充分就业社区"
RECOMMEND = "可按省厅部署筛选申报省级以上充分就业社区"
QIQIHAR, ZHANGYE = load_ruleset("qiqihar-2022"), load_ruleset("zhangye-2023")


def qq(total, prior=None, year=2020, gates=None) -> Decision:
    return decide(QIQIHAR.levels, Fraction(total), gates, PriorTitle(prior, year) if prior else None, 2022)


def zy(total, gates=True, prior=None, year=2022) -> Decision:
    return decide(ZHANGYE.levels, Fraction(total), gates, PriorTitle(prior, year) if prior else None, 2023)


def test_below_the_line_without_a_title():
    assert qq("179/2") == Decision("不予评定", False, "综合得分89.5分，未达到90分", "", True)
    assert zy("179/2") == Decision("不予认定", False, "综合得分89.5分，未达到90分", "", True)


def test_below_the_line_the_title_is_cancelled_in_words():
    assert qq("179/2", PROV) == Decision("取消评定资格", False, "综合得分89.5分，未达到90分，原“省级充分就业社区”称号取消",
                                         "", True)
    assert zy(89, prior=CITY) == Decision("取消市级充分就业社区资格", False,
                                          "综合得分89分，未达到90分，原“市级充分就业社区”称号取消", "", True)


def test_a_new_community_is_certified_at_the_lowest_title():
    assert qq(90) == Decision(CITY, True, "综合得分90分，达到90分，认定为市级充分就业社区", "", True)
    assert qq(96) == Decision(CITY, True, f"综合得分96分，达到95分，认定为市级充分就业社区；{RECOMMEND}", RECOMMEND, True)
    assert zy(95) == Decision(CITY, True, "综合得分95分，达到90分，认定为市级充分就业社区", "", True)


def test_a_community_keeping_its_title_is_not_downgraded_in_words():
    assert qq(96, PROV) == Decision(PROV, True, f"综合得分96分，保持省级充分就业社区；{RECOMMEND}", RECOMMEND, True)
    # 市级 scoring in the 省级 band keeps 市级 (a title is granted by the province, not by points)
    assert qq(96, CITY) == Decision(CITY, True, f"综合得分96分，保持市级充分就业社区；{RECOMMEND}", RECOMMEND, True)
    assert qq(99, NATION) == Decision(NATION, True, f"综合得分99分，保持国家级充分就业社区；{RECOMMEND}", RECOMMEND, True)
    assert zy(95, prior=CITY) == Decision(CITY, True, "综合得分95分，保持市级充分就业社区", "", True)


def test_downgrades_name_the_old_and_the_new_title():
    assert qq(96, STAR) == Decision(PROV, True, f"综合得分96分，原为省级充分就业星级社区，得分不足以保持，降为省级充分就业社区；"
                                                f"{RECOMMEND}", RECOMMEND, True)
    assert qq(92, NATION) == Decision(CITY, True, "综合得分92分，原为国家级充分就业社区，得分不足以保持，降为市级充分就业社区",
                                      "", True)
    assert qq("98.5", NATION).reason == (f"综合得分98.5分，原为国家级充分就业社区，得分不足以保持，降为省级充分就业星级社区；"
                                        f"{RECOMMEND}")


def test_the_exempt_national_community_is_certified_and_not_due():
    exempt = Decision(NATION, True, "2021年已被评定为国家级充分就业社区，2022年免于评定", "", False)
    assert qq(50, NATION, 2021) == exempt
    assert qq(99, NATION, 2021) == exempt
    assert qq(50, NATION, 2020).level == "取消评定资格"  # granted another year: assessed like the others
    assert qq(50, PROV, 2021).level == "取消评定资格"


def test_gates_not_met_or_not_filled():
    assert zy(95, False) == Decision("不予认定", False, "平台建设基本条件不符合，不能参与认定（综合得分95分）", "", True)
    assert zy(95, None, CITY) == Decision("取消市级充分就业社区资格", False,
                                          "平台建设基本条件未填完，不能参与认定（综合得分95分）", "", True)
    assert qq(92, gates=False).level == CITY  # 齐齐哈尔's levels do not require the gates


def test_fractional_totals_are_printed_as_numbers():
    assert qq(Fraction(271, 3)).reason == "综合得分90.3333分，达到90分，认定为市级充分就业社区"
    assert zy(Fraction(179, 2), False).reason == "平台建设基本条件不符合，不能参与认定（综合得分89.5分）"


def test_a_fractional_line_is_printed_as_a_number():
    policy = LevelPolicy(titles=(CITY,), bands=(LevelBand(Fraction(179, 2), CITY, CITY),), requires_gates=False)
    assert decide(policy, Fraction(89), None, None, 2023).reason == "综合得分89分，未达到89.5分"
    assert decide(policy, Fraction(90), None, None, 2023).reason == "综合得分90分，达到89.5分，认定为市级充分就业社区"


def test_a_community_failing_the_gates_in_its_title_year_is_not_due():
    assert zy(95, False, CITY, 2023) == Decision("取消市级充分就业社区资格", False,
                                                 "平台建设基本条件不符合，不能参与认定（综合得分95分）", "", False)


def test_large_totals_are_written_out():
    assert qq(1234567).reason == "综合得分1234567分，达到99分，认定为市级充分就业社区；" + RECOMMEND


def test_recertification_is_due_by_the_years_since_the_title():
    assert qq(96, PROV, 2020).due is True   # 2022 - 2020 = 2 years
    assert qq(96, PROV, 2021).due is False  # 1 year
    assert qq("179/2", PROV, 2021).due is False
    assert qq(96, PROV, None).due is True  # the year of the title unknown
    assert qq(96).due is True
    assert zy(95, prior=CITY, year=2022).due is True  # every year


def test_an_unknown_prior_title_counts_as_none():
    assert qq(90, "乱写的称号") == Decision(CITY, True, "综合得分90分，达到90分，认定为市级充分就业社区", "", True)
    assert qq(80, "乱写的称号").level == "不予评定"


def test_exemption_needs_title_and_year():
    policy = LevelPolicy(titles=(CITY, NATION), bands=(LevelBand(Fraction(90), CITY, CITY),
                                                         LevelBand(Fraction(99), NATION, CITY)),
                         requires_gates=False, exemptions=(Exemption(NATION, 2021, "免"),))
    assert decide(policy, Fraction(0), None, PriorTitle(NATION, 2021), 2022) == Decision(NATION, True, "免", due=False)
    assert decide(policy, Fraction(0), None, PriorTitle(CITY, 2021), 2022).level == "取消认定资格"


# ---------------------------------------------------------------- a whole stage
OTHER_CITY = load_ruleset(str(ROOT / "tests" / "rulesets" / "other-city-150.toml"))
OTHER_GOOD = dict(hall=True, complaints=0, helped=30, task_target=10, task_done=12, training_target=8, trained=8,
                  visits=20, families_helped=3, disabled_total=20, disabled_registered=19, new_jobs=10)


def test_a_stage_with_half_points_prints_its_total_as_a_number():
    result = score_stage(OTHER_CITY, "self", {**OTHER_GOOD, "complaints": 1})
    assert result.total == Fraction(297, 2)
    assert result.decision == Decision(CITY, True, "综合得分148.5分，达到135分，认定为市级充分就业社区", "", True)
    low = score_stage(OTHER_CITY, "self", {**OTHER_GOOD, "complaints": 1, "visits": 0, "helped": 0, "hall": False})
    assert low.total == Fraction(177, 2)
    assert low.decision == Decision("不予认定", False, "综合得分88.5分，未达到120分", "", True)
    assert [r for s in low.items for r in s.reasons] == [
        "没有就业服务窗口，不得20分", "有效投诉1件，扣1.5分（最多扣6分）", "帮助0人再就业，少得30分（最高30分）", "走访0户，少得10分"]


def test_an_item_that_lacks_data_names_the_facts(zhangye):
    values = {**good_values(), "service_hall": None, "qualified_staff": None}
    scored = score_item(zhangye.item("1"), values, zhangye)
    assert scored.score is None and scored.points == 20 and scored.item == "1"
    labels = [zhangye.facts[f].label for f in ("service_hall", "qualified_staff")]
    assert scored.reasons == (f"基础数据未填或无效：{'、'.join(labels)}",)
    result = score_stage(zhangye, "self", values)
    assert result.total is None and result.decision is None
    assert result.sections["1"] is None and result.sections["2"] == 10
    assert [g.met for g in check_gates(zhangye, values)][:1] == [None]


def test_over_deduction_is_said(zhangye):
    values = {**good_values(), "unemployed_unregistered": 9}
    scored = score_item(zhangye.item("3.2"), values, zhangye)
    assert scored.score == 0
    assert scored.reasons[-1] == "扣分超过本项标准分，按0分计"


def test_item_facts_are_in_first_use_order_and_cached(zhangye):
    rs = replace(zhangye, id="fresh")  # a rule set object no earlier test has cached
    first = item_facts(rs.item("1"), rs)
    assert first == ("service_hall", "office_equipment", "qualified_staff", "staff_stable", "work_rules")[:len(first)]
    assert item_facts(rs.item("1"), rs) is first


def test_the_year_of_the_stage_decides_what_is_due(zhangye):
    values = good_values()
    prior = PriorTitle(CITY, 2023)
    assert score_stage(zhangye, "self", values, prior).decision.due is False  # zhangye-2023: the year of the rule set
    assert score_stage(zhangye, "self", values, prior, year=2024).decision.due is True


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_no_reason_ever_says_none_or_keeps_a_placeholder(data):
    rs = data.draw(st.sampled_from([ZHANGYE, QIQIHAR]))
    values = dict(good_values())
    for fact in rs.facts.values():
        if data.draw(st.booleans()):
            continue
        if fact.type == "flag":
            values[fact.id] = data.draw(st.booleans())
        elif fact.type == "percent":
            values[fact.id] = data.draw(st.sampled_from([0.0, 0.5, 0.79, 0.8, 0.9, 1.0]))
        else:
            values[fact.id] = data.draw(st.integers(0, 40))
    prior = data.draw(st.sampled_from([None, PriorTitle(CITY, 2020), PriorTitle(NATION, 2021), PriorTitle(PROV, None)]))
    result = score_stage(rs, "self", values, prior)
    texts = [r for s in result.items for r in s.reasons] + ([result.decision.reason] if result.decision else [])
    for text in texts:
        assert "None" not in text and "{" not in text and "}" not in text, text
        assert "Fraction" not in text and "nan" not in text, text


def test_gates_name_themselves_and_read_rates(tmp_path):
    text = (ROOT / "tests" / "rulesets" / "three-stage-85.toml").read_text(encoding="utf-8")
    text = text.replace('require = "platform"\n',
                        'require = { all = ["platform", { rate = "reemployment", op = ">=", percent = 50 }] }\n', 1)
    path = tmp_path / "rate-gate.toml"
    path.write_text(text, encoding="utf-8")
    rs = load_ruleset(str(path))
    values = {"window": True, "staff": 2, "reemployed": 1, "unemployed": 2}
    assert [(g.gate, g.label, g.met) for g in check_gates(rs, values)] == [
        ("platform", "有就业服务窗口且至少2名专职人员", True)]
    assert [g.met for g in check_gates(rs, {**values, "reemployed": 0})] == [False]
    assert [(g.gate, g.label, g.met) for g in check_gates(rs, {**values, "unemployed": None})] == [
        ("platform", "有就业服务窗口且至少2名专职人员", None)]


def test_a_stage_result_names_its_stage(zhangye):
    assert score_stage(zhangye, "assessed", good_values()).stage == "assessed"
    assert score_stage(zhangye, "self", {**good_values(), "service_hall": None}).stage == "self"


def test_a_veto_reason_can_name_the_items_points(zhangye, good):
    item = zhangye.item("3.2")
    parts = tuple(Veto(p.require, "再就业率{rate}，本项{points}分不得") if isinstance(p, Veto) else p for p in item.parts)
    vetoed = replace(item, parts=parts)
    scored = score_item(vetoed, {**good, "unemployed_reemployed": 1, "unemployed_willing": 10}, zhangye)
    assert (scored.item, scored.points, scored.score, scored.reasons) == ("3.2", 10, 0, ("再就业率10%，本项10分不得",))


def test_item_facts_are_remembered_per_item_and_rule_set(zhangye):
    rs, other = replace(zhangye, id="fresh-1"), replace(zhangye, id="fresh-2")  # objects no earlier test has cached
    one, two = rs.item("1"), rs.item("2")
    first = item_facts(one, rs)
    item_facts(two, rs)
    assert item_facts(one, rs) is first  # each item keeps its own entry
    assert item_facts(one, other) == first
    assert item_facts(one, rs) is first  # and each rule set its own
