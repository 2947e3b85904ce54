"""The one rule for text fullemp writes from outside data, and how a value becomes cell XML.

Text that starts like a formula (= + - @, tab, CR) stays text in every workbook we write: in a
package we patch it is a string cell with Excel's quote prefix (shown without the apostrophe, and it
stays text when someone edits the cell); through openpyxl, `put_text`; through Excel, a leading
apostrophe. A formula we mean to write is a `Formula`, never a plain string.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from .tags import esc_attr

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot carry these characters; Excel writes them (and a literal '_xHHHH_') as _xHHHH_.
# A carriage return is written as &#13;, which every XML reader keeps.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
MAX_CELL_TEXT = 32767


class Formula(str):
    """A formula we write on purpose ('=SUM(A1:A3)'); every other string is written as text."""


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet could take for a formula or a command (the CSV/formula-injection set)."""
    return isinstance(text, str) and text.startswith(FORMULA_START)


def excel_value(value):
    """A value as Excel's Range.value (xlwings) should get it: a Formula as is; text that looks like one, as text."""
    if isinstance(value, str) and not isinstance(value, Formula) and looks_like_formula(value):
        return "'" + value
    return value


def put_text(cell, value) -> None:
    """Write outside data into an openpyxl cell: numbers stay numbers, text always stays text."""
    if value is None or isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        cell.value = value
        return
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl would otherwise turn '=…' into a formula
    if looks_like_formula(text):
        cell.quotePrefix = True


def xml_text(text: str) -> str:
    """Cell or note text as XML character data (ST_Xstring escaping for characters XML cannot carry)."""
    text = NOT_XML.sub(lambda m: "_x005F_" if m.group(0) == "_" else f"_x{ord(m.group(0)):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _number(value) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} into a cell")
        return repr(value) if not value.is_integer() or abs(value) >= 1e16 else str(int(value))
    return str(value)


def cell_xml(ref: str, style: str | None, value, *, prefix: str = "", quote_style: str | None = None) -> str:
    """A complete <c> element for `value` (None: style only). `quote_style` is the style to use for guarded text."""
    p = prefix
    s = f' s="{style}"' if style not in (None, "", "0") else ""
    if value is None:
        return f'<{p}c r="{ref}"{s}/>'
    if isinstance(value, Formula):
        body = value[1:] if value.startswith("=") else str(value)
        return f'<{p}c r="{ref}"{s}><{p}f>{xml_text(body)}</{p}f></{p}c>'
    if isinstance(value, bool):
        return f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (int, float)):
        return f'<{p}c r="{ref}"{s}><{p}v>{_number(value)}</{p}v></{p}c>'
    if isinstance(value, (dt.date, dt.datetime)):
        from openpyxl.utils.datetime import to_excel

        return f'<{p}c r="{ref}"{s}><{p}v>{_number(float(to_excel(value)))}</{p}v></{p}c>'
    text = str(value)[:MAX_CELL_TEXT]
    if looks_like_formula(text) and quote_style is not None:
        s = f' s="{esc_attr(quote_style)}"'
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t{space}>{xml_text(text)}</{p}t></{p}is></{p}c>'
