"""GB/T 9704-2012 (党政机关公文格式) on a python-docx Document: page, fonts, styles, page numbers, tables.

A4 with a 156 mm × 225 mm text block (top 37 mm, left 28 mm, bottom 35 mm, right 26 mm); title 2号
方正小标宋简体; body 3号 仿宋_GB2312 on 22 lines of 28 characters, reached with exact line spacing and
character spacing (Word's document grid is not honoured by LibreOffice); headings 一、 黑体, （一） 楷体;
page numbers "— 1 —" in 4号 宋体, 7 mm below the text block, odd pages right and even pages left, one
character in. East Asian fonts are set in w:eastAsia and the East Asian language is zh-CN.
"""
from __future__ import annotations

import unicodedata

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"

SIZE_2, SIZE_3, SIZE_4, SIZE_S4 = Pt(22), Pt(16), Pt(14), Pt(12)  # 2号, 3号, 4号, 小四
PAGE_W, PAGE_H = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = PAGE_W - LEFT - RIGHT  # 156 mm
LINES, CHARS = 22, 28
LINE_PITCH = Twips(579)  # 28.95 pt: 22 lines fill the 225 mm block, 23 do not
CHAR_SPACING = -5  # twentieths of a point: 16 pt - 0.25 pt = 15.75 pt a character; 28 fit in 156 mm, 29 do not
CHAR = Pt(15.75)  # one character of body text, for indents
TABLE_LINE = Pt(20)  # tables in 小四 on an exact 20 pt line
FOOTER_DISTANCE = Mm(23)  # page edge to the foot of the number: it stands 7 mm below the text block (35 - 7 - one 4号 line)

# style ids (the names a person sees in Word's style list)
TITLE, BODY, HEADING_1, HEADING_2, HEADING_3 = "公文标题", "公文正文", "一级标题", "二级标题", "三级标题"
ATTACHMENT_LABEL, SIGNATURE, DATE_LINE = "附件标识", "发文机关署名", "成文日期"
TABLE_HEAD, TABLE_TEXT, TABLE_GROUP, PAGE_NUMBER, DOC_NUMBER = "表头", "表格文字", "表格分组", "页码", "发文字号"


def _el(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _replace(parent, tag: str, **attrs):
    """Set the single child `tag` of parent to a fresh element with attrs."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    el = _el(tag, **attrs)
    parent.append(el)
    return el


def set_fonts(rpr, family: str) -> None:
    """All four font slots, East Asian included, so Word and LibreOffice pick `family` for Chinese text."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), family)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc, name: str, *, font: str, size, align=None, bold=False, first_line=None, keep_next=False,
           line=LINE_PITCH, spacing: int | None = CHAR_SPACING, based_on="Normal"):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = styles[based_on]
        style.quick_style = True
    style.font.size = size
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    set_fonts(rpr, font)
    if spacing is not None:
        _replace(rpr, "w:spacing", val=spacing)
    pf = style.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = line
    pf.line_spacing_rule = 4  # WD_LINE_SPACING.EXACTLY
    if align is not None:
        pf.alignment = align
    if first_line is not None:
        pf.first_line_indent = first_line
    pf.keep_with_next = keep_next or None
    pf.widow_control = False  # a fixed grid: no line is pushed to the next page to avoid a widow
    return style


