"""macros/ is what the code generates, `fullemp addin check` passes and catches what it should."""
from __future__ import annotations

import shutil
import zipfile

from conftest import ROOT
from fullemp_xl.excel.addin import build_xlam, check, custom_ui, macro_files
from test_cli import run


def test_committed_macros_are_what_the_code_generates():
    for name, text in macro_files().items():
        committed = (ROOT / "macros" / name).read_text(encoding="utf-8").replace("\r\n", "\n")
        assert committed == text, f"macros/{name} is stale: run `fullemp addin build -o macros`"


def test_addin_check_passes_from_the_command_line():
    proc = run("addin", "check", "--macros", ROOT / "macros")
    assert proc.returncode == 0 and "检查通过" in proc.stdout


def test_addin_check_finds_each_kind_of_problem(tmp_path):
    folder = tmp_path / "macros"
    shutil.copytree(ROOT / "macros", folder)
    bas = folder / "fullemp.bas"
    text = bas.read_text(encoding="utf-8")
    text = text.replace("Sub OnClear(control As IRibbonControl)", "Sub OnWipe(control As IRibbonControl)")
    text = text.replace("h.score()", "h.score_book()")  # a target that needs an argument
    text = text.replace("h.fill()", "h.fil()")  # a target that does not exist
    bas.write_text(text, encoding="utf-8")
    udfs = folder / "fullemp_udfs.bas"
    udfs.write_text(udfs.read_text(encoding="utf-8").replace("Function FE_RATE(numerator, denominator)",
                                                             "Function FE_RATIO(numerator, denominator)"), encoding="utf-8")
    (folder / "customUI.xml").write_text(custom_ui().replace('id="feScore"', 'id="feFill"'), encoding="utf-8")
    problems = "\n".join(check(folder))
    assert "OnClear" in problems
    assert "score_book 必须不带参数" in problems
    assert "h.fil" in problems or "fil 无法导入" in problems
    assert "FE_RATIO" in problems
    assert "feFill" in problems
    assert run("addin", "check", "--macros", folder).returncode == 1


def test_xlam_carries_our_ribbon_and_xlwings_vba(tmp_path):
    path = build_xlam(tmp_path / "fullemp.xlam")
    with zipfile.ZipFile(path) as z:
        assert z.read("customUI/customUI.xml").decode("utf-8") == custom_ui()
        assert "xl/vbaProject.bin" in z.namelist()


def test_install_explains_on_this_system():
    proc = run("addin", "install")
    assert proc.returncode == 0 and "xlwings addin install" in proc.stdout
