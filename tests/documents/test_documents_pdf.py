"""The documents as LibreOffice renders them to PDF, checked with poppler: names and dates, A4, page numbers
"— n —" (odd right, even left), CJK fonts embedded, the table header on every page, the 22 × 28 grid, and
rarer characters of place names."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from documents_data import OK, RARE, county_summaries, row, summary_with_profile, zhangye_rows
from fullemp_xl.documents import layout as L
from fullemp_xl.documents.pdf import PdfError, convert, convert_one
from lo_oracle import require_fonts, require_soffice
from conftest import run

pytestmark = [pytest.mark.libreoffice, pytest.mark.pdf, pytest.mark.xdist_group("documents_pdf")]  # one `published`

# characters encoded for names that Noto Serif CJK SC (the 仿宋 / 宋体 face) lacks: the fallback chain must draw them
FALLBACK = ["\U0002B740村社区", "\u9FEF湾社区", "\U0002B739坪社区"]
LONG = [f"第{n:02d}居民社区" for n in range(1, 61)]


def poppler(*args) -> str:
    return subprocess.run(list(map(str, args)), capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """pdftotext puts spaces between CJK and Latin or digits ("第 58 居民社区"): compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def page_texts(pdf: Path) -> list[str]:
    return poppler("pdftotext", "-layout", pdf, "-").split("\f")[:-1]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    require_soffice()
    folder = tmp_path_factory.mktemp("pdf") / "市"
    rows = zhangye_rows() + [row("临泽县", "板桥镇", n, 91, decisions=OK) for n in [*FALLBACK, *LONG]]
    summary = summary_with_profile(folder, rows)
    owns = county_summaries(folder, rows)  # each county's own (merge --county): the county 公示 is made from it
    procs = [
        *[run("notice", own, "--stage", "county", "--start", "2026-09-21", "-o", folder / "县区公示", "--pdf")
          for own in owns.values()],
        run("notice", summary, "--stage", "city", "--start", "2026-09-30", "-o", folder / "市级公示.docx", "--pdf"),
        run("announce", summary, "-o", folder / "认定公告.docx", "--pdf", "--number", "3"),
        run("subsidy", summary, "-o", folder / "补助资金", "--pdf", "--jobs", "2"),
    ]
    for proc in procs:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PDF 1/2" in procs[-1].stderr and "PDF 2/2" in procs[-1].stderr  # progress, per county in parallel
    return folder


def all_pdfs(folder: Path) -> list[Path]:
    pdfs = sorted(folder.rglob("*.pdf"))
    assert len(pdfs) == 6 and all(p.with_suffix(".docx").exists() for p in pdfs)
    return pdfs


def test_names_and_dates_are_in_the_pdfs(published):
    city = squash(poppler("pdftotext", published / "市级公示.pdf", "-"))
    assert "2026年9月30日至2026年10月12日" in city  # the National Day week off, Saturday 10 October worked
    for name in ["南关社区", "{{ x }}社区", "<w:p>社区", "=1+1社区", *RARE[:5], *FALLBACK, *LONG]:
        assert squash(name) in city, name
    county = squash(poppler("pdftotext", published / "县区公示" / "甘州区-公示.pdf", "-"))
    assert "2026年9月21日至2026年9月28日" in county  # 中秋节 (25 September) off: it ends before the city's begins
    subsidy = squash(poppler("pdftotext", published / "补助资金" / "临泽县-2026年度补助资金明细.pdf", "-"))
    assert "人民币陆拾陆万元整" in subsidy and "660,000.00" in subsidy  # 3 + 3 + 60 funded; 埇桥社区 excluded


