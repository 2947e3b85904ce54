"""Click in Chinese: help headings, usage errors and domain errors with the documented exit codes."""
from __future__ import annotations

import difflib
import importlib
import re

import click

from ..errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNUSABLE  # noqa: F401  (the documented exit codes)


class Unusable(click.ClickException):
    """The input or the arguments cannot be used (exit 2)."""

    exit_code = EXIT_UNUSABLE

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


HELP_WORDS = (("[default: ", "[默认："), ("[required]", "[必填]"))


class ZhHelpFormatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ZhContext(click.Context):
    formatter_class = ZhHelpFormatter


class ZhArgument(click.Argument):
    """A positional argument with a description, listed under 参数 in the help (click before 8.5 has no `help`)."""

    def __init__(self, *args, help: str | None = None, **kwargs):  # noqa: A002 - click's own keyword
        super().__init__(*args, **kwargs)
        self.help = help


def argument(name: str, *, help: str, **kwargs):  # noqa: A002
    """`@click.argument` with a description shown under 参数."""
    return click.argument(name, cls=ZhArgument, help=help, **kwargs)


def short_help(command: click.Command, limit: int = 70) -> str:
    """The first sentence of a command's description, cut at a Chinese pause when too long.

    click cuts at spaces only, so a Chinese sentence longer than the limit became "..."."""
    if command.short_help:
        return command.short_help
    text = (command.help or "").strip().split("\n\n")[0].replace("\n", "")
    first = text.split("。")[0]
    if len(first) <= limit:
        return first
    cut = max(first.rfind(mark, 0, limit) for mark in "，、；：")
    return (first[:cut] if cut > 0 else first[:limit]) + "……"


class ZhCommand(click.Command):
    context_class = ZhContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_arguments(self, ctx, formatter):
        """click 8.5 lists arguments itself (in English): ours are listed under 参数 by format_options."""

    def format_options(self, ctx, formatter):
        args, opts = [], []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                args.append((param.metavar or param.name.upper(), getattr(param, "help", None) or ""))
                continue
            record = param.get_help_record(ctx)
            if record is not None:
                name, text = record
                for en, zh in HELP_WORDS:
                    text = text.replace(en, zh)
                opts.append((name, text))
        if args:
            with formatter.section("参数"):
                formatter.write_dl(args)
        if opts:
            with formatter.section("选项"):
                formatter.write_dl(opts)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class ZhGroup(ZhCommand, click.Group):
    command_class = ZhCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def format_options(self, ctx, formatter):
        ZhCommand.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, short_help(cmd)))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)


    def resolve_command(self, ctx, args):
        """A mistyped command gets the likely one named (`fullemp socre` -> score), as a mistyped option does."""
        name = click.utils.make_str(args[0])
        if self.get_command(ctx, name) is None and not name.startswith("-") and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=2, cutoff=0.7)
            text = f"没有这个命令“{name}”。"
            if close:
                text += "你是不是想输入" + "或".join(f"“{c}”" for c in close) + "？"
            raise UnknownCommand(text, ctx=ctx)
        return super().resolve_command(ctx, args)


ZhGroup.group_class = ZhGroup


