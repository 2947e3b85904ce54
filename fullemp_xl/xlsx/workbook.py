"""Workbook-level parts: sheets and where they live, defined names, the date epoch, shared strings and
which cell styles are dates — each read once, only when asked for. Transitional and Strict Open XML
alike (Strict differs only in namespaces).
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from types import MappingProxyType

from ..errors import UnusableFile
from ..ooxml.a1 import destination
from .numfmt import BUILTIN_FORMATS, BUILTIN_FORMATS_REVERSE, MAC_EPOCH, WINDOWS_EPOCH, is_date_format, is_timedelta_format
from ..ooxml.parts import rels_part, resolve
from .package import Package, iterparse_part, parse_part

STRINGS_STREAMED_ABOVE = 4 * 1024 * 1024  # sharedStrings parts larger than this are streamed

PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_NS = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}",
          "{http://purl.oclc.org/ooxml/officeDocument/relationships}")


def ns_of(element) -> str:
    tag = element.tag
    return tag[:tag.index("}") + 1] if tag.startswith("{") else ""


def rel_id(element) -> str | None:
    for ns in REL_NS:
        value = element.get(ns + "id")
        if value is not None:
            return value
    return None


def relationships(pkg: Package, part: str) -> dict[str, tuple[str, str]]:
    """rId -> (type, resolved part name) of a part's .rels (read-only: forms of one template share it)."""
    name = rels_part(part)
    data = pkg.read(name)
    if data is None:
        return {}
    key = (part, data)
    known = _RELS.get(key)
    if known is None:
        known = _RELS.remember(key, MappingProxyType(_relationships(parse_part(data, name, pkg.source), part)))
    return known