def test_a4_page_numbers_and_embedded_fonts(published):
    for pdf in all_pdfs(published):
        info = poppler("pdfinfo", pdf)
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), pdf
        pages = page_texts(pdf)
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == len(pages)
        for n, text in enumerate(pages, start=1):
            assert re.search(rf"—\s*{n}\s*—", text), (pdf.name, n)
        bbox = poppler("pdftotext", "-bbox", pdf, "-")
        for n, page in enumerate(bbox.split("<page ")[1:], start=1):
            dashes = [float(x) for x in re.findall(r'<word xMin="([\d.]+)"[^>]*>—</word>', page)]
            assert dashes, (pdf.name, n)
            assert (min(dashes) > 400) if n % 2 else (max(dashes) < 200), (pdf.name, n, dashes)  # odd right, even left
        fonts = poppler("pdffonts", pdf).splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
        assert any(re.search(r"CJK|WenKai|HanaMin", line) for line in fonts), fonts


def test_the_table_header_is_on_every_page_of_a_long_list(published):
    pages = page_texts(published / "市级公示.pdf")
    attachment = [k for k, text in enumerate(pages) if re.search(r"^\s*附件\s*$", text, re.M)]
    assert attachment and len(pages) - attachment[0] >= 3, len(pages)
    for text in pages[attachment[0]:]:
        assert re.search(r"序号\s+县（区）\s+街道（乡镇）\s+社区\s+综合得分\s+备注", text), text[:300]
    numbers = [int(n) for text in pages[attachment[0]:] for n in re.findall(r"^\s*(\d+)\s+[临甘]", text, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == 9 + 63  # 序号 continuous


def test_rarer_characters_are_drawn_by_the_fallback_faces(published):
    require_fonts("HanaMinA", "HanaMinB")
    fonts = poppler("pdffonts", published / "市级公示.pdf")
    assert "HanaMin" in fonts or "WenKai" in fonts, fonts  # faces beyond Noto Serif CJK SC were needed and embedded
    text = squash(poppler("pdftotext", published / "市级公示.pdf", "-"))
    assert all(squash(name) in text for name in FALLBACK)


def test_22_lines_of_28_characters(tmp_path):
    require_soffice()
    doc = L.new_document("版心")
    L.paragraph(doc, "正文", L.TITLE)
    chars = "充分就业社区认定管理办法规定县区推荐市级认定" * 100  # CJK only: one character, one cell of the grid
    L.paragraph(doc, chars[:L.CHARS - 2 + L.CHARS * 70])  # one paragraph: every line but its first is a full line
    path = tmp_path / "grid.docx"
    doc.save(str(path))
    pdf = convert([(path, tmp_path / "grid.pdf")])[0]
    second = [ln.strip() for ln in page_texts(pdf)[1].splitlines() if ln.strip() and "—" not in ln]
    assert len(second) == L.LINES, second
    assert [len(ln) for ln in second] == [L.CHARS] * L.LINES


def test_pdf_errors_are_clear(tmp_path, monkeypatch):
    require_soffice()
    path = tmp_path / "a.docx"
    L.new_document("x").save(str(path))
    with pytest.raises(PdfError, match="超过 0 秒"):
        convert_one(path, tmp_path / "a.pdf", timeout=0.01)
    assert not (tmp_path / "a.pdf").exists()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a word file")
    with pytest.raises(PdfError, match="没有生成 PDF"):
        convert_one(bad, tmp_path / "bad.pdf")
    good = [tmp_path / "a.docx", tmp_path / "b.docx"]
    L.new_document("y").save(str(good[1]))
    pairs = [(good[0], tmp_path / "out" / "a.pdf"), (bad, tmp_path / "out" / "bad.pdf"), (good[1], tmp_path / "out" / "b.pdf")]
    seen = []
    with pytest.raises(PdfError) as failed:  # one start for the three; the bad one converted again on its own
        convert(pairs, progress=lambda done, total, pdf: seen.append((done, total, pdf.name)))
    assert "bad.docx" in str(failed.value) and "a.docx" not in str(failed.value)
    assert (tmp_path / "out" / "a.pdf").exists() and (tmp_path / "out" / "b.pdf").exists()
    assert not (tmp_path / "out" / "bad.pdf").exists() and sorted(n for _, _, n in seen) == ["a.pdf", "b.pdf"]
    with pytest.raises(PdfError) as slow:  # the time limit is per file, in one start as alone
        convert([(good[0], tmp_path / "slow" / "a.pdf"), (good[1], tmp_path / "slow" / "b.pdf")], timeout=0.01)
    assert "a.docx：LibreOffice 超过 0 秒" in str(slow.value) and "b.docx：LibreOffice 超过 0 秒" in str(slow.value)
    assert not (tmp_path / "slow").exists() or not list((tmp_path / "slow").iterdir())
    monkeypatch.setenv("FULLEMP_SOFFICE", str(tmp_path / "no-soffice"))
    summary = summary_with_profile(tmp_path / "市")
    proc = run("announce", summary, "-o", tmp_path / "公告.docx", "--number", "1", "--pdf")
    assert proc.returncode == 2 and "无法生成 PDF" in proc.stderr and "Word 文档已经生成" in proc.stderr
    assert (tmp_path / "公告.docx").exists()


@pytest.mark.parametrize("family, face", [("仿宋_GB2312", "Zhuque Fangsong"), ("FangSong", "Zhuque Fangsong"),
                                          ("宋体", "Noto Serif CJK SC"),
                                          ("方正小标宋简体", "Noto Serif CJK SC:Bold"), ("黑体", "Noto Sans CJK SC"),
                                          ("楷体_GB2312", "LXGW WenKai"), ("KaiTi", "LXGW WenKai")])
def test_the_shipped_fontconfig_maps_the_official_fonts(family, face):
    import os

    from fullemp_xl.documents.pdf import fontconfig_file

    require_soffice()
    require_fonts("Noto Serif CJK SC", "Noto Sans CJK SC", "LXGW WenKai", "HanaMinA", "HanaMinB")
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file())}
    found = subprocess.run(["fc-match", "-f", "%{family[0]}:%{style[0]}", family], capture_output=True, text=True,
                           env=env, check=True).stdout
    name, style = face.split(":") if ":" in face else (face, "")
    assert found.startswith(name) and style in found, found
    chain = subprocess.run(["fc-match", "-s", "-f", "%{family[0]}\n", family], capture_output=True, text=True, env=env).stdout
    assert {"HanaMinA", "HanaMinB"} <= set(chain.splitlines()[:8]), chain  # rarer characters have a face to fall back on


