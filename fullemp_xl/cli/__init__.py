"""The `fullemp` command: a thin layer over the library API."""
from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings

import click

from .. import __version__
from ..core.jsondoc import document
from .base import EXIT_UNUSABLE, LazyZhGroup, help_hint, usage_text

# Every command, by name, and where it lives: a module is imported only when its command is run (or when
# the help lists the commands), so `fullemp merge` does not import the documents, the add-in or the registry.
COMMANDS = {
    "addin": "addin:addin_group",
    "announce": "documents:announce_command",
    "demo": "demo:demo_command",
    "fill": "fill:fill_command",
    "merge": "merge:merge_command",
    "notice": "documents:notice_command",
    "registry": "registry:registry_group",
    "rules": "rules:rules_group",
    "score": "assess:score_command",
    "subsidy": "documents:subsidy_command",
    "templates": "templates:templates_group",
    "validate": "assess:validate_command",
}


@click.group(cls=LazyZhGroup, lazy_commands=COMMANDS, context_settings={"max_content_width": 100})
@click.version_option(__version__, "--version", message="fullemp-xl %(version)s", help="显示版本并退出。")
def cli():
    """fullemp —— 充分就业社区认定：生成考评表、申报表和社区名册，按名册分发，从实名制台账填报，校验、打分，
    汇总各县区报送的表格，生成公示、认定公告、补助资金明细和下一年度的名册。

    第一次使用：运行 `fullemp demo` 看一遍完整流程；每个命令加 --help 查看用法。

    退出码：0 无错误，1 输入有错误，2 文件或参数无法使用。
    """


NO_ARGS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 and later


def main(argv=None) -> None:
    """Entry point: every message Chinese, the documented exit codes, and never a traceback.

    A console that cannot show a character (a GBK or ASCII console) gets a replacement character
    instead of an error, so a command that succeeded never reports failure. Library warnings
    (openpyxl's English UserWarnings) are not shown. FULLEMP_DEBUG=1 shows tracebacks (and warnings).
    """
    with _without_numpy():
        _main(argv)


@contextlib.contextmanager
def _without_numpy():
    """numpy is no dependency of ours, but where it happens to be installed openpyxl imports it (to take numpy
    numbers as cell values; we never give it any): 0.15 s of CPU, in a merge taken from the worker processes
    starting up beside it. A command does without it; afterwards numpy imports as usual (in-process callers)."""
    blocked = "numpy" not in sys.modules
    if blocked:
        sys.modules["numpy"] = None  # `import numpy` raises ImportError: openpyxl treats numpy as absent
    try:
        yield
    finally:
        if blocked and "numpy" in sys.modules and sys.modules["numpy"] is None:
            del sys.modules["numpy"]


def _main(argv) -> None:
    debug = bool(os.environ.get("FULLEMP_DEBUG"))
    tolerant_console()
    if not debug:
        warnings.simplefilter("ignore")
    try:
        code = cli.main(args=argv, prog_name="fullemp", standalone_mode=False)
    except NO_ARGS_HELP as exc:  # bare `fullemp` or `fullemp rules`: show the help
        click.echo(exc.ctx.get_help())
        sys.exit(0)
    except click.exceptions.UsageError as exc:
        click.echo(f"用法错误：{usage_text(exc)}\n{help_hint(exc)}", err=True)
        json_error(argv, f"用法错误：{usage_text(exc)}", EXIT_UNUSABLE)
        sys.exit(EXIT_UNUSABLE)
    except click.exceptions.ClickException as exc:
        exc.show()
        json_error(argv, exc.format_message(), exc.exit_code)
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("已取消。", err=True)
        sys.exit(EXIT_UNUSABLE)
    except SystemExit:
        raise
    except BrokenPipeError:  # the reader of our output went away (`| head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_UNUSABLE)
    except MemoryError:
        click.echo("内存不足，无法完成：输入文件可能过大。请删去无关的工作表或数据后再试。", err=True)
        sys.exit(EXIT_UNUSABLE)
    except Exception as exc:  # a bug of ours: say so plainly, never a traceback
        if debug:
            raise
        click.echo(f"程序内部错误：{type(exc).__name__}: {exc}\n请把命令和输入文件报告给维护人员（设置 FULLEMP_DEBUG=1 可看到详细信息）。", err=True)
        sys.exit(EXIT_UNUSABLE)
    sys.exit(code if isinstance(code, int) else 0)


def json_error(argv, message: str, code: int) -> None:
    """With --format json, a program also gets the error as a document on stdout (jsondoc: fullemp.error/1)."""
    args = list(sys.argv[1:] if argv is None else argv)
    asked = "--format=json" in args or any(a == "--format" and b == "json" for a, b in zip(args, args[1:]))
    if asked:
        click.echo(json.dumps(document("error", error=message, exit_code=code), ensure_ascii=False, indent=2))


def tolerant_console() -> None:
    """Characters the console's encoding lacks are replaced, never an error (the exit code stays)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or unusual stream: leave it as it is
                pass
