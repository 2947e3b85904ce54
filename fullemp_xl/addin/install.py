"""`fullemp addin install` / `uninstall`: put fullemp.xlam, with this Python recorded in it, into
Excel's startup folder, or take it out again.

As xlwings' own `xlwings addin install` does, the add-in is copied into the user's XLSTART folder
(`%APPDATA%\\Microsoft\\Excel\\XLSTART`, what Excel's `Application.StartupPath` returns): Excel opens
every file there on each start, an .xlam there loads as an add-in, and the folder is one of Excel's
default trusted locations. No Excel is started and nothing is registered (`AddIns.Add(...).Installed`
in a hidden Excel with no workbook open fails with error 1004, which is why the earlier route was
dropped). The .xlam carries its VBA, so "Trust access to the VBA project object model" is not needed,
and it is built from the xlwings installed beside this Python, so the runtime module and the DLL it
loads always match. Excel itself, its file lock and its trust settings were not tried here.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from ..errors import FullempError
from .buttons import ADDIN_NAME
from .macros import XlwingsMismatch
from .package import build_xlam

ADDIN_FILE = f"{ADDIN_NAME}.xlam"
MANUAL = ("没有出现“充分就业”选项卡时手动启用：文件 → 选项 → 加载项 → 底部“管理”选“Excel 加载项”→ 转到 → 浏览，"
          "选中 {target}。")
CLOSE_EXCEL = "请关闭所有 Excel 窗口（任务管理器中也不应再有 EXCEL.EXE）后重新运行 fullemp addin {command}。"
VENV = r"%LOCALAPPDATA%\fullemp\venv"


class InstallError(FullempError):
    """A step that failed, with what to do about it (Chinese)."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def startup_folder(appdata: Path) -> Path:
    """Excel's per-user startup folder (Application.StartupPath) under the profile's %APPDATA%."""
    return appdata / "Microsoft" / "Excel" / "XLSTART"


def legacy_target(appdata: Path) -> Path:
    """Where earlier versions put the add-in (and registered it with AddIns.Add)."""
    return appdata / "Microsoft" / "AddIns" / ADDIN_FILE


def interpreter_for(executable: str = sys.executable) -> Path:
    """pythonw.exe beside python.exe (no console window flashes on each click), else the same Python."""
    exe = Path(executable)
    windowless = exe.with_name("pythonw.exe")
    return windowless if exe.name.lower() == "python.exe" and windowless.exists() else exe


def dll_names() -> list[str]:
    import xlwings

    return [f"xlwings64-{xlwings.__version__}.dll", f"xlwings32-{xlwings.__version__}.dll"]


def dll_folders(interpreter: Path) -> list[Path]:
    """Where the add-in's runtime (xlwings' XLPyLoadDLL) loads the DLL from: the interpreter's folder
    and the one above it (a virtual environment's root, above Scripts)."""
    return [interpreter.parent, interpreter.parent.parent]


def xlwings_dlls(interpreter: Path) -> list[Path]:
    """The DLLs of the installed xlwings in the folders the runtime looks in."""
    return [folder / name for folder in dll_folders(interpreter) for name in dll_names() if (folder / name).exists()]


def installed_dlls() -> list[Path]:
    """Where pip put xlwings' DLLs (its data files), wherever that is: with a per-user install of a
    python.org Python for all users, or Microsoft Store Python, that is outside the Python's folders."""
    try:
        dist = distribution("xlwings")
    except PackageNotFoundError:
        return []
    names = set(dll_names())
    return [Path(dist.locate_file(f)).resolve() for f in dist.files or () if f.name in names]


def _dll_problem(interpreter: Path, elsewhere: list[Path]) -> str:
    import xlwings

    folders = "、".join(str(f) for f in dll_folders(interpreter))
    python = interpreter.with_name("python.exe") if interpreter.name.lower() == "pythonw.exe" else interpreter
    if not elsewhere:
        return (f"这个 Python 的 xlwings {xlwings.__version__} 缺少它的 DLL（{dll_names()[0]}），Excel 无法调用 Python。"
                f'请运行："{python}" -m pip install --force-reinstall xlwings，然后重新运行 fullemp addin install。')
    return (f"xlwings 的 DLL 装在 {elsewhere[0].parent}，而 Excel 只在 Python 所在的文件夹及其上一级（{folders}）中找它。"
            "这是 pip 把包装进了用户目录（给所有用户安装的 python.org Python 没有管理员权限时、Microsoft Store 的 Python 总是如此），"
            "重装 xlwings 还会装到同一个地方。请把 fullemp-xl 装进一个虚拟环境，在那里安装加载项（DLL 和 Python 都在虚拟环境的文件夹中）：\n"
            f'  "{python}" -m venv "{VENV}"\n'
            f'  "{VENV}\\Scripts\\python.exe" -m pip install fullemp_xl-<版本>-py3-none-any.whl\n'
            f'  "{VENV}\\Scripts\\fullemp.exe" addin install')


