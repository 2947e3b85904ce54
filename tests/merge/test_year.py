"""One year, one truth (issue 19): the tool's own files, registry columns, one check of a summary, one identity."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl

from conftest import good_values  # noqa: F401  (fixtures)
from fullemp_xl.summary.load import load_summary
from fullemp_xl.summary.write import SHEETS
from test_merge import merge_json, registry, run, set_decisions, submission


# ---------------------------------------------------------------- 7. own files are not submissions
def test_backups_summaries_and_documents_are_skipped_by_name(tmp_path, zhangye):
    folder = tmp_path / "甘州区"
    original = submission(folder, zhangye, saved=dt.datetime(2026, 11, 1, 9))
    backup = folder / f"{original.stem}.bak-20261202-101010.xlsx"
    submission(folder, zhangye, changes={"valid_complaints": 3}, name=backup.name, saved=dt.datetime(2026, 12, 2, 10))
    assert run("merge", original, "-o", folder / "汇总表.xlsx").returncode == 0  # a summary inside the folder
    (folder / "甘州区-公示.docx").write_bytes(b"PK\x03\x04 a document")
    proc, data = merge_json(folder, "-o", tmp_path / "汇总表.xlsx")
    assert proc.returncode == 0, data
    [row] = data["communities"]
    assert row["file"].endswith(original.name) and row["total"] == 100  # not the newer backup
    assert data["duplicates"] == [] and data["quarantined"] == []
    own = {o["file"].split("/")[-1]: o["reason"] for o in data["own_files"]}
    assert "备份" in own[backup.name] and "汇总表" in own["汇总表.xlsx"] and "文书" in own["甘州区-公示.docx"]
    text = run("merge", folder, "-o", tmp_path / "汇总2.xlsx").stdout
    assert "跳过的本程序文件" in text and backup.name in text


# ---------------------------------------------------------------- 5. registry columns are named or asked for
def registry_without(path, zhangye, rows, drop: tuple[str, ...]):
    """A registry as an office makes it from its own list: some columns of the template left out."""
    registry(path, zhangye, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["社区名册"]
    for col in sorted((c.column for c in ws[3] if c.value in drop), reverse=True):
        ws.delete_cols(col)
    wb.save(path)
    return path


def test_a_registry_without_subsidy_columns_pays_nobody_by_default(tmp_path, zhangye):
    reg = registry_without(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "是"),
    ], drop=("已享受国家级补助", "已享受省级补助"))
    submission(tmp_path / "in", zhangye)
    out = tmp_path / "汇总表.xlsx"
    proc, data = merge_json(tmp_path / "in", "-o", out, "--registry", reg)
    [row] = data["communities"]
    assert row["eligible"] and row["subsidy"].startswith("待核实") and "已享受省级补助" in row["subsidy"]
    assert row["provincial_subsidy"] is None
    [note] = [n for n in data["registry_notes"] if "补助" in n]
    assert "已享受国家级补助" in note and "待核实" in note
    set_decisions(out, "南关社区", inspection="符合", objection="无", final="认定")
    assert load_summary(out).rows[0].provincial_subsidy is None  # read back as not known, never as 否
    proc = run("subsidy", out, "-o", tmp_path / "补助", "--office", "甘州区人力资源和社会保障局", "--doc-prefix", "甘人社",
               "--number", "1", "--date", "2026-12-18")
    assert "0 个社区" in proc.stdout and "待核实" in proc.stdout, proc.stdout + proc.stderr
    text = run("merge", tmp_path / "in", "-o", tmp_path / "s2.xlsx", "--registry", reg).stdout
    assert text.count("没有“已享受国家级补助”“已享受省级补助”列") == 1


def test_a_registry_without_title_columns_is_named_once_and_the_forms_titles_count(tmp_path, zhangye):
    reg = registry_without(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "否"),
        ("甘州区", "东街街道", "西关社区", "620702001002", "无", None, "否", "否"),
    ], drop=("原有称号", "取得年份"))
    submission(tmp_path / "in", zhangye, prior=("市级充分就业社区", 2025))
    submission(tmp_path / "in", zhangye, community="西关社区", prior=("市级充分就业社区", 2025))
    proc, data = merge_json(tmp_path / "in", "-o", tmp_path / "s.xlsx", "--registry", reg)
    rows = {c["community"]: c for c in data["communities"]}
    assert rows["南关社区"]["prior_title"] == "市级充分就业社区" and rows["南关社区"]["change"] == "保持"
    [note] = data["registry_notes"]
    assert "原有称号" in note and "取得年份" in note and "考评表" in note
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")[SHEETS["problems"]]
    messages = [r[8] for r in ws.iter_rows(min_row=4, values_only=True) if r[8]]
    assert sum("原有称号" in m for m in messages) == 1  # once, at the top; not a warning per community
    assert messages[0] == note


# ---------------------------------------------------------------- 4. one check of a summary, used by every command
def _mark(path, community: str, header: str):
    """(fill colour, the note shown on selecting the cell) of a community's cell in the 汇总 sheet."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["summary"]]
    heads = {c.value: c.column for c in ws[3]}
    for row in ws.iter_rows(min_row=4):
        if row[heads["社区"] - 1].value == community:
            cell = row[heads[header] - 1]
            notes = [dv.prompt for dv in ws.data_validations.dataValidation
                     if cell.coordinate in dv.sqref and dv.promptTitle == "需要核对"]
            return cell.fill.fgColor.rgb, notes
    raise AssertionError(community)


