"""From submissions through `fullemp merge` to every document and next year's forms (the demo's last steps)."""
from __future__ import annotations

import openpyxl
import pytest

from documents_data import OK, docx_text, row, table_rows, write
from fullemp_xl.demo import run_demo
from fullemp_xl.documents.context import subsidy_lists
from fullemp_xl.demo.documents import DECIDED, run_documents_demo
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.summary.load import load_summary
from fullemp_xl.merge.run import merge

pytestmark = pytest.mark.xdist_group("documents_demo")  # its module-scoped `merged` is built once per run


def prior(path):
    book = OpenpyxlBook(openpyxl.load_workbook(path))
    return tuple(book.read(locate(book, n).sheet, locate(book, n).cell) for n in (names.PRIOR_TITLE, names.PRIOR_YEAR))


def test_documents_demo_on_a_summary(tmp_path):
    rows = [row("甘州区", "东街街道", "南关社区", 98), row("甘州区", "东街街道", "北关社区", 80, eligible=False),
            row("临泽县", "沙河镇", "沙河社区", 93, decisions=OK)]
    summary = write(tmp_path / "汇总表.xlsx", rows)
    result = run_documents_demo(summary, tmp_path / "文书")
    names_ = {p.name for p in result.documents}
    # no county 公示: they come from the counties' own summaries, and this one records no submissions to merge again
    assert names_ == {"公示-市级.docx", "认定公告.docx", "甘州区-2026年度补助资金明细.docx", "临泽县-2026年度补助资金明细.docx"}
    assert any("县（区）公示：由各县区自己的汇总表（merge --county）生成" in n for n in result.notes), result.notes
    assert all(p.exists() for p in result.written) and result.profile.name == "发文机关.toml"
    decided = load_summary(result.summary)
    assert [r.decisions.final for r in decided.rows] == ["认定", "", "认定"]  # only where the rules allow it
    assert "南关社区" in docx_text(tmp_path / "文书" / "认定公告.docx")
    assert prior(result.forms / "甘州区" / "东街街道-南关社区-考评表.xlsx") == ("市级充分就业社区", 2026)
    assert result.summary.name == DECIDED


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """The demo's real submissions, merged as a city would (with the registry)."""
    out = tmp_path_factory.mktemp("demo")
    run_demo(out)
    summary = out / "5-汇总" / "汇总表.xlsx"
    merge([out / "1-提交的考评表"], summary, registry=out / "0-分发" / "社区名册.xlsx", year=2026)
    return out, summary


def test_from_submissions_through_merge_to_documents_and_next_years_forms(merged):
    out, summary = merged
    result = run_documents_demo(summary, out / "6-文书")
    # each county's 公示 from its own summary (merge --county of the same submissions), its decisions typed in
    owns = {load_summary(p).county: p for p in result.county_summaries}
    assert "甘州区" in owns and all(load_summary(p).rows for p in owns.values())
    assert {r.county for r in load_summary(owns["甘州区"]).rows} == {"甘州区"}
    county_decisions = [r.decisions for r in load_summary(owns["甘州区"]).rows if r.eligible]
    assert county_decisions and all(d.inspection == "符合" and d.objection == "无" and d.final == "" for d in county_decisions)
    notice = out / "6-文书" / "公示-县区" / "甘州区-公示.docx"
    assert notice in result.documents and "2026年11月2日至2026年11月6日" in docx_text(notice)
    assert [line.county for line in load_summary(owns["甘州区"]).published] == ["甘州区"]  # recorded in the county's own
    decided = load_summary(result.summary)
    certified = [r for r in decided.rows if r.decisions.final == "认定"]
    assert [r.community for r in certified] == ["南关社区"]  # the one community of the demo that meets every standard
    announcement = out / "6-文书" / "认定公告.docx"
    assert [r[3] for r in table_rows(announcement) if r[0].isdigit()] == ["南关社区"]
    # the statement pays exactly the communities the summary's 补助资格 column calls eligible
    paid = {r.community for lst in subsidy_lists(decided) for r in lst.funded}
    assert paid == {r.community for r in certified if r.subsidy.startswith("符合")}
    statement = docx_text(out / "6-文书" / "补助资金" / "甘州区-2026年度补助资金明细.docx")
    assert "1个社区享受补助，合计10,000.00元（人民币壹万元整）" in statement
    forms = result.forms
    assert prior(forms / "甘州区" / "东街街道-南关社区-考评表.xlsx") == ("市级充分就业社区", 2026)
    registry = openpyxl.load_workbook(result.registry)[names.REGISTRY_SHEET]
    listed = [registry.cell(r, 3).value for r in range(4, registry.max_row + 1) if registry.cell(r, 3).value]
    assert "南关社区" in listed and len(listed) >= len(decided.rows)


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.pdf
def test_the_demos_documents_as_pdf(merged):
    import re
    import subprocess

    from lo_oracle import require_soffice
    from test_documents_layout import check_signature, check_title

    require_soffice()
    out, summary = merged
    result = run_documents_demo(summary, out / "7-文书PDF", pdf=True)
    assert len(result.pdfs) == len(result.documents) == 4  # county and city 公示, 认定公告, 补助资金明细
    for pdf in result.pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), pdf
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
        assert "南关社区" in text and re.search(r"—1—", text), pdf
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts)
        check_signature(pdf)  # inside the text block, centred on the date (GB/T 9704 7.3.5)
        check_title(pdf, keep=["甘州区", "临泽县", "高台县", "山丹县"])
