"""`fullemp addin check`: what would break in Excel, found without Excel.

Reads the sources in a macros/ folder (or the generated ones) and checks them against each other,
against the button data and against the Python they call: the ribbon XML against the customUI
schema's elements and attributes, every onAction against a module and a callback Sub, every
RunPython command (a well-formed VBA string, a Python statement, a target that imports and takes
no arguments, behind `If RuntimeReady(True)`), every UDF wrapper's CallUDF module, function and
argument list against the Python signature, `#Const App` in the UDF module, calls between our
modules, ASCII-only VBA, icons from Excel's own list (excel_imagemso.txt) and, with xlwings'
runtime module, the types each system compiles (`compiled`).
Every problem is a Chinese line; a malformed file is a problem, never an exception.
"""
from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
from pathlib import Path

from .buttons import ADDIN_NAME, BUTTONS
from .compiled import undefined_types
from .macros import PY_UDFS, RIBBON_MODULE, UDF_MODULE, XlwingsMismatch, macro_files, xlwings_bas
from ..ooxml.xml import DamagedXml, UnsafeXml, parse_xml

NAMESPACES = ("http://schemas.microsoft.com/office/2006/01/customui", "http://schemas.microsoft.com/office/2009/07/customui")
# the part of the customUI schema a ribbon tab of buttons uses: element -> (children, attributes)
_COMMON = {"id", "idMso", "idQ", "label", "visible", "keytip", "insertAfterMso", "insertBeforeMso", "tag"}
SCHEMA = {
    "customUI": ({"ribbon"}, {"onLoad", "loadImage"}),
    "ribbon": ({"tabs"}, {"startFromScratch"}),
    "tabs": ({"tab"}, set()),
    "tab": ({"group"}, _COMMON | {"getLabel", "getVisible"}),
    "group": ({"button", "separator"}, _COMMON | {"image", "imageMso", "screentip", "supertip", "getLabel", "getVisible"}),
    "separator": (set(), {"id", "visible"}),
    "button": (set(), _COMMON | {"size", "image", "imageMso", "screentip", "supertip", "onAction", "enabled",
                                 "showLabel", "showImage", "description", "getEnabled", "getLabel", "getVisible",
                                 "getImage", "getScreentip", "getSupertip"}),
}
CALLBACK_ATTRIBUTES = {"onAction", "onLoad", "getEnabled", "getLabel", "getVisible", "getImage", "getScreentip",
                       "getSupertip"}
IMAGES_FILE = Path(__file__).with_name("excel_imagemso.txt")


@functools.cache
def excel_images() -> frozenset[str]:
    """The imageMso names Excel has: Microsoft's published Excel control identifiers (the file names its
    source). Access's ImportExcel or Word's ReviewAcceptChange are not among them: Excel shows no icon."""
    lines = IMAGES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
VBA_FILES = (f"{RIBBON_MODULE}.bas", f"{UDF_MODULE}.bas", "ThisWorkbook.cls", "Sheet1.cls")
OTHER_MODULES = {"xlwings"}
DOCUMENT_MODULES = {"ThisWorkbook", "Sheet1"}  # their names are also Excel objects (ThisWorkbook.Worksheets)  # the runtime module added at build time
PROC = re.compile(r"(?im)^[ \t]*(?:(?:Public|Private|Friend)[ \t]+)?(Sub|Function)[ \t]+(\w+)[ \t]*\(([^)]*)\)")


def _strip_comment(line: str) -> str:
    """The line without its ' comment (quotes inside strings kept)."""
    out, in_string = [], False
    for ch in line:
        if ch == '"':
            in_string = not in_string
        elif ch == "'" and not in_string:
            break
        out.append(ch)
    return "".join(out)


def _vba_strings(line: str) -> list[str] | None:
    """The string literals of a VBA line ("" is a quote inside one); None when a quote is unbalanced."""
    code = _strip_comment(line)
    if code.count('"') % 2:
        return None
    return [m.replace('""', '"') for m in re.findall(r'"((?:[^"]|"")*)"', code)]


