"""加分项 and 扣分项 outside the full mark (issue 23): the rule-set checks, the engine, LibreOffice agreeing with
the engine on the 考评表 it computes, and a form under tests/rulesets/bonus-penalty-100.toml going the whole way
as a user takes it — score, validate, merge, a 公示 — with 基础得分、加分、扣分 shown."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from fractions import Fraction

import jsonschema
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, make_assessment
from documents_data import docx_text, table_rows
from fullemp_xl.engine import formulas
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.core.jsondoc import schema
from fullemp_xl.core.model import PriorTitle
from fullemp_xl.assess.pipeline import opinion_text
from fullemp_xl.engine.limits import check_file
from fullemp_xl.rules import load_ruleset
from fullemp_xl.engine.scoring import score_stage
from fullemp_xl.summary.columns import official_headers
from lo_oracle import recalculate, require_soffice

SAMPLE = ROOT / "tests" / "rulesets" / "bonus-penalty-100.toml"
GOOD = dict(hall=True, staff=2, unemployed=10, reemployed=9, training_target=8, trained=8, zero_families=3,
            zero_helped=3, honoured=True, startup_community=True, startups=1, mass_incident=False, complaints=0,
            false_report=False)


def variant(tmp_path, old: str, new: str, name: str = "v.toml"):
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def errors(path) -> list[str]:
    return [f"{p.key}: {p.message}" for p in check_file(path) if p.severity == "error"]


# ---------------------------------------------------------------- rules check
def test_the_sample_checks_clean_and_prints_its_serial_numbers():
    assert [str(p) for p in check_file(SAMPLE)] == []
    rs = load_ruleset(SAMPLE)
    assert [s.shown for s in rs.sections] == ["一", "二", "三", "附1", "附2"]
    assert [i.shown for i in rs.items] == ["一（一）", "一（二）", "二（一）", "二（二）", "三（一）",
                                           "附1.1", "附1.2", "附1.3", "附2.1", "附2.2", "附2.3"]
    assert [s.caption for s in rs.sections][3:] == ["附1 加分项（最高加5分）", "附2 扣分项（扣完为止）"]
    assert rs.total == 100 and rs.has_parts


def _table_rows(path, rs) -> dict[str, tuple]:
    """item id -> (序号, 考核内容) as the reopened 考评表 holds them (序号 merged over a section: its top cell)."""
    wb = openpyxl.load_workbook(path)
    book, out = OpenpyxlBook(wb), {}
    for item in rs.items:
        loc = locate(book, names.score(rs.stages[0].id, item))
        ws = wb[loc.sheet]
        row = ws[loc.cell].row
        top = next((r.min_row for r in ws.merged_cells.ranges if r.min_col == 1 and r.min_row <= row <= r.max_row), row)
        out[item.id] = (ws.cell(top, 1).value, ws.cell(row, 3).value)
    return out


def test_the_table_prints_each_items_own_serial_number(tmp_path):
    """（一）、1 as the rule set writes them, at the head of the item's row; the section's 序号 stays in column A."""
    rs = load_ruleset(SAMPLE)
    rows = _table_rows(make_assessment(tmp_path / "考评表.xlsx", rs, {}), rs)
    assert rows["1.1"] == ("一", "（一）有就业服务窗口和信息公开栏。")
    assert rows["2.2"] == ("二", "（二）完成职业培训任务。")
    assert rows["b1"] == ("附1", "1. 获得省级以上表彰。")
    assert rows["p3"] == ("附2", "3. 如实填报基础数据。")
    written = variant(tmp_path, 'label = "3"\ncontent = "如实填报基础数据。"', 'label = "附2.3"\ncontent = "如实填报基础数据。"')
    rs = load_ruleset(written)
    assert _table_rows(make_assessment(tmp_path / "附.xlsx", rs, {}), rs)["p3"] == ("附2", "附2.3 如实填报基础数据。")
    assert rs.item("p3").shown == "附2.3"  # named as written, not 附2附2.3
    plain = load_ruleset("zhangye-2023")  # no item labels: the content alone, as before
    rows = _table_rows(make_assessment(tmp_path / "张掖.xlsx", plain, {}), plain)
    assert all(content == item.content for item, (_, content) in zip(plain.items, rows.values()))


@pytest.mark.parametrize("old, new, expected", [
    ('kind = "bonus"\nmax = 5', 'kind = "bonus"', "sections[3].max: 缺少"),
    ('kind = "bonus"\nmax = 5', 'kind = "bonus"\npoints = 5', "加分项不计入满分，不写 points"),
    ('kind = "penalty"\n', 'kind = "penalty"\npoints = 10\n', "扣分项不计入满分，不写 points"),
    ('kind = "penalty"\n', 'kind = "extra"\n', "部分的 kind 应为"),
    ('content = "群众有效投诉。"', 'content = "群众有效投诉。"\npoints = 6', "扣分项不计入满分，没有标准分"),
    ('{ kind = "per_unit", points = 2, fact = "complaints",',
     '{ kind = "per_unit_award", points = 2, max = 6, fact = "complaints",', "扣分项只能用扣分的规则"),
    ('max = 6\nparts', 'max = 0\nparts', "最多扣的分 max应大于0"),
    ('fact = "complaints", reason', 'fact = "complaints", max = 8, reason', "这一条最多扣8分，超过本项最多扣的6分"),
    ('id = "1"\nlabel = "一"\ntitle = "平台建设"\npoints = 30', 'id = "一"\ntitle = "平台建设"\npoints = 30',
     "印出的序号如“一”“附”写在 label 里"),
    ('label = "附1"', 'label = "附加分：获得表彰和创业型社区"', "印出的序号 label 最多"),
    ('min = 100', 'min = 106', "分数线应在 0 到 105（总分加最高加分）之间"),
    ('points = 30\n\n[[sections.items]]\nid = "1.1"', 'points = 35\n\n[[sections.items]]\nid = "1.1"',
     "各部分标准分之和（加分项、扣分项不计入）为"),
])
def test_rules_check_names_what_is_wrong(tmp_path, old, new, expected):
    found = errors(variant(tmp_path, old, new))
    assert any(expected in e for e in found), found


def test_rules_check_warns_of_a_cap_no_one_reaches_and_a_useless_with_bonus(tmp_path):
    path = variant(tmp_path, 'kind = "bonus"\nmax = 5', 'kind = "bonus"\nmax = 8')
    assert errors(path) == []
    assert any("永远加不到最高分" in p.message for p in check_file(path) if p.severity == "warning")
    text = SAMPLE.read_text(encoding="utf-8")
    plain = text[:text.index('[[sections]]\nid = "b"')].replace("with_bonus = true\n", "with_bonus = false\n")
    path = tmp_path / "plain.toml"
    path.write_text(plain.replace("min = 100", "min = 95"), encoding="utf-8")
    assert any("with_bonus 不起作用" in p.message for p in check_file(path) if p.severity == "warning")


# ---------------------------------------------------------------- the engine
def test_bonus_is_capped_penalty_runs_to_zero_and_the_bands_read_the_final_score():
    rs = load_ruleset(SAMPLE)
    full = score_stage(rs, "self", {**GOOD, "startups": 4})  # 3 + 2 + 2 = 7 → 最高加5分
    assert (full.base, full.bonus, full.penalty, full.total) == (100, 5, 0, 105)
    assert full.sections == {"1": 30, "2": 40, "3": 30, "b": 5, "p": 0}
    assert full.decision.level == "市级充分就业社区"  # new: the 示范 title is not granted at once
    assert full.decision.reason.startswith("总得分105分，达到100分")
    bonus_lifts = score_stage(rs, "self", {**GOOD, "staff": 1, "trained": 7})  # 100 − 10 − 1.5, + 5 (3 + 2 + 0.5 → 5)
    assert (bonus_lifts.base, bonus_lifts.bonus, bonus_lifts.total) == (Fraction(177, 2), 5, Fraction(187, 2))
    assert bonus_lifts.decision.certified
    worst = score_stage(rs, "self", {**GOOD, "mass_incident": True, "false_report": True, "complaints": 9,
                                     "hall": False, "staff": 0, "reemployed": 0, "zero_helped": 0})
    assert (worst.base, worst.penalty, worst.total) == (15, 36, 0)  # 扣完为止: never below 0
    p2 = next(s for s in worst.items if s.item == "p2")
    assert p2.score == 6 and p2.reasons == ("有效投诉9件，扣18分", "本项最多扣6分")
    assert p2.points == next(i for i in rs.items if i.id == "p2").points
    assert "综合得分" not in worst.decision.reason and "总得分0分" in worst.decision.reason


def test_a_stage_not_yet_complete_still_reports_its_bonus_and_penalty():
    """基础数据 left blank: no 总得分 and no decision, but the 加分 and 扣分 already known are shown."""
    partial = score_stage(load_ruleset(SAMPLE), "self", {**GOOD, "staff": None, "startups": 4, "complaints": 1})
    assert (partial.base, partial.total, partial.decision) == (None, None, None)
    assert (partial.bonus, partial.penalty) == (5, 2)


def test_a_bonus_item_whose_parts_take_off_more_than_they_give_adds_nothing_and_says_so(tmp_path):
    """A 加分项 never takes points off: parts that sum below zero give 0, with the reason 本项不加分 (a 计分 item says
    扣分超过本项标准分 instead)."""
    rs = load_ruleset(variant(tmp_path, '{ kind = "per_unit_award", points = 0.5, fact = "startups", max = 2, '
                                        'reason = "帮助{n}人自主创业，少加{points}分（最高{max}分）" },',
                              '{ kind = "base", points = 2 },\n  { kind = "per_unit", points = 1, fact = "complaints", '
                              'reason = "有效投诉{n}件，扣{points}分" },'))
    below = score_stage(rs, "self", {**GOOD, "complaints": 3})  # 2 − 3 < 0
    b3 = next(s for s in below.items if s.item == "b3")
    assert (b3.score, b3.reasons) == (0, ("有效投诉3件，扣3分", "本项不加分"))
    assert below.bonus == 5  # 3 + 2 + 0, at the cap
    at_zero = next(s for s in score_stage(rs, "self", {**GOOD, "complaints": 2}).items if s.item == "b3")
    assert (at_zero.score, at_zero.reasons) == (0, ("有效投诉2件，扣2分",))  # nothing below zero: no such reason


def test_without_bonus_the_threshold_reads_the_score_before_the_bonus(tmp_path):
    rs = load_ruleset(variant(tmp_path, "with_bonus = true", "with_bonus = false"))
    values = {**GOOD, "staff": 1, "trained": 7, "startups": 4}  # base 88.5, bonus 5
    result = score_stage(rs, "self", values)
    assert result.total == Fraction(187, 2)
    assert result.decision.level == "市级充分就业社区"
    lower = score_stage(rs, "self", {**values, "complaints": 2})  # 88.5 − 4 = 84.5 without the bonus, 89.5 with it
    assert lower.total == Fraction(179, 2) and not lower.decision.certified
    assert lower.decision.reason == "不含加分的得分84.5分，未达到85分"
    assert load_ruleset(SAMPLE).levels.with_bonus and score_stage(load_ruleset(SAMPLE), "self", {
        **values, "complaints": 2}).decision.certified


def test_the_opinion_names_bonus_not_given_apart_from_points_lost():
    rs = load_ruleset(SAMPLE)
    result = score_stage(rs, "assessed", {**GOOD, "startup_community": False, "trained": 6, "complaints": 1})
    text = opinion_text(result, rs)
    assert "（基础得分97分，加分3.5分，扣分2分，总得分98.5分）" in text
    assert "。扣分：二（二）：培训6人，任务8人，少2人，扣3分" in text
    assert "。未加分：附1.2：未被评为省级创业型社区，不加2分；附1.3：帮助1人自主创业，少加1.5分（最高2分）" in text
    assert "。扣分项：附2.2：有效投诉1件，扣2分" in text
    capped = score_stage(rs, "self", {**GOOD, "startups": 0})  # 3 + 2 = 5: the bonus is at its cap
    assert "未加分" not in opinion_text(capped, rs)


# ---------------------------------------------------------------- LibreOffice computes what the engine does
def test_libreoffice_scores_the_templates_as_the_engine_does(tmp_path):
    from test_differential_lo import GOOD as DRAWN, Forms, engine_and_office, random_prior, random_stage, same

    require_soffice()
    rng = random.Random(23)
    rulesets = [load_ruleset(SAMPLE), load_ruleset(variant(tmp_path, "with_bonus = true", "with_bonus = false"))]
    assert DRAWN["bonus-penalty-100"] == GOOD  # random_stage varies a few facts of a good community half the time
    cases, paths = [], []
    for n, rs in enumerate(rulesets):
        forms = Forms(rs)
        for k in range(30):
            stages = {s.id: random_stage(rng, rs) for s in rs.stages}
            prior = random_prior(rng, rs)
            paths.append(forms.write(tmp_path / f"bp{n}-{k:02d}.xlsx", stages, prior))
            cases.append((rs, stages, prior))
        forms.check_against_a_fresh_build(paths[-1], stages, prior)
    mismatches, compared, totals = [], 0, set()
    for out, (rs, stages, prior) in zip(recalculate(paths, tmp_path / "lo"), cases):
        for name, engine, office in engine_and_office(out, rs, stages, prior):
            compared += 1
            if name.startswith("fe_total_") and engine is not None:
                totals.add("above 100" if engine > 100 else "zero" if engine == 0 else "between")
            if not same(engine, office):
                mismatches.append(f"{out.name} {name}: engine={engine} libreoffice={office!r}")
    assert not mismatches, f"{len(mismatches)} of {compared} cells differ:\n" + "\n".join(mismatches[:30])
    assert compared > 2000 and {"above 100", "between", "zero"} <= totals


def test_the_level_formula_reads_the_score_the_rule_set_says(tmp_path):
    plain = load_ruleset(SAMPLE)
    without = load_ruleset(variant(tmp_path, "with_bonus = true", "with_bonus = false"))
    assert "IF(fe_total_self>=85" in formulas.level_formula(plain, "self")
    assert "IF(ROUND(MAX(0,fe_base_self-fe_section_self_p),6)>=85" in formulas.level_formula(without, "self")
    assert formulas.total_formula(plain, "self") == (
        '=IF(COUNT(fe_base_self,fe_section_self_b,fe_section_self_p)=3,'
        'ROUND(MAX(0,fe_base_self+fe_section_self_b-fe_section_self_p),6),"")')


# ---------------------------------------------------------------- the whole way, as a user takes it
def run(*args, env):
    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_a_form_scores_validates_merges_and_reaches_the_notice(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FULLEMP_RULES_DIR": str(tmp_path / "rules")}
    assert run("rules", "install", SAMPLE, env=env).returncode == 0
    assert run("templates", "build", "--rules", "bonus-penalty-100", "-o", tmp_path / "模板", env=env).returncode == 0
    rs = load_ruleset(SAMPLE)
    inbox = tmp_path / "甘州区"
    inbox.mkdir()
    assessed = {**GOOD, "startup_community": False, "trained": 6, "complaints": 1}
    form = make_assessment(inbox / "南关社区-考评表.xlsx", rs, {"self": GOOD, "assessed": assessed})
    make_assessment(inbox / "北关社区-考评表.xlsx", rs, {"self": GOOD, "assessed": {**GOOD, "mass_incident": True}},
                    identity={"县（区）": "甘州区", "街道（乡镇）": "东街街道", "社区": "北关社区"})

    proc = run("score", form, "--format", "json", env=env)
    data = json.loads(proc.stdout)
    jsonschema.validate(data, schema("score"))
    stage = next(s for s in data["stages"] if s["stage"] == "assessed")
    assert (stage["base"], stage["bonus"], stage["penalty"], stage["total"]) == (97, 3.5, 2, 98.5)
    assert {s["id"]: (s["kind"], s["label"]) for s in stage["sections"]}["p"] == ("penalty", "附2")
    assert next(i for i in data["items"] if i["id"] == "p2")["label"] == "附2.2"
    assert data["decision"]["reason"].startswith("总得分98.5分")
    text = run("score", form, env=env).stdout
    assert "基础得分" in text and "总得分" in text and "附1.2" in text and "未被评为省级创业型社区，不加2分" in text
    assert "扣分、未加分说明" in text

    written = tmp_path / "打分后.xlsx"
    assert run("score", form, "--write", "-o", written, env=env).returncode == 0
    wb = openpyxl.load_workbook(written)
    loc = locate(OpenpyxlBook(wb), names.opinion("assessed"))
    assert "未加分：附1.2" in wb[loc.sheet][loc.cell].value and "扣分项：附2.2" in wb[loc.sheet][loc.cell].value
    proc = run("validate", written, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "扣分项附2.2：自评扣0分，考评扣2分，请核实" in proc.stdout

    summary = tmp_path / "汇总表.xlsx"
    proc = run("merge", inbox, "-o", summary, "--year", "2025", "--county", "甘州区", "--quiet", "--format", "json",
               env=env)  # the county's own summary: its 公示 is made from it
    assert proc.returncode == 0, proc.stdout + proc.stderr
    merged = json.loads(proc.stdout)
    jsonschema.validate(merged, schema("merge"))
    assert {c["community"]: c["parts"] for c in merged["communities"]} == {
        "南关社区": {"base": 97, "bonus": 3.5, "penalty": 2}, "北关社区": {"base": 100, "bonus": 5, "penalty": 10}}
    shown = json.loads(run("rules", "show", "bonus-penalty-100", "--format", "json", env=env).stdout)
    jsonschema.validate(shown, schema("rules-show"))
    assert [(s["label"], s["kind"], s["max"]) for s in shown["sections"]][3:] == [("附1", "bonus", 5), ("附2", "penalty", None)]
    wb = openpyxl.load_workbook(summary)
    titles = [c.value for row in wb["拟认定名单"].iter_rows(max_row=2) for c in row if c.value]
    assert any(str(t).startswith("拟认定名单（总得分") for t in titles), titles  # the score the bands read, named so
    ws = wb["汇总"]
    head = [c.value for c in ws[3]]
    assert {"基础得分", "加分", "扣分", "扣分项附2.1", "加分项附1.1（3分）"} <= set(head)
    rows = {r[head.index("社区")]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[head.index("社区")]}
    nanguan, beiguan = rows["南关社区"], rows["北关社区"]
    assert [nanguan[head.index(h)] for h in ("基础得分", "加分", "扣分", "认定得分")] == [97, 3.5, 2, 98.5]
    assert [beiguan[head.index(h)] for h in ("基础得分", "加分", "扣分", "认定得分")] == [100, 5, 10, 95]
    inspection = head.index(official_headers(rs)["inspection"]) + 1  # 县区实地考察: no [[process]], 张掖 第六条's
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, head.index("社区") + 1).value in rows:
            ws.cell(r, inspection).value = "符合"
    wb.save(summary)

    out = tmp_path / "公示.docx"
    proc = run("notice", summary, "--stage", "county", "--county", "甘州区", "--start", "2025-12-08", "-o", out,
               "--office", "甘州区人力资源和社会保障局", "--contact", "王某", "--phone", "0936-0000000",
               "--address", "甘州区某路1号", "--email", "gz@example.cn", env=env)
    assert proc.returncode in (0, 1) and out.exists(), proc.stdout + proc.stderr
    rows = table_rows(out)
    assert rows[0] == ["序号", "县（区）", "街道（乡镇）", "社区", "总得分", "备注"]  # the column shows the 总得分, not a 综合得分
    assert "总得分85分以上且实地考察符合条件" in docx_text(out)
    listed = {r[3]: r for r in rows[2:]}
    assert listed["南关社区"][4] == "98.5" and "基础得分97分，加分3.5分，扣分2分" in listed["南关社区"][5]
    assert "基础得分100分，加分5分，扣分10分" in listed["北关社区"][5]
    assert "测试四市" in docx_text(out) or "甘州区" in docx_text(out)


def test_the_documents_name_the_score_they_show(tmp_path):
    """The score column is the 总得分; the notice's criteria name the score the bands read (不含加分的得分 when so)."""
    from types import SimpleNamespace
    from fullemp_xl.documents.context import common, notice_context
    for path, read in ((SAMPLE, "总得分"), (variant(tmp_path, "with_bonus = true", "with_bonus = false"), "不含加分的得分")):
        summary = SimpleNamespace(ruleset=load_ruleset(path), year=2025)
        base = common(summary, office={}, date="", doc_number="", attachment="")
        assert base["score_name"] == "总得分"
        notice = notice_context(summary, [], stage="county", county="甘州区", start="", end="", days=5, base=base)
        assert notice["criteria"].startswith(f"{read}85分以上")
    zhangye = SimpleNamespace(ruleset=load_ruleset("zhangye-2023"), year=2025)
    assert common(zhangye, office={}, date="", doc_number="", attachment="")["score_name"] == "综合得分"


