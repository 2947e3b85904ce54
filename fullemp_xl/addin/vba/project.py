"""The streams of a VBA project (MS-OVBA §2.3) for source-only modules, in a compound file.

Modules carry source only (MODULEOFFSET 0, no p-code) and `_VBA_PROJECT` says "no performance
cache" (version 0xFFFF), so the VBA editor compiles the source when the file opens — the same
shape as xlwings' own quickstart add-in. Everything is in one code page (1252) and must be ASCII,
so the source reads the same under any system code page.
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from . import cfb
from .compression import compress

CODE_PAGE = 1252
ENCODING = "cp1252"
LCID = 0x0409
# _VBA_PROJECT: reserved 0x61CC, version 0xFFFF (no cache: compile from source), reserved bytes
VBA_PROJECT_STREAM = bytes.fromhex("cc61ffff000100")
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
OFFICE_LIBID = ("*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files (x86)\\Common Files\\"
                "Microsoft Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library")


@dataclass(frozen=True)
class Reference:
    """A type library the code uses, e.g. Office for IRibbonControl (resolved by GUID and major version)."""
    name: str
    libid: str


OFFICE = Reference("Office", OFFICE_LIBID)


@dataclass(frozen=True)
class Module:
    """`source` is the module's stored text: its Attribute lines first, CRLF line ends, ASCII only."""
    name: str
    source: str
    document: bool = False  # ThisWorkbook and sheet modules; otherwise a standard module

    def __post_init__(self):
        if not self.source.isascii() or not self.name.isascii():
            raise ValueError(f"VBA module {self.name} must be ASCII")
        if f'Attribute VB_Name = "{self.name}"' not in self.source.split("\r\n", 1)[0]:
            raise ValueError(f'VBA module {self.name} must start with Attribute VB_Name = "{self.name}"')


def _rec(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _mbcs(text: str) -> bytes:
    return text.encode(ENCODING)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _pair(rid: int, reserved: int, text: str, unicode: bool = True) -> bytes:
    second = _utf16(text) if unicode else _mbcs(text)
    return _rec(rid, _mbcs(text)) + _rec(reserved, second)


def dir_stream(name: str, description: str, modules: list[Module], references: list[Reference]) -> bytes:
    """The uncompressed dir stream (§2.3.4.2): project information, references, modules."""
    out = [
        _rec(0x0001, struct.pack("<I", 1)),  # SYSKIND: 32-bit Windows (what Office writes on either)
        _rec(0x0002, struct.pack("<I", LCID)),
        _rec(0x0014, struct.pack("<I", LCID)),
        _rec(0x0003, struct.pack("<H", CODE_PAGE)),
        _rec(0x0004, _mbcs(name)),
        _pair(0x0005, 0x0040, description),
        _pair(0x0006, 0x003D, "", unicode=False),  # help file path, twice
        _rec(0x0007, struct.pack("<I", 0)),  # help context
        _rec(0x0008, struct.pack("<I", 0)),  # lib flags
        struct.pack("<HIIH", 0x0009, 4, 1, 0),  # PROJECTVERSION: its Size field is 4 but 6 bytes follow
        _pair(0x000C, 0x003C, ""),  # conditional compilation constants: none (each module sets #Const)
    ]
    for ref in references:
        libid = _mbcs(ref.libid)
        out += [_pair(0x0016, 0x003E, ref.name),
                _rec(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))]
    out += [_rec(0x000F, struct.pack("<H", len(modules))), _rec(0x0013, struct.pack("<H", 0xFFFF))]
    for m in modules:
        out += [_rec(0x0019, _mbcs(m.name)), _rec(0x0047, _utf16(m.name)),
                _pair(0x001A, 0x0032, m.name), _pair(0x001C, 0x0048, ""),
                _rec(0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: source starts the stream
                _rec(0x001E, struct.pack("<I", 0)), _rec(0x002C, struct.pack("<H", 0xFFFF)),
                _rec(0x0022 if m.document else 0x0021, b""), _rec(0x002B, b"")]
    out.append(_rec(0x0010, b""))
    return b"".join(out)


def _encrypt(project_id: str, label: str, data: bytes) -> str:
    """MS-OVBA §2.4.3.2 data encryption, with the seed and filler taken from a hash: reproducible."""
    noise = hashlib.sha256(f"{project_id}/{label}".encode()).digest()
    seed = noise[0]
    key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ 2, seed ^ key])
    plain1, enc1, enc2 = key, seed ^ key, seed ^ 2
    for byte in bytes(noise[1:1 + (seed & 6) // 2]) + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((enc2 + plain1) & 0xFF)
        out.append(enc)
        enc2, enc1, plain1 = enc1, enc, byte
    return out.hex().upper()


def project_stream(project_id: str, name: str, description: str, modules: list[Module]) -> bytes:
    """The PROJECT stream (§2.3.1): module list, name, and the unprotected, visible state — in the order
    of §2.3.1.1's ProjectProperties (ProjectName, ProjectHelpId, then [ProjectDescription]), as Office writes."""
    lines = [f'ID="{project_id}"']
    lines += [f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}" for m in modules]
    lines += [f'Name="{name}"', 'HelpContextID="0"', f'Description="{description}"',
              'VersionCompatible32="393222000"',
              f'CMG="{_encrypt(project_id, "CMG", bytes(4))}"',  # protection state: none
              f'DPB="{_encrypt(project_id, "DPB", bytes(1))}"',  # password: none
              f'GC="{_encrypt(project_id, "GC", bytes([0xFF]))}"',  # visibility: visible
              "", "[Host Extender Info]", HOST_EXTENDER, "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _mbcs("\r\n".join(lines) + "\r\n")


def project_wm(modules: list[Module]) -> bytes:
    """PROJECTwm (§2.3.3): each module name in the code page and in UTF-16."""
    return b"".join(_mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0" for m in modules) + b"\0\0"


def vba_project(project_id: str, name: str, description: str, modules: list[Module],
                references: list[Reference] = (OFFICE,)) -> bytes:
    """The bytes of vbaProject.bin. `project_id` is a GUID in braces; the same inputs give the same bytes."""
    for text in (name, description, project_id):
        if not text.isascii() or '"' in text:
            raise ValueError(f"VBA project fields must be ASCII without quotes: {text}")
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("VBA module names must be unique")
    storage = {"dir": compress(dir_stream(name, description, modules, list(references))),
               "_VBA_PROJECT": VBA_PROJECT_STREAM}
    storage.update({m.name: compress(_mbcs(m.source)) for m in modules})
    return cfb.write({"PROJECT": project_stream(project_id, name, description, modules),
                      "PROJECTwm": project_wm(modules), "VBA": storage})
