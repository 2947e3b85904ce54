"""Every python example of docs/developer.md runs, as written, beside the folder `fullemp demo` makes."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("developer_docs")]  # its module-scoped `beside_demo` is built once per run

GUIDE = ROOT / "docs" / "developer.md"
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def beside_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guide")
    proc = subprocess.run([sys.executable, "-m", "fullemp_xl", "demo", "-o", "fullemp-demo"], cwd=folder,
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def test_the_guide_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_example_runs(beside_demo, number):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", BLOCKS[number]], cwd=beside_demo, capture_output=True, text=True,
                          encoding="utf-8", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip(), "an example shows its results"
