"""The long sheets of the summary (汇总, 问题清单), serialised here and spliced into the saved package.

openpyxl builds a Python object for every cell and hashes its style on every assignment: writing
2,000 rows of 57 columns took seconds, longer than reading the 2,000 files. Here each row becomes
XML text directly, with the style indexes openpyxl itself assigned (so styles.xml stays openpyxl's),
and rows and hyperlinks stream to temporary files: memory stays flat at any number of rows. openpyxl
still writes everything else of the sheet (columns, header rows, panes, filters, validations,
conditional formats, page setup); `splice` puts our rows and links in their places afterwards.
"""
from __future__ import annotations

import pickle
import re
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from openpyxl.cell import WriteOnlyCell

from ..ooxml.a1 import column_letter
from ..ooxml.parts import rels_part

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LETTERS = [column_letter(k) for k in range(1, 200)]


_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what xml_text changes


def xml_text(value: str) -> str:
    if _SPECIAL.search(value) is None:  # most texts (names, scores, messages): nothing to change
        return value
    return escape(ILLEGAL.sub("\ufffd", value))


class FastRows:
    """Data rows of one write-only sheet: `add` them in order, then `close`."""

    def __init__(self, ws, folder: Path, style_of):
        self.ws, self.style_of = ws, style_of
        self.rows_path = folder / f"rows-{ws.title}.xml"
        self.links_path = folder / f"links-{ws.title}.xml"
        self.rels_path = folder / f"rels-{ws.title}.xml"
        self.rows = self.rows_path.open("w", encoding="utf-8")
        self.links = self.links_path.open("w", encoding="utf-8")
        self.rels = self.rels_path.open("w", encoding="utf-8")
        self.count = 0
        self._styles: dict[tuple, int] = {}

    def style(self, *key) -> int:
        """The cellXfs index of a style (font, alignment, fill, number format, border, quote prefix)."""
        found = self._styles.get(key)
        if found is None:
            c = WriteOnlyCell(self.ws, None)
            self.style_of(c, self.ws, *key)
            found = self._styles[key] = self.ws.parent._cell_styles.add(c._style)
        return found

    def add(self, row: int, cells: list[tuple[object, int]], height: float | None = None,
            links: dict[int, tuple[str, str]] | None = None) -> None:
        """cells: (value, style) from column A; links: column index -> (target, tooltip)."""
        if len(cells) > len(LETTERS):
            raise IndexError("too many columns")
        parts = [f'<row r="{row}"' + (f' ht="{height:g}" customHeight="1"' if height else "") + ">"]
        append = parts.append
        for letter, (value, style) in zip(LETTERS, cells):  # the hot loop of a large summary: plain types first
            kind = type(value)
            if value is None or (kind is str and not value):
                append(f'<c r="{letter}{row}" s="{style}"/>')
            elif kind is str:
                space = ' xml:space="preserve"' if value != value.strip() else ""
                append(f'<c r="{letter}{row}" s="{style}" t="inlineStr"><is><t{space}>{xml_text(value)}</t></is></c>')
            elif value == "":
                append(f'<c r="{letter}{row}" s="{style}"/>')
            elif isinstance(value, bool):
                append(f'<c r="{letter}{row}" s="{style}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                append(f'<c r="{letter}{row}" s="{style}"><v>{value!r}</v></c>')
            else:
                text = str(value)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                append(f'<c r="{letter}{row}" s="{style}" t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>')
        append("</row>")
        self.rows.write("".join(parts))
        for k, (target, tooltip) in (links or {}).items():
            self.count += 1
            rid = f"fe_link{self.count}"
            tip = f" tooltip={quoteattr(tooltip)}" if tooltip else ""
            self.links.write(f'<hyperlink ref="{LETTERS[k]}{row}" r:id="{rid}"{tip}/>')
            self.rels.write(f'<Relationship Id="{rid}" Type="{HYPERLINK}" Target={quoteattr(ILLEGAL.sub("", target))} '
                            'TargetMode="External"/>')

    def close(self) -> None:
        for fh in (self.rows, self.links, self.rels):
            fh.close()

    @property
    def part(self) -> str:
        return self.ws.path.lstrip("/")


class Spill:
    """Values kept for a later sheet, on disk instead of in memory (pickled one after another)."""

    def __init__(self, path: Path):
        self.path = path
        self.file = path.open("wb")

    def add(self, value) -> None:
        pickle.dump(value, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self):
        self.file.close()
        with self.path.open("rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return


# Elements that follow <hyperlinks> in a worksheet (ECMA-376 order): the links go before the first one present.
AFTER_LINKS = ("<printOptions", "<pageMargins", "<pageSetup", "<headerFooter", "<rowBreaks", "<colBreaks",
               "<customProperties", "<cellWatches", "<ignoredErrors", "<smartTags", "<drawing", "<legacyDrawing",
               "<picture", "<oleObjects", "<controls", "<webPublishItems", "<tableParts", "<extLst", "</worksheet>")


def splice(package: Path, sheets: list[FastRows]) -> None:
    """Rewrite the saved package with each sheet's rows and hyperlinks in place (streamed, not in memory)."""
    by_part = {s.part: s for s in sheets}
    tmp = package.with_name(package.name + ".splice")
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for info in src.infolist():
            sheet = by_part.get(info.filename)
            if sheet is None:
                if info.filename not in {rels_part(p) for p in by_part}:
                    dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
                continue
            xml = src.read(info).decode("utf-8")
            _write_sheet(dst, info.filename, xml, sheet)
        for part, sheet in by_part.items():
            rels = rels_part(part)
            old = src.read(rels).decode("utf-8") if rels in names else ""
            _write_rels(dst, rels, old, sheet)
    shutil.move(tmp, package)


def _write_sheet(dst: zipfile.ZipFile, name: str, xml: str, sheet: FastRows) -> None:
    if "</sheetData>" in xml:
        head, tail = xml.split("</sheetData>", 1)
    else:  # openpyxl wrote <sheetData/>: no header rows
        head, tail = xml.replace("<sheetData/>", "<sheetData>", 1).split("<sheetData>", 1)
        head, tail = head + "<sheetData>", tail
    if sheet.count:
        cut = min((tail.find(tag) for tag in AFTER_LINKS if tail.find(tag) >= 0), default=len(tail))
        middle, rest = tail[:cut], tail[cut:]
        if 'xmlns:r="' not in head:
            head = head.replace("<worksheet ", f'<worksheet xmlns:r="{R_NS}" ', 1)
    else:
        middle, rest = tail, ""
    with dst.open(name, "w", force_zip64=True) as out:
        out.write(head.encode("utf-8"))
        with sheet.rows_path.open("rb") as rows:
            shutil.copyfileobj(rows, out)
        out.write(b"</sheetData>")
        out.write(middle.encode("utf-8"))
        if sheet.count:
            out.write(b"<hyperlinks>")
            with sheet.links_path.open("rb") as links:
                shutil.copyfileobj(links, out)
            out.write(b"</hyperlinks>")
        out.write(rest.encode("utf-8"))


def _write_rels(dst: zipfile.ZipFile, name: str, old: str, sheet: FastRows) -> None:
    if not sheet.count and not old:
        return
    head, tail = (old.rsplit("</Relationships>", 1) if old else
                  (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}">', ""))
    with dst.open(name, "w", force_zip64=True) as out:
        out.write(head.encode("utf-8"))
        with sheet.rels_path.open("rb") as rels:
            shutil.copyfileobj(rels, out)
        out.write(b"</Relationships>" + tail.encode("utf-8"))