def test_a_decision_the_rules_do_not_allow_is_one_problem_for_every_command(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    submission(src, zhangye, community="低分社区", changes={"valid_complaints": 3, "reports_ok": False,
                                                          "ledgers_missing": 2})
    reg = registry(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "否"),
        ("甘州区", "东街街道", "低分社区", "620702001002", "无", None, "否", "否")])
    out = tmp_path / "汇总表.xlsx"
    assert merge_json(src, "-o", out, "--registry", reg)[0].returncode == 0
    for name in ("南关社区", "低分社区"):
        set_decisions(out, name, inspection="符合", objection="无", final="认定")
    proc = run("merge", "--refresh", out)
    colour, notes = _mark(out, "低分社区", "最终认定")
    assert colour.endswith("FF8080") and len(notes) == 1 and "不能认定" in notes[0]
    assert _mark(out, "南关社区", "最终认定")[1] == []
    assert "不能认定" in proc.stdout
    office = ("--office", "张掖市人力资源和社会保障局", "--doc-prefix", "张人社", "--number", "3", "--date", "2026-12-18",
              "--contact", "王明", "--phone", "0936-8212345", "--address", "张掖市甘州区县府街1号", "--email", "rsj@zy.gov.cn")
    results = {
        "announce": run("announce", out, "-o", tmp_path / "公告.docx", *office),
        "subsidy": run("subsidy", out, "-o", tmp_path / "补助", *office),
        "notice": run("notice", out, "--stage", "city", "--start", "2026-12-07", "-o", tmp_path / "公示.docx", *office),
        "registry next": run("registry", "next", out, "-o", tmp_path / "名册2027.xlsx"),
    }
    for name, proc in results.items():
        assert proc.returncode == 1, (name, proc.stdout, proc.stderr)
        assert "低分社区" in proc.stdout and "不能认定" in proc.stdout, (name, proc.stdout)
    set_decisions(out, "低分社区", final="不予认定")  # fixed: the mark goes at the next refresh
    run("merge", "--refresh", out)
    colour, notes = _mark(out, "低分社区", "最终认定")
    assert not colour.endswith("FF8080") and notes == []
    assert run("subsidy", out, "-o", tmp_path / "补助2", *office).returncode == 0


# ---------------------------------------------------------------- 1-2. one identity; officials' entries are never lost
from fullemp_xl import api  # noqa: E402
from fullemp_xl.forms.book import OpenpyxlBook  # noqa: E402
from fullemp_xl.forms.fill import assessment_values, fill_form  # noqa: E402
from fullemp_xl.registry.next_year import next_registry  # noqa: E402


def fill_distributed(path, ruleset, identity: dict, changes=None):
    """A community fills the 考评表 `fill --registry` made for it (perhaps typing its name differently)."""
    good = good_values()
    wb = openpyxl.load_workbook(path)
    fill_form(OpenpyxlBook(wb, path.name), assessment_values(ruleset, identity, {"self": good, "assessed": {**good, **(changes or {})}}))
    wb.save(path)
    return path


