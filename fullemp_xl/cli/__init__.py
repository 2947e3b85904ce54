"""The `fullemp` command: a thin layer over the library API."""
from __future__ import annotations

import os
import sys

import click

from .. import __version__
from .addin import addin_group
from .assess import score_command, validate_command
from .base import EXIT_UNUSABLE, ZhGroup, translate_usage
from .demo import demo_command
from .documents import announce_command, notice_command, subsidy_command
from .fill import fill_command
from .merge import merge_command
from .registry import registry_group
from .rules import rules_group
from .templates import templates_group


@click.group(cls=ZhGroup, context_settings={"max_content_width": 100})
@click.version_option(__version__, "--version", message="fullemp-xl %(version)s", help="显示版本并退出。")
def cli():
    """fullemp —— 充分就业社区认定：考评表、申报表的生成、校验、打分与汇总。

    退出码：0 无错误，1 输入有错误，2 文件或参数无法使用。
    """


for command in (templates_group, fill_command, score_command, validate_command, merge_command, rules_group, addin_group,
                demo_command, notice_command, announce_command, subsidy_command, registry_group):
    cli.add_command(command)


def main(argv=None) -> None:
    """Entry point: usage errors in Chinese, and no traceback even for a bug (unless FULLEMP_DEBUG=1)."""
    try:
        code = cli.main(args=argv, prog_name="fullemp", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        hint = f"运行 `{exc.ctx.command_path} --help` 查看用法。" if exc.ctx else ""
        click.echo(f"用法错误：{translate_usage(exc.format_message())}\n{hint}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(EXIT_UNUSABLE)
    except SystemExit:
        raise
    except Exception as exc:  # a bug of ours: say so plainly, never a traceback
        if os.environ.get("FULLEMP_DEBUG"):
            raise
        click.echo(f"程序内部错误：{type(exc).__name__}: {exc}\n请把命令和输入文件报告给维护人员（设置 FULLEMP_DEBUG=1 可看到详细信息）。", err=True)
        sys.exit(EXIT_UNUSABLE)
    sys.exit(code if isinstance(code, int) else 0)
