"""Every printable sheet, printed through LibreOffice, looks like a form an office can stamp.

Real files (scored 考评表 of three rule sets, one filled from a ledger, a 申报表 with the monthly
monitor, a ledger of 205 persons, a registry of 60 communities) are rendered to PDF in one headless
run. Each page is then read back with poppler: its footer is whole and numbered, no word lies outside
the page or over another word (text a row is too low for shows as this), the 考评表 breaks only where
we put breaks, no item is split and no page ends while the next item would have fitted (a section
may go on over a page, labelled again there), the deduction reasons are printed in the 认定意见, no
tool jargon is printed, title rows repeat, and every expected row is on exactly one page.
"""
from __future__ import annotations

import openpyxl
import pytest

from conftest import ROOT, good_values, make_assessment
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import ASSESSMENT, DATA_SHEET
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.forms.fill import fill_form
from fullemp_xl.builder.layout import MARGINS
from fullemp_xl.rules import load_ruleset
from ledger_data import persons, write_ledger
from lo_oracle import pdf, require_soffice
from pdf_pages import pages, squeeze
from conftest import run
from conftest import write_registry

pytestmark = [pytest.mark.libreoffice, pytest.mark.pdf, pytest.mark.xdist_group("print")]  # one `printed` per run

OTHER = ROOT / "tests" / "rulesets" / "other-city-150.toml"
THREE = ROOT / "tests" / "rulesets" / "three-stage-85.toml"
BONUS = ROOT / "tests" / "rulesets" / "bonus-penalty-100.toml"


def scored(tmp_path, name, rules, stages):
    ruleset = load_ruleset(rules)
    form = make_assessment(tmp_path / f"{name}-in.xlsx", ruleset, stages)
    out = tmp_path / f"{name}.xlsx"
    proc = run("score", form, "--rules", rules, "--write", "-o", out)
    assert out.exists(), proc.stderr
    return out, ruleset


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    require_soffice()
    folder = tmp_path_factory.mktemp("print")
    zhangye = load_ruleset("zhangye-2023")
    good = good_values()
    poor = {**good, "ledgers_missing": 2, "unemployed_unregistered": 1, "hardship_trained": 15, "survey_satisfied": 80,
            "staff_stable": False, "assistance_recorded": False}
    forms = {
        "zhangye": scored(folder, "zhangye", "zhangye-2023", {"self": good, "assessed": poor}),
        "other": scored(folder, "other", str(OTHER), {s: dict(hall=True, complaints=3, helped=17, task_target=10, task_done=13,
                                                             training_target=8, trained=5, visits=30, families_helped=2,
                                                             disabled_total=20, disabled_registered=17, new_jobs=6)
                                                      for s in ("self", "assessed")}),
        "three": scored(folder, "three", str(THREE), {}),
        "bonus": scored(folder, "bonus", str(BONUS), {s: dict(
            hall=True, staff=1, unemployed=10, reemployed=9, training_target=8, trained=6, zero_families=3, zero_helped=3,
            honoured=True, startup_community=False, startups=1, mass_incident=s == "assessed", complaints=2,
            false_report=False) for s in ("self", "assessed")}),
    }
    ledger = write_ledger(folder / "台账.xlsx", zhangye, persons())
    blank = make_assessment(folder / "ledger-in.xlsx", zhangye, {})
    filled, done = folder / "ledger-filled.xlsx", folder / "ledger.xlsx"
    run("fill", blank, "--ledger", ledger, "-o", filled)
    run("score", filled, "--write", "-o", done)
    forms["ledger"] = (done, zhangye)
    qiqihar = load_ruleset("qiqihar-2022")
    book = OpenpyxlBook(build_declaration(qiqihar))
    fill_form(book, {names.monitor(kind, m): 900 + m if kind == "employed" else 40 - m
                     for m in range(1, 13) for kind in ("employed", "unemployed")})
    declaration = folder / "申报表.xlsx"
    book.wb.save(declaration)
    communities = [(f"县{k // 20}", f"街道{k // 5}", f"社区{k:02d}", "", "无", None, "否", "否") for k in range(60)]
    registry = write_registry(folder / "社区名册.xlsx", zhangye, communities)
    files = [path for path, _ in forms.values()] + [declaration, ledger, registry]
    rendered = dict(zip([*forms, "declaration", "ledger list", "registry"], pdf(files, folder / "pdf")))
    return forms, rendered, communities


