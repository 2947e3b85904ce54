"""The 汇总 button's Python side, driven through xlwings' remote engine as Excel on the web would."""
from __future__ import annotations

from conftest import good_values, make_assessment
from fullemp_xl.excel import merge_handler
from fullemp_xl.summary.load import load_summary
from fullemp_xl.merge.run import merge
from xl_remote import remote_book


def test_button_outside_a_summary_merges_the_folder_beside_it(tmp_path, zhangye, filled):
    inbox = tmp_path / "县区报送"
    for county in ("甘州区", "临泽县"):
        (inbox / county).mkdir(parents=True)
    make_assessment(inbox / "甘州区" / "南关.xlsx", zhangye, {"self": good_values(), "assessed": good_values()})
    make_assessment(inbox / "临泽县" / "沙河.xlsx", zhangye, {"self": good_values(), "assessed": good_values()},
                    identity={"县（区）": "临泽县", "街道（乡镇）": "沙河镇", "社区": "沙河社区"})
    message = merge_handler.merge_book(remote_book(filled), folder=str(inbox))
    assert message.startswith("汇总完成：2 个社区，符合认定条件 2 个")
    out = tmp_path / "县区报送-汇总表.xlsx"
    assert str(out) in message and {r.community for r in load_summary(out).rows} == {"南关社区", "沙河社区"}


def test_button_without_a_folder_picker_says_what_to_do(tmp_path, filled):
    message = merge_handler.merge_book(remote_book(filled))
    assert "fullemp merge" in message


def test_button_in_a_summary_on_the_web_says_what_to_do(tmp_path, zhangye):
    inbox = tmp_path / "in"
    inbox.mkdir()
    make_assessment(inbox / "a.xlsx", zhangye, {"self": good_values(), "assessed": good_values()})
    summary = tmp_path / "汇总表.xlsx"
    merge([inbox], summary)
    book = remote_book(summary)
    assert merge_handler.is_summary(book)
    assert "--refresh" in merge_handler.merge_book(book)
    assert load_summary(summary).rows  # untouched
