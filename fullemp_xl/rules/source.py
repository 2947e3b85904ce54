"""Reading a rule-set file: a small UTF-8 TOML text, or one clear reason why it cannot be used.

A rules path may be anything a user types: a folder, a device (`/dev/zero` never ends), a file
without read permission, a GBK or UTF-16 file, a UTF-8 file with a byte-order mark (accepted),
a file nested so deeply that the TOML parser would recurse without end. Each gets a Chinese reason;
nothing is read past the size limit.
"""
from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_RULE_BYTES = 1024 * 1024  # the built-in rule sets are under 30 KB
MAX_DEPTH = 40  # tables and arrays within each other; the built-in rule sets need 10
POSITION = re.compile(r"line (\d+), column (\d+)")


def read_rule_data(path: Path) -> tuple[dict | None, str | None]:
    """(the parsed TOML, None) or (None, a Chinese reason)."""
    text, problem = _read_text(path)
    if problem:
        return None, problem
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, f"TOML 语法错误{_position(exc)}：请检查引号、括号、逗号和等号是否成对、齐全"
    except RecursionError:
        return None, _too_deep()
    if _depth(data) > MAX_DEPTH:
        return None, _too_deep()
    return data, None


def unreadable(path: Path) -> str | None:
    """Why a rules file cannot be read at all (a folder, a device, no permission, …), or None."""
    return _read_text(path)[1]


def _read_text(path: Path) -> tuple[str, str | None]:
    try:
        info = path.stat()
    except FileNotFoundError:
        return "", "找不到规则集文件"
    except OSError as exc:
        return "", _os_problem(exc)
    if stat.S_ISDIR(info.st_mode):
        return "", "这是一个文件夹，不是规则集文件：请给出 .toml 文件的路径"
    if not stat.S_ISREG(info.st_mode):
        return "", "这不是普通文件（而是设备、管道等），不能当作规则集读取：请给出 .toml 文件的路径"
    if info.st_size > MAX_RULE_BYTES:
        return "", f"规则集文件过大（{info.st_size / 1048576:.1f} MB，上限 1 MB），不像规则集：请检查路径"
    if not os.access(path, os.R_OK):
        return "", "没有读取规则集文件的权限：请检查文件权限，或复制到自己的文件夹后再试"
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_RULE_BYTES + 1)
    except OSError as exc:
        return "", _os_problem(exc)
    if len(raw) > MAX_RULE_BYTES:
        return "", "规则集文件过大（上限 1 MB），不像规则集：请检查路径"
    return _decode(raw)


def _decode(raw: bytes) -> tuple[str, str | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", "文件是 UTF-16 编码（记事本的“Unicode”）：请另存为 UTF-8 编码"
    try:
        return raw.decode("utf-8-sig"), None  # Windows Notepad's "UTF-8 with BOM" is fine
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        return "", "文件是 GBK（ANSI）编码：请用记事本或其他编辑器“另存为”UTF-8 编码"
    except UnicodeDecodeError:
        return "", "文件不是 UTF-8 编码的文本（可能不是规则集文件）：请用 UTF-8 保存"


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取规则集文件的权限：请检查文件权限，或复制到自己的文件夹后再试"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是规则集文件：请给出 .toml 文件的路径"
    return "读取规则集文件时出错：请检查路径，以及文件所在的磁盘或网络共享"


def _position(exc: Exception) -> str:
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None:
        match = POSITION.search(str(exc))
        line, col = (match.group(1), match.group(2)) if match else (None, None)
    return f"（第 {line} 行第 {col} 列）" if line is not None else ""


def _too_deep() -> str:
    return f"规则集文件中的表和数组嵌套过深（超过 {MAX_DEPTH} 层），不像规则集：请检查文件内容"


def _depth(data) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest
