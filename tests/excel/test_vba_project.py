"""The VBA project writer, judged by readers that did not make it: oletools (olevba, its MS-OVBA
decompressor, olefile's compound-file reader) and LibreOffice (which imports VBA from .xlsm)."""
from __future__ import annotations

import io
import re
import struct
import zipfile
from html import unescape
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from conftest import ROOT
from fullemp_xl.addin import macros, package
from fullemp_xl.addin.vba import Module, cfb, compress, vba_project
from lo_oracle import require_soffice, to_ods


def roundtrip(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(compress(data))))


def expected_after_roundtrip(data: bytes) -> bytes:
    """A last chunk stored raw is padded to 4096 bytes (MS-OVBA §2.4.1.3.10); nothing else changes."""
    out = roundtrip(data)
    assert out[:len(data)] == data
    assert set(out[len(data):]) <= {0} and len(out) - len(data) < 4096
    return out


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=12000))
def test_compression_round_trips_through_oletools_on_any_bytes(data):
    expected_after_roundtrip(data)


VBA_LIKE = st.text(alphabet="    \r\nabcdefghijklmnopqrstuvwxyzABCDEFGHIJ()=\"'.,_&0123456789", max_size=20000)


@settings(max_examples=200, deadline=None)
@given(VBA_LIKE, st.integers(min_value=1, max_value=6))
def test_compression_round_trips_exactly_on_text(text, repeat):
    data = (text * repeat).encode("ascii")
    assert roundtrip(data) == data  # text always compresses: no raw chunk, no padding


@pytest.mark.parametrize("data", [b"", b"a", b"abc" * 3, b"a" * 5000, b" " * 4096 + b"x", bytes(range(256)) * 40],
                         ids=["empty", "one", "short-repeat", "long-run", "chunk-edge", "ramp"])
def test_compression_edge_cases(data):
    # long runs are where ms-ovba-compression 1.0.1 corrupts (copy length past the token's length bits)
    assert roundtrip(data) == data


def test_compression_of_our_real_modules_and_the_xlwings_runtime():
    for module in macros.vba_modules():
        data = module.source.encode("cp1252")
        compressed = compress(data)
        assert roundtrip(data) == data
        assert len(compressed) < len(data) * (0.6 if len(data) > 4096 else 0.9), module.name


def red_black_ok(ole, first: int) -> int:
    """Checks one sibling tree (order and red-black rules); returns its black height."""
    def walk(sid, lo, hi):
        if sid == olefile.NOSTREAM:
            return 1
        e = ole.direntries[sid]
        key = (len(e.name), e.name.upper())
        assert (lo is None or lo < key) and (hi is None or key < hi), e.name
        left, right = walk(e.sid_left, lo, key), walk(e.sid_right, key, hi)
        assert left == right, f"black height differs under {e.name}"
        if e.color == 0:  # red: no red child
            for child in (e.sid_left, e.sid_right):
                assert child == olefile.NOSTREAM or ole.direntries[child].color == 1
        return left + (e.color == 1)

    assert first == olefile.NOSTREAM or ole.direntries[first].color == 1
    return walk(first, None, None)


NAMES = st.text(alphabet="abcdefghijXYZ_0123456789", min_size=1, max_size=31)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(NAMES, st.binary(max_size=9000), max_size=25),
       st.dictionaries(NAMES, st.binary(max_size=300), max_size=5))
def test_compound_file_reads_back_with_olefile(streams, top):
    tree = {**{k: v for k, v in top.items() if k.upper() != "STORAGE"}, "Storage": streams}
    ole = olefile.OleFileIO(io.BytesIO(cfb.write(tree)))
    for name, data in tree.items():
        if isinstance(data, dict):
            for inner, value in data.items():
                assert ole.openstream(f"{name}/{inner}").read() == value
        else:
            assert ole.openstream(name).read() == data
    for entry in ole.direntries:
        if entry is not None and entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            red_black_ok(ole, entry.sid_child)


