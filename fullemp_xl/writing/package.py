"""An .xlsx package in memory: its parts, content types and relationships, written back surgically.

Parts nobody changed are copied with their stored (compressed) bytes; only the parts we change,
add or remove differ. `owned()` says which ones those are, for the guard (`preserve`).
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from ..ooxml.parts import relative, rels_part, resolve
from .tags import DamagedPackage, attrs, elements, esc_attr, find_element, root_prefix, set_attrs
from .zipout import DEFAULT_TIME, DEFLATED, STORED, ZipOut

CT_PART = "[Content_Types].xml"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_BASE = "http://purl.oclc.org/ooxml/officeDocument/relationships"
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class EditablePackage:
    """A package to change and write back (the reader's, read-only and bounded, is xlsx.package.Package)."""

    def __init__(self, data: bytes):
        self.data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = {i.filename: i for i in self.zip.infolist() if not i.is_dir()}
        except (zipfile.BadZipFile, ValueError) as exc:
            raise DamagedPackage("不是 Excel 工作簿（.xlsx）文件，或文件已损坏") from exc
        self.order = list(self.infos)
        self.parts: dict[str, bytes] = {}  # what we wrote
        self._original: dict[str, bytes] = {}
        self.encodings: dict[str, tuple[bytes, str]] = {}
        self.changed: set[str] = set()
        self.removed: set[str] = set()

    # ------------------------------------------------------------ parts
    def exists(self, name: str) -> bool:
        return name not in self.removed and (name in self.parts or name in self.infos)

    def names(self) -> list[str]:
        return [n for n in self.order if self.exists(n)]

    def original(self, name: str) -> bytes:
        if name not in self._original:
            try:
                self._original[name] = self.zip.read(self.infos[name])
            except KeyError:
                raise
            except Exception as exc:  # a damaged member (bad CRC, broken deflate stream)
                raise DamagedPackage(f"工作簿中的“{name}”已损坏") from exc
        return self._original[name]

    def read(self, name: str) -> bytes:
        if name in self.removed:
            raise KeyError(name)
        return self.parts[name] if name in self.parts else self.original(name)

    def text(self, name: str) -> str:
        data = self.read(name)
        for bom, encoding in BOMS:
            if data.startswith(bom):
                self.encodings[name] = (bom, encoding)
                return data[len(bom):].decode(encoding)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DamagedPackage(f"工作簿中的“{name}”不是 UTF-8 编码的 XML") from exc

    def write(self, name: str, data: bytes | str) -> None:
        if isinstance(data, str):
            bom, encoding = self.encodings.get(name, (b"", "utf-8"))
            data = bom + data.encode(encoding)
        if name not in self.order:
            self.order.append(name)
        self.removed.discard(name)
        self.parts[name] = data
        if name in self.infos and data == self.original(name):
            self.changed.discard(name)
        else:
            self.changed.add(name)

    def remove(self, name: str) -> None:
        self.removed.add(name)
        self.parts.pop(name, None)
        self.changed.discard(name)

    def unused_name(self, pattern: str) -> str:
        """pattern with '{}' → the first free number: 'xl/comments{}.xml'."""
        n = 1
        while self.exists(pattern.format(n)) or pattern.format(n) in self.infos:
            n += 1
        return pattern.format(n)

    def owned(self) -> set[str]:
        """Every part this patch adds, changes or removes."""
        return {n for n in self.changed} | {n for n in self.removed if n in self.infos}

    def to_bytes(self) -> bytes:
        out = ZipOut()
        for name in self.names():
            info = self.infos.get(name)
            if name in self.changed or info is None:
                out.add(name, self.parts[name], date_time=info.date_time if info else DEFAULT_TIME)
            elif info.compress_type in (STORED, DEFLATED) and not info.flag_bits & 0x1:
                out.add_raw(name, info.compress_type, info.CRC, self._raw(info), info.file_size, info.date_time)
            else:
                out.add(name, self.read(name), date_time=info.date_time)
        return out.getvalue()

    def _raw(self, info: zipfile.ZipInfo) -> bytes:
        start = info.header_offset
        name_len, extra_len = int.from_bytes(self.data[start + 26:start + 28], "little"), \
            int.from_bytes(self.data[start + 28:start + 30], "little")
        begin = start + 30 + name_len + extra_len
        return self.data[begin:begin + info.compress_size]

    # ------------------------------------------------------------ content types
    def set_override(self, part: str, content_type: str | None) -> None:
        xml = self.text(CT_PART)
        name = "/" + part
        for start, end in elements(xml, "Override"):
            if attrs(xml[start:end]).get("PartName", "").lower() == name.lower():
                if content_type is None:
                    xml = xml[:start] + xml[end:]
                    self.write(CT_PART, xml)
                return
        if content_type is None:
            return
        p = root_prefix(xml)
        tag = f'<{p}Override PartName="{esc_attr(name)}" ContentType="{esc_attr(content_type)}"/>'
        close = xml.rfind(f"</{p}Types>")
        self.write(CT_PART, xml[:close] + tag + xml[close:])

    def ensure_default(self, extension: str, content_type: str) -> None:
        xml = self.text(CT_PART)
        for start, end in elements(xml, "Default"):
            if attrs(xml[start:end]).get("Extension", "").lower() == extension:
                return
        p = root_prefix(xml)
        span = find_element(xml, "Default") or find_element(xml, "Override")
        at = span[0] if span else xml.rfind(f"</{p}Types>")
        self.write(CT_PART, xml[:at] + f'<{p}Default Extension="{extension}" ContentType="{esc_attr(content_type)}"/>' + xml[at:])

    # ------------------------------------------------------------ relationships
    def relationships(self, part: str) -> list[dict]:
        """Relationships of `part` ('' for the package): dicts with Id, Type, Target, TargetMode and 'part'."""
        name = rels_part(part) if part else "_rels/.rels"
        if not self.exists(name):
            return []
        xml = self.text(name)
        out = []
        for start, end in elements(xml, "Relationship"):
            a = attrs(xml[start:end])
            if a.get("TargetMode") != "External" and "Target" in a:
                a["part"] = resolve(part, a["Target"]) if part else posixpath.normpath(a["Target"].lstrip("/"))
            out.append(a)
        return out

    def rel_base(self) -> str:
        """The relationship namespace this package uses (transitional or strict)."""
        for rel in self.relationships(""):
            if rel.get("Type", "").startswith(STRICT_REL_BASE):
                return STRICT_REL_BASE
        return REL_BASE

    def add_relationship(self, part: str, rel_type: str, target: str) -> str:
        """A new relationship from `part` to the part `target`; returns its Id."""
        name = rels_part(part)
        if self.exists(name):
            xml = self.text(name)
        else:
            xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
        taken = {r.get("Id") for r in self.relationships(part)} if self.exists(name) else set()
        n = 1
        while f"rId{n}" in taken:
            n += 1
        rid = f"rId{n}"
        p = root_prefix(xml)
        tag = f'<{p}Relationship Id="{rid}" Type="{esc_attr(rel_type)}" Target="{esc_attr(relative(part, target))}"/>'
        span = find_element(xml, "Relationships")
        if span[1] == span[2]:  # <Relationships …/>
            xml = xml[:span[0]] + xml[span[0]:span[1]][:-2] + ">" + tag + f"</{p}Relationships>" + xml[span[2]:]
        else:
            close = xml.rfind(f"</{p}Relationships>")
            xml = xml[:close] + tag + xml[close:]
        self.write(name, xml)
        return rid

    def remove_relationship(self, part: str, rid: str) -> None:
        name = rels_part(part)
        xml = self.text(name)
        for start, end in elements(xml, "Relationship"):
            if attrs(xml[start:end]).get("Id") == rid:
                xml = xml[:start] + xml[end:]
                break
        if not list(elements(xml, "Relationship")):
            self.remove(name)
        else:
            self.write(name, xml)

    def related(self, part: str, kind: str) -> list[dict]:
        """Relationships of `part` whose type ends with '/kind'."""
        return [r for r in self.relationships(part) if r.get("Type", "").rsplit("/", 1)[-1] == kind]

    # ------------------------------------------------------------ the workbook
    def workbook_part(self) -> str:
        for rel in self.relationships(""):
            if rel.get("Type", "").endswith("/officeDocument") and "part" in rel:
                return rel["part"]
        raise DamagedPackage("工作簿缺少主文档（xl/workbook.xml）")

    def sheets(self) -> list[dict]:
        """Every <sheet> of the workbook in order: name, sheetId, rid, part, span (in workbook.xml)."""
        wb = self.workbook_part()
        xml = self.text(wb)
        targets = {r["Id"]: r.get("part") for r in self.relationships(wb)}
        sheets_span = find_element(xml, "sheets")
        out = []
        if sheets_span is None:
            return out
        for start, end in elements(xml, "sheet", sheets_span[1], sheets_span[2]):
            a = attrs(xml[start:end])
            rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), "")
            out.append({"name": a.get("name", ""), "sheetId": a.get("sheetId", ""), "rid": rid,
                        "part": targets.get(rid), "span": (start, end), "state": a.get("state", "visible")})
        return out

    def sheet_part(self, name: str) -> str:
        for sheet in self.sheets():
            if sheet["name"] == name and sheet["part"] and self.exists(sheet["part"]):
                return sheet["part"]
        raise DamagedPackage(f"找不到工作表“{name}”")

    def set_workbook_attr(self, local: str, changes: dict[str, object | None], *, create_before: tuple[str, ...] = ()) -> None:
        """Change attributes of a workbook.xml child such as calcPr (created before the first of create_before)."""
        wb = self.workbook_part()
        xml = self.text(wb)
        span = find_element(xml, local)
        if span is not None:
            xml = xml[:span[0]] + set_attrs(xml[span[0]:span[1]], changes) + xml[span[1]:]
        else:
            p = root_prefix(xml)
            at = next((s[0] for s in (find_element(xml, n) for n in create_before) if s), xml.rfind(f"</{p}workbook>"))
            tag = set_attrs(f"<{p}{local}/>", changes)
            xml = xml[:at] + tag + xml[at:]
        self.write(wb, xml)
