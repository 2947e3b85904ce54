"""macros/ is what the code generates from the button data; `fullemp addin check` passes on it and
catches each kind of breakage Excel would show; `addin install` records the right Python."""
from __future__ import annotations

import re
import shutil
import zipfile

import pytest

from conftest import ROOT
from fullemp_xl.excel.addin import BUTTONS, macro_files, macros
from fullemp_xl.excel.addin.check import check
from fullemp_xl.excel.addin.install import InstallError, install_into
from conftest import run


def test_committed_macros_are_what_the_code_generates():
    for name, text in macro_files().items():
        data = (ROOT / "macros" / name).read_bytes()
        assert data.decode("utf-8").replace("\r\n", "\n") == text, f"macros/{name} is stale: run `fullemp addin build -o macros`"
        if not name.endswith(".xml"):
            assert data.isascii() and b"\n" not in data.replace(b"\r\n", b""), name  # ASCII, CRLF as VBE writes


def test_addin_check_passes_from_the_command_line():
    proc = run("addin", "check", "--macros", ROOT / "macros")
    assert proc.returncode == 0 and "检查通过" in proc.stdout


def test_ribbon_and_callbacks_follow_from_the_button_data():
    ui, vba = macros.custom_ui(), macro_files()["fullemp_ribbon.bas"]
    for b in BUTTONS:
        assert f'id="{b.control}"' in ui and f'onAction="fullemp_ribbon.{b.callback}"' in ui
        assert f'RunPython "import {b.module} as h; h.{b.function}()"' in vba


def zh_texts(vba: str) -> list[str]:
    """Decode every Zh("...") expression (joined with & _ continuations) back to text."""
    joined = re.sub(r'"\) & _\s*Zh\("', " ", vba)
    return ["".join(chr(int(c, 16)) for c in codes.split()) for codes in re.findall(r'Zh\("([0-9a-f ]+)"\)', joined)]


def test_vba_messages_decode_to_the_chinese_texts():
    texts = zh_texts(macro_files()["fullemp_ribbon.bas"])
    for text, _english in macros.MESSAGES.values():
        assert text in texts


MUTATIONS = [  # (file, old, new, what the finding must mention)
    ("fullemp_ribbon.bas", 'Attribute VB_Name = "fullemp_ribbon"', 'Attribute VB_Name = "fullemp_buttons"', "声明的模块名是 fullemp_buttons"),
    ("customUI.xml", 'onAction="fullemp_ribbon.OnFill"', 'onAction="fullemp.OnFill"', "没有名为 fullemp 的 VBA 模块"),
    ("customUI.xml", "office/2006/01/customui", "office/2006/02/customui", "命名空间"),
    ("customUI.xml", 'imageMso="AutoSum"', 'imageMso="AutoSumm"', "AutoSumm"),
    ("fullemp_ribbon.bas", 'h.fill()"', "h.fill()", "引号不成对"),
    ("fullemp_udfs.bas", 'XLPy.CallUDF("fullemp_xl.excel.udfs", "FE_TOTAL", Array(values, rules), Active',
     'XLPy.CallUDF("fullemp_xl.excel.udf", "FE_TOTAL", Array(values, rules), Active', "调用模块 fullemp_xl.excel.udf"),
    ("fullemp_udfs.bas", '"FE_SECTION", Array(section, values, rules), Active', '"FE_TOTAL", Array(section, values, rules), Active',
     "调用 Python 函数 FE_TOTAL"),
    ("fullemp_udfs.bas", "Array(numerator, denominator), Active", "Array(denominator, numerator), Active", "(denominator, numerator)"),
    ("fullemp_udfs.bas", "Array(item, values, rules), ActiveWorkbook, Application.Caller)\n        Exit Function\n    #Else\n"
     "        FE_ITEM_SCORE", "Array(item, values), ActiveWorkbook, Application.Caller)\n        Exit Function\n    #Else\n"
     "        FE_ITEM_SCORE", "传给 Python 的参数为 (item, values)"),
    ("fullemp_udfs.bas", '#Const App = "Microsoft Excel"\n', "", "#Const App"),
    ("fullemp_ribbon.bas", "Option Explicit\n", "Option Explicit\n' 按钮\n", "非 ASCII"),
    ("fullemp_ribbon.bas", "h.fill()", "h.fil()", "fil 无法导入"),
    ("fullemp_ribbon.bas", "h.score()", "h.score_book()", "score_book 必须不带参数"),
    ("fullemp_ribbon.bas", "Sub OnClear(control As IRibbonControl)", "Sub OnWipe(control As IRibbonControl)", "OnClear"),
    ("customUI.xml", 'id="feScore"', 'id="feFill"', "id 重复"),
    ("customUI.xml", "</customUI>", "", "不是合法的 XML"),
    ("fullemp_udfs.bas", "Function FE_RATE(numerator, denominator)", "Function FE_RATIO(numerator, denominator)", "FE_RATIO"),
    ("fullemp_udfs.bas", "Function FE_TOTAL(values, Optional rules)", "Function FE_TOTAL(values, rules)", "FE_TOTAL 的参数"),
    ("ThisWorkbook.cls", "fullemp_ribbon.RuntimeReady", "fullemp_ribbon.RuntimeReadyy", "RuntimeReadyy"),
    ("customUI.xml", 'size="large"', 'size="large" onClick="x"', "没有属性 onClick"),
    ("fullemp_ribbon.bas", "h.validate()", "h.score()", "按钮定义为 fullemp_xl.excel.handlers:validate"),
    ("fullemp_ribbon.bas", 'h.clear()"', 'h.clear(); print(""x"")"', "双引号"),
    ("fullemp_udfs.bas", "Function FE_RMB_UPPER(amount)", "Function FE_RMB_UPPER(amount, Optional unit)", "FE_RMB_UPPER 的参数"),
    ("fullemp_ribbon.bas", "End Function\n\nPrivate Function HasForeignConfig", "\nPrivate Function HasForeignConfig", "End Function"),
]


