"""Workbooks full of what people put into them, as Excel and LibreOffice save them.

`excel_like(path)` builds one of our 考评表 with data that gives findings, then adds — with openpyxl
where it can and raw zip edits where it cannot — every kind of content an office workbook holds:
threaded comments and their authors, someone's note (with rich text) on a cell we will mark,
sparklines in a sheet we write into and in a sheet of their own, custom XML parts, printer settings,
a chart with its style and colour parts and its own formatting, rich text in cells, a shared
formula, a calculation chain, a VBA part stored under another name, custom document properties and
an unreferenced extra part. `lo_saved(src, dst)` lets LibreOffice open and save a workbook.
"""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

from conftest import good_values, make_assessment
from fullemp_xl.forms.book import OpenpyxlBook, locate

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
USER_SHEET = "我的统计"
# parts added below, which no command of ours may touch
USER_PARTS = ("xl/threadedComments/threadedComment1.xml", "xl/persons/person.xml", "customXml/item1.xml",
              "customXml/itemProps1.xml", "customXml/_rels/item1.xml.rels", "xl/printerSettings/printerSettings1.bin",
              "xl/charts/style1.xml", "xl/charts/colors1.xml", "xl/charts/_rels/chart1.xml.rels", "xl/macros/code.bin",
              "docProps/custom.xml", "xl/extra/notes-of-the-office.dat")
SPARKLINES = ('<extLst><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" '
              'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
              '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
              '<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/>'
              '<x14:colorNegative rgb="FFD00000"/><x14:colorAxis rgb="FF000000"/><x14:colorMarkers rgb="FFD00000"/>'
              '<x14:colorFirst rgb="FFD00000"/><x14:colorLast rgb="FFD00000"/><x14:colorHigh rgb="FFD00000"/>'
              '<x14:colorLow rgb="FFD00000"/><x14:sparklines><x14:sparkline><xm:f>{source}</xm:f>'
              '<xm:sqref>{where}</xm:sqref></x14:sparkline></x14:sparklines></x14:sparklineGroup>'
              '</x14:sparklineGroups></ext></extLst>')
THREADED = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<threadedComment ref="{ref}" dT="2026-11-20T09:30:00.00" personId="{{6B1D2C1E-0000-4000-8000-000000000001}}" '
            'id="{{6B1D2C1E-0000-4000-8000-0000000000A1}}"><text>请县区核实这个人数</text></threadedComment>'
            '<threadedComment ref="{ref}" dT="2026-11-21T10:00:00.00" personId="{{6B1D2C1E-0000-4000-8000-000000000002}}" '
            'id="{{6B1D2C1E-0000-4000-8000-0000000000A2}}" parentId="{{6B1D2C1E-0000-4000-8000-0000000000A1}}">'
            '<text>已核实，台账有误</text></threadedComment></ThreadedComments>')
PERSONS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
           'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<person displayName="张三（县人社局）" id="{6B1D2C1E-0000-4000-8000-000000000001}" userId="zhangsan" providerId="None"/>'
           '<person displayName="李四（社区）" id="{6B1D2C1E-0000-4000-8000-000000000002}" userId="lisi" providerId="None"/>'
           '</personList>')
CHART_STYLE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<cs:chartStyle xmlns:cs="http://schemas.microsoft.com/office/drawing/2012/chartStyle" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" id="201"><cs:axisTitle>'
               '<cs:lnRef idx="0"/><cs:fillRef idx="0"/><cs:effectRef idx="0"/><cs:fontRef idx="minor">'
               '<a:schemeClr val="tx1"/></cs:fontRef></cs:axisTitle></cs:chartStyle>')
CHART_COLOURS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<cs:colorStyle xmlns:cs="http://schemas.microsoft.com/office/drawing/2012/chartStyle" '
                 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" meth="cycle" id="10">'
                 '<a:schemeClr val="accent1"/><a:schemeClr val="accent2"/></cs:colorStyle>')
CUSTOM_PROPS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="审核人">'
                '<vt:lpwstr>县人社局 王五</vt:lpwstr></property></Properties>')
RICH_NOTE = ('<text><r><rPr><b/><sz val="9"/><color indexed="81"/><rFont val="宋体"/><charset val="134"/></rPr>'
             '<t>王五:</t></r><r><rPr><sz val="9"/><color indexed="81"/><rFont val="宋体"/><charset val="134"/></rPr>'
             '<t xml:space="preserve">\n学历证明已复印存档</t></r></text>')


def form_with_findings(path: Path, ruleset) -> Path:
    """A 考评表 whose data gives errors and warnings on cells of both stages (so marks land on them)."""
    good = good_values()
    return make_assessment(path, ruleset, {"self": {**good, "qualified_staff": "九十", "disabled_registered": 35},
                                           "assessed": {**good, "ledgers_missing": 2, "unemployed_unregistered": 1}})


