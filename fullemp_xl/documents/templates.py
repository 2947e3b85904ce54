"""The three Word templates (公示, 认定公告, 补助资金明细), built by code on the GB/T 9704 layout.

They are ordinary .docx files with jinja2 tags (docxtpl), so an office can change the wording, the
letterhead and the layout in Word; `fullemp templates build` writes them, and the copies committed in
templates/ are checked against this code. The tags are listed in tags.py.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from . import layout as L
from .tags import ANNOUNCEMENT, NOTICE, SUBSIDY
from ..writing.files import write_output

FILE_NAMES = {NOTICE: "notice.docx", ANNOUNCEMENT: "announcement.docx", SUBSIDY: "subsidy-statement.docx"}
TITLES = {NOTICE: "公示", ANNOUNCEMENT: "认定公告", SUBSIDY: "补助资金明细"}
FIXED_TIME = dt.datetime(2026, 1, 1)  # core properties: the same content on every build

NOTICE_HEAD = ["序号", "县（区）", "街道（乡镇）", "社区", "{{ score_name }}", "备注"]  # 综合得分, or 总得分 with 加分项/扣分项
NOTICE_WIDTHS = [14, 22, 30, 42, 22, 26]
LIST_HEAD = ["序号", "县（区）", "街道（乡镇）", "社区", "认定称号"]
LIST_WIDTHS = [14, 26, 38, 44, 34]
FUNDED_HEAD = ["序号", "街道（乡镇）", "社区", "认定情况", "补助金额（元）"]
FUNDED_WIDTHS = [14, 38, 44, 26, 34]
EXCLUDED_HEAD = ["序号", "街道（乡镇）", "社区", "不予补助的原因"]
EXCLUDED_WIDTHS = [14, 34, 40, 68]


def _loop_row(table, tag: str) -> None:
    L.add_row(table, [tag], L.TABLE_TEXT, merge=True)


def _grouped_table(doc, head, widths, cells: list[str]) -> None:
    """groups → a heading row per group, then its rows; 序号 comes from the data and runs on."""
    t = L.table(doc, widths, head)
    _loop_row(t, "{%tr for g in groups %}")
    L.add_row(t, ["{{ g.name }}（{{ g.count }}个）"], L.TABLE_GROUP, merge=True)
    _loop_row(t, "{%tr for c in g.rows %}")
    L.add_row(t, cells)
    _loop_row(t, "{%tr endfor %}")
    _loop_row(t, "{%tr endfor %}")


def _attachment_note(doc) -> None:
    """附件说明 (GB/T 9704 7.3.4): 左空二字, and a long name turns its line under the name's first character."""
    p = L.paragraph(doc, "附件：{{ attachment }}")
    p.paragraph_format.left_indent = 5 * L.CHAR
    p.paragraph_format.first_line_indent = -3 * L.CHAR


def _attachment_page(doc) -> None:
    """附件另面编排 (the label's style starts a page): label in the first line (黑体, 顶格), title in the third."""
    L.paragraph(doc, "附件", L.ATTACHMENT_LABEL)
    L.paragraph(doc, "", "Normal")
    L.paragraph(doc, "{{ attachment }}", L.TITLE)
    L.paragraph(doc, "", "Normal")


def build_notice():
    doc = L.new_document("公示")
    L.paragraph(doc, "{{ office.name }}关于{{ year }}年度{{ designation }}"
                "{% if stage == 'county' %}拟推荐{% else %}拟认定{% endif %}名单的公示", L.TITLE)
    L.paragraph(doc, "", "Normal")
    L.paragraph(doc, "根据{{ basis }}的规定，经社区申报、{% if stage == 'county' %}{{ county }}人社部门初审打分和实地考察"
                "{% else %}县（区）推荐和市级审核、考评{% endif %}，现将{{ criteria }}的{{ count }}个社区予以公示"
                "（名单见附件）。")
    L.paragraph(doc, "一、公示时间", L.HEADING_1)
    L.paragraph(doc, "{{ start }}至{{ end }}，共{{ days }}个工作日。")
    L.paragraph(doc, "二、意见反映", L.HEADING_1)
    L.paragraph(doc, "公示期间，任何单位和个人对公示的社区有异议的，可通过书面（信函、当面）{% if office.phone %}、电话{% endif %}"
                "{% if office.email %}、电子邮件{% endif %}方式向{{ office.name }}反映。反映情况应当实事求是、客观公正，"
                "并署实名：单位反映情况的须加盖公章，个人反映情况的须署真实姓名并提供联系方式。以信函方式反映的，"
                "以寄出邮戳日期为准。")
    L.paragraph(doc, "受理时间：{{ start }}至{{ end }}{% if office.hours %}，每个工作日{{ office.hours }}{% endif %}。")
    L.paragraph(doc, "联系人：{{ office.contact }}　　联系电话：{{ office.phone }}")
    L.paragraph(doc, "{%p if office.supervision_phone %}")
    L.paragraph(doc, "监督电话：{{ office.supervision_phone }}")
    L.paragraph(doc, "{%p endif %}")
    L.paragraph(doc, "通信地址：{{ office.address }}")
    L.paragraph(doc, "{%p if office.postcode %}")
    L.paragraph(doc, "邮政编码：{{ office.postcode }}")
    L.paragraph(doc, "{%p endif %}")
    L.paragraph(doc, "电子邮箱：{{ office.email }}")
    L.paragraph(doc, "", "Normal")
    _attachment_note(doc)
    L.signature(doc, "{{ office.name }}", "{{ date }}")
    _attachment_page(doc)
    _grouped_table(doc, NOTICE_HEAD, NOTICE_WIDTHS,
                   ["{{ c.no }}", "{{ c.county }}", "{{ c.street }}", "{{ c.community }}", "{{ c.score }}", "{{ c.remark }}"])
    return doc


