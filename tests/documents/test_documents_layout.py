"""The layout decided by the filled text, checked with coordinates from the PDFs LibreOffice renders: the 署名
centred on the 成文日期 and inside the text block (GB/T 9704 7.3.5) for every county of 张掖, for 齐齐哈尔 and for
the longest county-level names; titles broken by rule (7.3.1) at many lengths; the objection paragraph's fields.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents_data import OK, PROFILE, row, write
from fullemp_xl.documents import layout as L
from fullemp_xl.documents import titles as T
from fullemp_xl.documents.pdf import convert
from fullemp_xl.summary.model import Decisions
from lo_oracle import require_soffice
from pdf_pages import pages, squeeze
from conftest import run

pytestmark = pytest.mark.xdist_group("documents_layout")  # its module-scoped `published` is built once per run

ZHANGYE = ["甘州区", "临泽县", "高台县", "山丹县", "民乐县", "肃南裕固族自治县"]
# the longest county-level names (their 人社局 signs a county's 公示 and 补助资金明细)
LONGEST = ["双江拉祜族佤族布朗族傣族自治县", "积石山保安族东乡族撒拉族自治县", "莫力达瓦达斡尔族自治旗"]
NAMES = ["城区", "甘州区", "临泽县", "齐齐哈尔市", "昂昂溪区", "城步苗族自治县", "肃南裕固族自治县", "梅里斯达斡尔族区",
         "阿克塞哈萨克族自治县", "莫力达瓦达斡尔族自治旗", *LONGEST[:2]]
MM = 25.4 / 72
BLOCK = (28.0, 184.0)  # the text block, mm from the page's left edge
BODY_CHAR_MM = (L.BODY_PT + L.SPACING_PT) * MM


def office(county: str) -> str:
    return f"{county}人力资源和社会保障局"


def lines_of(page, *, tall: bool) -> list[tuple[float, float, float, str]]:
    """(y, xMin, xMax, text) of each line of the page: the title's lines (22 pt, tall) or the body's."""
    rows: dict[int, list] = {}
    for x0, y0, x1, y1, text in page.words:
        if (y1 - y0 > 25) == tall:
            rows.setdefault(round(y0), []).append((x0, x1, text))
    return [(y, min(w[0] for w in ws) * MM, max(w[1] for w in ws) * MM, "".join(w[2] for w in sorted(ws)))
            for y, ws in sorted(rows.items())]


def signature_of(pdf: Path, name: str | None):
    """(office line, date line) as (y, left mm, right mm, text) from the page that carries the 署名 (`name`, or any
    line ending in 局 right above a date)."""
    for page in pages(pdf):
        body = lines_of(page, tall=False)
        for k, line in enumerate(body[:-1]):
            if (line[3] == name if name else line[3].endswith("局")) and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", body[k + 1][3]):
                return line, body[k + 1]
    raise AssertionError(f"{pdf.name}: no 署名 {name} above a date")


def check_signature(pdf: Path, name: str | None = None) -> None:
    sig, date = signature_of(pdf, name)
    assert BLOCK[0] <= sig[1] and sig[2] <= BLOCK[1], (pdf.name, sig)  # inside the text block
    assert BLOCK[0] <= date[1] and date[2] <= BLOCK[1], (pdf.name, date)
    centre_sig, centre_date = (sig[1] + sig[2]) / 2, (date[1] + date[2]) / 2
    assert abs(centre_sig - centre_date) <= 1.5, (pdf.name, centre_sig, centre_date)  # centred on the date
    right_space = (BLOCK[1] - sig[2]) / BODY_CHAR_MM
    date_space = (BLOCK[1] - date[2]) / BODY_CHAR_MM
    if right_space >= 2 - 0.1 and date_space < 4 + 0.5:
        assert date_space == pytest.approx(4, abs=0.5), (pdf.name, date_space)  # 7.3.5.1: 成文日期右空四字
    else:  # 7.3.5.2's rule for a long 署名: 右空二字, the date centred under it
        assert right_space == pytest.approx(2, abs=0.3), (pdf.name, right_space)


def check_title(pdf: Path, keep=()) -> list[str]:
    first = pages(pdf)[0]
    lines = lines_of(first, tall=True)
    assert lines, pdf.name
    text = "".join(line[3] for line in lines)
    check_lines(text, [line[3] for line in lines], keep, where=pdf.name)
    for _, left, right, _ in lines:
        assert BLOCK[0] - 0.5 <= left and right <= BLOCK[1] + 0.5, (pdf.name, left, right)
    return [line[3] for line in lines]


def check_lines(text: str, lines: list[str], keep=(), where="") -> None:
    """No line under three characters; no break inside a number with its 年, a fixed word or a name; 梯形 or 菱形."""
    assert "".join(lines) == text, (where, lines)
    inside = T._protected(text, keep)
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert not inside[at], (where, lines, at)
    if len(lines) > 1:
        assert all(len(line) >= T.MIN_CHARS for line in lines), (where, lines)
    widths = [L.text_width(line, L.TITLE_PT, 0) for line in lines]
    assert T._shape_ok(widths), (where, lines)


# ---------------------------------------------------------------- the rules, on their own
@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(NAMES + [n * 2 for n in NAMES[:6]]), year=st.integers(1990, 2099),
       kind=st.sampled_from(["关于{y}年度市级充分就业社区拟推荐名单的公示", "关于认定{y}年度充分就业社区的公告",
                             "{y}年度市级充分就业社区补助资金明细", "关于{y}年度充分就业社区拟认定名单的公示"]),
       office_suffix=st.sampled_from(["人力资源和社会保障局", "人社局", ""]))
def test_titles_are_broken_by_rule(name, year, kind, office_suffix):
    text = name + office_suffix + kind.format(y=year)
    lines = T.break_title(text, keep=[name])
    check_lines(text, lines, [name])
    assert all(L.text_width(line, L.TITLE_PT, 0) <= L.TEXT_WIDTH / 12700 for line in lines)
    assert len(lines) == 1 or L.text_width(text, L.TITLE_PT, 0) > L.TEXT_WIDTH / 12700 - 1


def test_a_title_keeps_numbers_words_and_names_whole():
    assert T.break_title("张掖市人力资源和社会保障局关于认定2026年度市级充分就业社区的公告") == [
        "张掖市人力资源和社会保障局关于", "认定2026年度市级充分就业社区的公告"]
    assert T.break_title("2026年度市级充分就业社区拟推荐名单") == ["2026年度市级充分就业社区拟推荐名单"]  # fits
    lines = T.break_title("肃南裕固族自治县2026年度市级充分就业社区补助资金明细", keep=["肃南裕固族自治县"])
    assert all(len(line) >= 3 for line in lines) and "肃南裕固族自治县" in lines[0]
    assert not any(line.startswith(("区", "年", "示", "告")) for line in lines)


def test_a_huge_name_from_a_hostile_file_is_filled_line_by_line_at_once():
    import time

    for name in ("社区" * 1500, "某" * 3000, "2026年" * 500):
        start = time.perf_counter()
        lines = T.break_title(f"{name}2026年度市级充分就业社区补助资金明细", keep=[name])
        assert time.perf_counter() - start < 5 and "".join(lines).startswith(name[:10])
        assert all(L.text_width(line, L.TITLE_PT, 0) <= L.TEXT_WIDTH / 12700 for line in lines)


@pytest.mark.parametrize("name, centred", [("甘州区人力资源和社会保障局", True), (office(LONGEST[0]), False)])
def test_signature_centre_follows_7_3_5(name, centred):
    block = L.TEXT_WIDTH / 12700
    char = L.BODY_PT + L.SPACING_PT
    width = L.text_width(name)
    centre = L.signature_centre(office_width=width, date_width=L.text_width("2026年12月21日"), block=block)
    if centred:  # the date 右空四字, the 署名 centred on it
        assert centre + L.text_width("2026年12月21日") / 2 == pytest.approx(block - 4 * char)
    else:  # 右空二字
        assert centre + width / 2 == pytest.approx(block - 2 * char)
    assert centre - width / 2 >= 0


@settings(max_examples=200, deadline=None)
@given(name=st.text(st.sampled_from("甘州区肃南裕固族自治县人力资源和社会保障局"), min_size=1, max_size=27),
       day=st.dates())
def test_the_signature_never_leaves_the_block_and_shares_the_dates_centre(name, day):
    block = L.TEXT_WIDTH / 12700
    char = L.BODY_PT + L.SPACING_PT
    office_w, date_w = L.text_width(name), L.text_width(f"{day.year}年{day.month}月{day.day}日")
    centre = L.signature_centre(office_width=office_w, date_width=date_w, block=block)
    for width in (office_w, date_w):
        assert centre - width / 2 >= -0.01 and centre + width / 2 <= block + 0.01
    if centre + office_w / 2 <= block - 2 * char + 0.01 and centre + date_w / 2 < block - 4 * char - 0.01:
        assert centre + office_w / 2 == pytest.approx(block - 2 * char)  # moved left only as far as 右空二字 asks


# ---------------------------------------------------------------- in the PDFs
def _profile(counties: list[str]) -> str:
    text = PROFILE.split('[county."甘州区"]')[0].replace('email = "jyk@zhangye.example.cn"', '''email = "jyk@zhangye.example.cn"
postcode = "734000"
supervision_phone = "0936-8219999"
hours = "上午8:30—12:00、下午14:30—17:30"''')
    for k, county in enumerate(counties):
        text += (f'\n[county."{county}"]\nname = "{office(county)}"\ncontact = "就业股"\nphone = "0936-55{k:05d}"\n'
                 f'address = "{county}人民路1号"\nemail = "c{k}@zhangye.example.cn"\n'
                 + ('postcode = "734100"\nsupervision_phone = "0936-5500000"\n' if k % 2 else ""))
    return text


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    require_soffice()
    folder = tmp_path_factory.mktemp("layout") / "张掖"
    folder.mkdir()
    counties = ZHANGYE + LONGEST
    rows = []
    for k, county in enumerate(counties):
        rows.append(row(county, "城关镇", f"{county[:2]}一社区", 96, decisions=OK))
        rows.append(row(county, "城关镇", f"{county[:2]}二社区", 93, decisions=OK, national=k % 2 == 1))
    (folder / "发文机关.toml").write_text(_profile(counties), encoding="utf-8")
    summary = write(folder / "汇总表.xlsx", rows)
    owns = [write(folder / f"{county}汇总表.xlsx", rows, county=county) for county in counties]  # merge --county
    # each county's 公示 from its own summary, as Word; then one LibreOffice start for all of them (documents.pdf,
    # the code --pdf runs) instead of one per county
    procs = [
        *[run("notice", own, "--stage", "county", "--start", "2026-11-30", "-o", folder / "县区公示") for own in owns],
        run("notice", summary, "--stage", "city", "--start", "2026-12-07", "-o", folder / "市级公示.docx", "--pdf"),
        run("announce", summary, "-o", folder / "认定公告.docx", "--pdf", "--number", "3"),
        run("subsidy", summary, "-o", folder / "补助资金", "--pdf"),
    ]
    qqhr = folder.parent / "齐齐哈尔"
    qqhr.mkdir()
    (qqhr / "发文机关.toml").write_text(PROFILE.split('[county."甘州区"]')[0].replace("张掖市", "齐齐哈尔市")
                                      .replace("张人社公告", "齐人社公告"), encoding="utf-8")
    qrows = [row("龙沙区", "五龙街道", "甲社区", 99.5, level="国家级充分就业社区", prior=("国家级充分就业社区", 2020),
                 change="保持", decisions=Decisions(inspection="符合", final="认定")),
             row("建华区", "文化街道", "丙社区", 92, decisions=Decisions(inspection="符合", final="认定"))]
    qsummary = write(qqhr / "汇总表.xlsx", qrows, rules="qiqihar-2022", year=2022)
    procs += [run("notice", qsummary, "--stage", "city", "--start", "2022-11-14", "-o", qqhr / "市级公示.docx", "--pdf"),
              run("announce", qsummary, "-o", qqhr / "认定公告.docx", "--pdf", "--number", "1")]
    for proc in procs:
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    notices = sorted((folder / "县区公示").glob("*.docx"))
    assert len(notices) == len(counties)
    pdfs = convert([(docx, docx.with_suffix(".pdf")) for docx in notices])  # raises PdfError on any failure
    assert all(pdf.exists() for pdf in pdfs)
    return folder, counties, "".join(proc.stdout for proc in procs[:len(owns)])


def test_every_countys_signature_is_centred_on_its_date_inside_the_block(published):
    folder, counties, _ = published
    for county in counties:
        check_signature(folder / "县区公示" / f"{county}-公示.pdf", office(county))
        check_signature(folder / "补助资金" / f"{county}-2026年度补助资金明细.pdf", office(county))
    for pdf in (folder / "市级公示.pdf", folder / "认定公告.pdf"):
        check_signature(pdf, "张掖市人力资源和社会保障局")
    for pdf in (folder.parent / "齐齐哈尔" / "市级公示.pdf", folder.parent / "齐齐哈尔" / "认定公告.pdf"):
        check_signature(pdf, "齐齐哈尔市人力资源和社会保障局")


def test_titles_in_the_pdfs_are_broken_by_rule(published):
    folder, counties, _ = published
    seen = []
    for county in counties:
        lines = check_title(folder / "县区公示" / f"{county}-公示.pdf", keep=[county])
        seen.append(lines)
        check_title(folder / "补助资金" / f"{county}-2026年度补助资金明细.pdf", keep=[county])
    assert "".join(seen[0]) == "甘州区人力资源和社会保障局关于2026年度市级充分就业社区拟推荐名单的公示"
    lines = check_title(folder / "认定公告.pdf")
    assert lines == T.break_title("".join(lines))  # LibreOffice broke nowhere else
    qqhr = folder.parent / "齐齐哈尔"
    title = "".join(check_title(qqhr / "市级公示.pdf"))
    assert title == "齐齐哈尔市人力资源和社会保障局关于2022年度充分就业社区拟认定名单的公示"
    attachment = squeeze("".join(p.text for p in pages(qqhr / "市级公示.pdf")))
    assert "附件：2022年度充分就业社区拟认定名单" in attachment  # one designation in title and attachment


def test_titles_of_many_lengths_break_only_where_the_rules_say(tmp_path):
    """One document, one LibreOffice start: every title the documents can have for the names above, each line
    as rendered compared with the rule's lines."""
    require_soffice()
    doc = L.new_document("标题")
    expected = []
    forms = ["{n}人力资源和社会保障局关于{y}年度市级充分就业社区拟推荐名单的公示", "{n}人力资源和社会保障局关于认定{y}年度充分就业社区的公告",
             "{n}{y}年度市级充分就业社区补助资金明细", "{n}{y}年度市级充分就业社区拟推荐名单", "{n}人社局关于{y}年度市级充分就业社区拟认定名单的公示"]
    for form in forms:
        for name in NAMES:
            text = form.format(n=name, y=2026)
            L.paragraph(doc, f"第{len(expected)}题")
            p = L.paragraph(doc, text, L.TITLE)
            expected.append((text, name, p))
    T.break_titles(doc, keep=NAMES)
    path = tmp_path / "titles.docx"
    doc.save(str(path))
    pdf = convert([(path, tmp_path / "titles.pdf")])[0]
    found: dict[int, list[str]] = {}
    current = None
    for page in pages(pdf):
        body = {round(y): text for y, _, _, text in lines_of(page, tall=False)}
        title = {round(y): (left, right, text) for y, left, right, text in lines_of(page, tall=True)}
        for y in sorted({*body, *title}):
            if y in body and (m := re.fullmatch(r"第(\d+)题", body[y])):
                current = int(m.group(1))
            elif y in title:
                left, right, text = title[y]
                assert BLOCK[0] - 0.5 <= left and right <= BLOCK[1] + 0.5, (text, left, right)
                found.setdefault(current, []).append(text)
    assert len(found) == len(expected)
    for k, (text, name, _) in enumerate(expected):
        lines = found[k]
        check_lines(text, lines, [name], where=text)
        assert lines == T.break_title(text, keep=NAMES), (text, lines)  # LibreOffice broke nowhere else


