"""A real Jupyter server runs a report notebook cell by cell, as an ekonom would in
JupyterLab with `make lab`."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid

import nbformat
import pytest

from analysis.cli import lab_command
from tests.conftest import ROOT, SAMPLE_RAW

TOKEN = uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port: int, path: str, method: str = "GET", body: dict | None = None) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        text = resp.read()
        return json.loads(text) if text else {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(SAMPLE_RAW, root / "data" / "raw")
    port = free_port()
    proc = subprocess.Popen(
        lab_command(
            root,
            [
                "--no-browser",
                f"--port={port}",
                "--ip=127.0.0.1",
                f"--IdentityProvider.token={TOKEN}",
            ],
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                api(port, "/api/status")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Jupyter server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def run_cells(port: int, kernel_id: str, sources: list[str]) -> list[dict]:
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(
        f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={TOKEN}"
    )
    session = uuid.uuid4().hex
    outputs: list[dict] = []
    for source in sources:
        msg_id = uuid.uuid4().hex
        await ws.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "session": session,
                        "username": "test",
                        "msg_type": "execute_request",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": source,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        # The reply (shell channel) may overtake the cell's outputs (iopub channel) on the
        # one websocket: the cell is done when iopub says the kernel is idle again, which
        # comes after all of its outputs, and the reply has been seen.
        replied = idle = False
        while not (replied and idle):
            msg = json.loads(await asyncio.wait_for(ws.read_message(), timeout=120))
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind in ("display_data", "execute_result", "stream", "error"):
                outputs.append({"type": kind, **msg["content"]})
            elif kind == "execute_reply":
                assert msg["content"]["status"] == "ok", msg["content"]
                replied = True
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
    ws.close()
    return outputs


def test_lab_serves_and_runs_a_report_notebook(server):
    port = server
    assert any(k == "python3" for k in api(port, "/api/kernelspecs")["kernelspecs"])
    lab = urllib.request.urlopen(
        urllib.request.Request(
            f"http://127.0.0.1:{port}/lab", headers={"Authorization": f"token {TOKEN}"}
        ),
        timeout=30,
    )
    assert lab.status == 200
    sess = api(
        port,
        "/api/sessions",
        "POST",
        {
            "path": "notebooks/namnd.ipynb",
            "type": "notebook",
            "name": "namnd.ipynb",
            "kernel": {"name": "python3"},
        },
    )
    try:
        nb = nbformat.read(ROOT / "notebooks" / "namnd.ipynb", as_version=4)
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        sources[0] = 'namnd = "sbn"\nperiod = "2023-04"\ndata_dir = "../data"'  # an ekonom's edit
        outputs = asyncio.run(run_cells(port, sess["kernel"]["id"], sources))
    finally:
        api(port, f"/api/sessions/{sess['id']}", "DELETE")
    assert not [o for o in outputs if o["type"] == "error"]
    html = " ".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Stadsbyggnadsnämnden" in html
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)  # the chart
