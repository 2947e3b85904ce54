"""Every item of the 张掖 2023 table, with expectations worked out by hand from the seed's wording."""
from __future__ import annotations

from fractions import Fraction

import pytest

from fullemp_xl.core.model import PriorTitle
from fullemp_xl.engine.scoring import decide, score_item, score_stage


def item(rs, item_id, values):
    return score_item(rs.item(item_id), values, rs)


def test_full_marks_community_scores_100(zhangye, good):
    result = score_stage(zhangye, "self", good)
    assert result.total == 100
    assert all(s.score == s.points and not s.reasons for s in result.items)
    assert result.gates_met is True
    assert result.decision.level == "市级充分就业社区"
    assert result.decision.certified


def test_table_shape(zhangye):
    assert [s.title for s in zhangye.sections] == ["平台建设标准", "基础工作标准", "服务工作标准", "就业援助标准", "其他评价标准"]
    assert [int(s.points) for s in zhangye.sections] == [20, 10, 40, 15, 15]
    assert [int(i.points) for i in zhangye.items] == [20, 10, 10, 10, 5, 6, 4, 5, 5, 5, 5, 5, 5, 5]
    assert sum(i.points for i in zhangye.items) == 100


# ---------------------------------------------------------------- 1 平台建设
@pytest.mark.parametrize("failed, expected, n_reasons", [
    ({}, 20, 0),
    ({"service_hall": False}, 15, 1),
    ({"service_hall": False, "office_equipment": False}, 10, 2),
    ({"qualified_staff": 1}, 15, 1),  # 至少2名: 1 is not enough
    ({"staff_stable": False}, 15, 1),
    ({"service_hall": False, "office_equipment": False, "qualified_staff": 0, "work_rules": False}, 0, 4),
])
def test_item_1_platform(zhangye, good, failed, expected, n_reasons):
    s = item(zhangye, "1", {**good, **failed})
    assert s.score == expected
    assert len(s.reasons) == n_reasons


def test_item_1_exactly_two_staff_is_enough(zhangye, good):
    assert item(zhangye, "1", {**good, "qualified_staff": 2}).score == 20


def test_platform_gate_blocks_certification_whatever_the_total(zhangye, good):
    result = score_stage(zhangye, "assessed", {**good, "qualified_staff": 1})
    assert result.total == 95
    assert result.gates_met is False
    assert [g.met for g in result.gates] == [True, True, False, True]
    assert result.decision.level == "不予认定"
    assert "平台建设基本条件不符合" in result.decision.reason


# ---------------------------------------------------------------- 2 基础工作
@pytest.mark.parametrize("missing, reports_ok, expected", [
    (0, True, 10), (1, True, 7), (2, True, 4), (3, True, 1), (4, True, 0),
    (0, False, 5), (1, False, 2), (2, False, 0),
])
def test_item_2_ledgers_and_reports(zhangye, good, missing, reports_ok, expected):
    s = item(zhangye, "2", {**good, "ledgers_missing": missing, "reports_ok": reports_ok})
    assert s.score == expected


def test_item_2_reason_names_the_count(zhangye, good):
    s = item(zhangye, "2", {**good, "ledgers_missing": 2})
    assert s.reasons == ("缺少或未及时更新台账2种，扣6分",)


# ---------------------------------------------------------------- 3.1 零就业家庭
def test_item_3_1_not_cleared_scores_zero(zhangye, good):
    s = item(zhangye, "3.1", {**good, "zero_families": 3, "zero_families_cleared": 2})
    assert s.score == 0
    assert "未按时消除零就业家庭" in s.reasons[0]


@pytest.mark.parametrize("recorded, unstable, expected", [
    (True, 0, 10), (False, 0, 7), (True, 1, 5), (False, 1, 2), (True, 2, 0), (False, 3, 0),
])
def test_item_3_1_service_part(zhangye, good, recorded, unstable, expected):
    values = {**good, "zero_service_recorded": recorded, "zero_members_unstable": unstable}
    assert item(zhangye, "3.1", values).score == expected