def test_the_objection_paragraph_carries_the_profiles_fields(published):
    folder, _, _ = published
    city = squeeze("".join(p.text for p in pages(folder / "市级公示.pdf")))
    for field in ("可通过书面（信函、当面）、电话、电子邮件方式向张掖市人力资源和社会保障局反映", "实事求是、客观公正",
                  "署实名", "以寄出邮戳日期为准", "受理时间：2026年12月7日至", "每个工作日上午8:30—12:00、下午14:30—17:30",
                  "监督电话：0936-8219999", "邮政编码：734000", "电子邮箱：jyk@zhangye.example.cn"):
        assert squeeze(field) in city, field
    plain = squeeze("".join(p.text for p in pages(folder / "县区公示" / "甘州区-公示.pdf")))  # no optional fields given
    assert "监督电话" not in plain and "邮政编码" not in plain and "每个工作日" not in plain
    assert "附件：甘州区2026年度市级充分就业社区拟推荐名单" in plain  # the county's attachment names it
    with_them = squeeze("".join(p.text for p in pages(folder / "县区公示" / "临泽县-公示.pdf")))
    assert "监督电话：0936-5500000" in with_them and "邮政编码：734100" in with_them


def test_the_announcements_list_names_the_county_on_every_row_and_subsidies_say_no_see_below(published):
    folder, counties, _ = published
    announcement = pages(folder / "认定公告.pdf")
    listing = [p for p in announcement if p.has("序号县（区）街道（乡镇）社区认定称号")]
    assert listing
    for county in counties:
        assert any(p.has(f"{county}城关镇{county[:2]}一社区") for p in listing), county
    whole = squeeze("".join(p.text for p in pages(folder / "补助资金" / "甘州区-2026年度补助资金明细.pdf")))
    assert "见下表" not in whole and "二、本次不予补助的社区无。" in whole  # nobody excluded: no "see below"
    other = squeeze("".join(p.text for p in pages(folder / "补助资金" / "临泽县-2026年度补助资金明细.pdf")))
    assert "1个社区本次不予补助（原因见下表）" in other


