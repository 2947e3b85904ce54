"""The add-in file: a minimal SpreadsheetML package with our ribbon, our VBA project and the
xlwings config sheet — written byte for byte the same for the same inputs (fixed zip dates).

`kind="xlsm"` writes the same content as a macro-enabled workbook: LibreOffice imports VBA from
those (not from add-ins), which is how the tests check the VBA project independently.
"""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from .vba import vba_project
from .buttons import ADDIN_NAME
from .macros import CONFIG_SHEET, custom_ui, vba_modules

PROJECT_ID = "{6B0E5B39-5C4C-4A31-9E0C-2F3C1B7D4E21}"  # fixed: the add-in's VBA project identity
TITLE = "充分就业"
DESCRIPTION = "充分就业社区：考评表与申报表的填报、校验、打分，FE_ 工作表函数（fullemp-xl）"
VBA_DESCRIPTION = "fullemp: ribbon buttons and FE_ functions for the full-employment community forms"
MAIN = {"xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
        "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def default_config(interpreter: str = "") -> list[tuple[str, object]]:
    """Every key xlwings' runtime reads, so nothing falls through to a config file beside a workbook."""
    return [("Interpreter_Win", interpreter), ("Interpreter", interpreter), ("PYTHONPATH", ""),
            ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),  # a folder of received files must not shadow our modules
            ("UDF Modules", ""), ("Use UDF Server", False), ("Show Console", False), ("Debug UDFs", False),
            ("Conda Path", ""), ("Conda Env", ""), ("LICENSE_KEY", ""), ("TEMP DIR", "%TEMP%"),
            ("SHOW_ERROR_POPUPS", "True"), ("ONEDRIVE_CONSUMER_WIN", ""), ("ONEDRIVE_COMMERCIAL_WIN", ""),
            ("SHAREPOINT_WIN", "")]


def _cell(ref: str, value: object) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if value in ("", None):
        return ""
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _sheet(config: list[tuple[str, object]]) -> str:
    rows = "".join(f'<row r="{n}">{_cell(f"A{n}", k)}{_cell(f"B{n}", v)}</row>' for n, (k, v) in enumerate(config, 1))
    return (f'{HEAD}<worksheet {NS} {NS_R}><sheetPr codeName="Sheet1"/><cols><col min="1" max="1" width="30" '
            f'customWidth="1"/><col min="2" max="2" width="80" customWidth="1"/></cols><sheetData>{rows}</sheetData>'
            '</worksheet>')


def parts(kind: str = "xlam", interpreter: str = "", sources: dict[str, str] | None = None) -> dict[str, bytes]:
    """Part name -> bytes of the package."""
    modules = vba_modules(sources)
    hidden = ' visibility="hidden"' if kind == "xlam" else ""
    text = {
        "[Content_Types].xml": (
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{MAIN[kind]}"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        "_rels/.rels": (
            f'{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
            '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" '
            'Target="customUI/customUI.xml"/></Relationships>'),
        "docProps/core.xml": (
            f'{HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{TITLE}</dc:title><dc:description>{escape(DESCRIPTION)}</dc:description>'
            '<dc:creator>fullemp-xl</dc:creator></cp:coreProperties>'),
        "docProps/app.xml": (
            f'{HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>fullemp-xl</Application></Properties>'),
        "xl/workbook.xml": (
            f'{HEAD}<workbook {NS} {NS_R}><workbookPr codeName="ThisWorkbook"/><bookViews><workbookView{hidden}/>'
            f'</bookViews><sheets><sheet name="{CONFIG_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="vbaProject.bin"/></Relationships>'),
        "xl/styles.xml": (
            f'{HEAD}<styleSheet {NS}><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
        "xl/worksheets/sheet1.xml": _sheet(default_config(interpreter)),
        "customUI/customUI.xml": (sources or {}).get("customUI.xml") or custom_ui(),
    }
    out = {name: body.encode("utf-8") for name, body in text.items()}
    out["xl/vbaProject.bin"] = vba_project(PROJECT_ID, ADDIN_NAME, VBA_DESCRIPTION, modules)
    return out


def package_bytes(kind: str = "xlam", interpreter: str = "", sources: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in parts(kind, interpreter, sources).items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buffer.getvalue()


def build_xlam(out: Path, interpreter: str = "") -> Path:
    """Write fullemp.xlam (`interpreter`: the Python the add-in starts; empty: it asks for `addin install`)."""
    data = package_bytes("xlam", interpreter)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)  # PermissionError on Windows while Excel has the add-in open
    finally:
        tmp.unlink(missing_ok=True)
    return out
