"""The @func UDFs and @script buttons through xlwings Server (in-process, its own process)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

from conftest import ROOT, good_values, make_assessment
from conftest import run
from test_excel_handlers import snapshot
from xl_remote import payload, replay

pytest.importorskip("xlwings_server", reason="xlwings-server 未安装（pip install -e '.[test]' 会安装它）")


def test_udfs_and_score_button_through_xlwings_server(tmp_path, zhangye):
    good = good_values()
    form = make_assessment(tmp_path / "考评表.xlsx", zhangye, {"self": good, "assessed": {**good, "ledgers_missing": 1}})
    request = tmp_path / "payload.json"
    request.write_text(json.dumps(payload(form), ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    env.pop("XLWINGS_ON_SERVER", None)
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "server_probe.py"), str(request)],
                          capture_output=True, text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["on_server"] == "true"
    assert {"FE_RATE", "FE_ITEM_SCORE", "FE_REASONS", "FE_SECTION", "FE_TOTAL", "FE_LEVEL", "FE_WORKDAY",
            "FE_RMB_UPPER"} <= set(out["functions"])
    assert "比率" in out["functions"]["FE_RATE"]
    assert out["rate"]["result"] == [[0.9]]
    assert out["upper"]["result"] == [["壹万元整"]]
    assert out["level"]["result"] == [["市级充分就业社区"]]
    assert out["script_status"] == 200
    wb = openpyxl.load_workbook(form)
    alerts = replay(out["actions"], wb)
    wb.save(tmp_path / "server.xlsx")
    assert alerts and "考评合计 97 分" in alerts[0]
    run("score", form, "--write", "-o", tmp_path / "cli.xlsx")
    assert snapshot(tmp_path / "server.xlsx") == snapshot(tmp_path / "cli.xlsx")
