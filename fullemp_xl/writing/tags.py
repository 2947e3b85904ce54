"""Start tags, attributes and element spans in package XML, found by scanning the text.

Surgical writes splice our changes into a part and leave every other byte where it was, so they
need offsets, which an XML parser does not give. Scanning never expands entities or reads a DTD:
a hostile part cannot make it do more work than one pass over the text.
"""
from __future__ import annotations

import re

ATTR = re.compile(r'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
CHAR_REF = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class DamagedPackage(ValueError):
    """A part of the package is not what a workbook part must be (the message is Chinese)."""


def unescape(text: str) -> str:
    def one(m):
        ref = m.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return NAMED[ref]

    return CHAR_REF.sub(one, text)


_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def esc_attr(value) -> str:
    """A value for an attribute in "…", as xml.sax.saxutils.escape(value, {'"': "&quot;"}) gives it: that module
    imports urllib and http (25 ms), and this one is imported by the merge workers and every Excel click."""
    return str(value).translate(_ATTR_ESCAPES)


def attrs(tag: str) -> dict[str, str]:
    """The attributes of one start tag, unescaped (prefixes kept: 'r:id')."""
    head = tag.split(None, 1)
    if len(head) < 2:
        return {}
    return {m.group(1): unescape(m.group(2) if m.group(2) is not None else m.group(3)) for m in ATTR.finditer(head[1])}


def set_attrs(tag: str, changes: dict[str, object | None]) -> str:
    """The start tag with attributes replaced, added (at the end) or removed (value None); others untouched."""
    for name, value in changes.items():
        pattern = re.compile(r'(\s)' + re.escape(name) + r'\s*=\s*(?:"[^"]*"|\'[^\']*\')')
        if value is None:
            tag = pattern.sub("", tag, count=1)
        elif pattern.search(tag):
            tag = pattern.sub(lambda m: f'{m.group(1)}{name}="{esc_attr(value)}"', tag, count=1)
        else:
            end = len(tag) - (2 if tag.endswith("/>") else 1)
            tag = tag[:end].rstrip() + f' {name}="{esc_attr(value)}"' + tag[end:]
    return tag


def start_tag(local: str) -> re.Pattern:
    """A start (or empty-element) tag of `local` in any namespace prefix."""
    return re.compile(r"<((?:[\w.-]+:)?" + re.escape(local) + r")(?=[\s/>])[^>]*>")


def find_element(xml: str, local: str, start: int = 0, end: int | None = None) -> tuple[int, int, int] | None:
    """(start, end of start tag, end of element) of the first `local` element; elements of that name must not nest."""
    m = start_tag(local).search(xml, start, len(xml) if end is None else end)
    if m is None:
        return None
    if m.group(0).endswith("/>"):
        return m.start(), m.end(), m.end()
    close = xml.find(f"</{m.group(1)}>", m.end())
    if close < 0:
        raise DamagedPackage(f"工作簿的 XML 不完整（<{m.group(1)}> 没有结束）")
    return m.start(), m.end(), close + len(m.group(1)) + 3


def elements(xml: str, local: str, start: int = 0, end: int | None = None):
    """Every `local` element between start and end: (start, end) spans, in order."""
    pos = start
    while True:
        span = find_element(xml, local, pos, end)
        if span is None:
            return
        yield span[0], span[2]
        pos = span[2]


def root_prefix(xml: str) -> str:
    """'x:' when the part's root element carries a namespace prefix, else ''."""
    m = re.search(r"<(?![?!])([\w.-]+:)?[\w.-]+", xml)
    return (m.group(1) or "") if m else ""


def namespace_prefix(xml: str, uri: str) -> str | None:
    """The prefix the root element binds to `uri` ('' for the default namespace), or None."""
    m = re.search(r"<(?![?!])[^>]*>", xml)
    if m is None:
        return None
    for name, value in attrs(m.group(0)).items():
        if value == uri and (name == "xmlns" or name.startswith("xmlns:")):
            return name[6:] if ":" in name else ""
    return None
