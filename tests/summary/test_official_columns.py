"""Issue 19 (3): the summary's officials' columns come from the rule set's declared process, labelled by stage;
a summary written with the earlier headers (实地考察, 公示异议 …) is still read, and the next run relabels it."""
from __future__ import annotations

import openpyxl

from conftest import good_values, make_assessment
from fullemp_xl.rules import load_ruleset
from fullemp_xl.summary.load import load_summary
from fullemp_xl.summary.status import standing
from fullemp_xl.summary.write import SHEETS
from test_merge import merge_json, official_heads, run, set_decisions, submission

# the headers each rule set's summary had before (张掖's 市级公示异议 is unchanged; 齐齐哈尔 had one 公示异议)
ZHANGYE_EARLIER = {"县区实地考察": "实地考察", "县区公示异议": "公示异议"}
QIQIHAR_EARLIER = {"市级实地考核": "实地考察", "市级公示异议": "公示异议"}


def heads(path) -> list[str]:
    return [c.value for c in openpyxl.load_workbook(path)[SHEETS["summary"]][3] if c.value]


def relabel(path, mapping: dict[str, str]) -> None:
    """Give the 汇总 sheet the headers an earlier version wrote (as a summary from last month has them)."""
    wb = openpyxl.load_workbook(path)
    for cell in wb[SHEETS["summary"]][3]:
        if cell.value in mapping:
            cell.value = mapping[cell.value]
    wb.save(path)


def prompt(path, header: str) -> str:
    """The input message Excel shows on the first row's cell of a column."""
    ws = openpyxl.load_workbook(path)[SHEETS["summary"]]
    [column] = [c.column_letter for c in ws[3] if c.value == header]
    return " ".join(dv.prompt or "" for dv in ws.data_validations.dataValidation if f"{column}4" in dv.sqref)


def test_zhangye_summary_has_each_stage_s_columns_and_reads_an_earlier_one(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    submission(src, zhangye, community="西关社区")
    out = tmp_path / "汇总表.xlsx"
    assert merge_json(src, "-o", out)[0].returncode == 0
    officials = heads(out)[heads(out).index("错误数") + 1:heads(out).index("备注") + 1]
    assert officials == ["县区实地考察", "县区公示异议", "市级公示异议", "最终认定", "民政变动", "变更后名称", "备注"]
    assert "县区公示期内有无异议：无 / 有，无异议的推荐到市" in prompt(out, "县区公示异议")
    assert official_heads(out) == {"inspection": "县区实地考察", "objection": "县区公示异议", "city_objection": "市级公示异议",
                                   "final": "最终认定", "civil": "民政变动", "new_name": "变更后名称", "note": "备注"}

    set_decisions(out, "南关社区", inspection="符合", objection="无", city_objection="有", note="已考察")
    set_decisions(out, "西关社区", inspection="不符合")
    relabel(out, ZHANGYE_EARLIER)  # a summary written before the columns were labelled by stage
    assert "实地考察" in heads(out) and "县区实地考察" not in heads(out)
    rows = {r.community: r.decisions for r in load_summary(out).rows}
    assert (rows["南关社区"].inspection, rows["南关社区"].objection, rows["南关社区"].city_objection) == ("符合", "无", "有")
    assert rows["南关社区"].note == "已考察" and rows["西关社区"].inspection == "不符合"

    proc = run("merge", "--refresh", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "县区实地考察" in heads(out) and "实地考察" not in heads(out) and "公示异议" not in heads(out)
    again = load_summary(out)
    rows = {r.community: r.decisions for r in again.rows}
    assert (rows["南关社区"].inspection, rows["南关社区"].objection, rows["南关社区"].city_objection) == ("符合", "无", "有")
    assert rows["西关社区"].inspection == "不符合"
    assert [(line.community, line.column) for line in again.log] == [("南关社区", "县区实地考察"), ("南关社区", "县区公示异议"),
                                                                   ("南关社区", "市级公示异议"), ("南关社区", "备注"),
                                                                   ("西关社区", "县区实地考察")]


def test_qiqihar_summary_has_only_the_city_s_columns(tmp_path):
    qiqihar = load_ruleset("qiqihar-2022")
    src = tmp_path / "in"
    src.mkdir()
    for name in ("社区0", "社区1"):
        make_assessment(src / f"{name}.xlsx", qiqihar, {"self": good_values(), "assessed": good_values()},
                        identity={"县（区）": "龙沙区", "街道（乡镇）": "五龙街道", "社区": name})
    out = tmp_path / "s.xlsx"
    assert merge_json(src, "-o", out, "--year", "2022")[0].returncode == 0
    officials = heads(out)[heads(out).index("错误数") + 1:heads(out).index("备注") + 1]
    assert officials == ["市级实地考核", "最终认定", "市级公示异议", "民政变动", "变更后名称", "备注"]
    set_decisions(out, "社区0", inspection="符合", final="认定", objection="有")
    relabel(out, QIQIHAR_EARLIER)
    assert "公示异议" in heads(out)
    [row] = [r for r in load_summary(out).rows if r.community == "社区0"]
    assert (row.decisions.inspection, row.decisions.final, row.decisions.objection) == ("符合", "认定", "有")
    assert run("merge", "--refresh", out).returncode == 0
    assert "市级实地考核" in heads(out) and "市级公示异议" in heads(out)
    [row] = [r for r in load_summary(out).rows if r.community == "社区0"]
    assert row.decisions.objection == "有"
    assert standing(row, qiqihar.publication).excluded == "公示期内有异议"  # the city's 公示 had an objection


def test_where_a_community_stands_is_said_in_the_rule_sets_own_step_names():
    """齐齐哈尔 inspects by 实地考核 and certifies by 评定 (方案六); 张掖 by 实地考察 and 认定 (第六条)."""
    from fullemp_xl.summary.model import Decisions, SummaryRow

    zhangye, qiqihar = load_ruleset("zhangye-2023"), load_ruleset("qiqihar-2022")
    waiting = SummaryRow(county="甘州区", street="东街街道", community="南关社区", eligible=True)
    assert standing(waiting, qiqihar.publication).step == "待实地考核"
    assert standing(waiting, zhangye.publication).step == "待实地考察"
    failed = SummaryRow(county="甘州区", street="东街街道", community="南关社区", eligible=True,
                        decisions=Decisions(inspection="不符合"))
    assert standing(failed, qiqihar.publication).excluded == "实地考核不符合"
    inspected = SummaryRow(county="甘州区", street="东街街道", community="南关社区", eligible=True,
                           decisions=Decisions(inspection="符合", objection="无"))
    assert standing(inspected, qiqihar.publication).step == "待市级评定"
    assert standing(inspected, zhangye.publication).step == "待市级认定"