def check_pages(found):
    """Footer numbered and whole, nothing outside the page, no text over text."""
    total = len(found)
    for page in found:
        assert page.has(f"第{page.number}页，共{total}页"), (page.number, page.text[-40:])
        footer = [w for w in page.words if w[1] > page.height - MARGINS["bottom"] * 72 - 1]
        assert footer and all(w[3] <= page.height - MARGINS["footer"] * 72 + 3 for w in footer), footer
        assert not page.outside(), page.outside()
        assert not page.overlaps(), (page.number, page.overlaps()[:5])


def fill(page) -> float:
    """How far down the printable area (between the margins) the page's text reaches, the footer left out."""
    top, bottom = MARGINS["top"] * 72, page.height - MARGINS["bottom"] * 72
    return (max(w[3] for w in page.words if w[3] < bottom) - top) / (bottom - top)


def breaks(path, sheet) -> int:
    return len(openpyxl.load_workbook(path)[sheet].row_breaks.brk)


def value(path, name):
    wb = openpyxl.load_workbook(path)
    loc = locate(OpenpyxlBook(wb), name)
    return wb[loc.sheet][loc.cell].value


@pytest.mark.parametrize("form", ["zhangye", "other", "three", "ledger", "bonus"])
def test_assessment_prints_whole_sections_with_reasons(printed, form):
    forms, rendered, _ = printed
    path, ruleset = forms[form]
    found = pages(rendered[form])
    check_pages(found)
    table = breaks(path, ASSESSMENT) + 1
    data = breaks(path, DATA_SHEET) + 1
    assert len(found) == table + data, "LibreOffice broke pages where we did not"
    sheet, facts = found[:table], found[table:]
    assert facts[0].has(f"{ruleset.name}——基础数据") and not any(p.has("——基础数据") for p in sheet)
    for page in sheet:
        assert page.has("考核内容") and page.has("评分标准")  # the title rows repeat
        assert not page.has("本表按规则集") and not page.has("fullemp")  # no tool jargon on the official form
    for section in ruleset.sections:  # a section may go on over a page, an item never
        for item in section.items:
            where = [n for n, p in enumerate(sheet) if p.has(item.content)]
            assert len(where) == 1 and sheet[where[0]].text.count(squeeze(item.content)) == 1, (item.id, where)
            assert sheet[where[0]].has(item.criteria), f"item {item.id} split over pages"
            assert sheet[where[0]].has(section.title)  # its section is labelled on every page it prints on
    for n, page in enumerate(sheet[:-1]):  # no page ends early when the next item would have fitted on it
        if any(sheet[n + 1].has(i.content) for i in ruleset.items):
            assert fill(page) > 0.75, f"page {n + 1} of {form} is {fill(page):.0%} full and the next item went on"
    last = ruleset.printed_sections[-1].items[-1]
    total = "总得分（基础得分" if ruleset.has_parts else "合计"
    assert [p.has(total) for p in sheet] == [p.has(last.content) for p in sheet]
    summary = [p for p in sheet if p.has("得分汇总与认定结论")]
    assert len(summary) == 1
    for stage in ruleset.stages:
        assert summary[0].has(f"认定意见（{stage.label}）")
        opinion = value(path, names.opinion(stage.id))
        assert opinion and summary[0].has(opinion)  # every reason for lost points is printed
    gated = ruleset.levels.gates_label
    assert bool(ruleset.gates) == summary[0].has(gated)
    for fact in ruleset.facts.values():
        assert sum(p.text.count(squeeze(fact.label)) for p in facts) >= 1, fact.label
    for page in facts:
        assert page.has("计算说明")
    rates = {n for n, p in enumerate(facts) for r in ruleset.rates.values() if p.has(r.label + "=")}
    assert len(rates) <= 1, "the table of rates is split"


