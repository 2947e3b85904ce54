"""`fullemp merge` as a city official runs it: folders, zips, registry, re-runs — real files, real commands."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, good_values, make_assessment, write_registry
from fullemp_xl import api
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.demo import _gbk_member
from fullemp_xl.summary.load import load_summary
from fullemp_xl.summary.write import SHEETS
from fullemp_xl.core.model import number
from fullemp_xl.rules import load_ruleset
from lo_oracle import pdf, recalculate, require_soffice
from terminal import stderr_on_terminal

from corpus import write_corpus


def run(*args, env=None, cwd=None):
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", *map(str, args)], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "程序内部错误" not in proc.stderr, proc.stderr
    return proc


def merge_json(*args, **kw) -> tuple[subprocess.CompletedProcess, dict]:
    proc = run("merge", *args, "--format", "json", **kw)
    return proc, (json.loads(proc.stdout) if proc.stdout.strip() else {})


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def submission(folder: Path, zhangye, county="甘州区", street="东街街道", community="南关社区", changes=None,
               saved: dt.datetime | None = None, name: str | None = None, prior=("", None)) -> Path:
    good = good_values()
    path = folder / (name or f"{county}-{street}-{community}-考评表.xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    make_assessment(path, zhangye, {"self": good, "assessed": {**good, **(changes or {})}},
                    identity={"县（区）": county, "街道（乡镇）": street, "社区": community}, prior=prior)
    if saved is not None:
        set_saved(path, saved)
    return path


def set_saved(path: Path, when: dt.datetime) -> None:
    """The workbook's own last-saved time (openpyxl always stamps 'now'), as Excel records it."""
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    core = members["docProps/core.xml"].decode()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    members["docProps/core.xml"] = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{stamp}", core).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def registry(path: Path, zhangye, rows: list[tuple]) -> Path:
    return write_registry(path, zhangye, rows)


# ---------------------------------------------------------------- recompute, never trust
@pytest.mark.slow
def test_every_community_equals_fullemp_score(tmp_path, zhangye):
    written = write_corpus(zhangye, good_values(), tmp_path, 40, seed=12, damaged=0.12, inserted=0.3)
    before = fingerprint(tmp_path / "提交")
    proc, data = merge_json(tmp_path / "提交", "-o", tmp_path / "汇总表.xlsx")
    assert proc.returncode == 1  # damaged files were quarantined
    assert fingerprint(tmp_path / "提交") == before  # inputs are never modified
    rows = {(c["county"], c["street"], c["community"]): c for c in data["communities"]}
    damaged = [p for p, spec in written if spec.damage]
    assert len(data["quarantined"]) == len(damaged) >= 2
    assert {q["file"].split("/")[-1] for q in data["quarantined"]} == {p.name for p in damaged}
    assert len(rows) == len(written) - len(damaged)
    for path, spec in written:
        if spec.damage:
            continue
        card = api.score_file(path)
        row = rows[(spec.county, spec.street, spec.community)]
        final = card.final
        assert [i["score"] for i in row["items"]] == [number(s.score) for s in (final or card.stages[0]).items]
        assert {t["stage"]: t["recomputed"] for t in row["totals"]} == {s.stage: number(s.total) for s in card.stages}
        if final is None or final.decision is None:
            assert row["level"].startswith("暂不能认定")
        else:
            assert row["level"] == final.decision.level
            assert row["eligible"] == final.decision.certified
            assert row["gates"] == {True: "符合", False: "不符合", None: "未填完"}[final.gates_met]
        assert row["errors"] == sum(f.severity == "error" for f in card.findings)


@pytest.mark.libreoffice
def test_recorded_totals_are_compared_and_divergence_flagged(tmp_path, zhangye):
    """LibreOffice stores cached values: they agree. A total typed over its formula is flagged; the
    recomputed total rules."""
    require_soffice()
    path = submission(tmp_path / "orig", zhangye, changes={"ledgers_missing": 1})
    [saved] = recalculate([path], tmp_path / "lo")
    proc, data = merge_json(saved, "-o", tmp_path / "a.xlsx")
    [row] = data["communities"]
    assert {t["stage"]: t["recorded"] for t in row["totals"]} == {"self": 100, "assessed": 97}
    assert proc.returncode == 0 and row["errors"] == 0

    wb = openpyxl.load_workbook(saved)
    loc = locate(OpenpyxlBook(wb), "fe_total_assessed")
    wb[loc.sheet][loc.cell] = 100  # someone typed 100 over the formula
    wb.save(tmp_path / "typed.xlsx")
    proc, data = merge_json(tmp_path / "typed.xlsx", "-o", tmp_path / "b.xlsx")
    assert proc.returncode == 1
    [row] = data["communities"]
    assert row["total"] == 97
    assert {t["stage"]: t["recorded"] for t in row["totals"]}["assessed"] == 100
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")[SHEETS["problems"]]
    messages = [r[8] for r in ws.iter_rows(min_row=4, values_only=True) if r[8]]
    assert any("表内记录的考评合计为“100”" in m and "97" in m for m in messages)
    assert any("公式被改成了常数" in m for m in messages)


