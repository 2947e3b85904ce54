"""`fullemp addin check / build / install`."""
from __future__ import annotations

from pathlib import Path

import click

from .base import ZhCommand, ZhGroup

MACROS = Path(__file__).resolve().parent.parent.parent / "macros"


@click.group("addin", cls=ZhGroup)
def addin_group():
    """Excel 加载项：“充分就业”选项卡（填报、校验、打分、清除标记）和 FE_ 函数。"""


@addin_group.command("check", cls=ZhCommand)
@click.option("--macros", "folder", metavar="文件夹", type=click.Path(file_okay=False), default=None,
              help="VBA 和功能区文件所在的文件夹，默认为随程序的 macros/。")
def check_command(folder):
    """检查加载项：功能区回调都有 VBA，RunPython 目标都能导入且不带参数，VBA 声明的函数 Python 都有。"""
    from ..excel.addin import check, write_macros

    path = Path(folder) if folder else MACROS
    if folder is None and not path.exists():  # installed without the repository: check what we generate
        import tempfile

        path = Path(tempfile.mkdtemp())
        write_macros(path)
    problems = check(path)
    for p in problems:
        click.echo(f"  错误：{p}")
    click.echo(f"{path}：" + ("检查通过" if not problems else f"{len(problems)} 个问题"))
    raise SystemExit(1 if problems else 0)


@addin_group.command("build", cls=ZhCommand)
@click.option("-o", "--output", "out", metavar="文件夹", type=click.Path(file_okay=False), default="macros",
              show_default=True, help="输出文件夹。")
def build_command(out):
    """生成功能区 XML、VBA 模块和 fullemp.xlam（VBA 模块需在 Windows 上导入）。"""
    from ..excel.addin import ADDIN_NAME, build_xlam, write_macros

    folder = Path(out)
    for path in write_macros(folder):
        click.echo(f"已生成：{path}")
    click.echo(f"已生成：{build_xlam(folder / f'{ADDIN_NAME}.xlam')}")


@addin_group.command("install", cls=ZhCommand)
def install_command():
    """在 Windows 上安装加载项；在其他系统上说明怎么做。"""
    from ..excel.addin import install

    for line in install():
        click.echo(line)