def test_the_zhangye_opinion_lists_its_reasons(printed):
    forms, _, _ = printed
    path, _ = forms["zhangye"]
    opinion = value(path, names.opinion("assessed"))
    assert opinion.startswith("不予认定") and "扣分：" in opinion and "4.1" in opinion and "第③项" in opinion


def test_ledger_notes_print_whole(printed):
    forms, rendered, _ = printed
    path, ruleset = forms["ledger"]
    found = pages(rendered["ledger"])
    notes = [value(path, names.note(f)) for f in ruleset.facts]
    notes = [n for n in notes if n]
    assert len(notes) > 15
    for note in notes:
        assert sum(p.text.count(squeeze(note)) for p in found) == 1, note


def test_other_city_prints_its_own_total_and_no_gate_row(printed):
    forms, rendered, _ = printed
    path, ruleset = forms["other"]
    text = "".join(p.text for p in pages(rendered["other"]))
    assert "150" in text and "基本条件" not in text
    assert "帮助17人再就业，少得13分（最高30分）" in text  # placeholders filled in the printed opinion


def test_bonus_and_penalty_print_as_such_tables_do(printed):
    """基础得分, then 附1 加分项 and 附2 扣分项, then 总得分; the opinion says 未加分 and 扣分项, not 扣分."""
    forms, rendered, _ = printed
    path, ruleset = forms["bonus"]
    text = "".join(p.text for p in pages(rendered["bonus"]))
    for words in ("基础得分", "附1", "附2", "加分项", "扣分项", "总得分（基础得分＋加分－扣分）", "附1加分项（最高加5分）小计",
                  "附2扣分项（扣完为止）小计", "（一）有就业服务窗口和信息公开栏。", "1.获得省级以上表彰。"):  # items' own 序号
        assert squeeze(words) in text, words
    def at(word):  # (page, top) of the first word holding it: the order down the page, not poppler's reading order
        return next((p.number, w[1]) for p in pages(rendered["bonus"]) for w in p.words if word in w[4])
    assert at("基础得分") < at("获得省级以上表彰。") < at("总得分（")
    opinion = value(path, names.opinion("assessed"))
    assert "未加分：附1.2：未被评为省级创业型社区，不加2分" in opinion and "扣分项：附2.1" in opinion
    assert squeeze(opinion) in text


def test_declaration_and_monitor_print_one_page_each(printed):
    _, rendered, _ = printed
    found = pages(rendered["declaration"])
    check_pages(found)
    assert len(found) == 2
    assert found[0].text.count("（盖章）") == 3 and not found[0].has("汇总用信息")
    assert found[1].has("经济活动人口就业率按月监测表") and all(found[1].has(f"{m}月") for m in range(1, 13))


def test_ledger_prints_one_page_wide_with_its_header_on_every_page(printed):
    _, rendered, _ = printed
    found = pages(rendered["ledger list"])
    check_pages(found)
    ledger = [p for p in found if p.has("稳定就业月数")]
    assert len(ledger) >= 3
    for page in ledger:
        assert page.has("服务有记录") and page.has("姓名")  # first and last column: one page wide, header repeated
    for person in persons():
        assert sum(p.text.count(person["name"]) for p in ledger) == 1, person["name"]


def test_registry_prints_its_header_on_every_page(printed):
    _, rendered, communities = printed
    found = pages(rendered["registry"])
    check_pages(found)
    assert found[0].has("充分就业社区名册")
    for page in found:
        assert page.has("社区代码") and page.has("已享受省级补助")
    for row in communities:
        assert sum(p.text.count(row[2]) for p in found) == 1, row[2]