def decisions_of(path) -> dict:
    return {r.community: r.decisions for r in load_summary(path).rows}


def test_a_community_matched_by_county_and_name_keeps_every_entry_on_refresh(tmp_path, zhangye):
    """The demo's 城关社区: the form's 街道 left blank; the registry names it. Refresh used to drop the entries."""
    reg = registry(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "城关镇", "城关社区", None, "市级充分就业社区", 2024, "否", "否"),
        ("甘州区", "东街街道", "南关社区", None, "无", None, "否", "否")])
    src = tmp_path / "in"
    submission(src, zhangye, street="", community="城关社区", name="城关社区.xlsx")
    submission(src, zhangye)
    out = tmp_path / "汇总表.xlsx"
    merge_json(src, "-o", out, "--registry", reg)  # exit 1: the blank 街道 is an error of the form
    set_decisions(out, "城关社区", inspection="符合", civil="撤销", note="2026年撤销，并入南关社区")
    proc = run("merge", "--refresh", out)
    assert "本次没有它们的考评表" not in proc.stdout and "找不到对应" not in proc.stdout, proc.stdout
    d = decisions_of(out)["城关社区"]
    assert (d.inspection, d.civil, d.note) == ("符合", "撤销", "2026年撤销，并入南关社区")
    assert [e.community for e in next_registry(load_summary(out)).entries] == ["南关社区"]  # revoked: gone


def test_the_registry_code_goes_into_the_forms_and_identifies_a_renamed_community(tmp_path, zhangye):
    reg = registry(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "否"),
        ("甘州区", "东街街道", "北关社区", "620702001002", "无", None, "否", "否")])
    api.distribute(reg, tmp_path / "分发")
    [nanguan] = (tmp_path / "分发").rglob("*南关社区*考评表.xlsx")
    [beiguan] = (tmp_path / "分发").rglob("*北关社区*考评表.xlsx")
    # the community writes its new name; another types the street differently
    fill_distributed(nanguan, zhangye, {"县（区）": "甘州区", "街道（乡镇）": "东街街道", "社区": "南关新村社区"})
    fill_distributed(beiguan, zhangye, {"县（区）": "甘州区", "街道（乡镇）": "东街", "社区": "北关社区"})
    proc, data = merge_json(tmp_path / "分发", "-o", tmp_path / "s.xlsx", "--registry", reg)
    rows = {c["code"]: c for c in data["communities"]}
    assert set(rows) == {"620702001001", "620702001002"} and data["outside"] == [] and data["missing"] == []
    assert rows["620702001001"]["community"] == "南关社区"  # the registry's name
    assert rows["620702001001"]["in_registry"] is True


def test_an_ambiguous_name_is_reported_never_guessed(tmp_path, zhangye):
    reg = registry(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "新华社区", None, "无", None, "否", "否"),
        ("甘州区", "西街街道", "新华社区", None, "无", None, "否", "否")])
    submission(tmp_path / "in", zhangye, street="", community="新华社区")
    proc, data = merge_json(tmp_path / "in", "-o", tmp_path / "s.xlsx", "--registry", reg)
    [row] = data["communities"]
    assert row["in_registry"] is False and len(data["missing"]) == 2
    [why] = data["ambiguous"]
    assert "2个名为“新华社区”" in why and "东街街道" in why and "西街街道" in why


def test_entries_without_a_community_are_kept_and_come_back(tmp_path, zhangye):
    src = tmp_path / "in"
    a = submission(src, zhangye)
    submission(src, zhangye, community="西关社区")
    out = tmp_path / "汇总表.xlsx"
    run("merge", src, "-o", out)
    set_decisions(out, "南关社区", inspection="符合", note="已考察")
    held = tmp_path / a.name
    shutil.move(a, held)  # the file is taken away for a correction
    proc = run("merge", "--refresh", out)
    assert "未对应的决定" in proc.stdout and "南关社区" in proc.stdout
    summary = load_summary(out)
    [kept] = summary.unmatched
    assert (kept.community, kept.decisions.inspection, kept.decisions.note) == ("南关社区", "符合", "已考察")
    run("merge", "--refresh", out)  # still away: still kept
    assert [r.community for r in load_summary(out).unmatched] == ["南关社区"]
    shutil.move(held, src / "改过名字的文件.xlsx")  # back, under another file name
    run("merge", "--refresh", out)
    summary = load_summary(out)
    assert summary.unmatched == []
    assert decisions_of(out)["南关社区"].note == "已考察"
    assert [line.column for line in summary.log] == ["县区实地考察", "备注"]  # typed once, logged once


