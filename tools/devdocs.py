"""README sections generated from the code, so the documentation cannot drift from it.

    python -m tools.devdocs README.md          # rewrite the generated sections
    python -m tools.devdocs --check README.md  # exit 1 when they are stale (a test does this)
"""
from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import click

from fullemp_xl.rules import load_ruleset
from fullemp_xl.rules.items import SECTION_KIND_HELP
from fullemp_xl.rules.kinds import CONDITION_FORMS, PART_KINDS, PLACEHOLDERS
from fullemp_xl.core import DEFAULT_RULESET


def _commands(group: click.Group, prefix: str):
    ctx = click.Context(group, info_name=prefix)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        path = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path)
        else:
            yield path, cmd


def _help_blocks(text: str) -> str:
    """A docstring as Markdown: paragraphs joined, click's \\b blocks kept line by line as code."""
    out = []
    for block in re.split(r"\n\s*\n", inspect.cleandoc(text or "").split("\f")[0]):
        lines = block.split("\n")
        if lines[0].strip() == "\b":
            out.append("```text\n" + "\n".join(lines[1:]) + "\n```")
        else:
            out.append("".join(ln.strip() for ln in lines) if _cjk(block) else " ".join(ln.strip() for ln in lines))
    return "\n\n".join(b for b in out if b.strip())


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _param_row(param: click.Parameter) -> tuple[str, str]:
    """(how it is written, what it does) from the parameter's own attributes, not click's formatter."""
    names = " / ".join([*param.opts, *param.secondary_opts])
    if isinstance(param, click.Option) and not param.is_flag:
        metavar = param.metavar or (param.type.name.upper() if param.type else "")
        names += f" {metavar}"
    text = (getattr(param, "help", None) or "").strip()
    extras = []
    if isinstance(param, click.Option) and param.show_default and param.default not in (None, False, ()):
        extras.append(f"默认：{param.default}")
    if param.required:
        extras.append("必填")
    if extras:
        text += f"（{'；'.join(extras)}）"
    return names, text


def _usage(path: str, cmd: click.Command) -> str:
    pieces = [path]
    if any(isinstance(p, click.Option) for p in cmd.params):
        pieces.append("[选项]")
    for p in cmd.params:
        if isinstance(p, click.Argument):
            pieces.append(p.metavar or p.name.upper())
    return " ".join(pieces)


def cli_reference() -> str:
    """The command reference, built from the command tree itself so that it reads the same under every
    click version we allow (click's own help formatting changes between minor versions)."""
    from fullemp_xl.cli import cli

    parts = []
    for path, cmd in _commands(cli, "fullemp"):
        rows = [_param_row(p) for p in cmd.params if isinstance(p, click.Option) and not p.hidden]
        rows.append(("--help", "显示本帮助并退出。"))
        table = "\n".join(["| 选项 | 说明 |", "|---|---|", *(f"| `{n}` | {t} |" for n, t in rows)])
        arguments = [(p.metavar or p.name.upper(), (getattr(p, "help", None) or "").strip())
                     for p in cmd.params if isinstance(p, click.Argument)]
        if arguments:  # listed as arguments, as `--help` lists them
            table = "\n".join(["| 参数 | 说明 |", "|---|---|", *(f"| `{n}` | {t} |" for n, t in arguments)]) + "\n\n" + table
        parts.append(f"### `{path}`\n\n用法：`{_usage(path, cmd)}`\n\n{_help_blocks(cmd.help)}\n\n{table}\n")
    return "\n".join(parts)