def decrypt(hex_text: str) -> bytes:
    """MS-OVBA §2.4.3.3, written here from the spec (independent of the writer)."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = data[0], data[1], data[2]
    assert version_enc ^ seed == 2
    plain1, enc1, enc2 = key_enc ^ seed, key_enc, version_enc
    out = []
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((enc2 + plain1) & 0xFF)
        out.append(byte)
        enc2, enc1, plain1 = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(out[ignored:ignored + 4]))[0]
    body = bytes(out[ignored + 4:])
    assert len(body) == length
    return body


def project_text(vba_bin: bytes) -> str:
    return olefile.OleFileIO(io.BytesIO(vba_bin)).openstream("PROJECT").read().decode("cp1252")


def test_project_stream_says_unprotected_and_visible_like_office_does():
    import xlwings

    office = project_text(zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam")
                          .read("xl/vbaProject.bin"))
    ours = project_text(package.parts()["xl/vbaProject.bin"])
    for text in (office, ours):  # the decryptor agrees with Office's own values first
        fields = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"', text, re.M))
        assert decrypt(fields["CMG"]) == bytes(4) and decrypt(fields["DPB"]) == b"\0"
        assert decrypt(fields["GC"]) == b"\xff"
    assert 'Name="fullemp"' in ours and "Module=fullemp_ribbon" in ours and "Document=ThisWorkbook/&H00000000" in ours


# MS-OVBA 2.3.1.1 ProjectProperties: ProjectId *ProjectItem [ProjectHelpFile] [ProjectExeName32] ProjectName
# ProjectHelpId [ProjectDescription] [ProjectVersionCompat32] ProjectProtectionState ProjectPassword ProjectVisibilityState
PROPERTY_ORDER = ["ID", "ITEM", "HelpFile", "ExeName32", "Name", "HelpContextID", "Description", "VersionCompatible32",
                  "CMG", "DPB", "GC"]


def property_order(text: str) -> list[str]:
    keys = [line.split("=", 1)[0] for line in text.split("\r\n\r\n", 1)[0].split("\r\n")]
    return [("ITEM" if k in ("Document", "Module", "Class", "Package", "BaseClass") else k) for k in keys]


def test_project_stream_properties_in_ms_ovba_order():
    import xlwings

    office = project_text(zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam")
                          .read("xl/vbaProject.bin"))
    ours = project_text(package.parts()["xl/vbaProject.bin"])
    for text in (office, ours):
        order = property_order(text)
        assert order == sorted(order, key=PROPERTY_ORDER.index), order
    assert [k for k in property_order(ours) if k != "ITEM"] == ["ID", "Name", "HelpContextID", "Description",
                                                               "VersionCompatible32", "CMG", "DPB", "GC"]


def test_olevba_extracts_exactly_our_modules_from_the_built_xlam(tmp_path):
    path = package.build_xlam(tmp_path / "fullemp.xlam")
    parser = VBA_Parser(str(path))
    extracted = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    committed = {p.stem: p.read_bytes().decode("ascii") for p in (ROOT / "macros").iterdir() if p.suffix in (".bas", ".cls")}
    assert set(extracted) == set(committed) | {"xlwings"}
    for name, text in committed.items():
        assert extracted[name] == text, f"macros/{name} differs from the VBA in the built add-in"
    assert extracted["xlwings"] == macros.xlwings_bas().replace("\n", "\r\n")
    assert 'PROJECT_NAME As String = "fullemp"' in extracted["xlwings"]


def test_build_is_reproducible(tmp_path):
    first = package.build_xlam(tmp_path / "a.xlam").read_bytes()
    second = package.build_xlam(tmp_path / "b.xlam").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.read("customUI/customUI.xml").decode("utf-8") == macros.custom_ui()
        assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in z.read("[Content_Types].xml").decode()


def test_modules_must_be_ascii_and_named():
    with pytest.raises(ValueError, match="ASCII"):
        Module("m", 'Attribute VB_Name = "m"\r\n\' 中文\r\n')
    with pytest.raises(ValueError, match="VB_Name"):
        Module("m", "Sub x()\r\nEnd Sub\r\n")
    with pytest.raises(ValueError, match="unique"):
        vba_project("{00000000-0000-0000-0000-000000000001}", "p", "d",
                    [Module("m", 'Attribute VB_Name = "m"\r\n'), Module("M", 'Attribute VB_Name = "M"\r\n')])


@pytest.mark.libreoffice
def test_libreoffice_imports_every_module(tmp_path):
    require_soffice()
    xlsm = tmp_path / "fullemp.xlsm"
    xlsm.write_bytes(package.package_bytes("xlsm"))  # the same vbaProject.bin, in a workbook LibreOffice imports VBA from
    [ods] = to_ods([xlsm], tmp_path / "out")
    with zipfile.ZipFile(ods) as z:
        for module in macros.vba_modules():
            xml = z.read(f"Basic/fullemp/{module.name}.xml").decode("utf-8")
            code = unescape(re.search(r"<script:module[^>]*>(.*)</script:module>", xml, re.S).group(1))
            ours = [line for line in module.source.split("\r\n") if line and not line.startswith("Attribute VB_")]
            theirs = [line for line in code.replace("\r\n", "\n").split("\n") if line]
            assert [line for line in theirs if line in ours] == ours, module.name
