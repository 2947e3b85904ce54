"""A whole year with six real 张掖 counties, as the offices walk it (issue 19): registry with 社区代码 →
distribute → counties fill → each county merges its own folder, inspects, publishes its 公示, recommends →
the city merges the counties' summaries and forms → city 公示 → 认定公告 → subsidy → next year's registry →
next year's forms; refreshes and decision edits between the steps; every official entry and date checked."""
from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from conftest import good_values
from fullemp_xl.forms.book import OpenpyxlBook
from fullemp_xl.forms.fill import assessment_values, fill_form
from fullemp_xl.summary.load import load_summary
from fullemp_xl.registry import read_registry
from test_merge import merge_json, registry, run, set_decisions

COUNTIES = {  # county -> (code prefix, [(street, community)])
    "甘州区": ("620702", [("东街街道", "南关社区"), ("西街街道", "西关社区")]),
    "临泽县": ("620723", [("沙河镇", "沙河社区")]),
    "高台县": ("620724", [("城关镇", "人民路社区")]),
    "山丹县": ("620725", [("清泉镇", "南关社区")]),
    "民乐县": ("620722", [("洪水镇", "城东社区")]),
    "肃南裕固族自治县": ("620721", [("红湾寺镇", "隆畅社区")]),
}
LOW = "西关社区"  # scores below the threshold
DIFFERENT_STREET = "人民路社区"  # types its 街道 differently from the registry


def office(county: str | None) -> tuple[str, ...]:
    name = f"{county or '张掖市'}人力资源和社会保障局"
    return ("--office", name, "--doc-prefix", "张人社" if county is None else f"{county[:2]}人社", "--number", "1",
            "--contact", "就业科", "--phone", "0936-8212345", "--address", f"{county or '张掖市'}人民路1号",
            "--email", "jy@example.cn")


def fill(path, county, street, community, changes=None):
    good = good_values()
    wb = openpyxl.load_workbook(path)
    identity = {"县（区）": county, "街道（乡镇）": street, "社区": community}
    fill_form(OpenpyxlBook(wb, path.name), assessment_values(
        load_ruleset_zhangye(), identity, {"self": good, "assessed": {**good, **(changes or {})}}))
    wb.save(path)


def load_ruleset_zhangye():
    from fullemp_xl.rules import load_ruleset

    return load_ruleset("zhangye-2023")


def ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.mark.slow  # some 35 runs of the command line: 42 CPU seconds
def test_a_whole_year_with_six_counties(tmp_path, zhangye):
    rows, codes = [], {}
    for county, (prefix, communities) in COUNTIES.items():
        for k, (street, community) in enumerate(communities, start=1):
            code = f"{prefix}{k:03d}001"
            codes[(county, community)] = code
            title = ("市级充分就业社区", 2024) if community == "南关社区" and county == "甘州区" else ("无", None)
            rows.append((county, street, community, code, *title, "否", "否"))
    reg = registry(tmp_path / "社区名册-2026.xlsx", zhangye, rows)
    wb = openpyxl.load_workbook(reg)
    wb["社区名册"]["A1"] = "张掖市充分就业社区名册（2026年）"
    wb.save(reg)

    # distribute; the counties fill and score
    ok(run("fill", "--registry", reg, "-o", tmp_path / "分发"))
    inbox = tmp_path / "县区报送"
    for county, (_, communities) in COUNTIES.items():
        for street, community in communities:
            [form] = (tmp_path / "分发" / county).glob(f"*{community}*考评表.xlsx")
            target = inbox / county / form.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(form, target)
            fill(target, county, "城关" if community == DIFFERENT_STREET else street, community,
                 {"valid_complaints": 3, "reports_ok": False, "ledgers_missing": 2} if community == LOW else None)

    # each county: its own summary, inspection, county 公示, recommendation
    county_start, county_end = dt.date(2026, 11, 2), dt.date(2026, 11, 6)
    for county in COUNTIES:
        summary = inbox / county / f"{county}汇总表.xlsx"
        proc, data = merge_json(inbox / county, "-o", summary, "--registry", reg, "--county", county)
        assert data["year"] == 2026 and data["year_note"] is None and data["missing"] == []
        assert {c["county"] for c in data["communities"]} == {county}
        for c in data["communities"]:
            assert c["code"] == codes[(county, c["community"])]  # the 社区代码 went into the forms and came back
            if c["eligible"]:
                set_decisions(summary, c["community"], inspection="符合")
        ok(run("merge", "--refresh", summary))  # a refresh between the steps
        ok(run("notice", summary, "--stage", "county", "--county", county, "--start", county_start.isoformat(),
               "-o", inbox / county / f"{county}-公示.docx", *office(county)))
        for c in data["communities"]:
            if c["eligible"]:
                set_decisions(summary, c["community"], objection="无")
        ok(run("merge", "--refresh", summary))
        [notice] = load_summary(summary).published
        assert (notice.stage, notice.county, notice.start, notice.end) == ("县区", county, "2026-11-02", "2026-11-06")

    # the city: the counties' summaries beside their forms
    city = tmp_path / "市" / "汇总表.xlsx"
    city.parent.mkdir()
    proc, data = merge_json(inbox, "-o", city, "--registry", reg)
    assert proc.returncode == 0, data
    assert len(data["county_summaries"]) == 6 and data["missing"] == [] and data["outside"] == []
    assert all(".docx" in o["file"] or ".bak-" in o["file"] for o in data["own_files"])  # documents, backups
    standing = {c["community"] + c["county"]: c for c in data["communities"]}
    assert not standing[LOW + "甘州区"]["standing"]["city_notice"]
    listed = [c for c in data["communities"] if c["standing"]["city_notice"]]
    assert len(listed) == 6
    # the city 公示 may not start while a county's is running
    proc = run("notice", city, "--stage", "city", "--start", "2026-11-05", "-o", tmp_path / "市" / "市级公示.docx", *office(None))
    assert proc.returncode == 1 and "县（区）公示" in proc.stderr
    ok(run("notice", city, "--stage", "city", "--start", "2026-11-16", "-o", tmp_path / "市" / "市级公示.docx", *office(None)))
    for c in listed:
        set_decisions(city, c["community"], final="认定")
    set_decisions(city, "隆畅社区", note="牧区社区，已实地复核")
    ok(run("merge", "--refresh", city))
    proc = run("announce", city, "-o", tmp_path / "市" / "认定公告.docx", *office(None), "--date", "2026-11-19")
    assert proc.returncode == 1 and "2026年11月20日" in proc.stderr  # before the city 公示 ended
    ok(run("announce", city, "-o", tmp_path / "市" / "认定公告.docx", *office(None), "--date", "2026-11-27"))
    proc = run("subsidy", city, "-o", tmp_path / "市" / "补助资金", *office(None), "--date", "2026-12-01")
    ok(proc)
    assert "甘州区：1 个社区" in proc.stdout and "肃南裕固族自治县：1 个社区" in proc.stdout

    # next year's registry and forms
    ok(run("registry", "next", city, "-o", tmp_path / "社区名册-2027.xlsx"))
    communities, findings = read_registry(tmp_path / "社区名册-2027.xlsx", zhangye)
    assert not [f for f in findings if f.severity == "error"]
    by_code = {c.code: c for c in communities}
    assert set(by_code) == set(codes.values())
    assert by_code[codes[("甘州区", LOW)]].prior_title == ""
    assert all(by_code[codes[(c["county"], c["community"])]].prior_year in (2024, 2026) for c in listed)
    ok(run("fill", "--registry", tmp_path / "社区名册-2027.xlsx", "-o", tmp_path / "分发-2027"))
    assert len(list((tmp_path / "分发-2027").rglob("*考评表.xlsx"))) == 7

    # every official entry and every date, at the end
    final = load_summary(city)
    assert final.year == 2026 and final.unmatched == []
    for row in final.rows:
        d = row.decisions
        if row.community == LOW:
            assert (d.inspection, d.objection, d.final) == ("", "", "")
        else:
            assert (d.inspection, d.objection, d.final) == ("符合", "无", "认定"), row.community
    assert {r.community: r.decisions.note for r in final.rows}["隆畅社区"] == "牧区社区，已实地复核"
    lines = final.published
    county_lines = [p for p in lines if p.stage == "县区"]
    [city_line] = [p for p in lines if p.stage == "市"]
    [announcement] = [p for p in lines if p.kind == "认定公告"]
    subsidies = [p for p in lines if p.kind == "补助资金明细"]
    assert {p.county for p in county_lines} == set(COUNTIES)
    assert max(p.end for p in county_lines) < city_line.start <= city_line.end < announcement.signed
    assert all(announcement.signed <= p.signed < p.end for p in subsidies) and len(subsidies) == 6
