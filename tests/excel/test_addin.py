"""macros/ is what the code generates from the button data; `fullemp addin check` passes on it and
catches each kind of breakage Excel would show; `addin install` records the right Python."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from fullemp_xl.addin import BUTTONS, macro_files, macros
from fullemp_xl.addin.check import check
from fullemp_xl.addin.install import InstallError, install_into
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
    # icons that exist only in Access's (ImportExcel, ExportWord) or Word's (ReviewAcceptChange) lists
    ("customUI.xml", 'imageMso="AutoSum"', 'imageMso="ImportExcel"', "“ImportExcel” 不在 Excel 的控件标识符列表中"),
    ("customUI.xml", 'imageMso="AutoSum"', 'imageMso="ExportWord"', "“ExportWord” 不在 Excel 的控件标识符列表中"),
    ("customUI.xml", 'imageMso="AutoSum"', 'imageMso="ReviewAcceptChange"', "“ReviewAcceptChange” 不在 Excel"),
    ("fullemp_ribbon.bas", '    If RuntimeReady(True) Then RunPython "import fullemp_xl.excel.handlers as h; h.fill()"',
     '    RunPython "import fullemp_xl.excel.handlers as h; h.fill()"', "OnFill：RunPython 之前没有检查运行环境和打开的工作簿"),
    ("fullemp_ribbon.bas", "Private Function AddinSetting(ByVal key As String) As String\n",
     "Private Function AddinSetting(ByVal key As String) As String\n    Dim cache As Scripting.Dictionary\n",
     "fullemp_ribbon 第 "),
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


def profile(tmp_path):
    """A Windows user's %APPDATA% (Roaming), empty as on a new account."""
    appdata = tmp_path / "Users" / "张三" / "AppData" / "Roaming"
    appdata.mkdir(parents=True)
    return appdata


def test_install_copies_into_the_startup_folder_as_xlwings_does(tmp_path, windows_python):
    from fullemp_xl.addin.install import interpreter_for

    appdata = profile(tmp_path)
    exe = interpreter_for(str(windows_python / "python.exe"))
    assert exe.name == "pythonw.exe"
    report = install_into(appdata, exe)
    target = appdata / "Microsoft" / "Excel" / "XLSTART" / "fullemp.xlam"  # Application.StartupPath
    assert [p.relative_to(appdata) for p in appdata.rglob("*") if p.is_file()] == [target.relative_to(appdata)]
    config = config_of(target)
    assert config["Interpreter_Win"] == str(exe) and config["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    text = "\n".join(report.lines)
    assert "XLSTART" in text and "信任对 VBA 工程对象模型的访问" in text and "文件 → 选项 → 加载项" in text
    assert not report.warnings
    install_into(appdata, exe)  # again (an upgrade): replaced in place, nothing else written
    assert [p for p in appdata.rglob("*") if p.is_file()] == [target]


def test_uninstall_removes_what_install_wrote(tmp_path, windows_python):
    from fullemp_xl.addin.install import uninstall_from

    appdata = profile(tmp_path)
    install_into(appdata, windows_python / "pythonw.exe")
    report = uninstall_from(appdata)
    assert "已删除加载项" in report.lines[0]
    assert not [p for p in appdata.rglob("*") if p.is_file()]
    assert "没有找到已安装的加载项" in uninstall_from(appdata).lines[0]  # twice: nothing to do, said so


def test_install_and_uninstall_remove_an_earlier_versions_addins_copy(tmp_path, windows_python):
    from fullemp_xl.addin.install import uninstall_from

    appdata = profile(tmp_path)
    old = appdata / "Microsoft" / "AddIns" / "fullemp.xlam"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"earlier version")
    report = install_into(appdata, windows_python / "pythonw.exe")
    assert not old.exists() and "取消勾选“充分就业”" in report.warnings[0]
    old.write_bytes(b"earlier version")
    uninstall_from(appdata)
    assert not old.exists()