@pytest.mark.parametrize("file,old,new,expected", MUTATIONS, ids=[f"{m[0]}:{m[3]}" for m in MUTATIONS])
def test_addin_check_catches_each_mutation(tmp_path, file, old, new, expected):
    folder = tmp_path / "macros"
    shutil.copytree(ROOT / "macros", folder)
    path = folder / file
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    assert old in text, "the mutation no longer applies: update the test"
    text = text.replace(old, new, 1)
    path.write_bytes((text if file.endswith(".xml") else text.replace("\n", "\r\n")).encode("utf-8"))
    problems = "\n".join(check(folder))
    assert expected in problems, problems


def test_addin_check_reports_missing_and_unreadable_files(tmp_path):
    folder = tmp_path / "macros"
    shutil.copytree(ROOT / "macros", folder)
    (folder / "Sheet1.cls").unlink()
    (folder / "customUI.xml").write_bytes(b"\xff\xfe<not xml")
    proc = run("addin", "check", "--macros", folder)
    assert proc.returncode == 1
    assert "缺少 Sheet1.cls" in proc.stdout and "customUI.xml 不是 UTF-8" in proc.stdout


# ---------------------------------------------------------------- install
@pytest.fixture
def windows_python(tmp_path):
    """A Python laid out as on Windows (python.exe, pythonw.exe and xlwings' DLL in its folder)."""
    import xlwings

    home = tmp_path / "Python312"
    home.mkdir()
    for name in ("python.exe", "pythonw.exe", f"xlwings64-{xlwings.__version__}.dll"):
        (home / name).write_bytes(b"")
    return home


def config_of(xlam) -> dict[str, str]:
    sheet = zipfile.ZipFile(xlam).read("xl/worksheets/sheet1.xml").decode("utf-8")
    cells = re.findall(r'<c r="([AB])(\d+)"[^>]*>(?:<is><t>([^<]*)</t></is>|<v>([^<]*)</v>)</c>', sheet)
    rows: dict[str, dict] = {}
    for col, row, text, value in cells:
        rows.setdefault(row, {})[col] = text or value
    return {r["A"]: r.get("B", "") for r in rows.values()}


def test_install_records_the_interpreter_and_registers(tmp_path, windows_python):
    from fullemp_xl.excel.addin.install import interpreter_for

    registered = []
    exe = interpreter_for(str(windows_python / "python.exe"))
    assert exe.name == "pythonw.exe"
    report = install_into(tmp_path / "AddIns", exe, registered.append)
    target = tmp_path / "AddIns" / "fullemp.xlam"
    assert registered == [target]
    config = config_of(target)
    assert config["Interpreter_Win"] == str(exe) and config["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    assert "信任对 VBA 工程对象模型的访问" in "\n".join(report.lines) and not report.warnings


def test_install_explains_what_to_do_when_excel_cannot_register(tmp_path, windows_python):
    def fails(target):
        raise OSError("Excel.Application 无法启动")

    report = install_into(tmp_path / "AddIns", windows_python / "pythonw.exe", fails)
    assert "文件 → 选项 → 加载项" in report.warnings[0] and "fullemp.xlam" in report.warnings[0]


def test_install_refuses_without_the_xlwings_dll(tmp_path, windows_python):
    for dll in windows_python.glob("*.dll"):
        dll.unlink()
    with pytest.raises(InstallError, match="pip install --force-reinstall xlwings"):
        install_into(tmp_path / "AddIns", windows_python / "pythonw.exe", None)


def test_install_says_to_close_excel_when_the_file_cannot_be_replaced(tmp_path, windows_python):
    (tmp_path / "AddIns" / "fullemp.xlam").mkdir(parents=True)  # cannot be replaced, as a file Excel holds open
    with pytest.raises(InstallError, match="关闭所有 Excel 窗口"):
        install_into(tmp_path / "AddIns", windows_python / "pythonw.exe", None)


def test_install_on_this_system_explains_and_changes_nothing():
    proc = run("addin", "install")
    assert proc.returncode == 2 and "只能安装在 Windows 版 Excel 中" in proc.stderr and "fullemp addin install" in proc.stderr


def test_build_command_writes_sources_and_the_addin(tmp_path):
    proc = run("addin", "build", "-o", tmp_path / "out", "--interpreter", r"C:\Python312\pythonw.exe")
    assert proc.returncode == 0, proc.stderr
    assert config_of(tmp_path / "out" / "fullemp.xlam")["Interpreter_Win"] == r"C:\Python312\pythonw.exe"
    assert (tmp_path / "out" / "fullemp_ribbon.bas").read_bytes() == (ROOT / "macros" / "fullemp_ribbon.bas").read_bytes()
