"""`fullemp addin install`: put fullemp.xlam, with this Python recorded in it, where Excel loads it.

The .xlam carries its VBA (nothing is imported into Excel, so "Trust access to the VBA project
object model" is not needed) and is built from the xlwings installed beside this Python, so the
runtime module and the DLL it loads always match. Registering the add-in with Excel goes through
Excel's own object model (AddIns.Add); that step and the file lock of a running Excel are the
parts that were not tried on a real Windows PC here.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ...errors import FullempError
from .buttons import ADDIN_NAME
from .package import build_xlam

MANUAL = ("在 Excel 中手动启用：文件 → 选项 → 加载项 → 底部“管理”选“Excel 加载项”→ 转到 → 浏览，"
          "选中 {target}，确认“充分就业”已勾选。")


class InstallError(FullempError):
    """A step that failed, with what to do about it (Chinese)."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def interpreter_for(executable: str = sys.executable) -> Path:
    """pythonw.exe beside python.exe (no console window flashes on each click), else the same Python."""
    exe = Path(executable)
    windowless = exe.with_name("pythonw.exe")
    return windowless if exe.name.lower() == "python.exe" and windowless.exists() else exe


def xlwings_dlls(interpreter: Path, prefix: Path = Path(sys.prefix)) -> list[Path]:
    """The DLLs of the installed xlwings where the add-in's runtime looks for them (beside the
    interpreter or one folder up, as in a virtual environment's Scripts folder)."""
    import xlwings

    names = [f"xlwings64-{xlwings.__version__}.dll", f"xlwings32-{xlwings.__version__}.dll"]
    folders = {interpreter.parent, interpreter.parent.parent, prefix}
    return [folder / name for folder in folders for name in names if (folder / name).exists()]


def install_into(addins: Path, interpreter: Path, register: Callable[[Path], None] | None) -> Report:
    """Build fullemp.xlam into `addins` recording `interpreter`; `register` tells Excel to load it."""
    import xlwings

    report = Report()
    if not interpreter.exists():
        raise InstallError(f"找不到 Python：{interpreter}。请用装有 fullemp-xl 的 Python 运行本命令。")
    if not xlwings_dlls(interpreter):
        raise InstallError(f"这个 Python 的 xlwings {xlwings.__version__} 缺少它的 DLL（xlwings64-{xlwings.__version__}.dll），"
                           "Excel 无法调用 Python。请运行：" f'"{interpreter}" -m pip install --force-reinstall xlwings'
                           "，然后重新运行 fullemp addin install。")
    target = addins / f"{ADDIN_NAME}.xlam"
    try:
        build_xlam(target, str(interpreter))
    except OSError as exc:
        raise InstallError(f"无法写入 {target}（{exc.strerror or exc}）。Excel 打开时会锁住加载项文件："
                           "请关闭所有 Excel 窗口（任务管理器中也不应再有 EXCEL.EXE）后重新运行 fullemp addin install。") from None
    report.lines.append(f"已写入加载项：{target}（Python：{interpreter}，xlwings {xlwings.__version__}）")
    report.lines.append("不需要勾选“信任对 VBA 工程对象模型的访问”：VBA 代码已在加载项文件中，安装时不向 Excel 导入任何代码。")
    if register is None:
        report.warnings.append(MANUAL.format(target=target))
        return report
    try:
        register(target)
        report.lines.append("已在 Excel 中启用加载项“充分就业”。重新打开 Excel 后，功能区出现“充分就业”选项卡。")
    except Exception as exc:  # COM errors of every kind: say what to do by hand
        report.warnings.append(f"没能让 Excel 自动启用加载项（{type(exc).__name__}：{exc}）。" + MANUAL.format(target=target))
    return report


def register_with_excel(target: Path) -> None:
    """Excel's own way of installing an add-in, in a hidden Excel instance (Windows, COM)."""
    import xlwings as xw

    app = xw.App(visible=False, add_book=False)
    try:
        app.api.AddIns.Add(str(target), False).Installed = True
    finally:
        app.quit()


INSTRUCTIONS = """“充分就业”加载项只能安装在 Windows 版 Excel 中（本机不是 Windows，未做任何改动）。在要使用它的 Windows 电脑上：
  1. 安装 Python 3.10 或更高版本（python.org，安装时勾选“Add python.exe to PATH”）；
  2. 命令提示符中运行：py -m pip install fullemp_xl-<版本>-py3-none-any.whl（本项目的 wheel 文件；本项目尚未发布到 PyPI）；
  3. 关闭所有 Excel 窗口，运行：fullemp addin install
  4. 打开 Excel，功能区出现“充分就业”选项卡。
详见 README 的“安装”和“在 Excel 中使用”。"""


def install() -> Report:
    if not sys.platform.startswith("win"):
        raise InstallError(INSTRUCTIONS)
    addins = Path(os.environ["APPDATA"]) / "Microsoft" / "AddIns"
    return install_into(addins, interpreter_for(), register_with_excel)
