"""Notes (legacy comments) of one sheet: the comments part and its VML shapes.

We add our notes next to whatever the sheet holds (someone's notes, threaded comments, form
controls in the same VML) and later remove exactly ours; a part we created and emptied goes away
again, with its relationship and content type.
"""
from __future__ import annotations

import re

from ..ooxml.a1 import sheet_ref
from .package import EditablePackage
from .sheet import SheetXml, rich_text
from .tags import attrs, elements, esc_attr, find_element, namespace_prefix, root_prefix, unescape
from .text import xml_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VML_NS = {"v": "urn:schemas-microsoft-com:vml", "o": "urn:schemas-microsoft-com:office:office",
          "x": "urn:schemas-microsoft-com:office:excel"}
AFTER_LEGACY_DRAWING = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                        "tableParts", "extLst", "AlternateContent")
# a shape in any namespace prefix (Excel writes v:, openpyxl ns1:); shapetype and shapelayout are other names
SHAPE = re.compile(r"<([\w.-]+:)?shape\b(?:(?!<(?:[\w.-]+:)?shape\b).)*?</\1?shape>", re.S)
ROW = re.compile(r"<(?:[\w.-]+:)?Row>\s*(\d+)\s*</(?:[\w.-]+:)?Row>")
COLUMN = re.compile(r"<(?:[\w.-]+:)?Column>\s*(\d+)\s*</(?:[\w.-]+:)?Column>")


def note_shapes(vml: str):
    """(row, column, shape text) of every note shape in a VML drawing, 1-based cells."""
    for m in SHAPE.finditer(vml):
        row, col = ROW.search(m.group(0)), COLUMN.search(m.group(0))
        if 'ObjectType="Note"' in m.group(0) and row and col:
            yield int(row.group(1)) + 1, int(col.group(1)) + 1, m.group(0)
NEW_VML = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
           ' <o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>\n'
           '{shapetype}</xml>')
SHAPETYPE = (' <v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
             '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>\n')


def _shape(shape_id: int, row: int, col: int, lines: int, local_ns: str) -> str:
    height = 12 + 13 * max(lines, 2)
    return (f'<v:shape{local_ns} id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
            f'margin-top:2pt;width:240pt;height:{height}pt;z-index:{shape_id % 1024};visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{col + 1}, 15, {max(row - 1, 0)}, 10, {col + 5}, 15, {row + 2 + lines}, 4</x:Anchor>'
            f'<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>')