@pytest.mark.slow
def test_the_seal_and_date_never_stand_on_a_page_without_body_text(tmp_path):
    """GB/T 9704 7.3.5: 印章与正文同处一面. Whatever the length of the body (here the address grows a line at a
    time), the signature that moves to a new page takes the last body lines with it."""
    require_soffice()
    pairs = []
    for extra in range(10):
        folder = tmp_path / f"市{extra}"
        summary = summary_with_profile(folder)
        profile = folder / "发文机关.toml"
        address = "张掖市甘州区县府街55号" + "，县府街" * (7 * extra)  # 7 × 4 characters: one more line each time
        profile.write_text(profile.read_text(encoding="utf-8").replace("张掖市甘州区县府街55号", address, 1),
                           encoding="utf-8")
        proc = run("notice", summary, "--stage", "city", "--start", "2026-09-30", "-o", folder / "公示.docx")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        pairs.append((folder / "公示.docx", folder / "公示.pdf"))
    signature = r"张掖市人力资源和社会保障局|\d{4}\s*年\s*\d+\s*月\s*\d+\s*日|—\s*\d+\s*—|附件：.*"
    moved = 0
    for pdf in convert(pairs, jobs=2):
        pages = page_texts(pdf)
        signed = [k for k, text in enumerate(pages) if re.search(r"^\s*张掖市人力资源和社会保障局\s*$", text, re.M)]
        assert len(signed) == 1, pdf
        lines = [ln.strip() for ln in pages[signed[0]].splitlines() if ln.strip()]
        body = [ln for ln in lines if not re.fullmatch(signature, ln)]
        assert body, (pdf.parent.name, lines)
        moved += signed[0] > 0
    assert moved, "no length pushed the signature to the second page: the test proves nothing"
