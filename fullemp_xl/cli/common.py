"""Options shared by several commands, and turning domain errors into exit codes."""
from __future__ import annotations

import contextlib
import functools
import json
import sys

import click

from .. import api
from ..errors import EXIT_UNUSABLE, FullempError, UnusableFile
from .base import Unusable


def format_option(fn):
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), metavar="text|json", default="text", show_default=True,
                        help="输出格式：text 给人看，json 给程序用。")(fn)


def rules_option(fn):
    return click.option("--rules", "rules", metavar="规则集", default=None,
                        help="规则集 id（如 zhangye-2023）或 .toml 文件路径；默认用工作簿记录的规则集。")(fn)


def output_options(fn):
    fn = click.option("--force", is_flag=True, help="-o 给出的文件已存在时也覆盖它（原文件先备份）。")(fn)
    fn = click.option("--in-place", is_flag=True, help="直接写回原文件（先做备份，原子替换）。")(fn)
    return click.option("-o", "--output", "out", metavar="新文件", type=click.Path(dir_okay=False), default=None,
                        help="写到新文件（不改动原文件；文件已存在时不覆盖，除非加 --force）。")(fn)


def check_output_choice(out, in_place, *, what: str) -> None:
    if out and in_place:
        raise Unusable("-o 与 --in-place 只能选一个")
    if not out and not in_place:
        raise Unusable(f"{what}需要指定写到哪里：-o 新文件，或 --in-place 写回原文件（会自动备份）")


def domain_errors(fn):
    """Domain exceptions become Chinese messages with exit code 2, never tracebacks."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UnusableFile as exc:
            raise Unusable(f"{exc.path.name if hasattr(exc.path, 'name') else exc.path}：{exc.message}") from None
        except api.NotOurWorkbook as exc:
            raise Unusable(f"{exc.file}：{exc.message}") from None
        except api.UnknownRuleSet as exc:
            raise Unusable("找不到规则集：" + "；".join(p.message for p in exc.problems)) from None
        except api.RuleSetError as exc:
            raise Unusable("规则集有问题：\n" + "\n".join(f"  {p}" for p in exc.problems)) from None
        except FullempError as exc:  # any other error of ours that ends the command: its message, never a traceback
            if exc.exit_code != EXIT_UNUSABLE:
                raise
            raise Unusable(exc.message) from None
    return wrapper


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextlib.contextmanager
def progress_bar(label: str):
    """A progress bar on stderr when a person watches (a terminal); silent in scripts and pipes.

    Yields an object with plan(total) and update(n) for the library's callbacks.
    """
    from tqdm import tqdm

    with tqdm(total=0, desc=label, unit="个", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False,
              dynamic_ncols=True) as bar:
        def plan(total: int) -> None:
            bar.total = total
            bar.refresh()

        bar.plan = plan
        yield bar