def test_every_change_of_an_official_entry_is_logged(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    out = tmp_path / "汇总表.xlsx"
    run("merge", src, "-o", out)
    set_decisions(out, "南关社区", inspection="符合")
    run("merge", "--refresh", out)
    set_decisions(out, "南关社区", inspection="不符合", note="复核不符合")
    data = json.loads(run("merge", "--refresh", out, "--format", "json").stdout)
    assert data["changes"] == 2
    log = load_summary(out).log
    assert [(line.community, line.column, line.old, line.new) for line in log] == [
        ("南关社区", "县区实地考察", "", "符合"), ("南关社区", "县区实地考察", "符合", "不符合"), ("南关社区", "备注", "", "复核不符合")]
    # two refreshes may fall in the same second: found is never before since
    assert all(line.found and line.since and line.found >= line.since for line in log)



def test_two_refreshes_in_the_same_second_count_only_the_new_changes(tmp_path, zhangye):
    """A change is new by being found in this run, not by its time stamp (CI once ran two refreshes in one second)."""
    from fullemp_xl.merge.run import merge as merge_lib, refresh as refresh_lib

    src = tmp_path / "in"
    submission(src, zhangye)
    out = tmp_path / "汇总表.xlsx"
    same_second = dt.datetime(2026, 12, 7, 10, 0, 0)
    merge_lib([src], out, jobs=1, now=same_second)
    set_decisions(out, "南关社区", inspection="符合")
    assert refresh_lib(out, jobs=1, now=same_second).changes == 1
    set_decisions(out, "南关社区", note="复核")
    assert refresh_lib(out, jobs=1, now=same_second).changes == 1
    assert refresh_lib(out, jobs=1, now=same_second).changes == 0
    assert [line.column for line in load_summary(out).log] == ["县区实地考察", "备注"]

# ---------------------------------------------------------------- the property: entries survive refreshes and renames
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fullemp_xl.merge.run import merge as merge_lib  # noqa: E402
from fullemp_xl.merge.run import refresh as refresh_lib  # noqa: E402

PEOPLE = ["南关社区", "西关社区", "北关社区"]
ENTRY_VALUES = {"inspection": ["符合", "不符合"], "objection": ["无", "有"], "civil": ["撤销", "更名"],
                "note": ["已考察", "=1+1", "请补材料"]}  # column key -> what officials type
ACTIONS = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(PEOPLE), st.sampled_from(sorted(ENTRY_VALUES)), st.integers(0, 3)),
    st.tuples(st.just("rename"), st.sampled_from(PEOPLE), st.sampled_from(["a", "b", "c"])),
    st.tuples(st.just("refresh")),
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTIONS, min_size=2, max_size=6))
def test_random_entries_refreshes_and_renames_keep_the_same_entries(zhangye, actions):
    with tempfile.TemporaryDirectory(prefix="fullemp-year-") as tmp:
        tmp = Path(tmp)
        files = {name: submission(tmp / "in", zhangye, street="" if name == "北关社区" else "东街街道", community=name)
                 for name in PEOPLE}
        reg = registry(tmp / "名册.xlsx", zhangye, [("甘州区", "东街街道", name, None, "无", None, "否", "否") for name in PEOPLE])
        out = tmp / "汇总表.xlsx"
        merge_lib([tmp / "in"], out, registry=reg, jobs=1)
        expected: dict[str, dict[str, str]] = {name: {} for name in PEOPLE}
        for action in actions:
            if action[0] == "set":
                _, name, key, k = action
                choices = ENTRY_VALUES[key]
                value = choices[k % len(choices)] if k < 3 else None  # 3: cleared
                set_decisions(out, name, **{key: value})
                expected[name][key] = value or ""
            elif action[0] == "rename":
                _, name, stem = action
                target = files[name].with_name(f"{stem}-{name}-重命名.xlsx")
                files[name].rename(target)
                files[name] = target
            else:
                refresh_lib(out, jobs=1)
                _check_entries(out, expected)
        refresh_lib(out, jobs=1)
        _check_entries(out, expected)


