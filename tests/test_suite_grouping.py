"""The suite's own speed: pytest-xdist's loadgroup keeps a module marked xdist_group on one worker, so its expensive
module fixture (a LibreOffice run) is built once. pytest 9.2 broke that silently (pytest-xdist#1386: the tests ran
round-robin and the suite took a minute longer), hence the pin in pyproject.toml; this test notices the next time."""
from __future__ import annotations

import re
import subprocess
import sys


def test_a_grouped_module_runs_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(
        "import pytest\n"
        "pytestmark = pytest.mark.xdist_group('one')\n"
        "@pytest.mark.parametrize('i', range(8))\n"
        "def test_x(i):\n"
        "    pass\n", encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup",
                           "-v", "test_grouped.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workers = set(re.findall(r"\[(gw\d+)\] \[\s*\d+%\] PASSED", proc.stdout))
    assert len(workers) == 1, f"loadgroup 分组没有生效，同一组的测试分到了 {sorted(workers)}：\n{proc.stdout}"


def test_modules_with_a_slow_test_are_handed_out_first():
    """conftest orders the collection: a long test handed out last would keep one worker busy alone at the end."""
    from conftest import ROOT

    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "--collect-only", "-q",
                           "tests/core/test_money.py", "tests/xlsx/test_xlsx_reader.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    modules = [line.split("::")[0] for line in proc.stdout.splitlines() if "::" in line]
    assert modules[0] == "tests/xlsx/test_xlsx_reader.py", modules[:3]  # it has a test marked slow
    order = list(dict.fromkeys(modules))
    assert order == ["tests/xlsx/test_xlsx_reader.py", "tests/core/test_money.py"]  # each module's tests together
