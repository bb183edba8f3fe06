"""Benchmark: the whole delår batch, against what a user would script by hand.

Run by hand (not a test):  .venv/bin/python bench/batch.py [PERIOD]

Prints, in one run on the sample data:
1. our batch: `analysis run` (all reports, HTML + PDF + Excel, process pool of 2);
2. the naive baseline: for each report the `papermill` CLI, then
   `jupyter nbconvert --to html --no-input`, then the `weasyprint` CLI, one after another;
3. the same notebooks executed back to back in ONE warm kernel, without export — what
   execution alone costs, to show what kernel start-up, export and orchestration add.
Target: our batch at most 1/5 of the naive baseline's time on 2 cores.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def ours(data_dir: Path, reports: Path, period: str) -> float:
    from analysis.batch.runner import run_reports
    from analysis.core.period import Period

    t = time.perf_counter()
    code = run_reports(
        period=Period.parse(period),
        namnder=None,
        data_dir=data_dir,
        reports_dir=reports,
        workers=2,
        progress=False,
    )
    assert code == 0
    return time.perf_counter() - t


def naive(tasks, data_dir: Path, out: Path, period: str) -> float:
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    for nb, stem, parameters in tasks:
        executed = out / f"{stem}.ipynb"
        cmd = [
            str(BIN / "papermill"),
            str(ROOT / "notebooks" / nb),
            str(executed),
            "-p",
            "data_dir",
            str(data_dir),
            "--cwd",
            str(ROOT / "notebooks"),
            "--no-progress-bar",
        ]
        for key, value in parameters.items():
            cmd += ["-y", f"{key}: {json.dumps(value)}"]
        subprocess.run(cmd, check=True, capture_output=True)
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "weasyprint"), str(out / f"{stem}.html"), str(out / f"{stem}.pdf")],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - t


def warm(tasks, data_dir: Path, period: str) -> float:
    from jupyter_client.manager import start_new_kernel

    from analysis.batch.runner import WARM_IMPORTS

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"))
    try:
        kc.execute_interactive(WARM_IMPORTS, timeout=120)  # as analysis run warms up
        t = time.perf_counter()
        for nb, _, parameters in tasks:
            code = [
                c
                for c in nbformat.read(ROOT / "notebooks" / nb, as_version=4).cells
                if c.cell_type == "code"
            ]
            defaults = [c.source for c in code if "parameters" in c.metadata.get("tags", [])]
            cells = [c.source for c in code if "parameters" not in c.metadata.get("tags", [])]
            params = "".join(
                f"{k} = {v!r}\n" for k, v in {**parameters, "data_dir": str(data_dir)}.items()
            )
            for source in [*defaults, params, *cells]:
                reply = kc.execute_interactive(source, timeout=300, output_hook=lambda m: None)
                assert reply["content"]["status"] == "ok", reply["content"]
        return time.perf_counter() - t
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main(period: str = "2023-04") -> None:
    from analysis.batch.matrix import build_tasks, read_matrix
    from analysis.core.period import Period
    from analysis.io.dataset import load_data

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        data_dir = work / "data"
        shutil.copytree(ROOT / "data" / "raw", data_dir / "raw")
        data = load_data(data_dir)  # warm the cache
        tasks = [
            (t.spec.notebook, t.stem, t.parameters)
            for t in build_tasks(
                read_matrix(ROOT / "notebooks"),
                ROOT / "notebooks",
                data.register,
                Period.parse(period),
            )
        ]
        print(f"{len(tasks)} rapporter för {period} (HTML + PDF + Excel), 2 kärnor\n")
        ours(data_dir, work / "warmup", period)  # font caches etc.
        a = ours(data_dir, work / "reports", period)
        print(
            f"1. analysis run (processpool 2):                {a:6.1f} s  "
            f"({a / len(tasks):.2f} s per rapport)"
        )
        c = warm(tasks, data_dir, period)
        print(f"3. samma notebooks i en varm kärna, utan export: {c:6.1f} s")
        b = naive(tasks, data_dir, work / "naive", period)
        print(f"2. naiv baslinje (papermill → nbconvert → weasyprint, CLI i följd): {b:6.1f} s")
        print(f"\nKvot baslinje / analysis run: {b / a:.1f}×  [mål: ≥ 5×]")
        print(
            f"Export och orkestrering kostar {a - c / 2:.1f} s utöver ren körning delad på två "
            f"kärnor ({c / 2:.1f} s)."
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(*sys.argv[1:2])