def _check_entries(out, expected) -> None:
    summary = load_summary(out)
    assert summary.unmatched == []
    got = {r.community: r.decisions for r in summary.rows}
    for name, values in expected.items():
        for attr, value in values.items():
            assert getattr(got[name], attr) == value, (name, attr, value)


# ---------------------------------------------------------------- 6. the year's timeline
from documents_data import OK, docx_text, row as summary_row_of, summary_with_profile  # noqa: E402


def test_a_notice_starting_on_a_holiday_is_refused_with_the_first_working_day(tmp_path):
    summary = summary_with_profile(tmp_path / "县", [summary_row_of("甘州区", "东街街道", "南关社区", 98, decisions=OK)],
                                   county="甘州区")  # the county's own summary (merge --county)
    proc = run("notice", summary, "--stage", "county", "--county", "甘州区", "--start", "2026-10-01", "-o", tmp_path / "a.docx")
    assert proc.returncode == 1 and not (tmp_path / "a.docx").exists()
    assert "2026年10月1日 不是工作日" in proc.stderr and "--start 2026-10-08" in proc.stderr, proc.stderr


def test_a_county_notice_from_the_citys_summary_is_refused_and_the_countys_own_is_made(tmp_path, zhangye):
    city = summary_with_profile(tmp_path / "市", [summary_row_of("甘州区", "东街街道", "南关社区", 98, decisions=OK)])
    proc = run("notice", city, "--stage", "county", "--county", "甘州区", "--start", "2026-12-07", "-o", tmp_path / "a.docx")
    assert proc.returncode == 2 and not (tmp_path / "a.docx").exists(), proc.stdout + proc.stderr
    assert "这是市级汇总表，不能生成县（区）公示" in proc.stderr and "--county 甘州区" in proc.stderr, proc.stderr
    proc = run("notice", city, "--stage", "county", "--start", "2026-12-07", "-o", tmp_path / "各县", "--format", "json")
    assert proc.returncode == 2 and not (tmp_path / "各县").exists()
    # the county's own summary (merge --county): made
    src = tmp_path / "甘州区"
    submission(src, zhangye)
    own = src / "甘州区汇总表.xlsx"
    assert run("merge", src, "-o", own, "--county", "甘州区").returncode == 0
    set_decisions(own, "南关社区", inspection="符合")
    office = ("--office", "甘州区人力资源和社会保障局", "--doc-prefix", "甘人社", "--number", "1", "--contact", "就业科",
              "--phone", "0936-8212345", "--address", "甘州区人民路1号", "--email", "jy@example.cn")
    proc = run("notice", own, "--stage", "county", "--county", "甘州区", "--start", "2026-12-07", "-o", src / "公示.docx", *office)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "市级汇总表" not in proc.stdout + proc.stderr



def test_a_county_notice_after_the_citys_is_named_when_the_city_merges_again(tmp_path, zhangye):
    """第六条's order: the county 公示 comes before the city's. A county summary cannot know the city's dates, so the
    city's merge checks the county 公示 it carries against its own 发布记录."""
    src = tmp_path / "来件" / "甘州区"
    submission(src, zhangye)
    own = src / "甘州区汇总表.xlsx"
    assert run("merge", src, "-o", own, "--county", "甘州区").returncode == 0
    set_decisions(own, "南关社区", inspection="符合", objection="无")
    city = tmp_path / "市汇总表.xlsx"
    assert run("merge", tmp_path / "来件", "-o", city).returncode == 0
    office = ("--office", "张掖市人力资源和社会保障局", "--doc-prefix", "张人社", "--number", "1", "--contact", "就业科",
              "--phone", "0936-8212345", "--address", "张掖市人民路1号", "--email", "jy@example.cn")
    proc = run("notice", city, "--stage", "city", "--start", "2026-12-07", "-o", tmp_path / "市级公示.docx", *office)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run("merge", "--refresh", city)  # nothing late yet
    assert proc.returncode == 0 and "错误" not in proc.stdout, proc.stdout
    county_office = ("--office", "甘州区人力资源和社会保障局", *office[2:])
    proc = run("notice", own, "--stage", "county", "--county", "甘州区", "--start", "2026-12-14", "-o", src / "公示.docx",
               *county_office)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the county's own summary knows no city dates
    proc, data = merge_json("--refresh", city)
    assert proc.returncode == 1 and data["problems"]["error"] == 1, data
    ws = openpyxl.load_workbook(city)[SHEETS["problems"]]
    [late] = [row for row in ws.iter_rows(values_only=True) if any("市级公示已于" in str(v) for v in row)]
    assert "甘州区汇总表.xlsx" in late and "错误" in late and "甘州区" in late
    assert any("县（区）公示 2026年12月14日 开始，市级公示已于 2026年12月7日 开始" in str(v) for v in late)

