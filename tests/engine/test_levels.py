"""Level decisions as the seeds word them: every boundary against every prior title."""
from __future__ import annotations

from fractions import Fraction

import pytest

from fullemp_xl.core.model import PriorTitle
from fullemp_xl.rules import load_ruleset
from fullemp_xl.engine.scoring import decide

CITY, PROV, STAR, NATION = "市级充分就业社区", "省级充分就业社区", "省级充分就业星级社区", "国家级充分就业社区"
REVOKED, NONE = "取消评定资格", "不予评定"
PRIORS = [None, CITY, PROV, STAR, NATION]
RECOMMEND = "可按省厅部署筛选申报省级以上充分就业社区"

# score -> level for each prior (None, 市级, 省级, 省星级, 国家级), read from 齐齐哈尔 2022 四（一）
TABLE = {
    "89.5": [NONE, REVOKED, REVOKED, REVOKED, REVOKED],   # 没有达到90分的 … 均取消评定资格
    "90": [CITY, CITY, CITY, CITY, CITY],                 # 90以上没有达到95、原省级以上的降为市级
    "94.99": [CITY, CITY, CITY, CITY, CITY],
    "95": [CITY, CITY, PROV, PROV, PROV],                 # 95以上没有达到98、原省星级以上的降为省级
    "97.99": [CITY, CITY, PROV, PROV, PROV],
    "98": [CITY, CITY, PROV, STAR, STAR],                 # 98以上没有达到99、原国家级的降为省星级
    "98.99": [CITY, CITY, PROV, STAR, STAR],
    "99": [CITY, CITY, PROV, STAR, NATION],
    "100": [CITY, CITY, PROV, STAR, NATION],
}


@pytest.fixture(scope="module")
def qiqihar():
    return load_ruleset("qiqihar-2022")


@pytest.mark.parametrize("score", TABLE)
@pytest.mark.parametrize("k", range(len(PRIORS)))
def test_qiqihar_boundaries(qiqihar, score, k):
    prior = PriorTitle(PRIORS[k], 2020) if PRIORS[k] else None
    decision = decide(qiqihar.levels, Fraction(score), None, prior, 2022)
    assert decision.level == TABLE[score][k]
    assert decision.certified is (decision.level not in (NONE, REVOKED))
    if Fraction(score) >= 95:
        assert decision.recommend == RECOMMEND and RECOMMEND in decision.reason
    else:
        assert decision.recommend == ""
    if PRIORS[k] and decision.level != PRIORS[k] and decision.certified:
        assert f"降为{decision.level}" in decision.reason


def test_qiqihar_exemption_for_2021_national(qiqihar):
    decision = decide(qiqihar.levels, Fraction(50), None, PriorTitle(NATION, 2021), 2022)
    assert decision.level == NATION and not decision.due and "免于评定" in decision.reason
    # only 国家级 granted in 2021
    assert decide(qiqihar.levels, Fraction(50), None, PriorTitle(NATION, 2020), 2022).level == REVOKED
    assert decide(qiqihar.levels, Fraction(50), None, PriorTitle(PROV, 2021), 2022).level == REVOKED


def test_qiqihar_recertification_every_two_years(qiqihar):
    assert decide(qiqihar.levels, Fraction(96), None, PriorTitle(PROV, 2020), 2022).due is True
    assert decide(qiqihar.levels, Fraction(96), None, PriorTitle(PROV, 2021), 2022).due is False
    assert decide(qiqihar.levels, Fraction(96), None, None, 2022).due is True  # new communities every year


def test_qiqihar_ignores_gates(qiqihar):
    assert not qiqihar.levels.requires_gates
    assert decide(qiqihar.levels, Fraction(92), False, None, 2022).level == CITY


def test_zhangye_policy_with_prior_title():
    zy = load_ruleset("zhangye-2023")
    assert decide(zy.levels, Fraction(95), True, PriorTitle("市级充分就业社区", 2022), 2023).level == "市级充分就业社区"
    assert decide(zy.levels, Fraction(89), True, PriorTitle("市级充分就业社区", 2022), 2023).level == "取消市级充分就业社区资格"
    assert decide(zy.levels, Fraction(95), False, PriorTitle("市级充分就业社区", 2022), 2023).level == "取消市级充分就业社区资格"
    assert decide(zy.levels, Fraction(95), True, PriorTitle("市级充分就业社区", 2022), 2023).due  # yearly review


def test_provisional_table_is_said_everywhere(qiqihar):
    assert "暂借用张掖市" in qiqihar.provisional
    assert qiqihar.items_from == "zhangye-2023"
    assert [i.id for i in qiqihar.items] == [i.id for i in load_ruleset("zhangye-2023").items]
