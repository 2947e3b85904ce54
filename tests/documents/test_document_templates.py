"""The Word templates: committed = built by code, GB/T 9704 layout in the XML, every tag documented,
broken and unknown tags reported with where they are, sandboxed rendering, summary text printed literally."""
from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest

from conftest import ROOT
from documents_data import docx_text
from fullemp_xl.documents import engine, layout, tags
from fullemp_xl.documents.engine import TemplateProblems, check_template, render
from fullemp_xl.documents.tags import ANNOUNCEMENT, NOTICE, SUBSIDY, TAGS
from fullemp_xl.documents.templates import FILE_NAMES, same_content, template_bytes, write_templates

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.mark.parametrize("kind", list(FILE_NAMES))
def test_committed_templates_are_what_the_code_builds(kind):
    committed = (ROOT / "templates" / FILE_NAMES[kind]).read_bytes()
    assert same_content(committed, template_bytes(kind))
    assert parts(committed) == parts(template_bytes(kind)), \
        "templates/*.docx is stale: run `fullemp templates build -o templates --force` and commit the .docx files"
    assert parts(template_bytes(kind)) == parts(template_bytes(kind))  # reproducible


@pytest.mark.parametrize("kind", list(FILE_NAMES))
def test_default_templates_use_only_documented_tags(kind):
    usage = check_template(template_bytes(kind), kind)
    assert usage.names <= set(tags.top(kind))
    assert usage.office_fields <= {t.name for t in tags.OFFICE_FIELDS}


def test_the_readme_documents_every_tag():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind, tag_list in TAGS.items():
        for tag in tag_list:
            assert f"`{tag.name}`" in readme, tag.name
            for field in tag.fields:
                assert f".{field.name}`" in readme, f"{tag.name}.{field.name}"