def test_install_refuses_without_the_xlwings_dll(tmp_path, windows_python):
    for dll in windows_python.glob("*.dll"):
        dll.unlink()
    with pytest.raises(InstallError, match="pip install --force-reinstall xlwings"):
        install_into(profile(tmp_path), windows_python / "pythonw.exe", dlls_elsewhere=[])


def test_install_names_the_real_fix_when_the_dll_is_in_the_user_folder(tmp_path, windows_python):
    """python.org Python for all users + a per-user pip install (or Microsoft Store Python): pip puts
    xlwings' DLL under %APPDATA%\\Python, where Excel does not look; reinstalling puts it there again."""
    import xlwings

    for dll in windows_python.glob("*.dll"):
        dll.unlink()
    appdata = profile(tmp_path)
    user_dll = appdata / "Python" / f"xlwings64-{xlwings.__version__}.dll"
    with pytest.raises(InstallError) as err:
        install_into(appdata, windows_python / "pythonw.exe", dlls_elsewhere=[user_dll])
    message = str(err.value)
    assert str(user_dll.parent) in message and str(windows_python) in message
    assert "-m venv" in message and "addin install" in message and "--force-reinstall" not in message
    assert not (appdata / "Microsoft").exists()


def test_install_finds_a_dll_in_a_virtual_environments_root(tmp_path):
    import xlwings

    venv = tmp_path / "venv"
    (venv / "Scripts").mkdir(parents=True)
    (venv / "Scripts" / "pythonw.exe").write_bytes(b"")
    (venv / f"xlwings64-{xlwings.__version__}.dll").write_bytes(b"")
    appdata = profile(tmp_path)
    install_into(appdata, venv / "Scripts" / "pythonw.exe", dlls_elsewhere=[])
    assert (appdata / "Microsoft" / "Excel" / "XLSTART" / "fullemp.xlam").is_file()


def test_install_says_to_close_excel_when_the_file_cannot_be_replaced(tmp_path, windows_python):
    appdata = profile(tmp_path)
    (appdata / "Microsoft" / "Excel" / "XLSTART" / "fullemp.xlam").mkdir(parents=True)  # as a file Excel holds open
    with pytest.raises(InstallError, match="关闭所有 Excel 窗口"):
        install_into(appdata, windows_python / "pythonw.exe")


def test_install_on_this_system_explains_and_changes_nothing():
    for command in ("install", "uninstall"):
        proc = run("addin", command)
        assert proc.returncode == 2 and "只能安装在 Windows 版 Excel 中" in proc.stderr and "fullemp addin install" in proc.stderr


def test_build_command_writes_sources_and_the_addin(tmp_path):
    proc = run("addin", "build", "-o", tmp_path / "out", "--interpreter", r"C:\Python312\pythonw.exe")
    assert proc.returncode == 0, proc.stderr
    assert config_of(tmp_path / "out" / "fullemp.xlam")["Interpreter_Win"] == r"C:\Python312\pythonw.exe"
    assert (tmp_path / "out" / "fullemp_ribbon.bas").read_bytes() == (ROOT / "macros" / "fullemp_ribbon.bas").read_bytes()


# ---------------------------------------------------------------- icons
def test_icons_come_from_microsofts_excel_control_identifiers():
    from fullemp_xl.addin.check import IMAGES_FILE, excel_images

    text = IMAGES_FILE.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "github.com/OfficeDev/office-fluent-ui-command-identifiers" in "\n".join(header)
    assert sum("excelcontrols.xlsx" in line for line in header) == 6  # 2013, 2016, 2019, three 365 channels
    names = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert names == sorted(set(names)) and f"{len(names)} names" in "\n".join(header)
    images = excel_images()
    assert {"AutoSum", "ClearFormats", "PivotTableInsert", "DataValidationCircleInvalid"} <= images
    assert not {"ImportExcel", "ExportWord", "ExportExcel", "ReviewAcceptChange", "HappyFace"} & images
    for b in BUTTONS:
        assert b.image in images, (b.label, b.image)
    assert len({b.image for b in BUTTONS}) == len(BUTTONS)  # 公示, 公告 and 补助 no longer share one icon