def test_a_subsidy_statement_dated_after_its_report_deadline_asks_for_one(tmp_path):
    summary = summary_with_profile(tmp_path / "市", [summary_row_of("甘州区", "东街街道", "南关社区", 98, decisions=OK)])
    proc = run("subsidy", summary, "-o", tmp_path / "补助", "--date", "2026-12-21")
    assert proc.returncode == 1 and not (tmp_path / "补助").exists()
    assert "2026年12月21日" in proc.stderr and "2026年12月20日" in proc.stderr and "--report-by" in proc.stderr
    proc = run("subsidy", summary, "-o", tmp_path / "补助", "--date", "2026-12-21", "--report-by", "2027-03-31")
    assert proc.returncode == 0, proc.stderr
    assert "2027年3月31日前" in proc.stdout or (tmp_path / "补助").exists()


def test_the_scoring_year_comes_from_the_registry_or_the_summary_and_the_clock_is_said(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    january = dt.datetime(2027, 1, 8, 9)
    result = merge_lib([src], tmp_path / "clock.xlsx", jobs=1, now=january)
    assert result.year == 2027 and "取自电脑的日期" in result.year_note and "--year" in result.year_note
    ws = openpyxl.load_workbook(tmp_path / "clock.xlsx")[SHEETS["summary"]]
    assert "评分年度：2027（取自电脑日期，请核对）" in ws["A2"].value
    assert "取自电脑的日期" in refresh_lib(tmp_path / "clock.xlsx", jobs=1).year_note  # still said after a refresh

    reg = registry(tmp_path / "名册.xlsx", zhangye, [("甘州区", "东街街道", "南关社区", None, "无", None, "否", "否")])
    wb = openpyxl.load_workbook(reg)
    wb["社区名册"]["A1"] = "张掖市充分就业社区名册（2026年）"  # as `registry next` titles it
    wb.save(reg)
    result = merge_lib([src], tmp_path / "s.xlsx", registry=reg, jobs=1, now=january)
    assert (result.year, result.year_note) == (2026, "")
    again = merge_lib([src], tmp_path / "s.xlsx", jobs=1, now=dt.datetime(2027, 2, 1))  # into the same summary
    assert (again.year, again.year_note) == (2026, "")
    text = run("merge", src, "-o", tmp_path / "c2.xlsx", "--year", "2026").stdout
    assert "取自电脑" not in text


def test_documents_are_recorded_in_the_summary_and_checked_against_each_other(tmp_path):
    summary = summary_with_profile(tmp_path / "市", [summary_row_of("甘州区", "东街街道", "南关社区", 98, decisions=OK)])
    proc = run("notice", summary, "--stage", "city", "--start", "2026-12-07", "-o", tmp_path / "市级公示.docx")
    assert proc.returncode == 0, proc.stderr
    [line] = load_summary(summary).published
    assert (line.kind, line.stage, line.start, line.end) == ("公示", "市", "2026-12-07", "2026-12-11")
    # the 公告 may not be dated before the city 公示 has ended (the README's own example did this)
    proc = run("announce", summary, "-o", tmp_path / "公告.docx", "--date", "2026-12-10")
    assert proc.returncode == 1 and not (tmp_path / "公告.docx").exists()
    assert "2026年12月11日" in proc.stderr and "2026年12月12日 以后" in proc.stderr, proc.stderr
    # no county 公示 from the city's summary at all (the county publishes from its own, before the city's)
    proc = run("notice", summary, "--stage", "county", "--county", "甘州区", "--start", "2026-12-08", "-o", tmp_path / "县.docx")
    assert proc.returncode == 2 and "这是市级汇总表" in proc.stderr, proc.stderr
    assert run("announce", summary, "-o", tmp_path / "公告.docx", "--date", "2026-12-14").returncode == 0
    proc = run("subsidy", summary, "-o", tmp_path / "补助", "--date", "2026-12-11")  # before the 公告
    assert proc.returncode == 1 and "认定公告的成文日期 2026年12月14日" in proc.stderr, proc.stderr
    assert run("subsidy", summary, "-o", tmp_path / "补助", "--date", "2026-12-15").returncode == 0
    kinds = [(p.kind, p.county) for p in load_summary(summary).published]
    assert kinds == [("公示", ""), ("认定公告", ""), ("补助资金明细", "甘州区")]


# ---------------------------------------------------------------- 3. the county stage
def test_a_county_merges_its_own_folder_and_the_city_carries_its_entries(tmp_path, zhangye):
    reg = registry(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001001", "无", None, "否", "否"),
        ("甘州区", "东街街道", "西关社区", "620702001002", "无", None, "否", "否"),
        ("临泽县", "沙河镇", "沙河社区", "620723100001", "无", None, "否", "否")])
    ganzhou, linze = tmp_path / "来件" / "甘州区", tmp_path / "来件" / "临泽县"
    submission(ganzhou, zhangye)
    submission(ganzhou, zhangye, community="西关社区")
    submission(linze, zhangye, county="临泽县", street="沙河镇", community="沙河社区")
    stray = submission(ganzhou, zhangye, county="临泽县", street="沙河镇", community="沙河社区", name="误投.xlsx")
    county = ganzhou / "甘州区汇总表.xlsx"
    proc, data = merge_json(ganzhou, "-o", county, "--registry", reg, "--county", "甘州区")
    assert data["county"] == "甘州区" and {c["community"] for c in data["communities"]} == {"南关社区", "西关社区"}
    assert data["missing"] == []  # the other counties' communities are not 未提交 here
    assert any(o["file"].endswith(stray.name) and "其他县（区）" in o["reason"] for o in data["own_files"])
    assert load_summary(county).county == "甘州区"
    proc = run("merge", ganzhou, "-o", tmp_path / "x.xlsx", "--registry", reg, "--county", "甘洲区")  # a typo
    assert proc.returncode == 2 and "没有县（区）“甘洲区”" in proc.stderr and "甘州区" in proc.stderr
    # the county inspects, publishes its 公示 and recommends
    set_decisions(county, "南关社区", inspection="符合", objection="无", note="县区已现场核对台账")
    set_decisions(county, "西关社区", inspection="不符合")
    assert run("merge", "--refresh", county).returncode == 0  # a county summary refreshes as one
    city = tmp_path / "市汇总表.xlsx"
    proc, data = merge_json(tmp_path / "来件", "-o", city, "--registry", reg)
    assert proc.returncode == 0, data
    assert data["county_summaries"] == ["来件/甘州区/甘州区汇总表.xlsx"] and data["carried"] == 2
    rows = {c["community"]: c for c in data["communities"]}
    assert rows["南关社区"]["decisions"]["inspection"] == "符合" and rows["南关社区"]["standing"]["city_notice"]
    assert rows["南关社区"]["decisions"]["note"] == "县区已现场核对台账"  # the county's 备注 comes along
    assert rows["西关社区"]["decisions"]["inspection"] == "不符合" and not rows["西关社区"]["standing"]["city_notice"]
    assert rows["沙河社区"]["decisions"]["inspection"] == ""  # 临泽县 sent no summary: nothing invented
    assert not any(o["file"].endswith("甘州区汇总表.xlsx") for o in data["own_files"])  # read, not skipped
    assert any(".bak-" in o["file"] for o in data["own_files"])  # the refresh's backup: skipped
    # a county that inspected another form than the one sent: not carried, said
    submission(ganzhou, zhangye, changes={"valid_complaints": 2}, saved=dt.datetime(2030, 1, 1))
    proc, data = merge_json(tmp_path / "来件", "-o", tmp_path / "市2.xlsx", "--registry", reg)
    assert data["duplicates"] and data["county"] is None  # a duplicate's county is not the summary's
    assert load_summary(tmp_path / "市2.xlsx").county == ""
    rows = {c["community"]: c for c in data["communities"]}
    assert rows["南关社区"]["decisions"]["inspection"] == ""
    ws = openpyxl.load_workbook(tmp_path / "市2.xlsx")[SHEETS["problems"]]
    assert any("不是这份表格" in (r[8] or "") for r in ws.iter_rows(min_row=4, values_only=True))


