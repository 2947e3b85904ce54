"""File names made from community names: safe on Windows, never escaping the output folder."""
from __future__ import annotations

import re
import unicodedata

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_filename(name: str, *, limit: int = 120) -> str:
    """A single path component: no separators, reserved names, trailing dots or control characters."""
    text = unicodedata.normalize("NFC", str(name))
    text = BAD.sub("_", text).strip().strip(".")
    text = re.sub(r"_+", "_", text) or "未命名"
    if text.split(".")[0].upper() in RESERVED:
        text = "_" + text
    return text[:limit]
