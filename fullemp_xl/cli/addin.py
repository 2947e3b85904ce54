"""`fullemp addin check / build / install / uninstall`."""
from __future__ import annotations

import tempfile
from pathlib import Path

import click

from .. import api
from .base import ZhCommand, ZhGroup

MACROS = Path(__file__).resolve().parent.parent.parent / "macros"


@click.group("addin", cls=ZhGroup)
def addin_group():
    """Excel 加载项（“充分就业”选项卡：填报、校验、打分、清除标记，以及 FE_ 工作表函数）：生成、检查、在 Windows 上安装。"""


@addin_group.command("check", cls=ZhCommand)
@click.option("--macros", "folder", metavar="文件夹", type=click.Path(file_okay=False), default=None,
              help="VBA 和功能区文件所在的文件夹，默认为随程序的 macros/。")
def check_command(folder):
    """检查加载项的源文件：功能区 XML 符合架构、每个回调和 RunPython 目标都存在且可调用、
    每个 FE_ 函数的 VBA 包装与 Python 的参数一致、#Const App、VBA 只含 ASCII。"""
    path = Path(folder) if folder else MACROS
    if folder is None and not path.exists():  # installed without the repository: check what we generate
        path = Path(tempfile.mkdtemp())
        api.write_addin_sources(path)
    problems = api.check_addin(path)
    for p in problems:
        click.echo(f"  错误：{p}")
    click.echo(f"{path}：" + ("检查通过" if not problems else f"{len(problems)} 个问题"))
    raise SystemExit(1 if problems else 0)


@addin_group.command("build", cls=ZhCommand)
@click.option("-o", "--output", "out", metavar="文件夹", type=click.Path(file_okay=False), default="macros",
              show_default=True, help="输出文件夹。")
@click.option("--interpreter", metavar="PYTHON", default="",
              help="写入加载项的 Python（Windows 路径，如 C:\\Python312\\pythonw.exe）；不给时加载项会提示运行 fullemp addin install。")
def build_command(out, interpreter):
    """生成功能区 XML、VBA 源文件和 fullemp.xlam（含 VBA 工程：按钮回调、FE_ 函数、xlwings 运行模块）。"""
    folder = Path(out)
    for path in api.write_addin_sources(folder):
        click.echo(f"已生成：{path}")
    mismatch, _ = api.addin_errors()
    try:
        target, name, buttons, xlwings_version = api.build_addin(folder, interpreter)
    except mismatch as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2)
    click.echo(f"已生成：{target}（VBA 工程 {name}：ThisWorkbook、Sheet1、fullemp_ribbon、fullemp_udfs、"
               f"xlwings {xlwings_version}；{buttons} 个按钮）")
    if not interpreter:
        click.echo("提示：未记录 Python。在 Windows 上请用 fullemp addin install 安装，它会写入当时的 Python。")


@addin_group.command("install", cls=ZhCommand)
def install_command():
    """在 Windows 上安装加载项：把记录了当前 Python 的 fullemp.xlam 放进 Excel 的启动文件夹（XLSTART），
    Excel 每次启动时加载它（与 xlwings addin install 的做法相同）。"""
    _report(api.install_addin)


@addin_group.command("uninstall", cls=ZhCommand)
def uninstall_command():
    """在 Windows 上卸载加载项：从 Excel 的启动文件夹删除 fullemp.xlam（先关闭 Excel）。"""
    _report(api.uninstall_addin)


def _report(step):
    _, failed = api.addin_errors()
    try:
        report = step()
    except failed as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2)
    for line in report.lines:
        click.echo(line)
    for line in report.warnings:
        click.echo(f"注意：{line}")