def _cell_of(wb, name: str):
    loc = locate(OpenpyxlBook(wb), name)
    return wb[loc.sheet][loc.cell]


def excel_like(path: Path, ruleset) -> Path:
    form_with_findings(path, ruleset)
    wb = openpyxl.load_workbook(path)
    staff = _cell_of(wb, "fe_self_qualified_staff")  # gets a finding: marked, while someone's note is on it
    staff.comment = Comment("王五:\n学历证明已复印存档", "王五")
    data = wb[staff.parent.title]
    data.conditional_formatting.add("E17:F40", CellIsRule(operator="lessThan", formula=["0"], fill=PatternFill("solid", fgColor="FF0000")))
    user = wb.create_sheet(USER_SHEET)
    for r, (label, n) in enumerate([("一月", 3), ("二月", 5), ("三月", 4), ("四月", 7), ("五月", 6)], start=1):
        user.cell(r, 1, label)
        user.cell(r, 2, n)
    user["D1"] = CellRichText([TextBlock(InlineFont(b=True, color="C00000"), "重点："), "本月新增就业 ", TextBlock(InlineFont(i=True), "7 人")])
    user["A7"] = "口径说明"
    user["A7"].comment = Comment("统计口径见台账", "李四")
    chart = BarChart()
    chart.title = "每月新增就业"
    chart.add_data(Reference(user, min_col=2, min_row=1, max_row=5))
    chart.set_categories(Reference(user, min_col=1, min_row=1, max_row=5))
    user.add_chart(chart, "F2")
    wb.save(path)
    _raw_extras(path, data_sheet=staff.parent.title, staff=staff.coordinate, wb=wb)
    return path