def test_plain_rule_sets_show_no_parts():
    """张掖's output keeps its plain 合计: no 基础得分 cell, no parts in JSON, the summary or the remark."""
    from fullemp_xl.summary.columns import summary_columns
    rs = load_ruleset("zhangye-2023")
    assert not rs.has_parts and names.base("self") not in formulas.all_formulas(rs)
    assert not any(c.key.startswith("part:") for c in summary_columns(rs))
    result = score_stage(rs, "self", {f: None for f in rs.facts}, PriorTitle())
    assert result.bonus is None and result.penalty is None


def test_the_level_function_in_excel_takes_a_total_above_the_full_mark():
    from fullemp_xl.excel import udfs

    assert udfs.FE_LEVEL(103, rules=str(SAMPLE)) == "市级充分就业社区"
    assert udfs.FE_LEVEL(80, rules=str(SAMPLE)) == "不予认定"
    assert "超过标准分 105 分" in str(udfs.FE_LEVEL(106, rules=str(SAMPLE)))  # 100 + 最高加5分


def test_county_statistics_count_the_score_the_bands_read(tmp_path):
    from fullemp_xl.summary.model import SummaryRow
    from fullemp_xl.summary.stats import CountyStats

    row = SummaryRow("甘州区", "东街街道", "南关社区", total=89.5, parts={"base": 88.5, "bonus": 5, "penalty": 4})
    for rules, above in ((SAMPLE, 1), (variant(tmp_path, "with_bonus = true", "with_bonus = false"), 0)):
        stats = CountyStats("甘州区")
        stats.add(row, load_ruleset(rules))
        assert stats.above == above, rules

