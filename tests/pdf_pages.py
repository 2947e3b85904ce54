"""Pages of a PDF as poppler reads them: the text of each page in drawing order, and each word's box.

LibreOffice draws a sheet cell by cell, so `pdftotext -raw` keeps a cell's text together; text that a
cell clips is still in the PDF, so cut-off text is found by its box (it runs into the next row's words).
"""
from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@dataclass
class Page:
    number: int
    width: float
    height: float
    text: str  # all whitespace removed: what a person reads, cell after cell
    words: list[tuple[float, float, float, float, str]]

    def has(self, text: str) -> bool:
        return squeeze(text) in self.text

    def overlaps(self) -> list[tuple[str, str]]:
        """Pairs of words drawn over each other: a row too low for its text shows as this."""
        out = []
        words = sorted(self.words, key=lambda w: w[1])
        for k, a in enumerate(words):
            for b in words[k + 1:]:
                if b[1] >= a[3]:
                    break
                wide = min(a[2], b[2]) - max(a[0], b[0])
                high = min(a[3], b[3]) - max(a[1], b[1])
                if wide > 1 and high > 0.3 * min(a[3] - a[1], b[3] - b[1]):
                    out.append((a[4], b[4]))
        return out

    def outside(self) -> list[str]:
        return [w[4] for w in self.words if w[0] < 0 or w[1] < 0 or w[2] > self.width or w[3] > self.height]


def squeeze(text) -> str:
    return re.sub(r"\s+", "", str(text))


def pages(pdf: Path) -> list[Page]:
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    texts = raw.decode("utf-8").split("\f")
    boxes = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    out = []
    for n, (width, height, body) in enumerate(PAGE.findall(boxes.decode("utf-8")), start=1):
        words = [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in WORD.findall(body)]
        out.append(Page(n, float(width), float(height), squeeze(texts[n - 1]), words))
    return out
