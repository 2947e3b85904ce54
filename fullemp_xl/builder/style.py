"""Fonts, borders and sizes of an official Chinese form (GB/T 9704 fonts; 宋体 for table text)."""
from __future__ import annotations

import math
import unicodedata

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

TITLE_FONT = Font(name="方正小标宋简体", size=18)
HEAD_FONT = Font(name="黑体", size=11)
BODY_FONT = Font(name="宋体", size=10)
NOTE_FONT = Font(name="宋体", size=9, color="595959")
INPUT_FONT = Font(name="宋体", size=11, color="1F3864")
WARN_FONT = Font(name="黑体", size=11, color="C00000")

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

# Where people type and what formulas compute carry no shading: a filled form prints like the official one
# (Excel's "print in black and white" is not honoured by every program). Inputs are the unlocked cells,
# with a prompt when selected and a blue font.
INPUT_FILL = PatternFill()
FORMULA_FILL = PatternFill()
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)


def text_width(text: str) -> int:
    """Display width in Excel column units: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def row_height(texts_and_widths, *, line_pt: float = 14, minimum: float = 20) -> float:
    """A row height that shows wrapped text whole (the summary workbook's; the forms use builder.layout)."""
    lines = 1
    for text, width in texts_and_widths:
        if text:
            lines = max(lines, sum(math.ceil(max(text_width(p), 1) / max(width - 3, 1)) for p in str(text).split("\n")))
    return max(minimum, lines * line_pt + 6)