def test_item_3_1_no_zero_employment_family_counts_as_cleared(zhangye, good):
    assert item(zhangye, "3.1", {**good, "zero_families": 0, "zero_families_cleared": 0}).score == 10


# ---------------------------------------------------------------- 3.2 登记失业
def test_item_3_2_reason_per_person(zhangye, good):
    s = item(zhangye, "3.2", {**good, "unemployed_unregistered": 2})
    assert s.score == 4
    assert s.reasons == ("未登记失业人员2人，扣6分",)


@pytest.mark.parametrize("reemployed, willing, expected", [
    (9, 10, 10),   # exactly 90%: 达到90%以上 holds
    (89, 100, 0),  # just below: 低于90%不得分
    (90, 100, 10),
    (899, 1000, 0),
    (0, 0, 10),    # nobody to re-employ
])
def test_item_3_2_reemployment_veto_boundary(zhangye, good, reemployed, willing, expected):
    values = {**good, "unemployed_reemployed": reemployed, "unemployed_willing": willing}
    assert item(zhangye, "3.2", values).score == expected


def test_item_3_2_deduction_larger_than_the_item(zhangye, good):
    s = item(zhangye, "3.2", {**good, "unemployed_unregistered": 5, "unemployed_served": False})
    assert s.score == 0
    assert s.reasons[-1] == "扣分超过本项标准分，按0分计"


def test_item_3_2_services_give_six(zhangye, good):
    assert item(zhangye, "3.2", {**good, "unemployed_served": False}).score == 4


# ---------------------------------------------------------------- 3.3 – 3.6
@pytest.mark.parametrize("employed, total, expected", [(19, 20, 5), (94, 100, 0), (95, 100, 5), (0, 0, 5)])
def test_item_3_3_hardship_employment(zhangye, good, employed, total, expected):
    values = {**good, "hardship_employed": employed, "hardship_total": total,
              "hardship_trained": total, "hardship_assisted": total}
    assert item(zhangye, "3.3", values).score == expected


@pytest.mark.parametrize("registered, employed, expected", [(27, 9, 6), (26, 9, 3), (27, 8, 3), (26, 8, 0)])
def test_item_3_4_disabled_two_rates(zhangye, good, registered, employed, expected):
    # 30 disabled: 27 = exactly 90%; 10 able and willing: 9 = exactly 90%
    values = {**good, "disabled_registered": registered, "disabled_employed": employed}
    assert item(zhangye, "3.4", values).score == expected


@pytest.mark.parametrize("managed, expected", [(600, 4), (599, 0)])
def test_item_3_5_retirees_all_or_nothing(zhangye, good, managed, expected):
    assert item(zhangye, "3.5", {**good, "retirees_managed": managed}).score == expected


@pytest.mark.parametrize("served, target, expected", [(True, True, 5), (False, True, 2), (True, False, 0), (False, False, 0)])
def test_item_3_6_key_groups(zhangye, good, served, target, expected):
    values = {**good, "key_groups_served": served, "key_groups_target_met": target}
    assert item(zhangye, "3.6", values).score == expected


# ---------------------------------------------------------------- 4 就业援助
@pytest.mark.parametrize("trained, expected", [
    (100, 5), (91, 5), (90, 3),  # 高于90% is strict: exactly 90% falls to 80-90%
    (80, 3), (79, 1), (50, 1), (49, 0), (0, 0),
])
def test_item_4_1_training_bands(zhangye, good, trained, expected):
    values = {**good, "hardship_total": 100, "hardship_employed": 100, "hardship_assisted": 100,
              "hardship_trained": trained}
    assert item(zhangye, "4.1", values).score == expected


def test_item_4_1_reason_gives_the_rate(zhangye, good):
    values = {**good, "hardship_total": 100, "hardship_trained": 85}
    assert item(zhangye, "4.1", values).reasons == ("就业困难人员参加培训率85%，扣2分",)


@pytest.mark.parametrize("assisted, recorded, expected", [(20, True, 5), (20, False, 3), (19, True, 0), (19, False, 0)])
def test_item_4_2_assistance(zhangye, good, assisted, recorded, expected):
    values = {**good, "hardship_assisted": assisted, "assistance_recorded": recorded}
    assert item(zhangye, "4.2", values).score == expected


@pytest.mark.parametrize("served, recorded, expected", [(True, True, 5), (True, False, 3), (False, True, 0), (False, False, 0)])
def test_item_4_3_tracking(zhangye, good, served, recorded, expected):
    values = {**good, "tracking_served": served, "tracking_recorded": recorded}
    assert item(zhangye, "4.3", values).score == expected


# ---------------------------------------------------------------- 5 其他
@pytest.mark.parametrize("satisfied, sampled, expected", [
    (90, 100, 5), (89, 100, 3), (76, 100, 3),
    (75, 100, 3),  # exactly 75%: read as 3 points (only 低于75% scores nothing)
    (74, 100, 0), (0, 0, 0),  # no survey, no rate
])
def test_item_5_1_satisfaction_bands(zhangye, good, satisfied, sampled, expected):
    values = {**good, "survey_satisfied": satisfied, "survey_sampled": sampled}
    assert item(zhangye, "5.1", values).score == expected


@pytest.mark.parametrize("recorded, expected", [(True, 5), (False, 0)])
def test_item_5_2_publicity(zhangye, good, recorded, expected):
    assert item(zhangye, "5.2", {**good, "publicity_recorded": recorded}).score == expected


@pytest.mark.parametrize("complaints, expected", [(0, 5), (1, 0), (7, 0)])
def test_item_5_3_complaints(zhangye, good, complaints, expected):
    assert item(zhangye, "5.3", {**good, "valid_complaints": complaints}).score == expected


# ---------------------------------------------------------------- totals and decisions
def test_missing_value_leaves_item_and_total_unscored(zhangye, good):
    result = score_stage(zhangye, "self", {**good, "survey_sampled": None})
    by_id = {s.item: s for s in result.items}
    assert by_id["5.1"].score is None
    assert "满意度抽样调查人数" in by_id["5.1"].reasons[0]
    assert result.sections["5"] is None and result.total is None and result.decision is None
    assert result.sections["1"] == 20


@pytest.mark.parametrize("total, level", [
    (Fraction(89), "不予认定"), (Fraction(179, 2), "不予认定"),  # 89.5 does not reach 90
    (Fraction(90), "市级充分就业社区"), (Fraction(100), "市级充分就业社区"),
])
def test_level_threshold_90_inclusive(zhangye, total, level):
    decision = decide(zhangye.levels, total, True, None, 2023)
    assert decision.level == level
    assert decision.certified is (level != "不予认定")


def test_level_needs_all_gates(zhangye):
    assert decide(zhangye.levels, Fraction(100), False, None, 2023).level == "不予认定"
    assert "未填完" in decide(zhangye.levels, Fraction(100), None, None, 2023).reason


def test_total_from_deductions(zhangye, good):
    values = {**good, "publicity_recorded": False, "ledgers_missing": 1}
    result = score_stage(zhangye, "assessed", values)
    assert result.total == 92 and result.sections == {"1": 20, "2": 7, "3": 40, "4": 15, "5": 10}
    assert result.decision.level == "市级充分就业社区"


def test_prior_title_revoked_below_90(zhangye, good):
    values = {**good, "publicity_recorded": False, "valid_complaints": 1, "ledgers_missing": 1}
    result = score_stage(zhangye, "assessed", values, PriorTitle("市级充分就业社区", 2022))
    assert result.total == 87
    assert result.decision.level == "取消市级充分就业社区资格"
    assert not result.decision.certified


def test_scores_are_fractions_of_exact_arithmetic(zhangye, good):
    result = score_stage(zhangye, "self", good)
    assert all(isinstance(s.score, Fraction) for s in result.items)