def test_gb9704_page_fonts_and_language_are_in_the_document():
    doc = docx.Document(io.BytesIO(template_bytes(NOTICE)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [37, 35, 28, 26]
    styles = doc.styles.element.xml
    assert 'w:eastAsia="zh-CN"' in styles and 'w:eastAsia="en-US"' not in styles
    for style, font, size in ((layout.TITLE, "方正小标宋简体", 22), (layout.BODY, "仿宋_GB2312", 16),
                              (layout.HEADING_1, "黑体", 16), (layout.HEADING_2, "楷体_GB2312", 16),
                              (layout.ATTACHMENT_LABEL, "黑体", 16), (layout.PAGE_NUMBER, "宋体", 14)):
        rpr = doc.styles[style].element.rPr
        fonts = rpr.find(f"{W}rFonts")
        assert fonts.get(f"{W}eastAsia") == font and fonts.get(f"{W}ascii") == font, style
        assert doc.styles[style].font.size.pt == size, style
    body = doc.styles[layout.BODY].paragraph_format
    assert body.line_spacing.pt == pytest.approx(28.95) and body.line_spacing_rule == 4  # exactly
    assert doc.styles[layout.BODY].element.rPr.find(f"{W}spacing").get(f"{W}val") == "-5"
    assert doc.styles[layout.ATTACHMENT_LABEL].paragraph_format.page_break_before
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # odd pages right, even pages left
    for p in (odd, even):
        assert "PAGE" in p._p.xml and p.text.startswith("— ") and p.text.endswith(" —")
    table = doc.tables[0]
    rows = table._tbl.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr").find(f"{W}tblHeader") is not None  # the header repeats on every page
    assert all(r.find(f"{W}trPr").find(f"{W}cantSplit") is not None for r in rows)  # rows never split


def broken(kind: str, *paragraphs: str) -> bytes:
    doc = docx.Document(io.BytesIO(template_bytes(kind)))
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize("text, words", [
    ("公示开始：{{ start }", ["不成对的括号", "「公示开始：{{ start }」"]),
    ("公示开始：{{ start", ["标签没有闭合"]),
    ("{% for c in rows %}{{ c.community }}", ["“for”没有结束", "endfor"]),
    ("{% endfor %}", ["多余的结束标签“endfor”"]),
    ("{% frobnicate %}", ["不认识的标签“frobnicate”"]),
    ("传真：{{ office.fax }}", ["未知字段“office.fax”", "name、contact、phone", "「传真：{{ office.fax }}」"]),
    ("{{ deadline }}", ["未知标签“deadline”"]),
    ("{% for c in rows %}{{ c.adress }}{% endfor %}", ["未知字段“c.adress”"]),
    ("｛｛ start ｝｝", ["全角括号"]),
])
def test_a_broken_or_unknown_tag_is_named_with_where_it_is(text, words):
    with pytest.raises(TemplateProblems) as caught:
        check_template(broken(NOTICE, "第一段", text), NOTICE, "我的公示模板.docx")
    message = str(caught.value)
    assert "我的公示模板.docx" in message and re.search(r"正文第\d+段", message), message
    for w in words:
        assert w in message, message


def test_loop_variables_are_checked_inside_their_own_loop():
    ok = broken(SUBSIDY, "{% for c in funded %}{{ c.amount }}{% endfor %}{% for c in excluded %}{{ c.reason }}{% endfor %}")
    check_template(ok, SUBSIDY)
    with pytest.raises(TemplateProblems, match="未知字段“c.amount”"):
        check_template(broken(SUBSIDY, "{% for c in excluded %}{{ c.amount }}{% endfor %}"), SUBSIDY)


def test_not_a_word_file():
    with pytest.raises(TemplateProblems, match="不是 Word 文档"):
        check_template(b"PK\x03\x04 not really", NOTICE, "x.docx")
    with pytest.raises(TemplateProblems, match="不是 Word 文档"):
        check_template(b"hello", NOTICE, "x.docx")


def context(kind: str, name: str = "南关社区") -> dict:
    """Every documented tag with a value (the builders in context.py are tested through the commands)."""
    def value(tag):
        if tag.many:
            item = {f.name: (value(f) if f.many else f"{tag.name}.{f.name}") for f in tag.fields}
            item.update({"community": name, "no": 1})
            return [item]
        if tag.fields:
            return {f.name: f"{tag.name}.{f.name}" for f in tag.fields}
        return f"<{tag.name}>"
    values = {t.name: value(t) for t in TAGS[kind]}
    values["stage"] = "county"
    return values


def test_the_sandbox_refuses_attribute_tricks():
    evil = broken(NOTICE, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    check_template(evil, NOTICE)  # no known tag is misused: only rendering can refuse it
    with pytest.raises(TemplateProblems, match="不允许的操作"):
        render(evil, NOTICE, context(NOTICE))
    with pytest.raises(TemplateProblems, match="未知字段“office.__class__”"):
        check_template(broken(NOTICE, "{{ office.__class__ }}"), NOTICE)


@pytest.mark.parametrize("name", ["{{ x }}社区", "<w:p>社区</w:p>", "{_{ y }_}社区", "A&B社区", "{%p if 1 %}社区",
                                  "甲\n乙\t丙\x07丁\x0c社区"])
def test_summary_text_prints_literally(tmp_path, name):
    out = tmp_path / "a.docx"
    out.write_bytes(render(template_bytes(ANNOUNCEMENT), ANNOUNCEMENT, context(ANNOUNCEMENT, name)))
    text = docx_text(out)
    expected = re.sub(r"[\x00-\x1f]", " ", name)
    assert expected in text.split("\n"), (name, text[-300:])


def test_data_helper_escapes_once():
    assert str(engine.data("<a>{b}")) == "&lt;a&gt;&#123;b&#125;"
    assert engine.data({"k": ["x&y", 3]}) == {"k": ["x&amp;y", 3]}


def test_templates_build_keeps_an_offices_edit(tmp_path):
    written, kept = write_templates(tmp_path)
    assert len(written) == 3 and not kept
    edited = tmp_path / FILE_NAMES[NOTICE]
    edited.write_bytes(broken(NOTICE, "本单位加的一段"))
    written, kept = write_templates(tmp_path)
    assert not written and edited in kept and "本单位加的一段" in docx_text(edited)
    written, kept = write_templates(tmp_path, force=True)
    assert written == [edited] and len(kept) == 2  # unchanged ones are not rewritten
    assert [p.name for p in tmp_path.glob("notice.bak-*.docx")] and "本单位加的一段" not in docx_text(edited)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.fixture(scope="module")
def announcement_template() -> bytes:
    """The default 认定公告 template, built once for every example below (each example renders it anew)."""
    return template_bytes(ANNOUNCEMENT)


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))
def test_any_community_name_prints_as_data(tmp_path_factory, announcement_template, name):
    out = tmp_path_factory.mktemp("h") / "a.docx"
    out.write_bytes(render(announcement_template, ANNOUNCEMENT, context(ANNOUNCEMENT, name)))
    expected = re.sub(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]", " ", name)
    assert expected in docx_text(out).split("\n")
