"""What the VBA editor compiles on each system, and whether every type it names exists there.

VBA compiles a whole module before running any procedure of it, and only the lines that its
conditional compilation (`#If Mac Then`, `#Const App = ...`) keeps. A type named in those lines
(`As Dictionary`, `New Dictionary`) that is neither built in nor a class module of the project stops
the project with "User-defined type not defined" before our own code can say anything — which is
what xlwings' module did on a Mac without xlwings' Dictionary class. This module keeps the lines
each system compiles and lists such types; `fullemp addin check` runs it on the add-in's modules,
xlwings' runtime module included.
"""
from __future__ import annotations

import re

# the constants VBA defines per system (Office 2010 and later: VBA7 everywhere)
SYSTEMS = {
    "Windows 64 位": {"VBA7": True, "WIN64": True, "WIN32": True, "MAC": False},
    "Windows 32 位": {"VBA7": True, "WIN64": False, "WIN32": True, "MAC": False},
    "Mac": {"VBA7": True, "WIN64": False, "WIN32": False, "MAC": True, "MAC_OFFICE_VERSION": 16},
}
# types VBA, Excel's and Office's libraries define (what our modules and xlwings' use, and the common rest)
KNOWN_TYPES = {name.lower() for name in (
    "Boolean", "Byte", "Currency", "Date", "Decimal", "Double", "Integer", "Long", "LongLong", "LongPtr", "Object",
    "Single", "String", "Variant", "Collection", "ErrObject", "VbMsgBoxResult", "VbCompareMethod", "CompareMethod",
    "Application", "Workbook", "Workbooks", "Worksheet", "Worksheets", "Sheets", "Range", "Window", "Windows",
    "Chart", "Name", "Names", "ListObject", "Shape", "Comment", "ProtectedViewWindow", "XlCalculation",
    "IRibbonControl", "IRibbonUI", "Office.IRibbonControl", "Office.IRibbonUI", "CommandBar", "FileDialog")}
_DIRECTIVE = re.compile(r"(?i)^[ \t]*#(If|ElseIf|Else|End If|Const)\b(.*?)(?:\bThen\b)?[ \t]*(?:'.*)?$")
_TYPE = re.compile(r"(?i)\b(?:As|New)[ \t]+(?:New[ \t]+)?([A-Za-z_][\w.]*)")


def _code(line: str) -> str:
    """The line without string literals and its ' comment."""
    line = re.sub(r'"(?:[^"]|"")*"', '""', line)
    return line.split("'", 1)[0]


def _value(expression: str, constants: dict[str, object]) -> object:
    """A conditional-compilation expression: constants, strings, numbers, = <> < > <= >=, Not And Or."""
    tokens = re.findall(r'"[^"]*"|\d+|[A-Za-z_]\w*|<>|<=|>=|[=<>()]', expression)
    python = []
    for token in tokens:
        word = token.upper()
        if word in ("NOT", "AND", "OR"):
            python.append(word.lower())
        elif token == "=":
            python.append("==")
        elif token == "<>":
            python.append("!=")
        elif token[0] == '"' or token[0].isdigit() or token in "()<>" or token in ("<=", ">="):
            python.append(token)
        else:
            python.append(repr(constants.get(word, 0)))  # an undefined constant is 0 (Empty) in VBA
    return eval(" ".join(python), {"__builtins__": {}}, {})  # noqa: S307 - tokens above only


def compiled_lines(text: str, system: str) -> list[tuple[int, str]]:
    """(line number, line) of a module's source that VBA compiles on `system`."""
    constants = dict(SYSTEMS[system])
    stack: list[tuple[bool, bool]] = []  # (this branch active, a branch of this #If was taken)
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        active = all(a for a, _ in stack)
        m = _DIRECTIVE.match(line)
        if m is None:
            if active:
                out.append((n, line))
            continue
        kind, rest = m.group(1).lower(), m.group(2)
        if kind == "const":
            if active:
                name, _, value = rest.partition("=")
                constants[name.strip().upper()] = _value(value, constants)
        elif kind == "if":
            taken = bool(_value(rest, constants))
            stack.append((taken, taken))
        elif stack and kind == "elseif":
            taken = not stack[-1][1] and bool(_value(rest, constants))
            stack[-1] = (taken, stack[-1][1] or taken)
        elif stack and kind == "else":
            stack[-1] = (not stack[-1][1], True)
        elif stack:
            stack.pop()
    return out


def undefined_types(modules: dict[str, str], classes: set[str] = frozenset()) -> list[str]:
    """Chinese lines: each type a compiled line names that neither VBA, Excel, Office nor a class
    module of the project (`classes`) defines, per system."""
    known = KNOWN_TYPES | {c.lower() for c in classes}
    problems = []
    for system in SYSTEMS:
        for module, text in modules.items():
            for n, line in compiled_lines(text, system):
                code = _code(line)
                if re.match(r"(?i)^[ \t]*Open\b", code):  # Open ... For Input As #file: a file number
                    continue
                for name in _TYPE.findall(code):
                    if name.lower() not in known:
                        problems.append(f"{module} 第 {n} 行：在 {system} 的 Excel 中编译的代码用到类型 {name}，"
                                        "VBA、Excel 和工程中都没有它（会报“用户定义类型未定义”，我们的中文提示出不来）")
    return problems