# ---------------------------------------------------------------- inputs as counties send them
def test_folders_zips_gbk_names_and_what_is_skipped(tmp_path, zhangye):
    src = tmp_path / "县区来件"
    a = submission(src / "甘州区", zhangye)
    (src / "甘州区" / "~$甘州区-东街街道-南关社区-考评表.xlsx").write_bytes(b"owner file")
    (src / "甘州区" / ".隐藏.xlsx").write_bytes(a.read_bytes())
    (src / "甘州区" / "Thumbs.db").write_bytes(b"x")
    (src / "甘州区" / "说明.docx").write_bytes(b"PK\x03\x04 not really")
    (src / "甘州区" / "旧表.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    b = submission(tmp_path / "work", zhangye, county="临泽县", street="沙河镇", community="沙河社区")
    c = submission(tmp_path / "work", zhangye, county="临泽县", street="沙河镇", community="西关社区", changes={"valid_complaints": 1})
    inner = tmp_path / "work" / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        _gbk_member(zf, "临泽县/西关社区考评表.xlsx", c.read_bytes())
    with zipfile.ZipFile(src / "临泽县报送.zip", "w") as zf:
        _gbk_member(zf, "临泽县/沙河镇-沙河社区-考评表.xlsx", b.read_bytes())
        _gbk_member(zf, "临泽县/~$锁定.xlsx", b"lock")
        zf.write(inner, "补报.zip")
    before = fingerprint(src)
    proc, data = merge_json(src, "-o", tmp_path / "汇总表.xlsx")
    assert fingerprint(src) == before
    files = {c["file"] for c in data["communities"]}
    assert files == {"县区来件/甘州区/甘州区-东街街道-南关社区-考评表.xlsx",
                     "县区来件/临泽县报送.zip/临泽县/沙河镇-沙河社区-考评表.xlsx",
                     "县区来件/临泽县报送.zip/补报.zip/临泽县/西关社区考评表.xlsx"}
    assert data["skipped"] == {"lock": 2, "hidden": 2, "other": 1}
    [old] = data["quarantined"]
    assert old["file"].endswith("旧表.xls") and "另存为" in old["reason"]
    assert proc.returncode == 1
    text = run("merge", src, "-o", tmp_path / "汇总2.xlsx").stdout
    assert "另跳过" in text and "旧表.xls" in text


def test_other_rule_set_template_version_and_not_ours(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    submission(src, zhangye, community="西关社区")
    qiqihar = load_ruleset("qiqihar-2022")
    make_assessment(src / "齐齐哈尔的表.xlsx", qiqihar, {"self": good_values(), "assessed": good_values()})
    old = submission(src, zhangye, community="北关社区")
    wb = openpyxl.load_workbook(old)
    wb["fe_meta"]["B5"] = "0"
    wb.save(old)
    plain = openpyxl.Workbook()
    plain.active["A1"] = "自己做的表"
    plain.save(src / "自制表.xlsx")
    proc, data = merge_json(src, "-o", tmp_path / "s.xlsx")
    reasons = {q["file"].split("/")[-1]: q["reason"] for q in data["quarantined"]}
    assert "qiqihar-2022" in reasons["齐齐哈尔的表.xlsx"] and "单独汇总" in reasons["齐齐哈尔的表.xlsx"]
    assert "模板版本" in reasons[old.name] and "新模板" in reasons[old.name]
    assert "不是 fullemp 生成的" in reasons["自制表.xlsx"]
    assert len(data["communities"]) == 2 and data["ruleset"]["id"] == "zhangye-2023"


def test_a_crashing_reader_loses_one_file_only(tmp_path, zhangye):
    src = tmp_path / "in"
    for name in ("南关社区", "西关社区", "北关社区", "东关社区"):
        submission(src, zhangye, community=name)
    proc, data = merge_json(src, "-o", tmp_path / "s.xlsx", "--jobs", "2", env={"FULLEMP_TEST_ABORT_ON": "西关"})
    assert proc.returncode == 1
    [q] = data["quarantined"]
    assert "西关社区" in q["file"] and "异常退出" in q["reason"]
    assert sorted(c["community"] for c in data["communities"]) == sorted(["南关社区", "北关社区", "东关社区"])


# ---------------------------------------------------------------- duplicates, registry, officials' columns
def test_duplicates_are_normalised_and_listed(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye, community="南关社区", saved=dt.datetime(2026, 11, 1, 9), name="早.xlsx",
               changes={"valid_complaints": 1})
    submission(src, zhangye, county="甘州区", street="东街 街道", community="南关社区 ", saved=dt.datetime(2026, 11, 3, 9),
               name="晚.xlsx")
    submission(src, zhangye, county="甘州区", street="东街街道", community="ＡＢ社区", name="全角.xlsx")
    submission(src, zhangye, county="甘州区", street="东街街道", community="AB社区", name="半角.xlsx",
               saved=dt.datetime(2020, 1, 1))
    proc, data = merge_json(src, "-o", tmp_path / "s.xlsx")
    assert len(data["communities"]) == 2
    dups = {d["dropped"].split("/")[-1]: d for d in data["duplicates"]}
    assert set(dups) == {"早.xlsx", "半角.xlsx"}
    assert dups["早.xlsx"]["kept"].endswith("晚.xlsx")
    assert "认定得分 95（采用的为 100）" in dups["早.xlsx"]["why"] and "表内保存时间" in dups["早.xlsx"]["why"]
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")[SHEETS["duplicates"]]
    assert ws.cell(4, 6).value.endswith(("早.xlsx", "半角.xlsx"))


def test_registry_missing_outside_prior_titles_and_subsidy(tmp_path, zhangye):
    reg = registry(tmp_path / "名册.xlsx", zhangye, [
        ("甘州区", "东街街道", "南关社区", "620702001", "市级充分就业社区", 2024, "否", "否"),
        ("甘州区", "西街街道", "西关社区", "620702002", "市级充分就业社区", 2023, "否", "是"),
        ("甘州区", "北街街道", "北关社区", "620702003", "无", None, "否", "否"),
        ("临泽县", "沙河镇", "沙河社区", "620723001", "市级充分就业社区", 2022, "否", "否"),
    ])
    src = tmp_path / "in"
    submission(src, zhangye)  # 100 points, keeps its title
    submission(src, zhangye, street="西街街道", community="西关社区")  # keeps, but already subsidised
    submission(src, zhangye, county="临泽县", street="沙河镇", community="沙河社区", changes={"valid_complaints": 1,
               "reports_ok": False, "ledgers_missing": 1})  # 87: title revoked
    submission(src, zhangye, county="山丹县", street="清泉镇", community="北关社区")  # not in the registry
    proc, data = merge_json(src, "-o", tmp_path / "s.xlsx", "--registry", reg)
    rows = {c["community"]: c for c in data["communities"]}
    assert rows["南关社区"]["change"] == "保持" and rows["南关社区"]["code"] == "620702001"
    assert rows["南关社区"]["subsidy"] == "符合（每年10,000元）"
    assert rows["西关社区"]["subsidy"].startswith("不重复享受（已享受省级")
    assert rows["沙河社区"]["change"] == "撤销" and rows["沙河社区"]["level"] == "取消市级充分就业社区资格"
    assert rows["北关社区"]["in_registry"] is False and "待核对" in rows["北关社区"]["subsidy"]
    assert [m["community"] for m in data["missing"]] == ["北关社区"]
    assert data["outside"] == ["山丹县 清泉镇 北关社区"]
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb[SHEETS["missing"]].cell(4, 4).value == "北关社区"
    assert wb[SHEETS["outside"]].cell(4, 2).value == "山丹县"
    counties = {c["county"]: c for c in data["counties"]}
    assert counties["甘州区"]["registry"] == 3 and counties["山丹县"]["registry"] is None


def official_heads(path: Path) -> dict[str, str]:
    """Column key -> header of the officials' columns of the summary at `path` (labelled by its rule set's stages)."""
    from fullemp_xl.rules import load_ruleset
    from fullemp_xl.summary.columns import official_headers
    from fullemp_xl.summary.write import META_SHEET

    wb = openpyxl.load_workbook(path, read_only=True)
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    wb.close()
    return official_headers(load_ruleset(meta["fe_meta_ruleset"]))


def set_decisions(path: Path, community: str, **values) -> None:
    """Type into a community's officials' cells as an official does: by column key (inspection=, objection=,
    city_objection=, final=, civil=, new_name=, note=), found by the header the summary's rule set gives it;
    any other name is a header as written (e.g. an earlier summary's 实地考察)."""
    keys = official_heads(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["summary"]]
    heads = {c.value: c.column for c in ws[3]}
    for row in ws.iter_rows(min_row=4):
        if row[heads["社区"] - 1].value == community:
            for name, value in values.items():
                cell = row[heads[keys.get(name, name)] - 1]
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # typed as text ('=… in Excel), not as a formula
    wb.save(path)


@pytest.mark.slow
def test_officials_columns_survive_rerun_and_refresh(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    submission(src, zhangye, community="西关社区", changes={"valid_complaints": 2})
    out = tmp_path / "汇总表.xlsx"
    assert run("merge", src, "-o", out).returncode == 0
    set_decisions(out, "南关社区", inspection="符合", objection="无", final="认定", note="=不是公式")
    set_decisions(out, "西关社区", inspection="合格")  # not one of the choices: reported, read as blank
    submission(src, zhangye, community="北关社区")
    proc = run("merge", src, "-o", out)
    assert "保留了" in proc.stdout or "已保留" in proc.stdout
    assert "合格" in proc.stdout and list(tmp_path.glob("汇总表.bak-*.xlsx"))
    rows = {r.community: r for r in load_summary(out).rows}
    d = rows["南关社区"].decisions
    assert (d.inspection, d.objection, d.final, d.note) == ("符合", "无", "认定", "=不是公式")
    assert rows["北关社区"].decisions.inspection == ""
    submission(src, zhangye, community="东关社区")
    proc = run("merge", "--refresh", out)
    assert proc.returncode == 0, proc.stderr
    rows = {r.community: r for r in load_summary(out).rows}
    assert set(rows) == {"南关社区", "西关社区", "北关社区", "东关社区"}
    assert rows["南关社区"].decisions.final == "认定"
    data = json.loads(run("merge", "--refresh", out, "--format", "json").stdout)
    [nanguan] = [c for c in data["communities"] if c["community"] == "南关社区"]
    assert nanguan["standing"]["certified"] is True and nanguan["standing"]["city_notice"] is True


# ---------------------------------------------------------------- the workbook itself
DANGEROUS = ['=HYPERLINK("http://example.com","点我")', "+cmd|' /C calc'!A0", "@SUM(1,2)", "-2+3", "\t=1+1"]


def test_text_from_submissions_never_becomes_a_formula(tmp_path, zhangye):
    src = tmp_path / "in"
    for k, name in enumerate(DANGEROUS):
        submission(src, zhangye, community=name, name=f"{k}.xlsx")
    submission(src, zhangye, street="=1+1", community="正常社区", name="x.xlsx")
    out = tmp_path / "s.xlsx"
    run("merge", src, "-o", out)
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEETS["summary"]]
    names = [r[3] for r in ws.iter_rows(min_row=4, values_only=True)]
    assert {d.strip() for d in DANGEROUS} <= set(names)  # identity is read trimmed, as `fullemp score` reads it
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert sheet.title == SHEETS["counties"], (sheet.title, c.coordinate, c.value)
                    assert not any(d.strip() in c.value for d in DANGEROUS)
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml


@pytest.mark.libreoffice
@pytest.mark.pdf
def test_summary_opens_in_libreoffice_with_sheets_and_charts(tmp_path, zhangye):
    require_soffice()
    src = tmp_path / "in"
    for k, county in enumerate(("甘州区", "临泽县", "高台县")):
        submission(src, zhangye, county=county, changes={"valid_complaints": k})
    out = tmp_path / "汇总表.xlsx"
    run("merge", src, "-o", out)
    [again] = recalculate([out], tmp_path / "lo")
    wb = openpyxl.load_workbook(again, data_only=True)
    for title in ("汇总", "拟认定名单", "分县统计", "问题清单", "重复提交"):
        assert title in wb.sheetnames
    with zipfile.ZipFile(again) as zf:
        assert len([n for n in zf.namelist() if n.startswith("xl/charts/chart")]) == 2
    ws = wb["分县统计"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows["甘州区"][2] == 1 and rows["合计"][2] == 3  # our COUNTIFS/SUM formulas computed
    [doc] = pdf([out], tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(doc), "-"], capture_output=True, text=True).stdout
    assert "充分就业社区认定汇总表" in text and "临泽县" in text and "第 1 页" in text
    # the score distribution has a page of its own, without the county table's header printed above it
    [page] = [p for p in text.split("\f") if re.search(r"^\s*得分分布\s+社区数\s*$", p, re.M)]
    assert "名册社区数" not in page, page


def test_same_inputs_same_workbook(tmp_path, zhangye):
    src = tmp_path / "in"
    write_corpus(zhangye, good_values(), src, 12, seed=3, damaged=0.2)
    run("merge", src, "-o", tmp_path / "a.xlsx", "--jobs", "1")
    run("merge", src, "-o", tmp_path / "b.xlsx", "--jobs", "2")

    def content(path):
        wb = openpyxl.load_workbook(path)
        out = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None and not (ws.title != "fe_meta" and c.coordinate == "A2"):
                        out[(ws.title, c.coordinate)] = c.value
        return out

    a, b = content(tmp_path / "a.xlsx"), content(tmp_path / "b.xlsx")
    a.pop(("fe_meta", "B7")), b.pop(("fe_meta", "B7"))  # 生成时间
    assert a == b


def test_arguments_and_outputs_refused_plainly(tmp_path, zhangye):
    src = tmp_path / "in"
    submission(src, zhangye)
    proc = run("merge", "-o", tmp_path / "s.xlsx")
    assert proc.returncode == 2 and "请给出要汇总的" in proc.stderr
    proc = run("merge", tmp_path / "没有这个文件夹", "-o", tmp_path / "s.xlsx")
    assert proc.returncode == 2 and "找不到" in proc.stderr
    other = tmp_path / "别的表.xlsx"
    openpyxl.Workbook().save(other)
    before = other.read_bytes()
    proc = run("merge", src, "-o", other)
    assert proc.returncode == 2 and "不予覆盖" in proc.stderr and other.read_bytes() == before
    assert run("merge", src, "-o", other, "--force").returncode == 0
    assert load_summary(other).rows[0].community == "南关社区"
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    proc = run("merge", empty, "-o", tmp_path / "t.xlsx")
    assert proc.returncode == 2 and "没有可以汇总的考评表或申报表" in proc.stderr


def test_declarations_are_paired_and_checked(tmp_path, zhangye):
    from fullemp_xl.forms.book import OpenpyxlBook
    from fullemp_xl.forms.fill import fill_form

    src = tmp_path / "in"
    submission(src, zhangye)
    book = OpenpyxlBook(build_declaration(zhangye))
    fill_form(book, {"fe_county": "甘州区", "fe_street": "东街街道", "fe_community": "南关社区",
                     "fe_basic_info": "辖区常住人口1.2万人"})
    book.wb.save(src / "南关社区申报表.xlsx")
    proc, data = merge_json(src, "-o", tmp_path / "s.xlsx")
    [row] = data["communities"]
    assert row["declaration"].endswith("南关社区申报表.xlsx")
    assert data["files"]["declarations"] == 1


def test_renamed_and_moved_sheets_merge_the_same(tmp_path, zhangye):
    src = tmp_path / "in"
    plain = submission(src, zhangye, changes={"ledgers_missing": 1})
    wb = openpyxl.load_workbook(plain)
    ws = wb["基础数据"]
    ws.title = "基础数据（2026年）"
    for dn in wb.defined_names.values():
        dn.attr_text = dn.attr_text.replace("'基础数据'!", "'基础数据（2026年）'!")
    wb.move_sheet(ws, offset=-1)  # now the first sheet
    wb.save(src / "moved.xlsx")
    plain.rename(tmp_path / "plain.xlsx")
    _, moved = merge_json(src, "-o", tmp_path / "a.xlsx")
    _, original = merge_json(tmp_path / "plain.xlsx", "-o", tmp_path / "b.xlsx")
    assert moved["communities"][0]["items"] == original["communities"][0]["items"]
    assert moved["communities"][0]["total"] == original["communities"][0]["total"] == 97


@pytest.mark.libreoffice
def test_coverage_targets_of_the_rule_set(tmp_path):
    """齐齐哈尔 2022: 70% of the registry's communities certified in 2022."""
    qiqihar = load_ruleset("qiqihar-2022")
    reg = registry(tmp_path / "名册.xlsx", qiqihar, [("龙沙区", "五龙街道", f"社区{k}") for k in range(3)])
    src = tmp_path / "in"
    src.mkdir()
    for k in range(2):
        make_assessment(src / f"{k}.xlsx", qiqihar, {"self": good_values(), "assessed": good_values()},
                        identity={"县（区）": "龙沙区", "街道（乡镇）": "五龙街道", "社区": f"社区{k}"})
    out = tmp_path / "s.xlsx"
    proc = run("merge", src, "-o", out, "--registry", reg, "--year", "2022")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    set_decisions(out, "社区0", inspection="符合", final="认定")
    set_decisions(out, "社区1", inspection="符合", final="认定")
    require_soffice()
    [again] = recalculate([out], tmp_path / "lo")
    ws = openpyxl.load_workbook(again, data_only=True)["分县统计"]
    heads = [c.value for c in ws[3]]
    row = {h: v for h, v in zip(heads, [c.value for c in ws[4]])}
    assert row["名册社区数"] == 3 and row["最终认定"] == 2
    assert abs(row["认定覆盖率（按名册）"] - 2 / 3) < 1e-9
    assert row["覆盖率目标"] == "70%" and row["是否达到目标"] == "否"
    assert "2022年达到社区总量的70%以上" in ws["A2"].value


def test_progress_bar_when_someone_watches_and_quiet_for_scripts(tmp_path, zhangye):
    src = tmp_path / "in"
    for name in ("南关社区", "西关社区", "北关社区"):
        submission(src, zhangye, community=name)

    def stderr_of(*extra) -> str:
        proc, text = stderr_on_terminal([sys.executable, "-m", "fullemp_xl", "merge", src, "-o",
                                         tmp_path / f"s{len(extra)}.xlsx", *extra],
                                        env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 0
        return text

    shown = stderr_of()
    assert "汇总" in shown and "3/3 个文件" in shown
    assert stderr_of("--quiet") == ""