def build_announcement():
    doc = L.new_document("认定公告")
    L.paragraph(doc, "{{ office.name }}关于认定{{ year }}年度{{ designation }}的公告", L.TITLE)
    L.paragraph(doc, "{{ doc_number }}", L.DOC_NUMBER)
    L.paragraph(doc, "", "Normal")
    L.paragraph(doc, "根据{{ basis }}的规定，经社区申报、县（区）推荐和市级审核、考评、公示，认定{{ count }}个社区为充分就业社区"
                "（其中{% for l in level_counts %}{{ l.level }}{{ l.count }}个{% if not loop.last %}，{% endif %}{% endfor %}），"
                "授予标牌，现予以公告（名单见附件）。")
    L.paragraph(doc, "各县（区）人社部门要加强对充分就业社区的日常管理和工作指导，巩固和提升基层人社服务水平。")
    L.paragraph(doc, "", "Normal")
    _attachment_note(doc)
    L.signature(doc, "{{ office.name }}", "{{ date }}")
    _attachment_page(doc)
    _grouped_table(doc, LIST_HEAD, LIST_WIDTHS,
                   ["{{ c.no }}", "{{ c.county }}", "{{ c.street }}", "{{ c.community }}", "{{ c.level }}"])
    return doc


def build_subsidy():
    doc = L.new_document("补助资金明细")
    L.paragraph(doc, "{{ county }}{{ subsidy_year }}年度{{ title_name }}补助资金明细", L.TITLE)  # broken by rule
    L.paragraph(doc, "", "Normal")
    L.paragraph(doc, "根据{{ basis }}{{ policy }}的规定，对认定的{{ title_name }}，由{{ payer }}从{{ fund }}中每年每个社区"
                "给予{{ amount }}元（{{ amount_words }}）的补助；{{ exclude_reason }}。")
    L.paragraph(doc, "{{ county }}{{ year }}年度认定的{{ title_name }}中，{{ funded_count }}个社区享受补助，合计{{ total }}元"
                "（{{ total_words }}）{% if excluded %}；{{ excluded_count }}个社区本次不予补助（原因见下表）{% endif %}。")
    L.paragraph(doc, "一、享受补助的社区", L.HEADING_1)
    t = L.table(doc, FUNDED_WIDTHS, FUNDED_HEAD)
    _loop_row(t, "{%tr for c in funded %}")
    L.add_row(t, ["{{ c.no }}", "{{ c.street }}", "{{ c.community }}", "{{ c.change }}", "{{ c.amount }}"])
    _loop_row(t, "{%tr endfor %}")
    L.add_row(t, ["合计", "{{ total }}"], spans=[(0, 3)])
    L.add_row(t, ["大写", "{{ total_words }}"], spans=[(1, 4)])
    L.paragraph(doc, "二、本次不予补助的社区", L.HEADING_1)
    L.paragraph(doc, "{%p if excluded %}")
    t = L.table(doc, EXCLUDED_WIDTHS, EXCLUDED_HEAD)
    _loop_row(t, "{%tr for c in excluded %}")
    L.add_row(t, ["{{ c.no }}", "{{ c.street }}", "{{ c.community }}", "{{ c.reason }}"])
    _loop_row(t, "{%tr endfor %}")
    L.paragraph(doc, "{%p else %}")
    L.paragraph(doc, "无。")
    L.paragraph(doc, "{%p endif %}")
    L.paragraph(doc, "三、资金使用情况报送", L.HEADING_1)
    L.paragraph(doc, "享受补助资金的社区须于{{ report_by }}前将资金使用情况报{{ report_to }}审核。")
    L.signature(doc, "{{ office.name }}", "{{ date }}")
    return doc


BUILDERS = {NOTICE: build_notice, ANNOUNCEMENT: build_announcement, SUBSIDY: build_subsidy}


def template_bytes(kind: str) -> bytes:
    """The default template of `kind`, built afresh (the same content every time; only the zip's dates differ)."""
    doc = BUILDERS[kind]()
    props = doc.core_properties
    props.created = props.modified = FIXED_TIME
    props.last_modified_by = "fullemp-xl"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_templates(out_dir: Path, *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Write the three templates into out_dir; an existing one (perhaps an office's edit) is kept unless force."""

    written, kept = [], []
    for kind, name in FILE_NAMES.items():
        target = Path(out_dir) / name
        data = template_bytes(kind)
        if target.exists() and (not force or same_content(target.read_bytes(), data)):
            kept.append(target)  # an office's edit is kept; an unchanged template is not rewritten (nor backed up)
            continue
        write_output(target, lambda tmp, data=data: tmp.write_bytes(data), force=force)
        written.append(target)
    return written, kept


def same_content(a: bytes, b: bytes) -> bool:
    """Two .docx files with the same parts (the zip's own dates aside)."""
    def parts(data):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return {n: zf.read(n) for n in zf.namelist()}
        except zipfile.BadZipFile:
            return None

    return parts(a) is not None and parts(a) == parts(b)
