"""Run in its own process: xlwings Server in-process with FastAPI's TestClient, calling our
@func UDFs and @script buttons the way Excel on the web does. Prints one JSON document."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

project = Path(tempfile.mkdtemp(prefix="fe-xlserver-"))
atexit.register(shutil.rmtree, project, True)  # the probe leaves nothing behind in the temporary folder
(project / "custom_functions").mkdir()
(project / "custom_scripts").mkdir()
(project / "custom_functions" / "__init__.py").write_text("from fullemp_xl.excel.udfs import *  # noqa\n"
                                                          "from fullemp_xl.excel.udfs import UDFS\n"
                                                          "__all__ = [f.__name__ for f in UDFS]\n")
(project / "custom_scripts" / "__init__.py").write_text("from fullemp_xl.excel.server import *  # noqa\n")
os.environ.update(XLWINGS_PROJECT_DIR=str(project), XLWINGS_LICENSE_KEY="noncommercial",
                  XLWINGS_ENABLE_SOCKETIO="false", XLWINGS_ENVIRONMENT="dev")

from fastapi.testclient import TestClient  # noqa: E402
from xlwings_server.main import main_app  # noqa: E402

import xlwings  # noqa: E402

client = TestClient(main_app)
out = {"on_server": os.environ.get("XLWINGS_ON_SERVER")}
meta = client.get("/xlwings/custom-functions-meta").json()
out["functions"] = {f["name"]: f.get("description", "") for f in meta["functions"]}


def call(name, *args):
    body = {"client": "Office.js", "func_name": name, "args": [[[a]] for a in args],
            "caller_address": "[Book1.xlsx]Sheet1!E5", "version": xlwings.__version__, "runtime": "1.4"}
    return client.post("/xlwings/custom-functions-call", json=body).json()


out["rate"] = call("FE_RATE", 9, 10)
out["upper"] = call("FE_RMB_UPPER", 10000)
out["level"] = call("FE_LEVEL", 95, "符合")
payload = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
response = client.post("/xlwings/custom-scripts-call/fullemp_score", json=payload)
out["script_status"] = response.status_code
out["actions"] = response.json().get("actions", [])
print(json.dumps(out, ensure_ascii=False, default=str))
