"""The Excel add-in: ribbon XML, VBA callbacks, UDF wrappers, `fullemp addin check / build / install`.

The macros/ folder is generated from here (and a test keeps it in step). `build_xlam` puts our
ribbon into xlwings' own ribbon add-in (quickstart_addin_ribbon.xlam); the VBA modules are imported
on Windows by `install`, because a vbaProject.bin cannot be written on Linux.
"""
from __future__ import annotations

import importlib
import inspect
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

ADDIN_NAME = "fullemp"
HANDLERS = "fullemp_xl.excel.handlers"
UDF_MODULE = "fullemp_xl.excel.udfs"
NS = "http://schemas.microsoft.com/office/2006/01/customui"


@dataclass(frozen=True)
class Button:
    id: str
    label: str
    callback: str  # VBA Sub, also the handler's RunPython entry point name
    target: str  # function name in HANDLERS
    image: str
    tip: str


BUTTONS = (
    Button("feFill", "填报", "OnFill", "fill", "ImportExcel", "从台账数出基础数据，填入考评表或申报表"),
    Button("feValidate", "校验", "OnValidate", "validate", "ReviewAcceptChange", "检查数据，把有问题的单元格标色并加批注"),
    Button("feScore", "打分", "OnScore", "score", "AutoSum", "按评分标准重新计算，写入扣分说明和认定意见"),
    Button("feClear", "清除标记", "OnClear", "clear", "ClearFormats", "清除“校验”添加的颜色、批注和校验结果表"),
)


def custom_ui() -> str:
    buttons = "\n".join(
        f'          <button id="{b.id}" label="{b.label}" size="large" imageMso="{b.image}" '
        f'screentip="{b.label}" supertip="{b.tip}" onAction="{ADDIN_NAME}.{b.callback}" />' for b in BUTTONS)
    return (f'<customUI xmlns="{NS}">\n  <ribbon>\n    <tabs>\n      <tab id="fullempTab" label="充分就业">\n'
            f'        <group id="fullempForms" label="考评表与申报表">\n{buttons}\n        </group>\n'
            f'      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n')


def ribbon_bas() -> str:
    subs = "\n".join(
        f"Sub {b.callback}(control As IRibbonControl)\n"
        f'    RunPython "import {HANDLERS} as h; h.{b.target}()"\nEnd Sub\n' for b in BUTTONS)
    return (f'Attribute VB_Name = "{ADDIN_NAME}"\nOption Explicit\n'
            "' 充分就业 选项卡的按钮：每个按钮通过 xlwings 的 RunPython 调用 fullemp_xl.excel.handlers。\n"
            "' 本文件由 `fullemp addin build` 生成，请勿手改。\n\n" + subs)


def udf_bas() -> str:
    """VBA wrappers for the UDFs in the format xlwings' own generator writes for an add-in."""
    from . import udfs

    lines = ['Attribute VB_Name = "fullemp_udfs"', "' 本文件由 `fullemp addin build` 生成，请勿手改。", ""]
    for fn in udfs.UDFS:
        params = inspect.signature(fn).parameters.values()
        sig = ", ".join(("Optional " if p.default is not inspect.Parameter.empty else "") + p.name for p in params)
        call = f'Array({", ".join(p.name for p in inspect.signature(fn).parameters.values())})'
        name = fn.__name__
        lines += [
            f"Function {name}({sig})",
            '    #If App = "Microsoft Excel" Then',
            "        If TypeOf Application.Caller Is Range Then On Error GoTo failed",
            f'        {name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", {call}, ActiveWorkbook, Application.Caller)',
            "        Exit Function",
            "    #Else",
            f'        {name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", {call})',
            "        Exit Function",
            "    #End If",
            "failed:",
            f"    {name} = Err.Description",
            "End Function",
            "",
        ]
    return "\n".join(lines)


def macro_files() -> dict[str, str]:
    return {"customUI.xml": custom_ui(), f"{ADDIN_NAME}.bas": ribbon_bas(), "fullemp_udfs.bas": udf_bas()}


