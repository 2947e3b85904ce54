"""File names made from community names: safe on Windows, within the file system's limits, never escaping the output folder."""
from __future__ import annotations

import hashlib
import re
import unicodedata

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
NAME_BYTES = 255  # one path component, in UTF-8 bytes (ext4, NTFS counts UTF-16 units: 255 of them is more)
STEM_BYTES = 200  # room left for '-2-考评表.xlsx' and the like


def fit_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes: the readable start, '…' and a short hash of the whole, so two
    long names that start alike stay different and a re-run gives the same name."""
    if len(text.encode("utf-8")) <= limit:
        return text
    tag = "…" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    room = limit - len(tag.encode("utf-8"))
    cut = text.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .")
    return cut + tag


def safe_filename(name: str, *, max_bytes: int = STEM_BYTES) -> str:
    """A single path component: no separators, reserved names, trailing dots or control characters; short enough."""
    text = unicodedata.normalize("NFC", str(name))
    text = BAD.sub("_", text).strip().strip(".")
    text = re.sub(r"_+", "_", text) or "未命名"
    if text.split(".")[0].upper() in RESERVED:
        text = "_" + text
    return fit_bytes(text, max_bytes)
