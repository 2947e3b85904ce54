"""A workbook patch: the cell values, formulas, formats, notes and sheets fullemp changes, and nothing else.

    patch = WorkbookPatch(data)               # the package as read from disk
    patch.set_value("基础数据", "E15", 25)      # keeps the cell's format
    patch.set_value("考评表", "G7", Formula("=IF(…)"))
    new_bytes = patch.to_bytes()              # every other part copied as stored

Whenever a value or formula changes, the workbook asks the spreadsheet to recalculate fully on
load and a stale calculation chain is dropped, so cached results never contradict the data.
"""
from __future__ import annotations

from ..ooxml.a1 import destination
from .newsheet import SheetSpec, add_sheet, remove_sheet
from .notes import Notes
from .package import EditablePackage
from .sheet import Cell, SheetXml, rich_text
from .styles import Styles
from .tags import attrs, elements, find_element, set_attrs, unescape
from .text import Formula, cell_xml, looks_like_formula

AFTER_ROW_BREAKS = ("colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
                    "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                    "webPublishItems", "tableParts", "extLst", "AlternateContent")
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
AFTER_CALC_PR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
                 "fileRecoveryPr", "webPublishObjects", "extLst")


class WorkbookPatch:
    def __init__(self, data: bytes):
        self.pkg = EditablePackage(data)
        self._sheets: dict[str, tuple[str, SheetXml]] = {}
        self._notes: dict[str, Notes] = {}
        self._styles: Styles | None = None
        self._styles_part: str | None = None
        self._shared: list[str] | None = None
        self.values_changed = False
        self.formulas_changed = False

    # ------------------------------------------------------------ parts we work on
    def sheet_names(self) -> list[str]:
        return [s["name"] for s in self.pkg.sheets()]

    def sheet(self, name: str) -> SheetXml:
        if name not in self._sheets:
            part = self.pkg.sheet_part(name)
            self._sheets[name] = (part, SheetXml(self.pkg.text(part)))
        return self._sheets[name][1]

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            wb = self.pkg.workbook_part()
            rel = next(iter(self.pkg.related(wb, "styles")), None)
            if rel is not None and self.pkg.exists(rel.get("part", "")):
                self._styles_part = rel["part"]
                self._styles = Styles(self.pkg.text(rel["part"]))
            else:
                self._styles = Styles(None)
        return self._styles

    def notes(self, name: str) -> Notes:
        if name not in self._notes:
            self.sheet(name)
            self._notes[name] = Notes(self.pkg, self._sheets[name][0], self._sheets[name][1])
        return self._notes[name]

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            rel = next(iter(self.pkg.related(self.pkg.workbook_part(), "sharedStrings")), None)
            xml = self.pkg.text(rel["part"]) if rel and self.pkg.exists(rel.get("part", "")) else ""
            self._shared = [rich_text(xml[s:e]) for s, e in elements(xml, "si")]
        return self._shared

    def defined_names(self) -> dict[str, tuple[str, str] | None]:
        """Workbook-scoped defined names → (sheet, 'D5') for single cells, None for anything else."""
        xml = self.pkg.text(self.pkg.workbook_part())
        span = find_element(xml, "definedNames")
        out: dict[str, tuple[str, str] | None] = {}
        if span is None:
            return out
        for start, end in elements(xml, "definedName", span[1], span[2]):
            head_end = xml.index(">", start) + 1
            a = attrs(xml[start:head_end])
            if "localSheetId" in a or "name" not in a:
                continue
            out[a["name"]] = destination(unescape(xml[head_end:end].rsplit("<", 1)[0]))
        return out

    # ------------------------------------------------------------ cells
    def cell(self, sheet: str, ref: str) -> Cell | None:
        return self.sheet(sheet).cell(ref)

    def value(self, sheet: str, ref: str):
        cell = self.cell(sheet, ref)
        return None if cell is None else cell.value(self.shared_strings())

    def set_value(self, sheet: str, ref: str, value) -> None:
        """Write a value (text stays text; a Formula is a formula), keeping the cell's format."""
        ws = self.sheet(sheet)
        old = ws.cell(ref)
        style = ws.effective_style(ref)
        quote = str(self.styles.quoted(style)) if isinstance(value, str) and not isinstance(value, Formula) \
            and looks_like_formula(value) else None
        if old is not None and old.formula() is not None or isinstance(value, Formula):
            self.formulas_changed = True
        ws.set(ref, cell_xml(ref, style, value, prefix=ws.p, quote_style=quote))
        self.values_changed = True

    def set_style(self, sheet: str, ref: str, style: int | str) -> None:
        """Give a cell another format, keeping its value."""
        ws = self.sheet(sheet)
        old = ws.cell(ref)
        if old is None:
            ws.set(ref, cell_xml(ref, str(style), None, prefix=ws.p))
            return
        head_end = old.xml.index(">") + 1
        head = old.xml[:head_end]
        closing = head.endswith("/>")
        new_head = set_attrs(head, {"s": None if str(style) == "0" else str(style)})
        ws.set(ref, new_head + old.xml[head_end:] if not closing else new_head)

    def set_row_height(self, sheet: str, row: int, height: float) -> None:
        self.sheet(sheet).set_row(row, {"ht": f"{height:g}", "customHeight": "1"})

    def set_row_breaks(self, sheet: str, rows: list[int]) -> None:
        """The sheet's manual page breaks: a new page after each of these rows (our forms' print layout)."""
        ws = self.sheet(sheet)
        p = ws.p
        breaks = "".join(f'<{p}brk id="{r}" max="16383" man="1"/>' for r in rows)
        xml = f'<{p}rowBreaks count="{len(rows)}" manualBreakCount="{len(rows)}">{breaks}</{p}rowBreaks>' if rows else ""
        ws.replace_element("rowBreaks", xml, AFTER_ROW_BREAKS)

    # ------------------------------------------------------------ sheets
    def add_sheet(self, spec: SheetSpec) -> None:
        self.formulas_changed = self.values_changed = True
        add_sheet(self.pkg, spec)

    def remove_sheet(self, name: str) -> bool:
        self._sheets.pop(name, None)
        self._notes.pop(name, None)
        if remove_sheet(self.pkg, name):
            self.formulas_changed = self.values_changed = True
            return True
        return False

    # ------------------------------------------------------------ out
    def to_bytes(self) -> bytes:
        for notes in self._notes.values():
            notes.commit()
        for name, (part, ws) in self._sheets.items():
            if ws.changed:
                self.pkg.write(part, ws.to_xml())
        if self._styles is not None and self._styles.changed():
            self._write_styles()
        if self.formulas_changed:
            self._drop_calc_chain()
        if self.values_changed:
            self.pkg.set_workbook_attr("calcPr", {"fullCalcOnLoad": "1"}, create_before=AFTER_CALC_PR)
        return self.pkg.to_bytes()

    def _write_styles(self) -> None:
        if self._styles_part is None:
            self._styles_part = "xl/styles.xml"
            wb = self.pkg.workbook_part()
            self.pkg.add_relationship(wb, self.pkg.rel_base() + "/styles", self._styles_part)
            self.pkg.set_override(self._styles_part, STYLES_TYPE)
        self.pkg.write(self._styles_part, self._styles.to_xml())

    def _drop_calc_chain(self) -> None:
        wb = self.pkg.workbook_part()
        for rel in self.pkg.related(wb, "calcChain"):
            self.pkg.remove_relationship(wb, rel["Id"])
            if rel.get("part") and self.pkg.exists(rel["part"]):
                self.pkg.remove(rel["part"])
                self.pkg.set_override(rel["part"], None)