class LazyZhGroup(ZhGroup):
    """A group whose commands are imported by name when they are needed (click's documented lazy-loading
    pattern): `lazy_commands` maps a command's name to "module:attribute" inside this package's cli/.
    The help, the README's command reference and a mistyped name's suggestion see every command."""

    def __init__(self, *args, lazy_commands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module, attribute = self.lazy_commands[cmd_name].split(":")
            command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
            if command.name != cmd_name:
                raise RuntimeError(f"lazy command {cmd_name!r} is named {command.name!r}")
            self.add_command(command)
        return super().get_command(ctx, cmd_name)


class UnknownCommand(click.UsageError):
    """A command name we do not have; the message is already Chinese."""

CLICK_MESSAGES = (  # click's own messages (8.1 to 8.x) as regular expressions, and their Chinese
    (r"^(?:File|Directory|Path) (.+) does not exist\.$", "“{0}”不存在，请检查路径。"),
    (r"^(?:File|Directory|Path) (.+) is a directory\.$", "“{0}”是文件夹，这里要给出文件。"),
    (r"^(?:File|Directory|Path) (.+) is a file\.$", "“{0}”是文件，这里要给出文件夹。"),
    (r"^(?:File|Directory|Path) (.+) is not readable\.$", "没有读取“{0}”的权限，请检查文件权限。"),
    (r"^(?:File|Directory|Path) (.+) is not writable\.$", "没有写入“{0}”的权限，请检查文件夹权限或换一个位置。"),
    (r"^(?:File|Directory|Path) (.+) is not executable\.$", "“{0}”不能执行。"),
    (r"^Could not open file (.+?): .*$", "无法打开文件“{0}”。"),
    (r"^(.+?) is not a valid (integer|float|boolean|UUID)\b.*$", "“{0}”不是有效的{1}。"),
    (r"^(.+?) is not in the range (.+)\.$", "“{0}”超出允许的范围（{1}）。"),
    (r"^(.+?) does not match the formats? (.+)\.$", "“{0}”的格式不对（应为 {1}）。"),
    (r"^(.+?) is not (?:one of )?(.+)\.$", "“{0}”不是可选的值（可选：{1}）。"),
    (r"^Option (.+) requires an argument\.$", "选项“{0}”后面要跟一个值。"),
    (r"^Option (.+) requires (\d+) arguments\.$", "选项“{0}”后面要跟 {1} 个值。"),
    (r"^Option (.+) does not take a value\.$", "选项“{0}”后面不能跟值。"),
    (r"^No such command:? (.+?)\.?$", "没有这个命令“{0}”。"),
    (r"^Got unexpected extra arguments? \((.*)\)$", "多余的参数：{0}。"),
    (r"^Missing command\.$", "缺少命令。"),
)
TYPE_WORDS = {"integer": "整数", "float": "数", "boolean": "是/否值", "UUID": "UUID"}
REPR = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")


def _plain(text: str) -> str:
    """click quotes values as Python reprs: "'text', 'json'" -> "text、json", "'d'" -> "d"."""
    items = [a if b == "" and a else b or a for a, b in REPR.findall(text)]
    if items and REPR.sub("", text).strip(" ,") == "":
        return "、".join(items)
    return text


def click_text(message: str) -> str:
    """One of click's own English messages in Chinese; an unknown one is kept, marked as click's."""
    message = message.strip()
    for pattern, chinese in CLICK_MESSAGES:
        match = re.match(pattern, message, re.S)
        if match:
            return chinese.format(*(TYPE_WORDS.get(g, _plain(g)) for g in match.groups()))
    return f"参数有误（{message}）。"


def _param_label(exc: click.UsageError) -> str:
    param = getattr(exc, "param", None)
    if param is not None:
        if isinstance(param, click.Option):
            return "/".join(param.opts)
        return param.metavar or param.name or ""
    hint = getattr(exc, "param_hint", None)
    if isinstance(hint, (list, tuple)):
        return "/".join(hint)
    return str(hint or "")


def usage_text(exc: click.UsageError) -> str:
    """A usage error in Chinese, with Chinese punctuation throughout."""
    label = _param_label(exc)
    if isinstance(exc, UnknownCommand):
        return exc.message
    if isinstance(exc, click.MissingParameter):
        kind = "选项" if isinstance(exc.param, click.Option) else "参数"
        return f"缺少{kind}“{label}”。" if label else f"缺少{kind}。"
    if isinstance(exc, click.NoSuchOption):
        text = f"没有这个选项“{exc.option_name}”。"
        if exc.possibilities:
            text += "你是不是想输入" + "或".join(f"“{p}”" for p in sorted(exc.possibilities)) + "？"
        return text
    if isinstance(exc, click.BadParameter):
        inner = click_text(exc.message)
        return f"“{label}”的取值无效：{inner}" if label else f"取值无效：{inner}"
    return click_text(exc.message)


def help_hint(exc: click.UsageError) -> str:
    path = exc.ctx.command_path if exc.ctx is not None else "fullemp"
    return f"运行“{path} --help”查看用法。"