def rule_kinds() -> str:
    rows = ["| kind | 含义 | 字段 |", "|---|---|---|"]
    for kind, (_, meaning, fields) in PART_KINDS.items():
        rows.append(f"| `{kind}` | {meaning} | {', '.join(f'`{f}`' for f in fields)} |")
    rows += ["", "条件（`require`，以及门槛 `[[gates]]` 和 `[conditions]`）的写法：", ""]
    rows += [f"- **{form}**：{text}" for form, text in CONDITION_FORMS.items()]
    rows += ["", "部分（`[[sections]]`）的 `kind`（印出的序号写在 `label` 里，如 `一`、`附1`、`（一）`）：", ""]
    rows += [f"- `{kind}`：{text}" for kind, text in SECTION_KIND_HELP.items()]
    rows += ["", "扣分说明 `reason` 中的占位符（打分时换成实际的数）：", ""]
    rows += [f"- `{{{name}}}`：{text}" for name, text in PLACEHOLDERS.items()]
    return "\n".join(rows)


def readings(rule_id: str = DEFAULT_RULESET) -> str:
    rs = load_ruleset(rule_id)
    rows = ["| 序号 | 评分标准（原文） | 所取读法 |", "|---|---|---|"]
    for item in rs.items:
        if item.reading:
            rows.append(f"| {item.id} | {item.criteria} | {item.reading} |")
    rows.append(f"| 认定 | 第七条 | {rs.levels.reading} |")
    return "\n".join(rows)


def level_table(rule_id: str = "qiqihar-2022") -> str:
    """Score band x prior title -> the decision, computed by the engine itself."""
    from fractions import Fraction

    from fullemp_xl.core.model import PriorTitle
    from fullemp_xl.engine.scoring import decide

    rs = load_ruleset(rule_id)
    policy = rs.levels
    scores = sorted({Fraction(0), *(b.min for b in policy.bands)})
    priors = [None, *policy.titles]
    head = "| 综合得分 | " + " | ".join("原无称号" if p is None else f"原为{p}" for p in priors) + " |"
    rows = [head, "|---" * (len(priors) + 1) + "|"]
    for k, low in enumerate(scores):
        high = scores[k + 1] if k + 1 < len(scores) else None
        label = f"{low}～{high}（不含{high}）" if high is not None else f"{low}及以上"
        if low == 0:
            label = f"不足{high}"
        cells = [decide(policy, low, True, PriorTitle(p, rs.year - 2) if p else None, rs.year).level for p in priors]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def ledger_table(rule_id: str = DEFAULT_RULESET) -> str:
    """Which ledger rows make each base-data value, in the words the 计算说明 uses."""
    from fullemp_xl.ledger.count import describe

    rs = load_ruleset(rule_id)
    spec = rs.ledger
    rows = ["| 基础数据 | 从台账怎么数 |", "|---|---|"]
    for fact, rule in spec.counts.items():
        how = "且".join(describe(t, spec) for t in rule.where) + "的人数"
        if rule.distinct:
            how += f"（按“{spec.column(rule.distinct).label}”去重）"
        rows.append(f"| {rs.facts[fact].label} | {how} |")
    for fact, rule in spec.flags.items():
        among = "且".join(describe(t, spec) for t in rule.among)
        need = "且".join(describe(t, spec) for t in rule.require)
        rows.append(f"| {rs.facts[fact].label} | “是”：{among}的人都满足{need} |")
    cols = "、".join(c.label + ("（个人信息）" if c.personal else "") for c in spec.columns)
    return "\n".join(rows) + f"\n\n台账的列：{cols}。"


def document_tags() -> str:
    from fullemp_xl.documents.tags import markdown_table

    return markdown_table()


SECTIONS = {"cli-reference": cli_reference, "rule-kinds": rule_kinds, "readings-zhangye": readings,
            "levels-qiqihar": level_table, "ledger-zhangye": ledger_table, "document-tags": document_tags}


def render(text: str) -> str:
    for key, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {key}:start -->\n)(?:.*?\n)?(<!-- {key}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README 缺少标记 <!-- {key}:start --> … <!-- {key}:end -->")
        body = make()
        text = pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    path = Path(next(a for a in argv if not a.startswith("--")))
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if check:
        if new != old:
            print(f"{path} 中自动生成的部分已过期：运行 python -m tools.devdocs {path}")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