def _relationships(root, part: str) -> dict[str, tuple[str, str]]:
    out = {}
    for rel in root.iter(PKG_REL + "Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        out[rel.get("Id")] = (rel.get("Type", ""), resolve(part, rel.get("Target", "")))
    return out


def text_of(si, ns: str) -> str:
    """Plain text of an <si>/<is>: the t, then every run's t; phonetic runs (rPh) excluded — as openpyxl."""
    if len(si) == 1 and si[0].tag == ns + "t":  # plain text, no runs: most cells
        return si[0].text or ""
    parts = []
    t = si.find(ns + "t")
    if t is not None and t.text:
        parts.append(t.text)
    for r in si.iterfind(ns + "r"):
        rt = r.find(ns + "t")
        if rt is not None and rt.text:
            parts.append(rt.text)
    return "".join(parts)


class _Recent(dict):
    """A small content-addressed cache: forms made from one template share these parts byte for byte."""

    def remember(self, key, value):
        if len(self) >= 64:
            self.pop(next(iter(self)))
        self[key] = value
        return value


_WORKBOOKS, _STYLES, _RELS = _Recent(), _Recent(), _Recent()


class WorkbookParts:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        root_rels = relationships(pkg, "")
        main = next((p for t, p in root_rels.values() if t.endswith("/officeDocument")), "xl/workbook.xml")
        self.part = main
        data = pkg.read(main)
        if data is None:
            raise UnusableFile(pkg.source, "不是 Excel 工作簿（.xlsx）文件，或文件已损坏：请用 Excel 打开后另存为 .xlsx")
        rels_name = rels_part(main)
        key = (data, pkg.read(rels_name))
        known = _WORKBOOKS.get(key)
        if known is None:
            known = _WORKBOOKS.remember(key, self._parse(data, main))
        (self.ns, self.rels, self.epoch, self.sheets, self.order, self._names, self.worksheets,
         self.names, self.named_refs) = known

    def _parse(self, data: bytes, main: str):
        pkg = self.pkg
        root = parse_part(data, main, pkg.source)
        ns = ns_of(root)
        rels = relationships(pkg, main)
        pr = root.find(ns + "workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        sheets: dict[str, str] = {}  # sheet name -> part
        order: list[str] = []
        worksheets: list[str] = []  # the names of worksheets (not chart or dialog sheets), in order
        seen: set[str] = set()
        for sheet in root.iter(ns + "sheet"):
            target = rels.get(rel_id(sheet) or "")
            name = sheet.get("name", "")
            if name.casefold() in seen:  # Excel calls such a file damaged; which one a name means is a guess
                raise UnusableFile(pkg.source, f"工作簿已损坏（有两个工作表同名：“{name[:31]}”）：请用 Excel 打开后另存为 .xlsx")
            seen.add(name.casefold())
            order.append(name)
            if target is not None:
                sheets[name] = target[1]
                if target[0].endswith("/worksheet"):
                    worksheets.append(name)
        names: dict[str, tuple[str, str]] = {}
        for dn in root.iter(ns + "definedName"):
            if dn.get("localSheetId") is not None:
                continue  # sheet-scoped: openpyxl keeps these on the sheet, not in wb.defined_names
            names[dn.get("name", "")] = destination(dn.text or "") or ("", "")
        # defined name -> (sheet, cell), None when its sheet is not there; and per sheet the cells named
        cells = {name: where if where[0] in sheets else None for name, where in names.items()}
        by_sheet: dict[str, set[str]] = {}
        for where in cells.values():
            if where:
                by_sheet.setdefault(where[0], set()).add(where[1])
        named_refs = MappingProxyType({sheet: frozenset(refs) for sheet, refs in by_sheet.items()})
        return (ns, rels, MAC_EPOCH if date1904 else WINDOWS_EPOCH, sheets, order, names, worksheets,
                MappingProxyType(cells), named_refs)

    def _part(self, kind: str) -> str | None:
        return next((p for t, p in self.rels.values() if t.endswith("/" + kind)), None)

    @cached_property
    def shared_strings(self) -> list[str]:
        part = self._part("sharedStrings")
        info = self.pkg.infos.get(part.lstrip("/")) if part else None
        if info is not None and info.file_size > STRINGS_STREAMED_ABOVE:
            return self._streamed_strings(part)  # a ledger's names: never the whole tree in memory
        root = self.pkg.xml(part) if part else None
        if root is None:
            return []
        ns = ns_of(root)
        return [text_of(si, ns).replace("x005F_", "") for si in root.iterfind(ns + "si")]

    def _streamed_strings(self, part: str) -> list[str]:
        member, out, limit = self.pkg.stream(part), [], self.pkg.limits.cells
        try:
            for si in iterparse_part(member, part, self.pkg.source, "{*}si"):
                out.append(text_of(si, ns_of(si)).replace("x005F_", ""))
                if len(out) > limit:
                    raise UnusableFile(self.pkg.source, f"工作簿中的文字过多（超过 {limit:,} 段），已拒绝处理")
                si.clear()
                while si.getprevious() is not None:
                    del si.getparent()[0]
        finally:
            member.close()
        return out

    @cached_property
    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """(date styles, timedelta styles): indexes of cellXfs whose number format is a date — as openpyxl."""
        part = self._part("styles")
        data = self.pkg.read(part) if part else None
        if data is None:
            return frozenset(), frozenset()
        known = _STYLES.get(data)
        return known if known is not None else _STYLES.remember(data, self._date_styles(data, part))

    def _date_styles(self, data: bytes, part: str) -> tuple[frozenset[int], frozenset[int]]:
        root = parse_part(data, part, self.pkg.source)
        ns = ns_of(root)
        custom = {}
        fmts = root.find(ns + "numFmts")
        if fmts is not None:
            for f in fmts.iterfind(ns + "numFmt"):
                try:
                    custom[int(f.get("numFmtId"))] = f.get("formatCode")
                except (TypeError, ValueError):
                    continue
        dates, deltas = set(), set()
        xfs = root.find(ns + "cellXfs")
        for idx, xf in enumerate(() if xfs is None else xfs.iterfind(ns + "xf")):
            try:
                fid = int(xf.get("numFmtId", 0))
            except ValueError:
                fid = 0
            if fid in custom:
                fmt = custom[fid]
                if fmt in BUILTIN_FORMATS_REVERSE:
                    fmt = BUILTIN_FORMATS[BUILTIN_FORMATS_REVERSE[fmt]]
            else:
                fmt = BUILTIN_FORMATS.get(fid)
            if is_date_format(fmt):
                dates.add(idx)
            if is_timedelta_format(fmt):
                deltas.add(idx)
        return frozenset(dates), frozenset(deltas)

    @cached_property
    def saved(self) -> str:
        """The workbook's own last-saved time (docProps/core.xml dcterms:modified), ISO text or ''."""
        root = self.pkg.xml("docProps/core.xml")
        if root is None:
            return ""
        el = root.find("{http://purl.org/dc/terms/}modified")
        text = (el.text or "").strip() if el is not None else ""
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.timezone.utc).isoformat()
        except ValueError:
            return ""