_RS = load_ruleset(SAMPLE)
_COUNTS = st.integers(min_value=0, max_value=40)


@st.composite
def _values(draw):
    out = {}
    for fact in _RS.facts.values():
        out[fact.id] = draw(st.booleans()) if fact.type == "flag" else draw(_COUNTS)
    for rate in _RS.rates.values():
        out[rate.numerator] = min(out[rate.numerator], out[rate.denominator])
    return out


@settings(max_examples=300, deadline=None)
@given(_values())
def test_the_parts_always_add_up(values):
    """Whatever the data: 基础得分 within 0…100, 加分 within 0…5, 扣分 ≥ 0, 总得分 = max(0, 基础 + 加分 − 扣分)."""
    result = score_stage(_RS, "self", values)
    by = {s.item: s.score for s in result.items}
    assert 0 <= result.base <= 100 and result.base == sum(by[i.id] for i in _RS.items if i.role == "score")
    assert result.bonus == min(5, sum(by[i.id] for i in _RS.items if i.role == "bonus"))
    assert result.penalty == sum(by[i.id] for i in _RS.items if i.role == "penalty") >= 0
    assert by["p2"] <= 6
    assert result.total == max(0, result.base + result.bonus - result.penalty) <= 105
    assert result.decision.certified == (result.total >= 85)


