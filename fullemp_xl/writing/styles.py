"""styles.xml: derive the cell formats we need (a mark's fill, the quote prefix) by appending, never by rewriting.

Existing formats keep their indexes, so every cell we do not touch looks exactly as before. A
derived format is looked up before it is appended, so marking and clearing again and again does
not grow the file.
"""
from __future__ import annotations

import json
import re

from .tags import attrs, elements, esc_attr, find_element, root_prefix, set_attrs

SECTIONS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
            "colors", "extLst")
ITEMS = {"fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}
DEFAULT_COLOUR = {"type": "rgb", "value": "00000000", "tint": 0.0}
MINIMAL = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _colour(tag: str | None) -> dict:
    if tag is None:
        return dict(DEFAULT_COLOUR)
    a = attrs(tag)
    tint = float(a.get("tint", 0) or 0)
    for kind in ("rgb", "theme", "indexed", "auto"):
        if kind in a:
            value = a[kind]
            if kind in ("theme", "indexed"):
                value = int(value)
            elif kind == "auto":
                value = value in ("1", "true")
            return {"type": kind, "value": value, "tint": tint}
    return dict(DEFAULT_COLOUR)


def fill_record(fill_xml: str) -> dict:
    """The same dict marking.fill_record makes from an openpyxl PatternFill (the 校验结果 record format)."""
    pattern = re.search(r"<(?:[\w.-]+:)?patternFill\b[^>]*>", fill_xml)
    if pattern is None:
        return {"pattern": None, "fg": dict(DEFAULT_COLOUR), "bg": dict(DEFAULT_COLOUR)}
    fg = re.search(r"<(?:[\w.-]+:)?fgColor\b[^>]*>", fill_xml)
    bg = re.search(r"<(?:[\w.-]+:)?bgColor\b[^>]*>", fill_xml)
    return {"pattern": attrs(pattern.group(0)).get("patternType"), "fg": _colour(fg and fg.group(0)),
            "bg": _colour(bg and bg.group(0))}


def fill_xml(record: dict, prefix: str = "") -> str:
    """A <fill> element for a fill record (the inverse of fill_record)."""
    p = prefix

    def colour(local, c):
        if not c or c == DEFAULT_COLOUR:
            return ""
        value = c["value"]
        if c["type"] == "auto":
            value = "1" if value else "0"
        tint = f' tint="{c["tint"]}"' if c.get("tint") else ""
        return f'<{p}{local} {c["type"]}="{esc_attr(value)}"{tint}/>'

    pattern = f' patternType="{record["pattern"]}"' if record.get("pattern") else ""
    inner = colour("fgColor", record.get("fg")) + colour("bgColor", record.get("bg"))
    return f"<{p}fill><{p}patternFill{pattern}" + (f">{inner}</{p}patternFill></{p}fill>" if inner else f"/></{p}fill>")


def solid_fill(rgb: str, prefix: str = "") -> str:
    return fill_xml({"pattern": "solid", "fg": {"type": "rgb", "value": "00" + rgb[-6:], "tint": 0.0},
                     "bg": dict(DEFAULT_COLOUR)}, prefix)


def _head_attrs(xml: str) -> dict:
    return attrs(xml[:xml.index(">") + 1])


def _inner(xml: str) -> str:
    head_end = xml.index(">") + 1
    return "" if xml[:head_end].endswith("/>") else re.sub(r">\s+<", "><", xml[head_end:])


def _key(section: str, xml: str) -> str:
    """Items that mean the same compare equal, however a producer spaced or ordered their attributes."""
    if section == "fills" and "gradientFill" not in xml:
        return json.dumps(fill_record(xml), sort_keys=True)
    return json.dumps([sorted(_head_attrs(xml).items()), _inner(xml)])


class Styles:
    def __init__(self, xml: str | None):
        self.created = xml is None
        self.xml = MINIMAL if xml is None else xml
        self.p = root_prefix(self.xml)
        self.items: dict[str, list[str]] = {}
        self.added: dict[str, list[str]] = {}
        self.index: dict[str, dict[str, int]] = {}

    def _load(self, section: str) -> list[str]:
        if section not in self.items:
            span = find_element(self.xml, section)
            found = [] if span is None else [self.xml[s:e] for s, e in elements(self.xml, ITEMS[section], span[1], span[2])]
            self.items[section], self.added[section] = found, []
            self.index[section] = {}
            for k, item in enumerate(found):
                self.index[section].setdefault(_key(section, item), k)
        return self.items[section]

    def get(self, section: str, index: int) -> str | None:
        items = self._load(section)
        return items[index] if 0 <= index < len(items) else None

    def add(self, section: str, xml: str) -> int:
        """The index of an item equal to `xml`, appending it when there is none."""
        items = self._load(section)
        key = _key(section, xml)
        if key not in self.index[section]:
            items.append(xml)
            self.added[section].append(xml)
            self.index[section][key] = len(items) - 1
        return self.index[section][key]

    def xf(self, style: str | int) -> str:
        xf = self.get("cellXfs", int(style or 0))
        if xf is None:
            xf = self.get("cellXfs", 0) or f'<{self.p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        return xf

    def derive(self, style: str | int, changes: dict[str, object | None]) -> int:
        xf = self.xf(style)
        head_end = xf.index(">") + 1
        return self.add("cellXfs", set_attrs(xf[:head_end], changes) + xf[head_end:])

    def fill_of(self, style: str | int) -> str:
        fill_id = int(attrs(self.xf(style)).get("fillId", 0) or 0)
        return self.get("fills", fill_id) or f"<{self.p}fill><{self.p}patternFill/></{self.p}fill>"

    def with_fill(self, style: str | int, fill: str) -> int:
        return self.derive(style, {"fillId": self.add("fills", fill), "applyFill": "1"})

    def restore_fill(self, style: str | int, fill: str) -> int:
        """The format `style` with `fill` back: an existing format when one matches (as before a mark), else a new one."""
        fill_id = str(self.add("fills", fill))
        xf = self.xf(style)
        wanted = ({**_head_attrs(xf), "fillId": fill_id, "applyFill": None}, _inner(xf))
        for k, candidate in enumerate(self._load("cellXfs")):
            if ({**_head_attrs(candidate), "applyFill": None}, _inner(candidate)) == wanted:
                return k
        return self.derive(style, {"fillId": fill_id})

    def quoted(self, style: str | int) -> int:
        """The same format with Excel's quote prefix: the text is shown as typed and stays text."""
        return self.derive(style, {"quotePrefix": "1"})

    def changed(self) -> bool:
        return self.created or any(self.added.values())

    def to_xml(self) -> str:
        xml = self.xml
        for section in ("fonts", "fills", "borders", "cellXfs"):
            new = self.added.get(section)
            if not new:
                continue
            span = find_element(xml, section)
            if span is None:  # a section the file lacks: put it where the schema wants it
                later = SECTIONS[SECTIONS.index(section) + 1:]
                at = min((s[0] for s in (find_element(xml, n) for n in later) if s), default=xml.rfind(f"</{self.p}styleSheet>"))
                xml = xml[:at] + f'<{self.p}{section} count="{len(new)}">' + "".join(new) + f"</{self.p}{section}>" + xml[at:]
                continue
            count = len(self.items[section])
            open_tag = set_attrs(xml[span[0]:span[1]], {"count": count})
            if span[1] == span[2]:
                xml = xml[:span[0]] + open_tag[:-2] + ">" + "".join(new) + f"</{self.p}{section}>" + xml[span[2]:]
            else:
                close = xml.rfind("</", span[1], span[2])
                xml = xml[:span[0]] + open_tag + xml[span[1]:close] + "".join(new) + xml[close:]
        return xml
