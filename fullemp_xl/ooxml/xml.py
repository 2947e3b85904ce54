"""The one safe XML parse of a part, for every reader of ours (the fast reader, screening, the ledger,
the add-in check): lxml with no DTD loading, no entity resolution and no network, libxml2's own limits
on depth and text size (huge_tree off); a part that declares a DOCTYPE is refused even when nothing
in it would expand. Each caller says in its own words what the damage means for its file.
"""
from __future__ import annotations

import io

from lxml import etree

UNSAFE = "文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝处理：请用 Excel 打开后另存为 .xlsx"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False)


class UnsafeXml(ValueError):
    """A DTD, entity or external reference: refused wherever it appears."""


class DamagedXml(SyntaxError):
    """Not well-formed XML (a SyntaxError, like ElementTree's ParseError); the parser's words in str()."""


def parse_xml(data: bytes) -> etree._Element:
    """A whole part as an element tree; DamagedXml for XML that is not well-formed, UnsafeXml for a DTD."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DamagedXml(str(exc)) from None
    _refuse_dtd(root.getroottree())
    return root


def _refuse_dtd(tree) -> None:
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXml(UNSAFE)


def iterparse_xml(data, tag: str):
    """Stream the elements `tag` of a large part — its bytes, or a file to read them from in pieces — (the
    caller clears them); DamagedXml at the damage, UnsafeXml for a DTD (as parse_xml: refused before the
    first element is given, so a reader that streams parts the screening left to it is as safe)."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    parser = etree.iterparse(source, events=("end",), tag=tag, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    checked = False
    try:
        for _, element in parser:
            if not checked:
                _refuse_dtd(element.getroottree())
                checked = True
            yield element
        if not checked and parser.root is not None:
            _refuse_dtd(parser.root.getroottree())
    except etree.XMLSyntaxError as exc:
        raise DamagedXml(str(exc)) from None