def test_rules_check_applies_excel_limits_to_penalty_sections(tmp_path):
    """A 扣分项 of 260 items would need SUM with 260 arguments (Excel allows 255): refused, naming the section."""
    many = "".join(f'''
[[sections.items]]
id = "q{k}"
content = "第{k}种情形。"
criteria = "发生的扣1分。"
parts = [{{ kind = "deduct", points = 1, require = {{ fact = "false_report", expect = false }}, reason = "扣{{points}}分" }}]
''' for k in range(260))
    path = tmp_path / "many.toml"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + '\n[[sections]]\nid = "q"\ntitle = "其他扣分项"\nkind = "penalty"\n'
                    + many, encoding="utf-8")
    found = errors(path)
    assert any(e.startswith("sections[5]:") and "255" in e for e in found), found


def test_the_merge_decides_again_on_the_score_the_bands_read(tmp_path):
    """The summary re-decides each community (the registry's prior title may differ): with_bonus holds there too."""
    from fullemp_xl.merge.combine import summary_row
    from fullemp_xl.summary.model import ASSESSMENT, FileResult, StageOutcome

    result = FileResult("a.xlsx", "a.xlsx", ASSESSMENT, identity=("甘州区", "东街街道", "南关社区"), final_stage="assessed",
                        stages=(StageOutcome("assessed", 89.5, 89.5, True, parts=(88.5, 5, 4)),))
    plain = summary_row(result, load_ruleset(SAMPLE), 2025, None, False, "", None)
    assert plain.eligible and plain.parts == {"base": 88.5, "bonus": 5, "penalty": 4}
    strict = summary_row(result, load_ruleset(variant(tmp_path, "with_bonus = true", "with_bonus = false")), 2025, None,
                         False, "", None)
    assert not strict.eligible and strict.level == "不予认定" and strict.total == 89.5