def _language(doc) -> None:
    """Replace python-docx's en-US East Asian language and theme fonts with zh-CN and the body font."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY_FONT)
    _replace(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _replace(ppr, "w:spacing", after=0, line=LINE_PITCH, lineRule="exact")
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = FOOTER_DISTANCE
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:  # no document grid: exact line and character spacing make the 22 × 28 layout
        section._sectPr.remove(grid)


def _page_number(paragraph) -> None:
    """'— n —' with a PAGE field."""
    def run(text=None, field=None, instr=None):
        r = _el("w:r")
        if text is not None:
            t = _el("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = text
            r.append(t)
        if field:
            r.append(_el("w:fldChar", fldCharType=field))
        if instr:
            it = _el("w:instrText")
            it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            it.text = instr
            r.append(it)
        paragraph._p.append(r)

    run("— ")
    run(field="begin")
    run(instr=" PAGE ")
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")


def _footers(doc) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.style = doc.styles[PAGE_NUMBER]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = SIZE_4  # 单页码居右空一字
        else:
            p.paragraph_format.left_indent = SIZE_4  # 双页码居左空一字
        _page_number(p)


def new_document(title: str = "") -> Document:
    """An empty A4 document with the GB/T 9704 page, styles and page numbers."""
    doc = Document()
    _language(doc)
    _page(doc)
    _style(doc, "Normal", font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, BODY, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=2 * CHAR)
    _style(doc, TITLE, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=None)
    _style(doc, DOC_NUMBER, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, HEADING_1, font=HEI_FONT, size=SIZE_3, first_line=2 * CHAR, keep_next=True)
    _style(doc, HEADING_2, font=KAI_FONT, size=SIZE_3, first_line=2 * CHAR, keep_next=True)
    _style(doc, HEADING_3, font=BODY_FONT, size=SIZE_3, first_line=2 * CHAR, keep_next=True)
    _style(doc, ATTACHMENT_LABEL, font=HEI_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT, keep_next=True)
    doc.styles[ATTACHMENT_LABEL].paragraph_format.page_break_before = True  # 附件另面编排
    _style(doc, SIGNATURE, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT, keep_next=True)
    _style(doc, DATE_LINE, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT)  # on a centre tab: see signature
    _style(doc, TABLE_HEAD, font=HEI_FONT, size=SIZE_S4, align=WD_ALIGN_PARAGRAPH.CENTER, line=TABLE_LINE, spacing=None)
    _style(doc, TABLE_TEXT, font=BODY_FONT, size=SIZE_S4, align=WD_ALIGN_PARAGRAPH.CENTER, line=TABLE_LINE, spacing=None)
    _style(doc, TABLE_GROUP, font=HEI_FONT, size=SIZE_S4, align=WD_ALIGN_PARAGRAPH.LEFT, line=TABLE_LINE, spacing=None,
           keep_next=True)
    _style(doc, PAGE_NUMBER, font=SONG_FONT, size=SIZE_4, line=Pt(16), spacing=None)
    _footers(doc)
    props = doc.core_properties
    props.title, props.author, props.comments = title, "fullemp-xl", ""
    props.language = "zh-CN"
    props.revision = 1
    return doc


# ---------------------------------------------------------------- building blocks
def paragraph(doc, text: str = "", style: str = BODY):
    return doc.add_paragraph(text, style=doc.styles[style])


def title(doc, *lines: str):
    """The title, with line breaks where given (GB/T 9704: 回行时词意完整、排列对称)."""
    p = doc.add_paragraph(style=doc.styles[TITLE])
    for k, line in enumerate(lines):
        run = p.add_run(line)
        if k < len(lines) - 1:
            run.add_break()
    return p


def signature(doc, office: str, date: str) -> None:
    """Room for the seal, then the office centred over the 成文日期: single-office signature with seal.

    Both lines are centred on one centre tab stop, so they are centred on each other in any word processor;
    where that stop stands depends on the rendered text and is set by `place_signatures` (GB/T 9704 7.3.5).
    GB/T 9704 7.3.5 wants the seal on a page with body text, never alone ("此页无正文" is not allowed): the last
    body paragraph, an 附件 line after it and the seal's room are kept with the next paragraph, so a signature
    that no longer fits moves to the next page together with them."""
    for p in reversed(doc.paragraphs):
        p.paragraph_format.keep_with_next = True
        text = p.text.strip()
        if text and not text.startswith("附件"):
            break
    for _ in range(2):
        paragraph(doc, "", "Normal").paragraph_format.keep_with_next = True
    # a typical name's place; place_signatures moves it for the rendered text
    centre = signature_centre(office_width=8 * (BODY_PT + SPACING_PT), date_width=DATE_WIDTH)
    p = paragraph(doc, "", SIGNATURE)
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.tab_stops.add_tab_stop(Pt(centre), alignment=1)  # WD_TAB_ALIGNMENT.CENTER
    p.add_run("\t" + office)
    d = paragraph(doc, "", DATE_LINE)
    d.paragraph_format.tab_stops.add_tab_stop(Pt(centre), alignment=1)
    d.add_run("\t" + date)


# ---------------------------------------------------------------- placing text by its measured width
BODY_PT, TITLE_PT = 16.0, 22.0
SPACING_PT = CHAR_SPACING / 20  # the body's character spacing, points per character
DATE_WIDTH = 4 * (BODY_PT + SPACING_PT) + 5 * (0.6 * BODY_PT + SPACING_PT) + 5 * 0.25 * BODY_PT  # 2026年12月7日


def _em(ch: str) -> float:
    """A character's advance in ems: CJK and full-width forms one em; digits, Latin letters and half-width punctuation
    at most 0.6 em in every face the documents use (仿宋_GB2312 0.5, Noto Serif CJK 0.47–0.56, its bold 0.59)."""
    if ch in "\t\n":
        return 0.0
    if unicodedata.east_asian_width(ch) in "WFA":
        return 1.0
    return 0.6


def text_width(text: str, size: float = BODY_PT, spacing: float = SPACING_PT) -> float:
    """Width in points of `text` set at `size` points with `spacing` points added after every character, and the
    quarter em Word and LibreOffice put between CJK and Latin letters or digits (autospace, measured 0.2 em)."""
    chars = [ch for ch in text if ch not in "\t\n"]
    width = sum(_em(ch) * size + spacing for ch in chars)
    wide = [_em(ch) == 1.0 for ch in chars]
    return width + 0.25 * size * sum(a != b for a, b in zip(wide, wide[1:]))


def _text_width_pt(doc) -> float:
    section = doc.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / 12700


def signature_centre(*, office_width: float, date_width: float, block: float = TEXT_WIDTH / 12700) -> float:
    """Where the 署名 and 成文日期 share their centre, in points from the left of the text block (GB/T 9704 7.3.5).

    7.3.5.1: the date 右空四字 and the 署名 centred on it. When the 署名 is so long that, centred on the date, it
    would come closer than two characters to the right edge, 7.3.5.2's rule for a long line takes over: the 署名
    右空二字 and the date centred under it (its right space grows accordingly). Nothing passes the text block: a
    署名 longer than the block less two characters starts at the block's left edge; one longer than a whole line
    (no real office's name) is centred on the block and wraps."""
    char = BODY_PT + SPACING_PT
    centre = min(block - 4 * char - date_width / 2, block - 2 * char - office_width / 2)
    return max(centre, office_width / 2, date_width / 2) if office_width < block else block / 2


def _plain(p) -> str:
    return "".join(t.text or "" for t in p._p.iter(qn("w:t")))


def _style_name(p) -> str:
    try:
        return p.style.name if p.style is not None else ""
    except (KeyError, ValueError):
        return ""


def _lead_tab(p) -> None:
    """Make sure the paragraph starts with a tab (an older template had the date right-aligned instead)."""
    first = next(iter(p._p.iter(qn("w:t"), qn("w:tab"))), None)
    if first is not None and first.tag == qn("w:tab"):
        return
    r = _el("w:r")
    r.append(_el("w:tab"))
    ppr = p._p.find(qn("w:pPr"))
    p._p.insert(1 if ppr is not None else 0, r)


def place_signatures(doc) -> list[tuple[float, float, float]]:
    """Set every 署名 / 成文日期 pair's centre tab from the rendered text; return (centre, office, date) widths in
    points, for the record. Pairs are the paragraphs styled 发文机关署名 followed by one styled 成文日期."""
    paragraphs = [p for p in doc.paragraphs if _plain(p).strip() or _style_name(p) in (SIGNATURE, DATE_LINE)]
    block = _text_width_pt(doc)
    placed = []
    for p, d in zip(paragraphs, paragraphs[1:]):
        if _style_name(p) != SIGNATURE or _style_name(d) != DATE_LINE:
            continue
        office, date = _plain(p).strip(), _plain(d).strip()
        office_width, date_width = text_width(office), text_width(date)
        centre = signature_centre(office_width=office_width, date_width=date_width, block=block)
        for q in (p, d):
            fmt = q.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.left_indent = fmt.right_indent = fmt.first_line_indent = Pt(0)
            fmt.tab_stops.clear_all()
            fmt.tab_stops.add_tab_stop(Pt(round(centre, 1)), alignment=1)
            _lead_tab(q)
        placed.append((centre, office_width, date_width))
    return placed


def _borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz=4, space=0, color="000000"))
    tbl_pr.append(borders)
    _replace(tbl_pr, "w:tblLayout", type="fixed")
    _replace(tbl_pr, "w:jc", val="center")