def test_a_community_the_county_did_not_recommend_does_not_reach_the_citys_notice(tmp_path, zhangye):
    ganzhou = tmp_path / "来件" / "甘州区"
    for name in ("南关社区", "西关社区", "北关社区", "东关社区"):
        submission(ganzhou, zhangye, community=name)
    county = ganzhou / "甘州区汇总表.xlsx"
    assert run("merge", ganzhou, "-o", county, "--county", "甘州区").returncode == 0
    set_decisions(county, "南关社区", inspection="符合", objection="无")  # recommended
    set_decisions(county, "西关社区", inspection="符合", objection="有")  # an objection in the county's 公示
    set_decisions(county, "北关社区", inspection="符合")  # the county's 公示 not finished: not recommended yet
    set_decisions(county, "东关社区", inspection="符合", objection="无")
    city = tmp_path / "市" / "汇总表.xlsx"
    city.parent.mkdir()
    assert run("merge", tmp_path / "来件", "-o", city).returncode == 0
    # the city types over the county's columns (as if told by telephone), and inspects 东关 itself
    set_decisions(city, "西关社区", objection="无")
    set_decisions(city, "北关社区", objection="无")
    set_decisions(city, "东关社区", inspection="不符合")
    proc = run("merge", "--refresh", city, "--format", "json")
    data = json.loads(proc.stdout)
    rows = {c["community"]: c for c in data["communities"]}
    assert [n for n, c in rows.items() if c["standing"]["city_notice"]] == ["南关社区"], rows
    assert rows["西关社区"]["decisions"]["objection"] == "有" and rows["北关社区"]["decisions"]["objection"] == ""
    assert rows["东关社区"]["decisions"]["inspection"] == "不符合"  # the city's stricter verdict is kept
    ws = openpyxl.load_workbook(city)[SHEETS["problems"]]
    said = [r[8] or "" for r in ws.iter_rows(min_row=4, values_only=True)]
    assert any("西关社区" in t and "按县（区）汇总表" in t for t in said), said
    assert any("北关社区" in t and "未推荐" in t for t in said), said
    changed = [(line.community, line.column, line.old, line.new) for line in load_summary(city).log]
    assert ("西关社区", "县区公示异议", "有", "无") in changed  # what the city typed stays in the 变更记录
    office = ("--office", "张掖市人力资源和社会保障局", "--doc-prefix", "张人社", "--number", "1", "--contact", "就业科",
              "--phone", "0936-8212345", "--address", "张掖市人民路1号", "--email", "jy@example.cn")
    out = tmp_path / "市" / "市级公示.docx"
    proc = run("notice", city, "--stage", "city", "--start", "2026-12-14", "-o", out, *office)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    text = docx_text(out)
    assert "南关社区" in text and not any(n in text for n in ("西关社区", "北关社区", "东关社区"))


