"""The 公示 / 公告 / 补助 buttons on xlwings' remote engine: they read the open 汇总表 as shown (unsaved
decisions included), write the documents next to its file, and never change the workbook."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from documents_data import RARE, county_summaries, docx_text, summary_with_profile, table_rows, write, zhangye_rows
from fullemp_xl.excel import documents_handlers as dh
from xl_remote import payload

xw = pytest.importorskip("xlwings")


def open_book(path, *, edit=None):
    """The workbook as desktop Excel shows it: its full path as the name; `edit(grid)` types into the 汇总 sheet."""
    data = payload(path)
    data["book"]["name"] = str(path)
    if edit:
        grid = next(s for s in data["sheets"] if s["name"] == "汇总")["values"]
        edit(grid)
    return xw.Book(json=copy.deepcopy(data))


def alerts(book) -> list[dict]:
    return book.json()["actions"]


@pytest.fixture
def summary(tmp_path):
    return summary_with_profile(tmp_path / "市")


def test_notice_button_writes_every_notice_next_to_the_summary(summary):
    book = open_book(summary)
    message = dh.notice_book(book, start=dt.date(2026, 12, 7))
    folder = summary.parent / "公示"
    assert (folder / "市级公示.docx").exists()
    assert "公示期 2026年12月7日至2026年12月11日（5个工作日）" in message
    actions = alerts(book)
    assert [a["func"] for a in actions] == ["alert"] and actions[0]["args"][0] == message  # the workbook is not touched
    assert RARE[0] in docx_text(folder / "市级公示.docx")
    # no county 公示 from the city's summary (第六条): said in the message, as the command line says it
    assert not list(folder.glob("*县*-公示.docx")) and not (folder / "甘州区-公示.docx").exists()
    assert "未生成：县（区）公示：这是市级汇总表，不能生成县（区）公示" in message and "--county 甘州区" in message


def test_notice_button_on_a_county_summary_writes_its_county_notice(tmp_path):
    own = county_summaries(tmp_path / "县")["甘州区"]
    message = dh.notice_book(open_book(own), start=dt.date(2026, 12, 7))
    folder = own.parent / "公示"
    assert (folder / "甘州区-公示.docx").exists() and not (folder / "临泽县-公示.docx").exists()
    assert "甘州区" in docx_text(folder / "甘州区-公示.docx") and "这是市级汇总表" not in message
    assert "未列入 2 个" in message and "市级公示" not in message  # 北关社区 不符合, 争议社区 有异议
    assert not (folder / "市级公示.docx").exists()  # the city publishes its own, from its summary


def test_announcement_button_reads_unsaved_decisions(summary):
    def certify(grid):
        head = grid[2]
        final, community = head.index("最终认定"), head.index("社区")
        row = next(r for r in grid[3:] if r[community] == RARE[4])
        row[final] = "认定"  # typed by an official, not yet saved

    book = open_book(summary, edit=certify)
    message = dh.announce_book(book)
    out = summary.parent / "认定公告.docx"
    assert "认定公告已生成" in message and "9 个社区" in message
    assert RARE[4] in [r[3] for r in table_rows(out)]


def test_subsidy_button_and_runpython_entry_point(summary):
    book = open_book(summary)
    book.set_mock_caller()
    try:
        dh.subsidy()
    finally:
        del xw.Book._mock_caller
    message = book.json()["actions"][-1]["args"][0]
    assert "甘州区：3 个社区，合计 30,000.00 元（人民币叁万元整）" in message
    assert (summary.parent / "补助资金" / "甘州区-2026年度补助资金明细.xlsx").exists()
    again = open_book(summary)
    dh.subsidy_book(again)  # a second click regenerates; the earlier files are kept as backups
    assert list((summary.parent / "补助资金").glob("甘州区-2026年度补助资金明细.bak-*.docx"))


def test_buttons_explain_what_they_need(summary, tmp_path):
    data = payload(summary)  # the name only: a workbook never saved to a folder (or Excel on the web)
    book = xw.Book(json=copy.deepcopy(data))
    assert "请先把汇总表保存" in dh.announce_book(book)
    (summary.parent / "发文机关.toml").unlink()
    message = dh.announce_book(open_book(summary))
    assert "发文机关信息缺少" in message and "发文机关名称（name）" in message
    (tmp_path / "q").mkdir()
    qiqihar = write(tmp_path / "q" / "汇总表.xlsx", zhangye_rows()[:1], rules="qiqihar-2022", year=2022)
    assert "没有补助资金政策" in dh.subsidy_book(open_book(qiqihar))


def test_the_subsidy_button_reports_the_summarys_problems_as_the_commands_do(summary):
    """summary.check: the same problems from every command and every button (issue 19)."""
    def conflict(grid):
        head = grid[2]
        final, eligible = head.index("最终认定"), head.index("符合认定条件")
        row = next(r for r in grid[3:] if r[eligible] == "否")
        row[final] = "认定"  # the rules do not allow it

    message = dh.subsidy_book(open_book(summary, edit=conflict))
    assert "需要核对" in message and "不能认定" in message


def test_the_buttons_read_the_open_summary_as_load_summary_reads_its_file_without_a_copy(summary, monkeypatch):
    """One reading of a summary: the open workbook's values go through summary.load.read_summary, the
    code `fullemp notice` reads the file with — no temporary .xlsx written and read back."""
    import tempfile

    from fullemp_xl import api

    def no_temporary(*args, **kwargs):
        raise AssertionError("the open summary is read from the workbook, not from a copy on disk")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_temporary)
    monkeypatch.setattr(tempfile, "mkdtemp", no_temporary)
    shown, path = dh._load(open_book(summary))
    filed = api.load_summary(summary)
    assert path == summary and shown.path == summary
    assert (shown.ruleset.id, shown.year, shown.meta) == (filed.ruleset.id, filed.year, filed.meta)
    assert shown.rows == filed.rows and len(shown.rows) > 5
    assert shown.missing == filed.missing and shown.published == filed.published
    assert shown.problems == filed.problems
