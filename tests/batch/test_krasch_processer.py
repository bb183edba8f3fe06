"""Issue 12, items 4, 5, 12 and 18: real runs (Papermill, kernels) in a fresh process.

Each run is a separate process with its own ``JUPYTER_RUNTIME_DIR``, so the kernel
connection files (which hold the kernels' keys) of exactly this run can be counted.
Waiting is by polling with a bound, never a fixed sleep.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil

from analysis.batch import runner

SRC = str(Path(runner.__file__).parents[2])

DRIVER = """
import sys
from pathlib import Path
from analysis.core.period import Period
from analysis.batch.runner import run_reports
data_dir, reports, notebooks, workers = sys.argv[1:5]
sys.exit(run_reports(period=Period(2023, 4), namnder=["bun", "sn"], data_dir=Path(data_dir),
                     reports_dir=Path(reports), notebooks_dir=Path(notebooks), progress=False,
                     formats="html", workers=int(workers)))
"""


def _notebook(folder: Path, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell('namnd = "bun"\nperiod = "2023-04"\ndata_dir = "../data"')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, folder / "rapport.ipynb")
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: rapport.ipynb\n    per: namnd\n    titel: Rapport\n",
        encoding="utf-8",
    )
    return folder


def _start(tiny: Path, tmp_path: Path, notebooks: Path, workers: int) -> tuple:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (tmp_path / "tmp").mkdir()  # the run's temp folder: kernel connection files
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "TMPDIR": str(tmp_path / "tmp"),
        "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            DRIVER,
            str(tiny),
            str(tmp_path / "reports"),
            str(notebooks),
            str(workers),
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, runtime


def _poll(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def test_killing_the_run_leaves_no_workers_kernels_or_connection_files(tiny, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    notebooks = _notebook(
        tmp_path / "nb",
        (
            "import os, pathlib, time\n"
            f"pathlib.Path({str(markers)!r}, namnd).write_text(str(os.getpid()))\n"
            "while True:\n"
            "    time.sleep(0.05)       # the report is busy until the run is killed\n"
        ),
    )
    proc, runtime = _start(tiny, tmp_path, notebooks, workers=2)
    children: list[psutil.Process] = []
    try:
        started = _poll(lambda: len(list(markers.iterdir())) == 2 or proc.poll() is not None, 180)
        assert started and proc.poll() is None, proc.communicate()
        children = psutil.Process(proc.pid).children(recursive=True)
        kernels = {int(p.read_text()) for p in markers.iterdir()}
        assert kernels <= {c.pid for c in children}
        connection_files = [
            Path(c.cmdline()[c.cmdline().index("-f") + 1]) for c in children if c.pid in kernels
        ]
        assert len(children) >= 4  # forkserver, 2 workers, 2 kernels …
        # the kernels are connected: their connection files (with keys) are gone already
        assert len(connection_files) == 2
        assert not [f for f in connection_files if f.exists()]
        assert not list(runtime.glob("kernel-*.json"))
        os.kill(proc.pid, signal.SIGKILL)  # kill -9 of the run
        proc.wait(timeout=30)
        assert _poll(lambda: not _alive(children), 30), [
            (p.pid, p.name()) for p in _alive(children)
        ]
        assert not [f for f in connection_files if f.exists()]
        assert not list(runtime.glob("kernel-*.json"))
        assert not list((tmp_path / "tmp").glob("*.json"))
    finally:
        for p in _alive(children):  # only what this test started
            p.kill()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_a_real_run_keeps_modes_refuses_a_symlinked_log_and_lists_comment_files(tiny, tmp_path):
    comments = tiny / "raw" / "kommentarer" / "2023-04"
    comments.mkdir(parents=True)
    (comments / "bun.md").write_text("Verksamheten går enligt plan.\n", encoding="utf-8")
    secret = tmp_path / "hemlig.txt"
    secret.write_text("inte här\n", encoding="utf-8")
    (comments / "sn.md").symlink_to(secret)  # never an input, never read
    audit = tmp_path / "reports" / "2023-04" / "_notebooks"
    audit.mkdir(parents=True)
    target = tmp_path / "target.txt"
    target.write_text("orört\n", encoding="utf-8")
    (audit / "kernels.log").symlink_to(target)
    notebooks = _notebook(
        tmp_path / "nb",
        ("import sys\nprint('rapport för', namnd)\nprint('till loggen', file=sys.stderr)\n"),
    )
    proc, runtime = _start(tiny, tmp_path, notebooks, workers=1)
    out_text, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    out = tmp_path / "reports" / "2023-04"
    for path in [
        *out.glob("*.html"),
        *(out / "_notebooks").glob("*.ipynb"),
        out / "manifest.json",
        out / "_notebooks" / "kernels.log",
    ]:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        assert mode == 0o600, (path.name, oct(mode))
    log = out / "_notebooks" / "kernels.log"
    assert not log.is_symlink() and log.is_file()
    assert target.read_text(encoding="utf-8") == "orört\n"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    import hashlib

    assert (
        manifest["inputs"]["kommentarer/2023-04/bun.md"]
        == hashlib.sha256((comments / "bun.md").read_bytes()).hexdigest()
    )
    assert "kommentarer/2023-04/sn.md" not in manifest["inputs"]
    assert "organisation.csv" in manifest["inputs"]
    assert not list(runtime.glob("kernel-*.json"))  # removed after the run
    assert not list((tmp_path / "tmp").glob("*.json"))
    assert {r["stem"] for r in manifest["reports"]} == {"rapport-bun", "rapport-sn"}
