"""What a user reads when something is off: click's own messages in Chinese with Chinese punctuation,
a console that cannot show a character (GBK, ASCII) never turning success into failure, library
warnings never shown raw, and a rules path that cannot be read explained."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import openpyxl
import pytest

from conftest import IDENTITY, ROOT, make_assessment
from hostile import rewrite, sheet_of

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,} [a-z]{2,}\b")  # "is a", "does not", "Missing argument"…


def run(*args, env=None, as_user=False):
    """python -m fullemp_xl ARGS; as_user: without root's power to read any file (where we are root)."""
    env = {**os.environ, **(env or {})}
    prefix = []
    if as_user and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    return subprocess.run([*prefix, sys.executable, "-m", "fullemp_xl", *map(str, args)], capture_output=True,
                          cwd=ROOT, env=env)


def chinese_only(text: str) -> str:
    """The message without the command lines and paths it may quote."""
    return re.sub(r"“[^”]*”|`[^`]*`|/\S+", "", text)


@pytest.mark.parametrize("args, expected", [
    (["score"], "缺少参数“文件”。"),
    (["score", "--format", "xml", "x.xlsx"], "“--format”的取值无效：“xml”不是可选的值（可选：text、json）。"),
    (["fill", "x.xlsx", "--as"], "选项“--as”后面要跟一个值。"),
    (["validate", "x.xlsx", "--rule", "zhangye-2023"], "没有这个选项“--rule”。你是不是想输入“--force”或“--rules”？"),
    (["frobnicate"], "没有这个命令“frobnicate”。"),
    (["score", "a.xlsx", "b.xlsx"], "多余的参数：b.xlsx。"),
    (["validate", "tests"], "“文件”的取值无效：“tests”是文件夹，这里要给出文件。"),
])
def test_usage_errors_in_chinese(args, expected):
    proc = run(*args)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2
    first, hint = err.strip().split("\n")
    assert first == f"用法错误：{expected}"
    assert re.fullmatch(r"运行“fullemp( [a-z]+)* --help”查看用法。", hint)
    assert not ENGLISH_PHRASE.search(chinese_only(err)), err
    assert not re.search(r"[。，：；？][ ]|[ ][。，：；？]", err)  # no ASCII space between Chinese sentences


def test_unreadable_files_and_rules(tmp_path):
    secret = tmp_path / "考评表.xlsx"
    secret.write_bytes(b"PK")
    rules = tmp_path / "规则.toml"
    rules.write_text("[ruleset]\n", encoding="utf-8")
    for path in (secret, rules):
        path.chmod(0o000)
    proc = run("validate", secret, as_user=True)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2 and "没有读取“" in err and "的权限" in err, err
    proc = run("templates", "build", "--rules", rules, "-o", tmp_path / "out", as_user=True)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2 and "没有读取规则集文件的权限" in err, err
    proc = run("rules", "check", rules, as_user=True)
    assert proc.returncode == 2 and "权限" in proc.stderr.decode("utf-8")
    assert not (tmp_path / "out").exists()


def test_help_in_chinese_and_bare_command_shows_it():
    proc = run()
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0 and out.startswith("用法：fullemp") and "选项：" in out and "命令：" in out
    assert "Options" not in out and "Usage" not in out and "Commands" not in out
    proc = run("rules")
    assert proc.returncode == 0 and "命令：" in proc.stdout.decode("utf-8")
    helped = run("score", "--help").stdout.decode("utf-8")
    assert "选项：" in helped and "[默认：text]" in helped


@pytest.fixture
def rare_names(tmp_path, zhangye, good):
    """A 考评表 of a community whose name GBK cannot write (𠮷, an extension-B character) and a ✓."""
    identity = {**IDENTITY, "社区": "𠮷祥✓社区"}
    return make_assessment(tmp_path / "考评表.xlsx", zhangye, {"self": dict(good), "assessed": dict(good)}, identity)


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_a_console_that_cannot_show_a_character_keeps_the_exit_code(rare_names, tmp_path, encoding):
    plain = run("score", rare_names)
    assert plain.returncode == 0 and "𠮷" in plain.stdout.decode("utf-8")
    narrow = run("score", rare_names, env={"PYTHONIOENCODING": encoding})
    assert narrow.returncode == 0, narrow.stderr
    assert "程序内部错误" not in narrow.stderr.decode(encoding, "replace")
    assert narrow.stdout  # printed, with the character replaced
    written = run("score", rare_names, "--write", "-o", tmp_path / "out.xlsx", "--format", "json",
                  env={"PYTHONIOENCODING": encoding})
    assert written.returncode == 0 and (tmp_path / "out.xlsx").exists()
    assert json.loads(written.stdout.decode("utf-8" if encoding == "ascii" else encoding, "replace"))["written"]


def test_library_warnings_never_reach_the_user(filled, tmp_path):
    """openpyxl warns in English about extensions it drops (here a data-validation extension list)."""
    ext = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/'
           b'office/spreadsheetml/2009/9/main"><x14:dataValidations count="0"/></ext></extLst></worksheet>')
    part = sheet_of(filled, "基础数据")
    noisy = rewrite(filled, tmp_path / "noisy.xlsx",
                    change=lambda n, d: d.replace(b"</worksheet>", ext) if n == part else d)
    with pytest.warns(UserWarning):
        openpyxl.load_workbook(noisy)
    for args in (["score", noisy], ["validate", noisy], ["validate", noisy, "--mark", "-o", tmp_path / "m.xlsx"]):
        proc = run(*args)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.decode("utf-8") == "" and "Warning" not in proc.stdout.decode("utf-8")


def test_a_closed_pipe_is_not_an_internal_error(filled):
    proc = subprocess.run(f"{sys.executable} -m fullemp_xl score {filled} | head -c 10", shell=True, capture_output=True,
                          cwd=ROOT)
    assert "程序内部错误" not in proc.stderr.decode("utf-8") and "Traceback" not in proc.stderr.decode("utf-8")