def install_into(appdata: Path, interpreter: Path, dlls_elsewhere: list[Path] | None = None) -> Report:
    """Build fullemp.xlam recording `interpreter` into the startup folder of the profile whose %APPDATA%
    is `appdata`. `dlls_elsewhere`: where xlwings' DLLs are installed (default: from pip's record)."""
    import xlwings

    report = Report()
    if not interpreter.exists():
        raise InstallError(f"找不到 Python：{interpreter}。请用装有 fullemp-xl 的 Python 运行本命令。")
    if not xlwings_dlls(interpreter):
        raise InstallError(_dll_problem(interpreter, installed_dlls() if dlls_elsewhere is None else dlls_elsewhere))
    folder = startup_folder(appdata)
    target = folder / ADDIN_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        build_xlam(target, str(interpreter))
    except XlwingsMismatch as exc:
        raise InstallError(str(exc)) from None
    except OSError as exc:
        raise InstallError(f"无法写入 {target}（{exc.strerror or exc}）。Excel 打开时会锁住加载项文件："
                           + CLOSE_EXCEL.format(command="install")) from None
    report.lines.append(f"已写入加载项：{target}（Python：{interpreter}，xlwings {xlwings.__version__}）")
    report.lines.append("这是 Excel 的启动文件夹（XLSTART）：Excel 每次启动都会打开其中的加载项，它也是 Excel 默认的受信任位置。"
                        "重新打开 Excel 后，功能区出现“充分就业”选项卡。")
    report.lines.append("不需要勾选“信任对 VBA 工程对象模型的访问”：VBA 代码已在加载项文件中，安装时不向 Excel 导入任何代码。")
    report.lines.append(MANUAL.format(target=target))
    report.warnings += _remove_legacy(appdata, "install")
    return report


def _remove_legacy(appdata: Path, command: str) -> list[str]:
    old = legacy_target(appdata)
    if not old.exists():
        return []
    try:
        old.unlink()
    except OSError as exc:
        raise InstallError(f"无法删除旧版加载项 {old}（{exc.strerror or exc}）。" + CLOSE_EXCEL.format(command=command)) from None
    return [f"已删除旧版安装的 {old}。Excel 下次启动时若提示找不到它：文件 → 选项 → 加载项 → 转到，取消勾选“充分就业”，"
            "按提示把它从列表中删除（新的加载项在启动文件夹中，不在这个列表里）。"]


def uninstall_from(appdata: Path) -> Report:
    """Remove fullemp.xlam from the startup folder (and an earlier version's copy)."""
    report = Report()
    target = startup_folder(appdata) / ADDIN_FILE
    if target.exists():
        try:
            target.unlink()
        except OSError as exc:
            raise InstallError(f"无法删除 {target}（{exc.strerror or exc}）。Excel 打开时会锁住加载项文件："
                               + CLOSE_EXCEL.format(command="uninstall")) from None
        report.lines.append(f"已删除加载项：{target}。重新打开 Excel 后，“充分就业”选项卡不再出现。")
    report.warnings += _remove_legacy(appdata, "uninstall")
    if not report.lines and not report.warnings:
        report.lines.append(f"没有找到已安装的加载项（{target}），未做任何改动。")
    return report


INSTRUCTIONS = """“充分就业”加载项只能安装在 Windows 版 Excel 中（本机不是 Windows，未做任何改动）。在要使用它的 Windows 电脑上：
  1. 安装 Python 3.10 或更高版本（python.org，安装时勾选“Add python.exe to PATH”）；
  2. 命令提示符中运行：py -m pip install fullemp_xl-<版本>-py3-none-any.whl（本项目的 wheel 文件；本项目尚未发布到 PyPI）；
  3. 关闭所有 Excel 窗口，运行：fullemp addin install
  4. 打开 Excel，功能区出现“充分就业”选项卡。
详见 README 的“安装”和“在 Excel 中使用”。"""


def _appdata() -> Path:
    if not sys.platform.startswith("win"):
        raise InstallError(INSTRUCTIONS)
    return Path(os.environ["APPDATA"])


def install() -> Report:
    return install_into(_appdata(), interpreter_for())


def uninstall() -> Report:
    return uninstall_from(_appdata())
