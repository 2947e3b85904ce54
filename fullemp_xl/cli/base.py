"""Click in Chinese: help headings, usage errors and domain errors with the documented exit codes."""
from __future__ import annotations

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class Unusable(click.ClickException):
    """The input or the arguments cannot be used (exit 2)."""

    exit_code = EXIT_UNUSABLE

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


HELP_WORDS = (("[default: ", "[默认："), ("[required]", "[必填]"))


class ZhCommand(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_options(self, ctx, formatter):
        opts = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                name, text = record
                for en, zh in HELP_WORDS:
                    text = text.replace(en, zh)
                opts.append((name, text))
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
                rows.append((name, cmd.get_short_help_str(limit=60)))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)


ZhGroup.group_class = ZhGroup

USAGE_WORDS = [
    ("Missing argument", "缺少参数"),
    ("Missing option", "缺少选项"),
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Invalid value for", "取值无效："),
    ("does not exist", "不存在"),
    ("is a directory", "是文件夹"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Got unexpected extra arguments", "多余的参数"),
    ("Option", "选项"),
    ("requires an argument", "需要一个值"),
    ("is not one of", "不是下列之一"),
    ("Did you mean", "你是不是想输入"),
    ("File", "文件"),
]


def translate_usage(message: str) -> str:
    for en, zh in USAGE_WORDS:
        message = message.replace(en, zh)
    return message