def test_each_notice_has_its_own_objection_column(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    submission(src, zhangye, community="西关社区")
    out = tmp_path / "汇总表.xlsx"
    run("merge", src, "-o", out)
    heads = [c.value for c in openpyxl.load_workbook(out)[SHEETS["summary"]][3]]
    assert "县区公示异议" in heads and "市级公示异议" in heads and "公示异议" not in heads
    for name in ("南关社区", "西关社区"):
        set_decisions(out, name, inspection="符合", objection="无", final="认定")
    set_decisions(out, "西关社区", city_objection="有")  # an objection in the city's 公示
    data = json.loads(run("merge", "--refresh", out, "--format", "json").stdout)
    rows = {c["community"]: c for c in data["communities"]}
    assert rows["南关社区"]["standing"]["certified"] and not rows["西关社区"]["standing"]["certified"]
    assert rows["西关社区"]["standing"]["excluded"] == "市级公示期内有异议"
    qiqihar = load_summary(out).ruleset  # a rule set with one 公示 keeps one column
    from fullemp_xl.summary.columns import official_columns
    from fullemp_xl.rules import load_ruleset
    assert "city_objection" in [c.key for c in official_columns(qiqihar)]
    assert "city_objection" not in [c.key for c in official_columns(load_ruleset("qiqihar-2022"))]
