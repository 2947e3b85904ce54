"""Check and render a Word template (docxtpl) in a sandboxed jinja2 environment.

`check_template` reads a template without rendering it and lists, in Chinese, every broken tag (jinja2
syntax), every unknown tag and every unknown field, each with where it is: the part (正文 / 页眉 / 页脚),
the paragraph number and the paragraph's text. `render` then fills it. Text from the summary is data:
it is XML-escaped (a community named "<w:p>" prints literally), braces are written as character
references (docxtpl turns "{_{" in its output back into "{{"), and control characters are removed.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx.opc.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from ..errors import FullempError
from . import layout, titles
from .tags import Tag, top

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
SNIPPET = 40


class TemplateProblems(FullempError):
    """A template that cannot be used: every problem found, Chinese, with where it is."""

    def __init__(self, template: str, problems: list[str]):
        self.template, self.problems = template, problems
        super().__init__(f"模板 {template} 有问题：\n" + "\n".join(f"  {p}" for p in problems))


def environment() -> ImmutableSandboxedEnvironment:
    """A template may come from any office: no attribute tricks, no side effects, no undefined blanks."""
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


# ---------------------------------------------------------------- data
def data(value):
    """Context values as safe data: strings escaped once, braces as character references, no control characters."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        text = str(escape(CONTROL.sub(" ", value)))
        return Markup(text.replace("{", "&#123;").replace("}", "&#125;"))
    if isinstance(value, dict):
        return {k: data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [data(v) for v in value]
    return value


# ---------------------------------------------------------------- reading the template's parts
@dataclass
class _Part:
    label: str  # 正文 / 页眉 / 页脚
    lines: list[str]  # the jinja source, one paragraph per line (as docxtpl renders it)
    source: str = ""


@dataclass
class Usage:
    """What a template refers to: the profile fields it needs, whether it prints a 发文字号 or 成文日期."""

    office_fields: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


def _open(template: bytes, name: str):
    if len(template) > MAX_TEMPLATE_BYTES:
        raise TemplateProblems(name, [f"文件过大（{len(template) // 1048576} MB）：模板不应超过 {MAX_TEMPLATE_BYTES // 1048576} MB"])
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise zipfile.BadZipFile
            if sum(i.file_size for i in zf.infolist()) > 10 * MAX_TEMPLATE_BYTES:
                raise TemplateProblems(name, ["文件解压后异常巨大（疑似“压缩炸弹”），已拒绝处理"])
            head = zf.read("word/document.xml")[:4096]
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise TemplateProblems(name, ["文件含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝处理"])
        tpl = _StrictTemplate(io.BytesIO(template))
        tpl.init_docx()
    except TemplateProblems:
        raise
    except Exception:
        raise TemplateProblems(name, ["不是 Word 文档（.docx），或文件已损坏：请用 Word 打开后另存为 .docx"]) from None
    return tpl


def _parts(tpl) -> list[_Part]:
    parts = [("正文", tpl.get_xml())]
    for uri, label in ((tpl.HEADER_URI, "页眉"), (tpl.FOOTER_URI, "页脚")):
        for _, part in tpl.get_headers_footers(uri):
            parts.append((label, tpl.xml_to_string(parse_xml(part.blob))))
    out = []
    for label, xml in parts:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        out.append(_Part(label, source.split("\n"), source))
    return out


def _where(part: _Part, lineno: int | None) -> str:
    if not lineno:
        return part.label
    lineno = max(1, min(lineno, len(part.lines)))
    n = sum(1 for line in part.lines[:lineno] if line.startswith("<w:p"))
    text = re.sub(r"<[^>]+>", "", part.lines[lineno - 1]).strip()
    if len(text) > SNIPPET:
        text = text[:SNIPPET] + "…"
    return f"{part.label}第{n}段「{text}」" if n else part.label


def _syntax_message(exc: TemplateSyntaxError) -> str:
    msg = exc.message or ""
    m = re.search(r"Encountered unknown tag '(\w+)'", msg)
    if m and m.group(1).startswith("end"):
        return f"多余的结束标签“{m.group(1)}”（前面没有对应的开始标签）"
    if m:
        return f"不认识的标签“{m.group(1)}”"
    m = re.search(r"looking for the following tags: ([^.]+)\. The innermost block that needs to be closed is '(\w+)'", msg)
    if m:
        return f"“{m.group(2)}”没有结束：缺少 {{% end{m.group(2)} %}}（表格行中写 {{%tr end{m.group(2)} %}}）"
    if ("expected token 'end of print statement'" in msg or "unexpected end of template" in msg
            or re.search(r"unexpected '[/<]'", msg)):  # the tag ran on into Word's XML
        return "标签没有闭合：缺少“}}”或“%}”（一个标签要在同一段内写完）"
    if "unexpected '}'" in msg or "unexpected '%'" in msg:
        return "多余或不成对的括号：标签应写成 {{ 名称 }} 或 {% … %}"
    if "unexpected char" in msg:
        return "标签中有不能识别的字符（标签里只能用半角字符，如 {{ office.phone }}）"
    return f"标签写法有误（{msg}）"


def _resolve(node, scope: dict[str, Tag]) -> Tag | None:
    if isinstance(node, nodes.Name):
        return scope.get(node.name)
    if isinstance(node, nodes.Getattr):
        parent = _resolve(node.node, scope)
        return parent.field(node.attr) if parent is not None and not parent.many else None
    return None


def _attributes(node, scope: dict[str, Tag], found: list[tuple[nodes.Getattr, Tag]]) -> None:
    """Every attribute read on a known object, with the object's tag; loop variables are bound to the items of the
    list they loop over, inside their loop only ({% for c in rows %} … c.community …)."""
    if isinstance(node, nodes.For):
        _attributes(node.iter, scope, found)
        source = _resolve(node.iter, scope)
        inner = dict(scope)
        if isinstance(node.target, nodes.Name):
            if source is not None and source.many:
                inner[node.target.name] = Tag(node.target.name, source.meaning, source.fields)
            else:
                inner.pop(node.target.name, None)
        for child in [*node.body, *([node.test] if node.test else [])]:
            _attributes(child, inner, found)
        for child in node.else_:
            _attributes(child, scope, found)
        return
    if isinstance(node, nodes.Getattr):
        parent = _resolve(node.node, scope)
        if parent is not None and not parent.many:
            found.append((node, parent))
    for child in node.iter_child_nodes():
        _attributes(child, scope, found)


def _office_attrs(node) -> set[str]:
    found = [node, *node.find_all(nodes.Getattr)]  # find_all leaves out the node itself
    return {g.attr for g in found
            if isinstance(g, nodes.Getattr) and isinstance(g.node, nodes.Name) and g.node.name == "office"}


def _guarded_only(ast) -> set[str]:
    """Office fields the template prints only under {% if office.<field> %}: optional, never a blank in print."""
    guarded, bare = set(), set()

    def walk(node, guards: frozenset):
        if isinstance(node, nodes.If):
            tested = _office_attrs(node.test)
            guarded.update(tested)
            for child in node.body:
                walk(child, guards | tested)
            for child in [*node.elif_, *node.else_]:
                walk(child, guards)
            return
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "office":
            (guarded if node.attr in guards else bare).add(node.attr)
        for child in node.iter_child_nodes():
            walk(child, guards)

    walk(ast, frozenset())
    return guarded - bare


def check_template(template: bytes, kind: str, name: str = "模板") -> Usage:
    """Raise TemplateProblems listing every broken or unknown tag and where it is; return what it uses."""
    env = environment()
    known = top(kind)
    problems: list[str] = []
    usage = Usage()
    tpl = _open(template, name)
    for part in _parts(tpl):
        for k, line in enumerate(part.lines, start=1):
            if re.search(r"｛[｛%]|[｝%]｝|｛\s*｛", re.sub(r"<[^>]+>", "", line)):
                problems.append(f"{_where(part, k)}：标签用了全角括号“｛｝”：请改成半角的 {{{{ }}}}")
        try:
            ast = env.parse(part.source)
        except TemplateSyntaxError as exc:
            problems.append(f"{_where(part, exc.lineno)}：{_syntax_message(exc)}")
            continue
        undeclared = meta.find_undeclared_variables(ast)
        usage.names |= undeclared & set(known)
        for unknown in sorted(undeclared - set(known) - set(env.globals)):
            line = next((k for k, text in enumerate(part.lines, start=1) if re.search(rf"\b{re.escape(unknown)}\b", text)), None)
            problems.append(f"{_where(part, line)}：未知标签“{unknown}”（可用的标签见 README“文书模板的标签”）")
        found: list[tuple[nodes.Getattr, Tag]] = []
        _attributes(ast, dict(known), found)
        for node, parent in found:
            if parent.field(node.attr) is None:
                label = f"{node.node.name}.{node.attr}" if isinstance(node.node, nodes.Name) else node.attr
                names = "、".join(f.name for f in parent.fields)
                problems.append(f"{_where(part, node.lineno)}：未知字段“{label}”（{parent.meaning}的字段有：{names}）")
            elif isinstance(node.node, nodes.Name) and node.node.name == "office":
                usage.office_fields.add(node.attr)
        usage.office_fields -= _guarded_only(ast)
    if problems:
        raise TemplateProblems(name, problems)
    return usage


# ---------------------------------------------------------------- rendering
class _StrictTemplate(DocxTemplate):
    """docxtpl parses its output with lxml's recover=True, which hides XML a template broke: refuse instead."""

    def fix_tables(self, xml):
        try:
            etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml,
                             etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
        except etree.XMLSyntaxError:
            raise _BrokenOutput() from None
        return super().fix_tables(xml)


class _BrokenOutput(Exception):
    pass


def _template_line(exc: BaseException) -> int | None:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def finish(doc, context: dict) -> None:
    """What only the filled text decides: titles broken by rule, the 署名 and 成文日期 placed by their width."""
    titles.break_titles(doc, keep=titles.names_in(context))
    layout.place_signatures(doc)


def render(template: bytes, kind: str, context: dict, name: str = "模板") -> bytes:
    """Fill the (checked) template with context; raise TemplateProblems for what only rendering reveals."""
    tpl = _open(template, name)
    parts = {"正文": _parts(tpl)[0]}
    try:
        tpl.render(data(context), environment(), autoescape=True)
    except _BrokenOutput:
        raise TemplateProblems(name, ["模板中的标签打乱了 Word 的段落或表格结构：{%p …%}、{%tr …%} 要各占一个段落或一个表格行，"
                                      "开始和结束标签要成对地放在同一层级"]) from None
    except (UndefinedError, SecurityError, TemplateError, TypeError, ValueError) as exc:
        where = _where(parts["正文"], _template_line(exc)) if tpl.current_rendering_part is tpl.docx._part else "页眉或页脚"
        what = "用了不存在的内容" if isinstance(exc, UndefinedError) else "不允许的操作" if isinstance(exc, SecurityError) else "无法填写"
        raise TemplateProblems(name, [f"{where}：{what}（{exc}）"]) from None
    finish(tpl.docx, context)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