def test_the_body_is_set_in_a_fangsong_face_and_every_page_is_numbered(published):
    """仿宋_GB2312 is drawn by the shipped 朱雀仿宋 where the official face is absent: every document embeds it; and
    every page carries its "— n —"."""
    import subprocess

    folder, counties, output = published
    pdfs = [folder / "市级公示.pdf", folder / "认定公告.pdf", *(folder / "县区公示").glob("*.pdf"),
            *(folder / "补助资金").glob("*.pdf"), *(folder.parent / "齐齐哈尔").glob("*.pdf")]
    assert len(pdfs) == 2 + 2 * len(counties) + 2
    for pdf in pdfs:
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "ZhuqueFangsong" in fonts, (pdf.name, fonts)
        for page in pages(pdf):
            assert f"—{page.number}—" in page.text, (pdf.name, page.number)
    assert "没有仿宋字体" not in output


def test_without_a_fangsong_face_the_pdf_command_says_so(tmp_path, monkeypatch):
    """The shipped fontconfig file without its fonts folder: fontconfig finds no FangSong face, and says so."""
    from fullemp_xl.documents import pdf

    require_soffice()
    conf = tmp_path / "fonts.conf"
    conf.write_text(pdf.fontconfig_file().read_text(encoding="utf-8"), encoding="utf-8")  # no fonts/ beside it
    assert pdf.fangsong_note() is None
    monkeypatch.setattr(pdf, "fontconfig_file", lambda: conf)
    note = pdf.fangsong_note()
    assert note and "本机没有仿宋字体" in note and "Noto Serif CJK SC" in note and "宋体风格" in note


def test_a_title_with_a_field_or_picture_is_left_as_the_office_made_it():
    doc = L.new_document("x")
    plain = L.paragraph(doc, "张掖市人力资源和社会保障局关于认定2026年度市级充分就业社区的公告", L.TITLE)
    designed = L.paragraph(doc, "张掖市人力资源和社会保障局关于认定2026年度市级充分就业社区的公告", L.TITLE)
    designed._p.append(L._el("w:fldSimple", instr=" DATE "))
    assert T.break_titles(doc) == [["张掖市人力资源和社会保障局关于", "认定2026年度市级充分就业社区的公告"]]
    assert len(plain._p.findall(".//{*}br")) == 1 and not designed._p.findall(".//{*}br")
