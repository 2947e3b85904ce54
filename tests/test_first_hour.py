"""What a new user meets in the first hour (issue 21): the help describes every command and shows
arguments as arguments, a mistyped command gets a suggestion, and the messages of score, validate and
fill guide instead of repeating themselves or showing internal codes."""
from __future__ import annotations

import re

import pytest

from fullemp_xl.cli import cli, main


def help_of(capsys, *args) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*args, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))


def test_every_command_has_a_description_in_the_summary(capsys):
    """`fullemp --help` listed `demo ...`: click cuts descriptions at spaces, which Chinese has none of."""
    for path, command in [((), cli), *commands()]:
        if not hasattr(command, "commands"):
            continue
        text = help_of(capsys, *path)
        rows = text.split("命令：\n", 1)[1]
        for name in command.commands:
            row = re.search(rf"^  {name} +(\S.*)$", rows, re.M)
            assert row, (path, name, rows)
            assert re.search(r"[\u4e00-\u9fff]{4}", row.group(1)) and not row.group(1).startswith("..."), (path, row.group(0))


def test_top_level_summary_names_every_stage(capsys):
    summary = help_of(capsys).split("选项：")[0]
    for word in ["考评表", "申报表", "名册", "台账", "校验", "打分", "汇总", "公示", "认定公告", "补助", "fullemp demo"]:
        assert word in summary, word


def test_templates_and_addin_say_what_they_make(capsys):
    templates = help_of(capsys, "templates").split("选项：")[0]
    for word in ["考评表", "申报表", "社区名册", "台账", "公示", "认定公告", "补助资金明细"]:
        assert word in templates, word
    addin = help_of(capsys, "addin").split("选项：")[0]
    for word in ["选项卡", "FE_", "生成", "检查", "安装"]:
        assert word in addin, word


def test_arguments_are_listed_as_arguments_with_a_description(capsys):
    for path, command in commands():
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        if not arguments:
            continue
        text = help_of(capsys, *path)
        assert "参数：" in text, path
        listed, options = text.split("参数：\n", 1)[1].split("选项：", 1)
        assert "Positional" not in text
        for argument in arguments:
            row = re.search(rf"^  {re.escape(argument.metavar)} +(\S.*)$", listed, re.M)
            assert row and re.search(r"[\u4e00-\u9fff]", row.group(1)), (path, listed)
            assert not re.search(rf"^  {re.escape(argument.metavar)}\s*$", options, re.M), (path, options)


@pytest.mark.parametrize("typed, meant", [("socre", "score"), ("valdate", "validate"), ("templtes", "templates")])
def test_a_mistyped_command_gets_a_suggestion(capsys, typed, meant):
    with pytest.raises(SystemExit) as stop:
        main([typed, "x.xlsx"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"用法错误：没有这个命令“{typed}”。你是不是想输入“{meant}”？\n"), err


def test_a_mistyped_subcommand_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit):
        main(["rules", "shwo", "zhangye-2023"])
    assert "你是不是想输入“show”？" in capsys.readouterr().err