def row_flags(row, *, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_el("w:cantSplit"))
    if header:
        tr_pr.append(_el("w:tblHeader"))


def table(doc, widths_mm: list[float], header: list[str]):
    """A bordered, fixed-layout table of `widths_mm` (summing to 156) with one repeated header row."""
    t = doc.add_table(rows=1, cols=len(widths_mm))
    _borders(t)
    for k, width in enumerate(widths_mm):
        t.columns[k].width = Mm(width)
    fill_row(t.rows[0], header, TABLE_HEAD, widths_mm)
    row_flags(t.rows[0], header=True)
    return t


def fill_row(row, texts: list[str], style: str, widths_mm: list[float] | None = None) -> None:
    for k, (cell, text) in enumerate(zip(row.cells, texts)):
        if widths_mm:
            cell.width = Mm(widths_mm[k])
        fill_row_cells([cell], [text], style)


def add_row(table_, texts: list[str], style: str = TABLE_TEXT, *, merge: bool = False, spans=()):
    """A row of texts; merge=True makes one cell of the whole row; spans=[(first, last), …] merges those cells
    (texts then has one entry per resulting cell)."""
    row = table_.add_row()
    row_flags(row)
    if merge:
        spans = [(0, len(row.cells) - 1)]
    cells, k = [], 0
    for first, last in sorted(spans):
        cells += list(row.cells[k:first])
        cells.append(row.cells[first].merge(row.cells[last]))
        k = last + 1
    cells += list(row.cells[k:])
    for cell in cells:
        for extra in cell.paragraphs[1:]:  # merging keeps each cell's empty paragraph
            extra._p.getparent().remove(extra._p)
    fill_row_cells(cells, texts, style)
    return row


def fill_row_cells(cells, texts, style):
    for cell, text in zip(cells, texts):
        p = cell.paragraphs[0]
        p.style = cell.part.document.styles[style]
        p.text = text
        cell.vertical_alignment = 1  # center