# ---------------------------------------------------------------- what each system compiles
def built_modules(tmp_path) -> dict[str, str]:
    """The VBA modules of the built add-in, as olevba reads them."""
    from oletools.olevba import VBA_Parser

    from fullemp_xl.addin import package

    xlam = package.build_xlam(tmp_path / "fullemp.xlam")
    return {name.rsplit(".", 1)[0]: code for _, _, name, code in VBA_Parser(str(xlam)).extract_macros()}


def test_a_mac_compiles_the_project_and_reaches_our_message(tmp_path):
    import xlwings

    from fullemp_xl.addin.compiled import compiled_lines, undefined_types

    modules = built_modules(tmp_path)
    assert undefined_types(modules) == []  # no Dictionary (or any other missing class) on any system
    stock = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    missing = undefined_types({"xlwings": stock})
    assert missing and all("Mac" in m and "Dictionary" in m for m in missing)  # what a Mac met before
    mac = "\n".join(line for _, line in compiled_lines(modules["fullemp_ribbon"], "Mac"))
    windows = "\n".join(line for _, line in compiled_lines(modules["fullemp_ribbon"], "Windows 64 位"))
    assert "unsupported = True" in mac and "unsupported = True" not in windows
    body = procedure(modules["fullemp_ribbon"], "RuntimeProblem")
    first = body.index('If unsupported Or Application.Name <> "Microsoft Excel" Then')  # WPS has another name
    assert first < body.index("AddinSetting(") and first < body.index("HasForeignConfig()")
    assert macros.MESSAGES["mac"][0] in zh_texts(body[first:body.index("End If", first)])


def procedure(module_text: str, name: str) -> str:
    text = module_text.replace("\r\n", "\n")
    start = re.search(rf"(?m)^(?:Public |Private )?(?:Sub|Function) {name}\(", text).start()
    return text[start:re.compile(r"(?m)^End (?:Sub|Function)").search(text, start).end()]


# ---------------------------------------------------------------- an open, editable workbook
def test_every_button_checks_for_an_open_editable_workbook_first(tmp_path):
    ribbon = built_modules(tmp_path)["fullemp_ribbon"]
    for b in BUTTONS:
        body = procedure(ribbon, b.callback)
        assert re.search(r'\n    If RuntimeReady\(True\) Then RunPython "', body), b.callback
    ready = procedure(ribbon, "RuntimeReady")
    assert ready.index("If problem = \"\" And clicked Then problem = WorkbookProblem()") < ready.index("MsgBox problem")
    check = procedure(ribbon, "WorkbookProblem")
    assert "If Not ActiveWorkbook Is Nothing Then Exit Function" in check
    assert "app.ActiveProtectedViewWindow" in check and "On Error Resume Next" in check  # late bound: compiles anywhere
    texts = zh_texts(check)
    assert texts == [macros.MESSAGES["no_workbook"][0], macros.MESSAGES["protected_view"][0]]
    assert "启用编辑" in texts[1]
    # at Excel's start (no workbook yet) only the runtime is checked, not the workbook
    opening = procedure(built_modules(tmp_path / "again")["ThisWorkbook"], "Workbook_Open")
    assert "fullemp_ribbon.RuntimeReady\n" in opening.replace("\r\n", "\n")


def test_install_explains_an_xlwings_whose_runtime_module_differs(tmp_path, windows_python, monkeypatch):
    monkeypatch.setattr(macros, "XLWINGS_PATCHES", macros.XLWINGS_PATCHES + (("Sub NotInXlwings()", "", "a line"),))
    with pytest.raises(InstallError, match=r'pip install "xlwings==\d'):
        install_into(profile(tmp_path), windows_python / "pythonw.exe")