class Notes:
    def __init__(self, pkg: EditablePackage, sheet_part: str, sheet: SheetXml):
        self.pkg, self.part, self.sheet = pkg, sheet_part, sheet
        rels = pkg.relationships(sheet_part)
        self.comments_rel = next((r for r in rels if r.get("Type", "").endswith("/comments") and "part" in r), None)
        drawing = find_element(sheet.tail, "legacyDrawing")
        rid = None
        if drawing is not None:
            rid = next((v for k, v in attrs(sheet.tail[drawing[0]:drawing[1]]).items() if k.endswith(":id")), None)
        self.vml_rel = next((r for r in rels if r.get("Id") == rid and "part" in r), None) if rid else None
        self.comments = pkg.text(self.comments_rel["part"]) if self.comments_rel and pkg.exists(self.comments_rel["part"]) else None
        self.vml = pkg.text(self.vml_rel["part"]) if self.vml_rel and pkg.exists(self.vml_rel["part"]) else None
        self.dirty = False

    # ------------------------------------------------------------ reading
    def authors(self) -> list[str]:
        if self.comments is None:
            return []
        span = find_element(self.comments, "authors")
        if span is None:
            return []
        return [unescape(re.sub(r"<[^>]*>", "", self.comments[s:e])) for s, e in elements(self.comments, "author", span[1], span[2])]

    def existing(self) -> dict[str, tuple[str, str]]:
        """ref → (text, author) of every note on this sheet."""
        if self.comments is None:
            return {}
        names = self.authors()
        out = {}
        for start, end in elements(self.comments, "comment"):
            piece = self.comments[start:end]
            a = attrs(piece[:piece.index(">") + 1])
            k = int(a.get("authorId", "-1") or "-1")
            out[a.get("ref", "").replace("$", "")] = (rich_text(piece), names[k] if 0 <= k < len(names) else "")
        return out

    # ------------------------------------------------------------ writing
    def add(self, ref: str, text: str, author: str) -> None:
        if self.comments is None:
            self.comments = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                             f'<comments xmlns="{MAIN}"><authors></authors><commentList></commentList></comments>')
        p = root_prefix(self.comments)
        names = self.authors()
        if author not in names:
            span = find_element(self.comments, "authors")
            entry = f"<{p}author>{xml_text(author)}</{p}author>"
            if span is None:
                at = find_element(self.comments, "commentList")[0]
                self.comments = self.comments[:at] + f"<{p}authors>{entry}</{p}authors>" + self.comments[at:]
            elif span[1] == span[2]:
                self.comments = self.comments[:span[0]] + f"<{p}authors>{entry}</{p}authors>" + self.comments[span[2]:]
            else:
                close = self.comments.rfind("</", span[1], span[2])
                self.comments = self.comments[:close] + entry + self.comments[close:]
            names.append(author)
        comment = (f'<{p}comment ref="{esc_attr(ref)}" authorId="{names.index(author)}"><{p}text>'
                   f'<{p}t xml:space="preserve">{xml_text(text)}</{p}t></{p}text></{p}comment>')
        span = find_element(self.comments, "commentList")
        if span[1] == span[2]:
            self.comments = self.comments[:span[0]] + f"<{p}commentList>{comment}</{p}commentList>" + self.comments[span[2]:]
        else:
            close = self.comments.rfind("</", span[1], span[2])
            self.comments = self.comments[:close] + comment + self.comments[close:]
        self._add_shape(ref, text.count("\n") + 1 + len(text) // 24)
        self.dirty = True

    def _add_shape(self, ref: str, lines: int) -> None:
        row, col = sheet_ref(ref)
        if self.vml is None:
            block = 1 + max((int(n) for part in self.pkg.names() if part.endswith(".vml")
                             for n in re.findall(r'data="([\d,]+)"', self.pkg.text(part)) for n in n.split(",") if n),
                            default=0)
            self.vml = NEW_VML.format(block=block, shapetype=SHAPETYPE)
        bound = all(namespace_prefix(self.vml, uri) == prefix for prefix, uri in VML_NS.items())
        local_ns = "" if bound else "".join(f' xmlns:{k}="{v}"' for k, v in VML_NS.items())
        if "_x0000_t202" not in self.vml:
            at = self.vml.rfind("</xml>")
            self.vml = self.vml[:at] + SHAPETYPE.replace("<v:shapetype", f"<v:shapetype{local_ns}", 1) + self.vml[at:]
        used = [int(n) for n in re.findall(r"_x0000_s(\d+)", self.vml)]
        block = re.search(r'data="(\d+)', self.vml)
        shape_id = max(used, default=int(block.group(1)) * 1024 if block else 1024) + 1
        at = self.vml.rfind("</xml>")
        self.vml = self.vml[:at] + _shape(shape_id, row - 1, col - 1, lines, local_ns) + self.vml[at:]

    def remove(self, refs: set[str], author: str) -> int:
        """Remove the notes `author` wrote on these cells; returns how many went."""
        if self.comments is None or not refs:
            return 0
        names = self.authors()
        mine = str(names.index(author)) if author in names else None
        refs = {r for r in refs if self.existing().get(r, ("", ""))[1] == author}
        gone = 0
        for start, end in reversed(list(elements(self.comments, "comment"))):
            a = attrs(self.comments[start:self.comments.index(">", start) + 1])
            if a.get("ref", "").replace("$", "") in refs and a.get("authorId") == mine:
                self.comments = self.comments[:start] + self.comments[end:]
                gone += 1
        if self.vml is not None:
            cells = {sheet_ref(r) for r in refs}
            for row, col, shape in list(note_shapes(self.vml)):
                if (row, col) in cells:
                    self.vml = self.vml.replace(shape, "", 1)
        self.dirty = self.dirty or gone > 0
        return gone

    def drop_author(self, author: str) -> None:
        """Remove `author` from the list when it is the last one and no note uses it (indexes stay valid)."""
        names = self.authors()
        if not names or names[-1] != author or f'authorId="{len(names) - 1}"' in self.comments:
            return
        spans = list(elements(self.comments, "author"))
        start, end = spans[-1]
        self.comments = self.comments[:start] + self.comments[end:]
        self.dirty = True

    def commit(self) -> None:
        if not self.dirty:
            return
        pkg, base = self.pkg, self.pkg.rel_base()
        if self.comments is not None and list(elements(self.comments, "comment")):
            if self.comments_rel is None:
                name = pkg.unused_name("xl/comments{}.xml")
                rid = pkg.add_relationship(self.part, base + "/comments", name)
                self.comments_rel = {"Id": rid, "part": name}
                pkg.set_override(name, COMMENTS_TYPE)
            pkg.write(self.comments_rel["part"], self.comments)
        elif self.comments_rel is not None:
            pkg.remove(self.comments_rel["part"])
            pkg.remove_relationship(self.part, self.comments_rel["Id"])
            pkg.set_override(self.comments_rel["part"], None)
            self.comments_rel = None
        if self.vml is not None and SHAPE.search(self.vml):
            if self.vml_rel is None:
                name = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
                rid = pkg.add_relationship(self.part, base + "/vmlDrawing", name)
                self.vml_rel = {"Id": rid, "part": name}
                pkg.ensure_default("vml", VML_TYPE)
                r = namespace_prefix(self.sheet.head, base)
                declare = "" if r else f' xmlns:r="{base}"'
                r = r or "r"
                self.sheet.insert_element(f'<{self.sheet.p}legacyDrawing{declare} {r}:id="{rid}"/>', AFTER_LEGACY_DRAWING)
            pkg.write(self.vml_rel["part"], self.vml)
        elif self.vml_rel is not None:
            pkg.remove(self.vml_rel["part"])
            pkg.remove_relationship(self.part, self.vml_rel["Id"])
            self.sheet.remove_element("legacyDrawing")
            self.vml_rel = None