def _raw_extras(path: Path, *, data_sheet: str, staff: str, wb) -> None:
    parts = _read(path)
    sheets = _sheet_parts(parts)
    data_part, user_part = sheets[data_sheet], sheets[USER_SHEET]
    data_rels, user_rels = _rels_name(data_part), _rels_name(user_part)
    # threaded comments on the noted cell, and the persons who wrote them
    parts["xl/threadedComments/threadedComment1.xml"] = THREADED.format(ref=staff).encode()
    parts["xl/persons/person.xml"] = PERSONS.encode()
    parts[data_rels] = _add_rel(parts.get(data_rels), "rIdTc1", "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
                                "../threadedComments/threadedComment1.xml")
    parts["xl/_rels/workbook.xml.rels"] = _add_rel(parts["xl/_rels/workbook.xml.rels"], "rIdPs1",
                                                   "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml")
    # someone's note becomes rich text, as Excel writes it
    comments = next(n for n in parts if re.match(r"xl/comments.*\.xml$", n) and f'ref="{staff}"'.encode() in parts[n])
    parts[comments] = re.sub(rb'(<comment ref="' + staff.encode() + rb'"[^>]*>)<text>.*?</text>', lambda m: m.group(1) + RICH_NOTE.encode(),
                             parts[comments], flags=re.S)
    # sparklines in the sheet we write into and in their own sheet
    for part, source, where in ((data_part, f"'{USER_SHEET}'!B1:B5", "H5"), (user_part, f"'{USER_SHEET}'!B1:B5", "C1")):
        text = parts[part].decode()
        text = text.replace("</worksheet>", SPARKLINES.format(source=source, where=where) + "</worksheet>")
        parts[part] = text.encode()
    # printer settings of the user's sheet
    parts["xl/printerSettings/printerSettings1.bin"] = bytes(range(256)) * 4
    parts[user_rels] = _add_rel(parts.get(user_rels), "rIdPr1", f"{R}/printerSettings", "../printerSettings/printerSettings1.bin")
    text = parts[user_part].decode()
    if "<pageSetup" in text:
        text = re.sub(r"<pageSetup\b", '<pageSetup r:id="rIdPr1"', text, count=1)
    else:
        text = re.sub(r"(<pageMargins[^>]*/>)", r'\1<pageSetup paperSize="9" orientation="portrait" r:id="rIdPr1"/>', text, count=1)
    if 'xmlns:r="' not in text[:600]:
        text = text.replace("<worksheet ", f'<worksheet xmlns:r="{R}" ', 1)
    # a shared formula, as Excel stores copied formulas
    text = re.sub(r"(<row r=\"5\"[^>]*>.*?)(</row>)", lambda m: m.group(1) + '<c r="E5"><f t="shared" ref="E5:E6" si="0">B1*2</f><v>6</v></c>' + m.group(2), text, count=1, flags=re.S)
    parts[user_part] = text.encode()
    # the chart's style and colour parts, and its own formatting
    chart = next(n for n in parts if re.match(r"xl/charts/chart\d+\.xml$", n))
    parts["xl/charts/style1.xml"], parts["xl/charts/colors1.xml"] = CHART_STYLE.encode(), CHART_COLOURS.encode()
    rels = _rels_name(chart)
    parts[rels] = _add_rel(parts.get(rels), "rIdSt1", "http://schemas.microsoft.com/office/2011/relationships/chartStyle", "style1.xml")
    parts[rels] = _add_rel(parts[rels], "rIdCo1", "http://schemas.microsoft.com/office/2011/relationships/chartColorStyle", "colors1.xml")
    parts[chart] = parts[chart].replace(b"</c:plotArea>", b'<c:spPr><a:solidFill><a:srgbClr val="F2F2F2"/></a:solidFill></c:spPr></c:plotArea>', 1)
    if b"xmlns:a=" not in parts[chart][:800]:
        parts[chart] = parts[chart].replace(b"<c:chartSpace ", b'<c:chartSpace xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ', 1)
    # custom XML, custom properties, a VBA part under another name, an extra part nothing refers to
    parts["customXml/item1.xml"] = '<?xml version="1.0" encoding="UTF-8"?><审核 xmlns="urn:gov:hrss"><批次>2026-12</批次></审核>'.encode()
    parts["customXml/itemProps1.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?><ds:datastoreItem '
                                         b'ds:itemID="{A1B2C3D4-0000-4000-8000-000000000001}" '
                                         b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>')
    parts["customXml/_rels/item1.xml.rels"] = _add_rel(None, "rId1", f"{R}/customXmlProps", "itemProps1.xml")
    parts["xl/_rels/workbook.xml.rels"] = _add_rel(parts["xl/_rels/workbook.xml.rels"], "rIdCx1", f"{R}/customXml", "../customXml/item1.xml")
    parts["xl/macros/code.bin"] = b"\xd0\xcf\x11\xe0 not really a VBA project, stored under another name"
    parts["xl/_rels/workbook.xml.rels"] = _add_rel(parts["xl/_rels/workbook.xml.rels"], "rIdVb1",
                                                   "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "macros/code.bin")
    parts["docProps/custom.xml"] = CUSTOM_PROPS.encode()
    parts["_rels/.rels"] = _add_rel(parts["_rels/.rels"], "rIdCp1", f"{R}/custom-properties", "docProps/custom.xml")
    parts["xl/extra/notes-of-the-office.dat"] = "办公室自用的附加数据".encode() * 10
    # a calculation chain, as Excel keeps one
    parts["xl/calcChain.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain '
                                 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="G7" i="1"/></calcChain>').encode()
    parts["xl/_rels/workbook.xml.rels"] = _add_rel(parts["xl/_rels/workbook.xml.rels"], "rIdCc1", f"{R}/calcChain", "calcChain.xml")
    types = parts["[Content_Types].xml"].decode()
    extra = [("/xl/threadedComments/threadedComment1.xml", "application/vnd.ms-excel.threadedcomments+xml"),
             ("/xl/persons/person.xml", "application/vnd.ms-excel.person+xml"),
             ("/customXml/itemProps1.xml", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"),
             ("/xl/charts/style1.xml", "application/vnd.ms-office.chartstyle+xml"),
             ("/xl/charts/colors1.xml", "application/vnd.ms-office.chartcolorstyle+xml"),
             ("/xl/macros/code.bin", "application/vnd.ms-office.vbaProject"),
             ("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml"),
             ("/xl/calcChain.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")]
    defaults = '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"/>'
    types = types.replace("</Types>", "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in extra) + "</Types>")
    types = re.sub(r"(<Types[^>]*>)", lambda m: m.group(1) + defaults, types, count=1)
    parts["[Content_Types].xml"] = types.encode()
    _write(path, parts)


def _read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _write(path: Path, parts: dict[str, bytes]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())


def _rels_name(part: str) -> str:
    folder, base = part.rsplit("/", 1)
    return f"{folder}/_rels/{base}.rels"


def _add_rel(xml: bytes | None, rid: str, kind: str, target: str) -> bytes:
    text = (xml or b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>').decode()
    text = re.sub(r"<Relationships([^>]*)/>", r"<Relationships\1></Relationships>", text)
    return text.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/></Relationships>').encode()


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
        target = targets[rid].lstrip("/")
        out[name] = target if target.startswith("xl/") else "xl/" + target
    return out


def members(path: Path) -> dict[str, bytes]:
    return _read(path)


def lo_saved(src: Path, dst: Path) -> Path:
    """`src` opened and saved by LibreOffice (as an office that uses LibreOffice would send it)."""
    from lo_oracle import recalculate

    out = recalculate([src], dst.parent / "lo-tmp")[0]
    shutil.move(out, dst)
    return dst
