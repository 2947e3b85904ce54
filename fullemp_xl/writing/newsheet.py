"""Adding a worksheet we generate whole (the 校验结果 sheet) and removing it again.

The workbook's other sheets keep their parts; only workbook.xml (the sheet list, print names),
its relationships and the content types change.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..ooxml.a1 import column_letter
from ..ooxml.parts import rels_part
from .package import EditablePackage
from .tags import attrs, elements, esc_attr, find_element, namespace_prefix, root_prefix, set_attrs
from .text import cell_xml, xml_text

SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                       "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


@dataclass
class SheetSpec:
    """A sheet as rows of (value, style index) cells, with its print layout."""

    name: str
    rows: list[list[tuple[object, int | None]]]
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    hidden_columns: tuple[int, ...] = ()
    print_columns: int = 0  # the print area spans columns 1..print_columns of every row
    title_rows: int = 0  # rows repeated at the top of every printed page (and frozen)
    landscape: bool = True
    footer: str = "&C第 &P 页，共 &N 页"


def sheet_xml(spec: SheetSpec) -> str:
    last_col = max((len(r) for r in spec.rows), default=1)
    last_col = max(last_col, *spec.hidden_columns) if spec.hidden_columns else last_col
    rows = []
    for r, row in enumerate(spec.rows, start=1):
        cells = "".join(cell_xml(f"{column_letter(c)}{r}", None if s is None else str(s), v)
                        for c, (v, s) in enumerate(row, start=1) if v is not None or s is not None)
        height = f' ht="{spec.heights[r]}" customHeight="1"' if r in spec.heights else ""
        rows.append(f'<row r="{r}"{height}>{cells}</row>')
    cols = []
    for c in sorted(set(spec.widths) | set(spec.hidden_columns)):
        hidden = ' hidden="1"' if c in spec.hidden_columns else ""
        cols.append(f'<col min="{c}" max="{c}" width="{spec.widths.get(c, 9)}" customWidth="1"{hidden}/>')
    pane = (f'<pane ySplit="{spec.title_rows}" topLeftCell="A{spec.title_rows + 1}" activePane="bottomLeft" state="frozen"/>'
            if spec.title_rows else "")
    orientation = "landscape" if spec.landscape else "portrait"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{column_letter(last_col)}{max(len(spec.rows), 1)}"/>'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{''.join(cols)}</cols>" if cols else "")
            + f"<sheetData>{''.join(rows)}</sheetData>"
            '<printOptions horizontalCentered="1"/>'
            '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.8" header="0.3" footer="0.3"/>'
            f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0" firstPageNumber="1" '
            'useFirstPageNumber="1"/>'
            f"<headerFooter><oddFooter>{xml_text(spec.footer)}</oddFooter></headerFooter>"
            "</worksheet>")


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def add_sheet(pkg: EditablePackage, spec: SheetSpec) -> str:
    """Append the sheet (last in the tab order); returns its part name."""
    wb = pkg.workbook_part()
    part = pkg.unused_name("xl/worksheets/sheet{}.xml")
    pkg.write(part, sheet_xml(spec))
    pkg.set_override(part, SHEET_TYPE)
    base = pkg.rel_base()
    rid = pkg.add_relationship(wb, base + "/worksheet", part)
    sheets = pkg.sheets()
    xml = pkg.text(wb)
    p = root_prefix(xml)
    r = namespace_prefix(xml, base)
    rel_attr = f'{r}:id="{rid}"' if r else f'xmlns:r="{base}" r:id="{rid}"'
    sheet_id = 1 + max((int(s["sheetId"]) for s in sheets if s["sheetId"].isdigit()), default=0)
    entry = f'<{p}sheet name="{esc_attr(spec.name)}" sheetId="{sheet_id}" {rel_attr}/>'
    span = find_element(xml, "sheets")
    close = xml.rfind("</", span[1], span[2])
    xml = xml[:close] + entry + xml[close:]
    index = len(sheets)
    names = []
    if spec.title_rows:
        names.append(("_xlnm.Print_Titles", f"{_quoted(spec.name)}!$1:${spec.title_rows}"))
    if spec.print_columns:
        last = column_letter(spec.print_columns)
        names.append(("_xlnm.Print_Area", f"{_quoted(spec.name)}!$A$1:${last}${max(len(spec.rows), 1)}"))
    if names:
        entries = "".join(f'<{p}definedName name="{n}" localSheetId="{index}">{xml_text(v)}</{p}definedName>' for n, v in names)
        span = find_element(xml, "definedNames")
        if span is None:
            at = min((s[0] for s in (find_element(xml, n) for n in AFTER_DEFINED_NAMES) if s), default=xml.rfind(f"</{p}workbook>"))
            xml = xml[:at] + f"<{p}definedNames>{entries}</{p}definedNames>" + xml[at:]
        else:
            close = xml.rfind("</", span[1], span[2])
            xml = xml[:close] + entries + xml[close:]
    pkg.write(wb, xml)
    return part


def remove_sheet(pkg: EditablePackage, name: str) -> bool:
    """Remove a sheet and what only it used; local print names and the active tab follow the new order."""
    wb = pkg.workbook_part()
    sheets = pkg.sheets()
    index = next((k for k, s in enumerate(sheets) if s["name"] == name), None)
    if index is None:
        return False
    sheet = sheets[index]
    xml = pkg.text(wb)
    start, end = sheet["span"]
    xml = xml[:start] + xml[end:]
    span = find_element(xml, "definedNames")
    if span is not None:
        pieces, pos = [], span[1]
        close = xml.rfind("</", span[1], span[2])
        for s, e in elements(xml, "definedName", span[1], close):
            pieces.append(xml[pos:s])
            tag_end = xml.index(">", s) + 1
            local = attrs(xml[s:tag_end]).get("localSheetId")
            if local is not None and local.isdigit() and int(local) == index:
                pos = e
                continue
            if local is not None and local.isdigit() and int(local) > index:
                pieces.append(set_attrs(xml[s:tag_end], {"localSheetId": int(local) - 1}) + xml[tag_end:e])
            else:
                pieces.append(xml[s:e])
            pos = e
        pieces.append(xml[pos:close])
        inner = "".join(pieces)
        if list(elements(inner, "definedName")):
            xml = xml[:span[1]] + inner + xml[close:]
        else:
            xml = xml[:span[0]] + xml[span[2]:]
    view = find_element(xml, "workbookView")
    if view is not None:
        a = attrs(xml[view[0]:view[1]])
        changes = {}
        for key in ("activeTab", "firstSheet"):
            if a.get(key, "0").isdigit() and int(a.get(key, "0")) >= index and int(a.get(key, "0")) > 0:
                changes[key] = int(a[key]) - 1
        if changes:
            xml = xml[:view[0]] + set_attrs(xml[view[0]:view[1]], changes) + xml[view[1]:]
    pkg.write(wb, xml)
    pkg.remove_relationship(wb, sheet["rid"])
    part = sheet["part"]
    if part:
        _remove_with_private_parts(pkg, part)
    return True


def _remove_with_private_parts(pkg: EditablePackage, part: str) -> None:
    """Remove `part`, its relationships and the parts nothing else points to."""

    targets = [r["part"] for r in pkg.relationships(part) if "part" in r]
    pkg.remove(part)
    pkg.set_override(part, None)
    if pkg.exists(rels_part(part)):
        pkg.remove(rels_part(part))
    still = {r.get("part") for name in pkg.names() if name.endswith(".rels")
             for r in pkg.relationships(_source_of(name))}
    for target in targets:
        if target not in still and pkg.exists(target):
            _remove_with_private_parts(pkg, target)


def _source_of(rels_name: str) -> str:
    folder, base = rels_name.rsplit("/", 1) if "/" in rels_name else ("", rels_name)
    folder = folder[:-len("_rels")].rstrip("/") if folder.endswith("_rels") else folder
    source = base[:-len(".rels")]
    return f"{folder}/{source}".lstrip("/") if source else ""
