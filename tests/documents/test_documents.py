"""`fullemp notice / announce / subsidy` as a user runs them, on summary workbooks written by the merge's writer."""
from __future__ import annotations

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from documents_data import (OK, PROFILE, RARE, county_summaries, docx_text, row, summary_with_profile, table_rows,
                            write, zhangye_rows)
from fullemp_xl.cli import cli
from fullemp_xl.summary.model import Decisions
from conftest import run


def fullemp(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.fixture
def summary(tmp_path):
    return summary_with_profile(tmp_path / "市")


@pytest.fixture
def ganzhou(tmp_path):
    """甘州区's own summary (merge --county): the county 公示 is made from it."""
    return county_summaries(tmp_path / "县")["甘州区"]


COUNTY_GANZHOU = ["南关社区", "{{ x }}社区", "<w:p>社区", "=1+1社区"]


def test_county_notice_lists_the_inspected_and_reports_the_rest(ganzhou, tmp_path):
    out = tmp_path / "甘州区公示.docx"
    result = fullemp("notice", ganzhou, "--stage", "county", "--county", "甘州区", "--start", "2026-12-07", "-o", out)
    assert result.exit_code == 0, result.output
    assert "公示期 2026年12月7日至2026年12月11日（5个工作日）" in result.output
    assert "北关社区：实地考察不符合" in result.output and "争议社区：公示期内有异议" in result.output
    assert "新乐社区：待实地考察" in result.output
    text = docx_text(out)
    assert "甘州区人力资源和社会保障局关于2026年度市级充分就业社区拟推荐名单的公示" in text
    assert "2026年12月7日至2026年12月11日，共5个工作日" in text
    assert "0936-8211111" in text and "gz@zhangye.example.cn" in text and "青年东街1号" in text  # the county's own office
    rows = table_rows(out)
    assert rows[0] == ["序号", "县（区）", "街道（乡镇）", "社区", "综合得分", "备注"]
    listed = [r for r in rows[2:]]
    assert [r[3] for r in listed] == COUNTY_GANZHOU  # exactly these, in the summary's order
    assert [r[0] for r in listed] == ["1", "2", "3", "4"]
    for excluded in ("北关社区", "新乐社区", "争议社区", "低分社区"):
        assert excluded not in text


def test_each_county_notice_comes_from_its_own_summary(tmp_path):
    out = tmp_path / "县区公示"
    documents = []
    for county, own in county_summaries(tmp_path / "县").items():
        result = fullemp("notice", own, "--stage", "county", "--start", "2026-12-07", "-o", out, "--format", "json")
        assert result.exit_code == 0, result.output
        documents += json.loads(result.output)["documents"]
    files = {d["output"]: d["listed"] for d in documents}
    assert files == {str(out / "甘州区-公示.docx"): 4, str(out / "临泽县-公示.docx"): 5}
    lz = docx_text(out / "临泽县-公示.docx")
    assert all(name in lz for name in RARE[:5]) and RARE[5] not in lz  # 𫟦园社区: 最终不予认定
    assert "临泽县人力资源和社会保障局" in lz and "撤销社区" not in lz
    excluded = {e["community"]: e["reason"] for d in documents for e in d["excluded"]}
    assert excluded["撤销社区"] == "民政部门已撤销该社区"


@pytest.mark.parametrize("county", [None, "甘州区"])
def test_the_city_summary_makes_no_county_notice(summary, tmp_path, county):
    """第六条: the county inspects, publishes and recommends; its 公示 is made from its own summary (issue 19)."""
    out = tmp_path / "县区公示"
    proc = run("notice", summary, "--stage", "county", *(["--county", county] if county else []), "--start", "2026-12-07",
               "-o", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    name = county or "甘州区"
    assert "这是市级汇总表，不能生成县（区）公示" in proc.stderr and "第六条（二）：县区初审、实地考察、公示、推荐" in proc.stderr
    assert f"请用 `fullemp merge 县区文件夹 --county {name} -o {name}汇总表.xlsx --registry 社区名册.xlsx` 生成本县区的汇总表" \
        in proc.stderr and "填写县区实地考察" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_a_county_summary_makes_no_city_notice(ganzhou, tmp_path):
    out = tmp_path / "市级公示.docx"
    proc = run("notice", ganzhou, "--stage", "city", "--start", "2026-12-14", "-o", out)
    assert proc.returncode == 2 and not out.exists(), proc.stdout + proc.stderr
    assert "这是甘州区自己的汇总表（merge --county），不能生成市级公示" in proc.stderr and "fullemp merge 各县区报送" in proc.stderr


def test_city_notice_lists_those_the_counties_recommended(summary, tmp_path):
    out = tmp_path / "市级公示.docx"
    result = fullemp("notice", summary, "--stage", "city", "--start", "2026-12-14", "-o", out)
    assert result.exit_code == 0, result.output
    names = [r[3] for r in table_rows(out)[2:]]
    assert names == ["南关社区", "{{ x }}社区", "<w:p>社区", "=1+1社区", *RARE[:5]]
    text = docx_text(out)
    assert "张掖市人力资源和社会保障局关于2026年度市级充分就业社区拟认定名单的公示" in text
    assert "经县（区）公示无异议、推荐到市的综合得分90分以上、基本条件全部符合" in text
    assert "2026年12月14日至2026年12月18日" in text and "jyk@zhangye.example.cn" in text


def test_announcement_by_county_with_number(summary, tmp_path):
    out = tmp_path / "认定公告.docx"
    result = fullemp("announce", summary, "-o", out, "--number", "3")
    assert result.exit_code == 0, result.output
    text = docx_text(out)
    assert "张人社公告〔2026〕3号" in text and "2026年12月18日" in text
    assert "认定8个社区为充分就业社区（其中市级充分就业社区8个）" in text
    rows = table_rows(out)
    assert rows[1][0] == "甘州区（4个）" and rows[6][0] == "临泽县（4个）"
    assert rows[0] == ["序号", "县（区）", "街道（乡镇）", "社区", "认定称号"]
    listed = [r for r in rows if r[0].isdigit()]
    assert [r[3] for r in listed] == ["南关社区", "{{ x }}社区", "<w:p>社区", "=1+1社区", *RARE[:4]]
    assert [r[1] for r in listed] == ["甘州区"] * 4 + ["临泽县"] * 4  # every row names its county, on every page
    assert [r[0] for r in listed] == [str(n) for n in range(1, 9)]  # 序号 runs on across counties
    assert RARE[4] in result.output and "待市级认定" in result.output  # not finally certified: reported, not listed


def test_subsidy_statements_per_county(summary, tmp_path):
    out = tmp_path / "补助资金"
    result = fullemp("subsidy", summary, "-o", out)
    assert result.exit_code == 0, result.output
    assert "甘州区：3 个社区，合计 30,000.00 元（人民币叁万元整）；不予补助 1 个" in result.output
    doc = out / "甘州区-2026年度补助资金明细.docx"
    text = docx_text(doc)
    assert "每年每个社区给予10,000.00元（人民币壹万元整）的补助" in text
    assert "3个社区享受补助，合计30,000.00元（人民币叁万元整）" in text
    assert "须于2026年12月20日前将资金使用情况报县（区）财政、人社部门审核" in text
    funded = table_rows(doc, 0)
    assert [r[2] for r in funded[1:4]] == ["南关社区", "{{ x }}社区", "<w:p>社区"]
    assert [r[3] for r in funded[1:4]] == ["新认定", "新认定", "复查合格"]
    assert funded[4][-1] == "30,000.00" and funded[5][-1] == "人民币叁万元整"
    excluded = table_rows(doc, 1)
    assert excluded[1][2] == "=1+1社区" and "已享受国家级补助，不再重复享受" in excluded[1][3]
    wb = openpyxl.load_workbook(out / "甘州区-2026年度补助资金明细.xlsx")
    ws = wb.active
    assert ws["D4"].value == "南关社区" and ws["G4"].value == 10000
    assert ws["G7"].value == "=SUM(G4:G6)" and ws["B8"].value.startswith("=IF(ROUND(G7,2)=30000.00,\"人民币叁万元整\"")
    texts = {c.value: c.data_type for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert texts["=1+1社区"] == "s"  # a name stays text in the finance office's sheet
    lz = docx_text(out / "临泽县-2026年度补助资金明细.docx")
    assert "埇桥社区" in lz and "已享受省级补助" in lz


def test_subsidy_never_pays_what_cannot_be_checked(tmp_path):
    rows = [row("甘州区", "东街街道", "南关社区", 98, decisions=OK), row("甘州区", "东街街道", "新社区", 97, decisions=OK)]
    rows[1].in_registry = False
    folder = tmp_path / "a"
    summary = summary_with_profile(folder, rows)
    result = fullemp("subsidy", summary, "-o", folder / "补助")
    assert result.exit_code == 0, result.output
    assert "甘州区：1 个社区，合计 10,000.00 元（人民币壹万元整）；不予补助 1 个" in result.output
    assert "新社区：不在社区名册中，无法核对" in result.output
    without = summary_with_profile(tmp_path / "b", rows[:1], missing=None)
    result = fullemp("subsidy", without, "-o", tmp_path / "b" / "补助")
    assert result.exit_code == 2 and "没有提供社区名册" in result.output and "--registry" in result.output


def test_qiqihar_has_no_subsidy_policy_and_publishes_per_level(tmp_path):
    rows = [row("龙沙区", "五龙街道", "甲社区", 99.5, level="国家级充分就业社区", prior=("国家级充分就业社区", 2020),
                change="保持", decisions=Decisions(inspection="符合", final="认定")),
            row("龙沙区", "五龙街道", "乙社区", 96, level="省级充分就业社区", prior=("省级充分就业社区", 2020), change="保持",
                decisions=Decisions(inspection="符合", final="认定")),
            row("建华区", "文化街道", "丙社区", 92, recommend="", decisions=Decisions(inspection="符合", final="认定")),
            row("建华区", "文化街道", "丁社区", 96, recommend="可按省厅部署筛选申报省级以上充分就业社区",
                decisions=Decisions(inspection="符合"))]
    folder = tmp_path / "齐齐哈尔"
    summary = summary_with_profile(folder, rows, rules="qiqihar-2022", year=2022)
    result = fullemp("subsidy", summary, "-o", folder / "补助")
    assert result.exit_code == 1 and "qiqihar-2022" in result.output and "没有补助资金政策" in result.output
    assert not (folder / "补助").exists()
    result = fullemp("notice", summary, "--stage", "county", "--start", "2022-11-14", "-o", folder / "x.docx")
    assert result.exit_code == 2 and "没有县（区）公示" in result.output
    out = folder / "市级公示.docx"
    result = fullemp("notice", summary, "--stage", "city", "--start", "2022-11-14", "-o", out)
    assert result.exit_code == 0, result.output
    rows_out = table_rows(out)
    groups = [r[0] for r in rows_out if not r[0].isdigit() and r[0] != "序号"]
    assert groups == ["国家级充分就业社区（1个）", "省级充分就业社区（1个）", "市级充分就业社区（2个）"]
    assert rows_out[-1][3] == "丁社区" and rows_out[-1][5] == "可按省厅部署筛选申报省级以上充分就业社区"
    assert "2022年度充分就业社区拟认定名单" in docx_text(out)
    result = fullemp("announce", summary, "-o", folder / "公告.docx", "--number", "1")
    text = docx_text(folder / "公告.docx")
    assert "认定3个社区为充分就业社区（其中国家级充分就业社区1个，省级充分就业社区1个，市级充分就业社区1个）" in text


def test_missing_profile_fields_are_named(tmp_path):
    folder = tmp_path / "市"
    summary = summary_with_profile(folder)
    (folder / "发文机关.toml").write_text(PROFILE.replace('phone = "0936-8212345"\n', "").replace(
        'email = "jyk@zhangye.example.cn"\n', ""), encoding="utf-8")
    out = tmp_path / "公示.docx"
    result = fullemp("notice", summary, "--stage", "city", "--start", "2026-12-14", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "联系电话（phone）" in result.output and "电子邮箱（email）" in result.output
    assert "[office]" in result.output and "--phone" in result.output
    result = fullemp("notice", summary, "--stage", "city", "--start", "2026-12-14", "-o", out,
                     "--phone", "0936-0000000", "--email", "x@example.cn")
    assert result.exit_code == 0, result.output
    assert "0936-0000000" in docx_text(out)
    (folder / "发文机关.toml").write_text(PROFILE.split('[county."甘州区"]')[0], encoding="utf-8")
    own = write(folder / "甘州区汇总表.xlsx", zhangye_rows(), county="甘州区")  # beside the same profile
    result = fullemp("notice", own, "--stage", "county", "--county", "甘州区", "--start", "2026-12-07", "-o", out, "--force")
    assert result.exit_code == 2 and '[county."甘州区"]' in result.output and "--office" in result.output
    (folder / "发文机关.toml").write_text(PROFILE.split('[county."甘州区"]')[0].replace('number = "3"\n', ""), encoding="utf-8")
    result = fullemp("announce", summary, "-o", tmp_path / "公告.docx")
    assert result.exit_code == 2 and "发文字号" in result.output and "--number" in result.output
    (folder / "发文机关.toml").write_text(PROFILE.split('[county."甘州区"]')[0].replace("date = 2026-12-18\n", ""), encoding="utf-8")
    result = fullemp("announce", summary, "-o", tmp_path / "公告.docx", "--number", "1")
    assert result.exit_code == 2 and "缺少成文日期" in result.output and "--date" in result.output
    (folder / "发文机关.toml").write_text("[office]\nfax = '1'\n", encoding="utf-8")
    result = fullemp("announce", summary, "-o", tmp_path / "公告.docx")
    assert result.exit_code == 2 and "不认识的键“fax”" in result.output


def test_existing_documents_are_kept_unless_forced(summary, tmp_path):
    out = tmp_path / "公告.docx"
    out.write_bytes(b"an office's own file")
    result = fullemp("announce", summary, "-o", out, "--number", "1")
    assert result.exit_code == 2 and "已存在" in result.output and out.read_bytes() == b"an office's own file"
    result = fullemp("announce", summary, "-o", out, "--number", "1", "--force")
    assert result.exit_code == 0
    assert "南关社区" in docx_text(out)
    backups = list(tmp_path.glob("公告.bak-*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"an office's own file"
    result = fullemp("announce", summary, "-o", summary, "--number", "1", "--force")
    assert result.exit_code == 2 and "输入文件相同" in result.output


def test_bad_arguments_and_inputs(summary, ganzhou, tmp_path):
    result = fullemp("notice", ganzhou, "--stage", "county", "--start", "2026-12-07", "--days", "3", "-o", tmp_path / "a.docx")
    assert result.exit_code == 2 and "不得少于5个工作日" in result.output
    result = fullemp("notice", ganzhou, "--stage", "county", "--county", "山丹县", "--start", "2026-12-07", "-o", tmp_path / "a.docx")
    assert result.exit_code == 2 and "没有县（区）“山丹县”" in result.output and "甘州区" in result.output
    result = fullemp("notice", summary, "--stage", "city", "--start", "2026-12-07", "-o", tmp_path / "a.docx", "--template",
                     tmp_path / "none.docx")
    assert result.exit_code == 2 and "找不到模板文件" in result.output
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    result = fullemp("announce", other, "-o", tmp_path / "a.docx")
    assert result.exit_code == 2 and "不是 `fullemp merge` 生成的汇总表" in result.output
    proc = run("notice", ganzhou, "--stage", "county", "--start", "2026-12-7x", "-o", tmp_path / "a.docx")
    assert proc.returncode == 2 and "不是日期" in proc.stderr


def test_doubtful_decisions_and_conflicts_exit_1(tmp_path):
    rows = [row("甘州区", "东街街道", "南关社区", 98, decisions=OK),
            row("甘州区", "东街街道", "低分社区", 70, eligible=False, decisions=Decisions(final="认定")),
            row("甘州区", "东街街道", "填错社区", 95, decisions=Decisions(inspection="可以"))]
    summary = summary_with_profile(tmp_path / "市", rows)
    out = tmp_path / "公告.docx"
    result = fullemp("announce", summary, "-o", out, "--number", "2")
    assert result.exit_code == 1, result.output
    assert "低分社区" in result.output and "不能认定" in result.output  # a conflict: never listed
    assert "“县区实地考察”填了“可以”" in result.output
    assert [r[3] for r in table_rows(out) if r[0].isdigit()] == ["南关社区"]


def test_nothing_to_publish(tmp_path):
    summary = summary_with_profile(tmp_path / "市", [row("甘州区", "东街街道", "新乐社区", 91)])
    own = summary_with_profile(tmp_path / "县", [row("甘州区", "东街街道", "新乐社区", 91)], county="甘州区")
    result = fullemp("notice", own, "--stage", "county", "--start", "2026-12-07", "-o", tmp_path / "a.docx", "--county", "甘州区")
    assert result.exit_code == 1 and "没有可以公示的社区" in result.output and "待实地考察" in result.output
    result = fullemp("announce", summary, "-o", tmp_path / "a.docx")
    assert result.exit_code == 1 and "没有最终认定的社区" in result.output


def test_a_notice_into_a_year_the_calendar_does_not_know(summary, tmp_path):
    out = tmp_path / "公示.docx"
    proc = run("notice", summary, "--stage", "city", "--start", "2026-12-28", "-o", out)
    assert proc.returncode == 2 and "2027年的法定节假日和调休安排尚未收录" in proc.stderr and not out.exists()
    (summary.parent / "节假日.toml").write_text('[2027]\nholidays = ["2027-01-01"]\n', encoding="utf-8")
    proc = run("notice", summary, "--stage", "city", "--start", "2026-12-28", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "2026年12月28日至2027年1月4日，共5个工作日" in docx_text(out)


def test_an_office_template(summary, tmp_path):
    import docx

    from fullemp_xl.documents.templates import template_bytes

    path = tmp_path / "我们的公告.docx"
    path.write_bytes(template_bytes("announcement"))
    doc = docx.Document(str(path))
    doc.paragraphs[0].runs[0].text = "关于公布{{ year }}年度充分就业社区的公告"
    doc.add_paragraph("邮编：{{ office.postcode }}")
    doc.save(str(path))
    out = tmp_path / "公告.docx"
    result = fullemp("announce", summary, "-o", out, "--template", path, "--number", "5")
    assert result.exit_code == 2 and "邮政编码（postcode）" in result.output  # the office added a field: now required
    result = fullemp("announce", summary, "-o", out, "--template", path, "--number", "5", "--postcode", "734000")
    assert result.exit_code == 0, result.output
    text = docx_text(out)
    assert text.startswith("关于公布2026年度充分就业社区的公告") and "邮编：734000" in text
    doc.add_paragraph("{{ office.fax }}")
    doc.save(str(path))
    result = fullemp("announce", summary, "-o", out, "--template", path, "--force", "--number", "5", "--postcode", "1")
    assert result.exit_code == 2 and "我们的公告.docx" in result.output and "未知字段“office.fax”" in result.output
    assert re.search(r"正文第\d+段「\{\{ office.fax \}\}」", result.output)


def test_the_announcement_and_the_summarys_proposed_list_agree(summary, tmp_path):
    """The 拟认定名单 sheet and the documents use one reading of the decisions (summary.status.standing)."""
    from fullemp_xl.summary.write import FIRST_ROW, SHEETS

    ws = openpyxl.load_workbook(summary, read_only=True)[SHEETS["proposed"]]
    proposed = {r[3]: r[-1] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[3]}
    out = tmp_path / "公告.docx"
    assert fullemp("announce", summary, "-o", out).exit_code == 0
    announced = {r[3] for r in table_rows(out) if r[0].isdigit()}
    assert announced == {name for name, step in proposed.items() if step == "已认定"}
    county = tmp_path / "县区"
    for own in county_summaries(tmp_path / "县").values():
        assert fullemp("notice", own, "--stage", "county", "--start", "2026-12-07", "-o", county).exit_code == 0
    noticed = {r[3] for f in county.glob("*.docx") for r in table_rows(f) if r[0].isdigit()}
    assert noticed == {name for name, step in proposed.items() if step in ("已认定", "待市级认定")}


def test_the_finance_workbooks_words_follow_its_total(summary, tmp_path):
    """The 大写 is a formula on the total: LibreOffice (the independent judge) computes the words while the total is
    theirs, and a request to write them anew once an amount is edited; never two amounts that disagree."""
    from lo_oracle import recalculate, require_soffice

    require_soffice()
    out = tmp_path / "补助"
    assert fullemp("subsidy", summary, "-o", out).exit_code == 0
    book = out / "甘州区-2026年度补助资金明细.xlsx"
    edited = tmp_path / "改过.xlsx"
    wb = openpyxl.load_workbook(book)
    wb.active["G4"] = 20000
    wb.save(edited)
    computed = recalculate([book, edited], tmp_path / "lo")
    as_is, changed = (openpyxl.load_workbook(p, data_only=True).active for p in computed)
    assert as_is["G7"].value == 30000 and as_is["B8"].value == "人民币叁万元整"
    assert changed["G7"].value == 40000 and changed["B8"].value == "合计已改动：请按合计重新填写大写金额"