def write_macros(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in macro_files().items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\r\n" if name.endswith(".bas") else "\n")
        out.append(path)
    return out


# ---------------------------------------------------------------- check
def check(folder: Path) -> list[str]:
    """Problems in Chinese: ribbon callbacks missing in the VBA, RunPython targets that do not import or
    take arguments, UDFs declared in VBA that Python does not have, duplicate control ids."""
    problems = []
    files = {name: folder / name for name in macro_files()}
    for name, path in files.items():
        if not path.exists():
            problems.append(f"缺少 {path}")
    if problems:
        return problems
    vba = "\n".join(files[n].read_text(encoding="utf-8") for n in files if n.endswith(".bas"))
    subs = set(re.findall(r"(?im)^\s*Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)", vba))
    tree = ET.parse(files["customUI.xml"])
    ids = []
    for el in tree.iter():
        if "id" in el.attrib:
            ids.append(el.attrib["id"])
        for attr, value in el.attrib.items():
            if attr == "onAction" or attr.startswith("get"):
                callback = value.split(".")[-1]
                if callback not in subs:
                    problems.append(f"功能区回调 {value} 在 VBA 中没有对应的 Sub {callback}(control As IRibbonControl)")
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"功能区控件 id 重复：{dup}")
    for module, function in re.findall(r'RunPython\s+"import\s+([\w.]+)\s+as\s+\w+;\s*\w+\.(\w+)\(\)"', vba):
        try:
            fn = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError) as exc:
            problems.append(f"RunPython 目标 {module}.{function} 无法导入：{exc}")
            continue
        if any(p.default is inspect.Parameter.empty for p in inspect.signature(fn).parameters.values()):
            problems.append(f"RunPython 目标 {module}.{function} 必须不带参数")
    if not re.search(r'RunPython\s+"', vba):
        problems.append("VBA 中没有任何 RunPython 调用")
    from . import udfs

    python_udfs = {f.__name__: [p.name for p in inspect.signature(f).parameters.values()] for f in udfs.UDFS}
    for name, params in re.findall(r"(?im)^\s*Function\s+(\w+)\s*\(([^)]*)\)", vba):
        declared = [p.split()[-1] for p in params.split(",") if p.strip()]
        if name not in python_udfs:
            problems.append(f"VBA 声明了函数 {name}，但 {UDF_MODULE} 中没有")
        elif declared != python_udfs[name]:
            problems.append(f"函数 {name} 的参数在 VBA 中为 {declared}，在 Python 中为 {python_udfs[name]}")
    return problems


# ---------------------------------------------------------------- build and install
def build_xlam(out: Path) -> Path:
    """xlwings' ribbon add-in with our ribbon; our VBA modules still need importing (Windows)."""
    import xlwings

    source = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "customUI/customUI.xml":
                data = custom_ui().encode("utf-8")
            zout.writestr(info, data)
    return out


INSTRUCTIONS = """在 Windows 或 macOS 的 Excel 中安装“充分就业”选项卡：
  1. 安装 Python 3.10+ 和本程序：pip install fullemp-xl
  2. 安装 xlwings 加载项：xlwings addin install
  3. 在 Windows 上运行：fullemp addin install
     （需要在 Excel“信任中心→宏设置”中勾选“信任对 VBA 工程对象模型的访问”）
     其他系统：fullemp addin build -o 加载项，然后在 Excel 的 VBA 编辑器中导入 加载项/fullemp.bas 和
     加载项/fullemp_udfs.bas 到 加载项/fullemp.xlam，保存后在“文件→选项→加载项”中启用它。
  4. 在 xlwings 选项卡的 UDF Modules 中填 fullemp_xl.excel.udfs 并点 Import Functions（使用 FE_ 函数时）。
详见 macros/README.md。"""


def install() -> list[str]:
    """Windows only: build the .xlam into Excel's AddIns folder and import our VBA modules through COM.

    Not verified on a real Excel here (no Windows on the build machine): the steps are those of
    Excel's object model (VBProject.VBComponents.Import) and xlwings' App.
    """
    if not sys.platform.startswith("win"):
        return [INSTRUCTIONS]
    import os
    import subprocess
    import tempfile

    import xlwings as xw

    subprocess.run([sys.executable, "-m", "xlwings", "addin", "install"], check=False)
    target = Path(os.environ["APPDATA"]) / "Microsoft" / "AddIns" / f"{ADDIN_NAME}.xlam"
    build_xlam(target)
    folder = Path(tempfile.mkdtemp())
    paths = write_macros(folder)
    app = xw.App(visible=False)
    try:
        book = app.books.open(str(target))
        for path in paths:
            if path.suffix == ".bas":
                book.api.VBProject.VBComponents.Import(str(path))
        book.save()
        book.close()
    finally:
        app.quit()
        shutil.rmtree(folder, ignore_errors=True)
    return [f"已安装：{target}", "请在 Excel“文件→选项→加载项→Excel 加载项”中勾选 fullemp，并在 xlwings 选项卡的 UDF Modules 中填 fullemp_xl.excel.udfs"]