def _procedures(text: str) -> dict[str, tuple[str, str, str]]:
    """name -> (Sub|Function, parameter list, body) for each procedure of a module."""
    out = {}
    matches = list(PROC.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        out[m.group(2)] = (m.group(1).title(), m.group(3), text[m.end():end])
    return out


def _read(folder: Path, problems: list[str]) -> dict[str, str]:
    files = {}
    for name in macro_files():
        path = folder / name
        if not path.is_file():
            problems.append(f"缺少 {name}（运行 fullemp addin build -o {folder} 重新生成）")
            continue
        data = path.read_bytes()
        if name in VBA_FILES:
            for n, line in enumerate(data.split(b"\n"), start=1):
                if not line.isascii():
                    problems.append(f"{name} 第 {n} 行含非 ASCII 字符：VBA 编辑器按系统代码页读取，中文等会变成乱码；"
                                    "请改用英文注释，提示文字用 Zh(...) 编码")
                if len(line.rstrip(b"\r")) > 1023:
                    problems.append(f"{name} 第 {n} 行超过 VBA 的 1023 字符上限")
        try:
            files[name] = data.decode("utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError:
            problems.append(f"{name} 不是 UTF-8 文本")
    return files


def _modules(files: dict[str, str], problems: list[str]) -> dict[str, str]:
    """VBA module name -> source, from each file's Attribute VB_Name."""
    modules = {}
    for name in VBA_FILES:
        if name not in files:
            continue
        m = re.match(r'Attribute VB_Name = "(\w+)"', files[name])
        if m is None:
            problems.append(f"{name} 第一行应为 Attribute VB_Name = \"{Path(name).stem}\"")
            continue
        if m.group(1) != Path(name).stem:
            problems.append(f"{name} 声明的模块名是 {m.group(1)}，应为 {Path(name).stem}")
        if m.group(1).lower() == ADDIN_NAME:
            problems.append(f"模块名 {m.group(1)} 与 VBA 工程同名，VBA 不允许")
        modules[m.group(1)] = files[name]
    return modules


def _check_ui(text: str, modules: dict[str, str], problems: list[str]) -> None:
    try:
        root = parse_xml(text.encode("utf-8"))  # ooxml.xml: the one safe parse of every reader of ours
    except UnsafeXml:
        problems.append("customUI.xml 含有 DOCTYPE/ENTITY 声明，不予处理")
        return
    except DamagedXml as exc:
        problems.append(f"customUI.xml 不是合法的 XML：{exc}")
        return
    ns, _, tag = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if ns not in NAMESPACES or tag != "customUI":
        problems.append(f"customUI.xml 的根元素应为 {NAMESPACES[0]} 命名空间中的 customUI，实际为 {root.tag}；"
                        "Excel 会忽略整个功能区")
        return
    ids: list[str] = []
    buttons = {}

    def walk(el, parent_tag):
        tag = el.tag.replace("{" + ns + "}", "")
        children, attributes = SCHEMA.get(tag, (None, None))
        if children is None or (parent_tag and tag not in SCHEMA[parent_tag][0]):
            problems.append(f"customUI.xml：{parent_tag or '根'} 下不能有元素 {tag}")
            return
        for attr, value in el.attrib.items():
            if attr not in attributes:
                problems.append(f"customUI.xml：元素 {tag} 没有属性 {attr}（customUI 架构）")
            elif attr in CALLBACK_ATTRIBUTES:
                _check_callback(value, modules, problems)
        if tag in ("tab", "group", "button"):
            if not (el.get("id") or el.get("idMso") or el.get("idQ")):
                problems.append(f"customUI.xml：{tag} 缺少 id")
            if el.get("id") and not (el.get("label") or el.get("getLabel")):
                problems.append(f"customUI.xml：{tag} {el.get('id')} 缺少 label")
        if "id" in el.attrib:
            ids.append(el.get("id"))
            if not ID.match(el.get("id")):
                problems.append(f"customUI.xml：id “{el.get('id')}” 不是合法的 XML 标识符")
        if "size" in el.attrib and el.get("size") not in ("normal", "large"):
            problems.append(f"customUI.xml：size 只能是 normal 或 large，不能是 {el.get('size')}")
        if "imageMso" in el.attrib and el.get("imageMso") not in excel_images():
            problems.append(f"customUI.xml：imageMso “{el.get('imageMso')}” 不在 Excel 的控件标识符列表中"
                            f"（{IMAGES_FILE.name}，取自微软公布的列表）：Excel 不会显示这个按钮的图标；"
                            "请从该列表中选一个")
        if len(el.get("label", "")) > 1024:
            problems.append(f"customUI.xml：{el.get('id')} 的 label 超过 1024 个字符")
        if tag == "button":
            buttons[el.get("id")] = el.get("onAction", "")
        for child in el:
            if isinstance(child.tag, str):  # comments and processing instructions are no elements
                walk(child, tag)

    walk(root, "")
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"customUI.xml：控件 id 重复：{dup}")
    for b in BUTTONS:
        expected = f"{RIBBON_MODULE}.{b.callback}"
        if b.control not in buttons:
            problems.append(f"customUI.xml 缺少按钮 {b.control}（{b.label}）")
        elif buttons[b.control] != expected:
            problems.append(f"customUI.xml：按钮 {b.control}（{b.label}）的 onAction 应为 {expected}，实际为 "
                            f"{buttons[b.control] or '空'}")


def _check_callback(value: str, modules: dict[str, str], problems: list[str]) -> None:
    module, _, sub = value.rpartition(".")
    if module and module not in modules:
        problems.append(f"功能区回调 {value}：没有名为 {module} 的 VBA 模块（现有：{'、'.join(sorted(modules))}）")
        return
    where = [modules[module]] if module else list(modules.values())
    if not any(re.search(rf"(?im)^[ \t]*(?:Public[ \t]+)?Sub[ \t]+{re.escape(sub)}[ \t]*\([ \t]*(?:ByRef[ \t]+|ByVal[ \t]+)?"
                         r"\w+[ \t]+As[ \t]+(?:Office\.)?IRibbonControl[ \t]*\)", text) for text in where):
        problems.append(f"功能区回调 {value}：{module or 'VBA'} 中没有 Sub {sub}(control As IRibbonControl)")


def _check_runpython(modules: dict[str, str], problems: list[str]) -> None:
    targets = {}
    for module, text in modules.items():
        for name, (kind, _, body) in _procedures(text).items():
            for line in body.splitlines():
                if not re.match(r"(?i)^\s*(?:If .* Then\s+)?RunPython\b", _strip_comment(line)) \
                        and not re.search(r"(?i)\bThen\s+RunPython\b", _strip_comment(line)):
                    continue
                strings = _vba_strings(line)
                if strings is None or not strings:
                    problems.append(f"{module}.{name}：RunPython 一行的引号不成对：{line.strip()}")
                    continue
                targets[name] = _check_python_command(f"{module}.{name}", strings[0], problems)
                if not re.match(r"(?i)^\s*If\s+RuntimeReady\(True\)\s+Then\s+RunPython\b", _strip_comment(line)):
                    problems.append(f"{module}.{name}：RunPython 之前没有检查运行环境和打开的工作簿（应写成 "
                                    "If RuntimeReady(True) Then RunPython ...）：没有工作簿或处于受保护的视图时，"
                                    "xlwings 会弹出英文的错误 91")
    for b in BUTTONS:
        if b.callback not in targets:
            continue
        if targets[b.callback] not in (None, b.target):
            problems.append(f"{RIBBON_MODULE}.{b.callback}（{b.label}）运行 {targets[b.callback]}，按钮定义为 {b.target}")


def _check_python_command(where: str, command: str, problems: list[str]) -> str | None:
    if '"' in command:
        problems.append(f"{where}：RunPython 命令中不能有双引号（xlwings 用双引号把它交给 python -c）")
        return None
    try:
        tree = ast.parse(command)
    except SyntaxError as exc:
        problems.append(f"{where}：RunPython 命令不是合法的 Python：{command}（{exc.msg}）")
        return None
    aliases, target = {}, None
    for node in tree.body:
        if isinstance(node, ast.Import):
            aliases.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                and isinstance(node.value.func.value, ast.Name):
            module = aliases.get(node.value.func.value.id)
            function = node.value.func.attr
            if module is None:
                problems.append(f"{where}：RunPython 调用 {node.value.func.value.id}.{function}，但没有导入它")
                continue
            target = f"{module}:{function}"
            try:
                fn = getattr(importlib.import_module(module), function)
            except (ImportError, AttributeError) as exc:
                problems.append(f"{where}：RunPython 目标 {module}.{function} 无法导入：{exc}")
                continue
            required = [p for p in inspect.signature(fn).parameters.values() if p.default is inspect.Parameter.empty]
            if required or node.value.args or node.value.keywords:
                problems.append(f"{where}：RunPython 目标 {module}.{function} 必须不带参数调用")
    if target is None:
        problems.append(f"{where}：RunPython 命令没有调用任何函数：{command}")
    return target


def _python_udfs() -> dict[str, list[tuple[str, bool]]]:
    module = importlib.import_module(PY_UDFS)
    return {f.__name__: [(p.name, p.default is not inspect.Parameter.empty) for p in inspect.signature(f).parameters.values()]
            for f in module.UDFS}


def _check_udfs(text: str, problems: list[str]) -> None:
    head = text.split("\nFunction ", 1)[0]
    if not re.search(r'(?m)^#Const App = "Microsoft Excel"', head):
        problems.append(f"{UDF_MODULE}.bas 缺少 #Const App = \"Microsoft Excel\"（条件编译常量只在本模块内有效；"
                        "缺少时每个函数都编译成非 Excel 分支，没有出错处理和调用单元格）")
    python = _python_udfs()
    declared = {}
    for name, (kind, params, body) in _procedures(text).items():
        if kind != "Function":
            continue
        parts = [p.split() for p in params.split(",") if p.strip()]
        vba_params = [(p[-1], p[0].lower() == "optional") for p in parts]
        declared[name] = vba_params
        if name not in python:
            problems.append(f"{UDF_MODULE}.{name}：{PY_UDFS} 中没有函数 {name}")
            continue
        if vba_params != python[name]:
            show = lambda ps: "(" + ", ".join(("Optional " if o else "") + n for n, o in ps) + ")"  # noqa: E731
            problems.append(f"{UDF_MODULE}.{name} 的参数为 {show(vba_params)}，Python 中为 {show(python[name])}")
        calls = re.findall(r'XLPy\.CallUDF\("([^"]*)",\s*"([^"]*)",\s*Array\(([^)]*)\)', body)
        if not calls:
            problems.append(f"{UDF_MODULE}.{name} 没有调用 XLPy.CallUDF")
        for module, function, args in calls:
            if module != PY_UDFS:
                problems.append(f"{UDF_MODULE}.{name} 调用模块 {module}，应为 {PY_UDFS}")
            if function != name:
                problems.append(f"{UDF_MODULE}.{name} 调用 Python 函数 {function}，应为 {name}")
            passed = [a.strip() for a in args.split(",") if a.strip()]
            if passed != [n for n, _ in python[name]]:
                problems.append(f"{UDF_MODULE}.{name} 传给 Python 的参数为 ({', '.join(passed)})，"
                                f"应为 ({', '.join(n for n, _ in python[name])})")
    for name in python:
        if name not in declared:
            problems.append(f"{UDF_MODULE}.bas 缺少函数 {name} 的包装（Excel 中 ={name}(...) 会显示 #NAME?）")


def _check_structure(modules: dict[str, str], problems: list[str]) -> None:
    public = {m: set(_procedures(text)) for m, text in modules.items() if m not in DOCUMENT_MODULES}
    for module, text in modules.items():
        for n, line in enumerate(text.splitlines(), start=1):
            code = _strip_comment(line)
            if code.count('"') % 2:
                problems.append(f"{module} 第 {n} 行引号不成对：{line.strip()}")
            for target, proc in re.findall(r"\b(\w+)\.(\w+)\b", re.sub(r'"(?:[^"]|"")*"', '""', code)):
                if target in public and target != module and proc not in public[target]:
                    problems.append(f"{module} 第 {n} 行调用 {target}.{proc}，但 {target} 中没有 {proc}")
        for opening, closing in (("Sub", "End Sub"), ("Function", "End Function"), ("#If", "#End If")):
            opened = len(re.findall(rf"(?im)^[ \t]*(?:(?:Public|Private)[ \t]+)?{re.escape(opening)}\b", text))
            closed = len(re.findall(rf"(?im)^[ \t]*{re.escape(closing)}\b", text))
            if opened != closed:
                problems.append(f"{module}：{opening} 有 {opened} 个，{closing} 有 {closed} 个")


def check(folder: Path) -> list[str]:
    """Chinese lines, one per problem; [] when the add-in sources are sound."""
    problems: list[str] = []
    files = _read(Path(folder), problems)
    modules = _modules(files, problems)
    if "customUI.xml" in files:
        _check_ui(files["customUI.xml"], modules, problems)
    _check_structure(modules, problems)
    _check_runpython(modules, problems)
    if UDF_MODULE in modules:
        _check_udfs(modules[UDF_MODULE], problems)
    try:
        problems += undefined_types({**modules, "xlwings": xlwings_bas()})
    except XlwingsMismatch as exc:
        problems.append(str(exc))
    if "ThisWorkbook" in modules and not re.search(r"(?im)^\s*Private Sub Workbook_Open\(\)", modules["ThisWorkbook"]):
        problems.append("ThisWorkbook.cls 缺少 Workbook_Open：加载时不会检查 Python 和 xlwings")
    return list(dict.fromkeys(problems))
