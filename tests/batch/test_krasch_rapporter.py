"""Issue 12, items 7, 10 and 11: the reports folder under crashes and concurrency.

The runs here use a fake executor that writes each report straight into the folder the
runner gives it (no kernels, so a run takes milliseconds); a kill is simulated by
``os._exit`` at a chosen step in a fresh process (no cleanup runs, as with ``kill -9``).
Each report file carries the name of the generation that wrote it (the kommun name,
``ANALYSIS_KOMMUN``, which the manifest also records), so a mix of generations behind a
manifest that says otherwise is visible.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.batch import runner
from analysis.batch.matrix import build_tasks, read_matrix
from analysis.batch.runner import Result, run_reports
from analysis.core.errors import ConfigurationError
from analysis.core.period import Period
from analysis.io.contract import load_register

PARAMS = 'namnd = "bun"\nperiod = "2023-04"\ndata_dir = "../data"'


def _notebooks(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for name in ("ekonomi", "drift"):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        cell = nbformat.v4.new_code_cell(PARAMS)
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, nbformat.v4.new_code_cell("print(namnd)")]
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: ekonomi.ipynb\n    per: namnd\n    titel: Ekonomi\n"
        "  - notebook: drift.ipynb\n    per: namnd\n    titel: Drift\n",
        encoding="utf-8",
    )
    return folder


class FakeExecutor:
    """Writes ``<stem>.html`` and ``_notebooks/<stem>.ipynb`` holding the generation
    (the kommun argument); ``crash_after`` reports, the process dies."""

    crash_after: int | None = None

    def __init__(self, workers, log) -> None:
        pass

    def run(self, tasks, args):
        out, kommun = Path(args[1]), args[5]
        for i, task in enumerate(tasks, start=1):
            for rel in (f"{task.stem}.html", f"_notebooks/{task.stem}.ipynb"):
                (out / rel).write_text(f"GENERATION={kommun}", encoding="utf-8")
            if self.crash_after == i:
                os._exit(137)
            yield (
                task,
                Result(
                    task.stem,
                    task.spec.notebook,
                    task.namnd,
                    task.namnd_namn,
                    task.spec.title_for(task.period),
                    files={"html": f"{task.stem}.html"},
                ),
            )


#: A run in a fresh process that dies at a chosen step.
DRIVER = """
import os, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from tests.batch.test_krasch_rapporter import FakeExecutor, crash_at
from analysis.batch import runner
from analysis.core.period import Period
step, data_dir, reports, notebooks = sys.argv[1:5]
runner.LocalExecutor = FakeExecutor
crash_at(step)
runner.run_reports(period=Period(2023, 4), namnder=None, data_dir=Path(data_dir),
                   reports_dir=Path(reports), notebooks_dir=Path(notebooks), progress=False,
                   formats="html")
"""

STEPS = ["after-1-report", "after-all-reports", "manifest", "index", "switch", "between-renames"]


def crash_at(step: str) -> None:
    """Install the fault for ``step`` (called in the driver process)."""
    from analysis.batch import runner as r

    def die(*a, **k):
        os._exit(137)

    if step == "after-1-report":
        FakeExecutor.crash_after = 1
    elif step == "after-all-reports":
        FakeExecutor.crash_after = 4
    elif step in ("manifest", "index"):
        real = r.atomic_write_bytes

        def write(path, data):
            if Path(path).name == f"{step}.json" or Path(path).name == f"{step}.html":
                os._exit(137)
            real(path, data)

        r.atomic_write_bytes = write
    elif step == "switch":
        r._exchange = die  # dies at the switch itself
        r.os.rename = die
    elif step == "between-renames":
        r._exchange = lambda a, b: False  # the fallback: two renames …
        real_rename = os.rename
        calls = []

        def rename(a, b):
            calls.append(a)
            real_rename(a, b)
            if len(calls) == 1:
                os._exit(137)  # … killed between them

        r.os.rename = rename


def _run(tiny, reports, notebooks, generation, monkeypatch, **kw) -> int:
    monkeypatch.setenv("ANALYSIS_KOMMUN", generation)
    monkeypatch.setattr(runner, "LocalExecutor", FakeExecutor)
    return run_reports(
        period=Period(2023, 4),
        data_dir=tiny,
        reports_dir=reports,
        notebooks_dir=notebooks,
        progress=False,
        formats="html",
        **{"namnder": None, **kw},
    )


def _state(out: Path) -> tuple[dict, dict[str, str], set[str]]:
    """(manifest, generation of each report file, stems linked from index.html)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = {
        p.stem: p.read_text(encoding="utf-8").removeprefix("GENERATION=")
        for p in out.glob("*.html")
        if p.name != "index.html"
    }
    index = (out / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="([^"]+)\.html"', index))
    return manifest, files, linked


def _assert_consistent(out: Path, generations: set[str]) -> str:
    """Every report file is listed, linked and of the generation the manifest says;
    returns that generation."""
    manifest, files, linked = _state(out)
    listed = {r["stem"] for r in manifest["reports"]}
    assert set(files) == listed == linked
    assert set(files.values()) == {manifest["kommun"]}, (files, manifest["kommun"])
    assert manifest["kommun"] in generations
    for stem in listed:
        text = (out / "_notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8")
        assert text == f"GENERATION={manifest['kommun']}"
    return manifest["kommun"]


@pytest.mark.parametrize("step", STEPS)
def test_a_rerun_killed_at_any_step_leaves_the_old_folder_or_the_new(
    tiny, tmp_path, step, monkeypatch
):
    notebooks = _notebooks(tmp_path / "nb")
    reports = tmp_path / "reports"
    assert _run(tiny, reports, notebooks, "A", monkeypatch) == 0
    out = reports / "2023-04"
    assert _assert_consistent(out, {"A"}) == "A"
    env = {
        **os.environ,
        "ANALYSIS_KOMMUN": "B",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(runner.__file__).parents[2]), os.environ.get("PYTHONPATH", "")]
        ),
    }
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            DRIVER.format(tests=str(Path(__file__).parents[2])),
            step,
            str(tiny),
            str(reports),
            str(notebooks),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 137, killed.stderr
    # a reader now sees the old folder, whole (a killed run never switched)
    if os.path.lexists(out):
        assert _assert_consistent(out, {"A"}) == "A"
    # the next run cleans up what the killed one left and gives a whole new folder
    assert _run(tiny, reports, notebooks, "C", monkeypatch) == 0
    assert _assert_consistent(out, {"C"}) == "C"
    assert not [
        p.name
        for p in reports.iterdir()
        if p.name.startswith(".2023-04.") and not p.name.endswith(".lock")
    ]
    assert not [p for p in out.rglob(".*") if "tmp" in p.name]


def test_a_rerun_removes_zero_byte_temp_files_left_in_the_folder(tiny, tmp_path, monkeypatch):
    notebooks = _notebooks(tmp_path / "nb")
    reports = tmp_path / "reports"
    _run(tiny, reports, notebooks, "A", monkeypatch)
    out = reports / "2023-04"
    for rel in (".ekonomi-bun.pdf.k2j3.tmp", "_notebooks/.drift-sn.ipynb.99.tmp.ipynb"):
        (out / rel).write_bytes(b"")
    _run(tiny, reports, notebooks, "B", monkeypatch)
    assert not [p for p in out.rglob(".*") if "tmp" in p.name]


def test_a_second_run_on_the_same_folder_is_refused_while_the_first_runs(
    tiny, tmp_path, monkeypatch
):
    notebooks = _notebooks(tmp_path / "nb")
    reports = tmp_path / "reports"
    seen: list[str] = []

    class Nested(FakeExecutor):
        def run(self, tasks, args):
            # the first run is midway: a second one starts on the same folder
            with pytest.raises(ConfigurationError) as err:
                run_reports(
                    period=Period(2023, 4),
                    namnder=["sn"],
                    data_dir=tiny,
                    reports_dir=reports,
                    notebooks_dir=notebooks,
                    progress=False,
                    formats="html",
                )
            seen.append(str(err.value))
            yield from super().run(tasks, args)

    monkeypatch.setenv("ANALYSIS_KOMMUN", "A")
    monkeypatch.setattr(runner, "LocalExecutor", Nested)
    assert (
        run_reports(
            period=Period(2023, 4),
            namnder=None,
            data_dir=tiny,
            reports_dir=reports,
            notebooks_dir=notebooks,
            progress=False,
            formats="html",
        )
        == 0
    )
    assert seen and "En annan körning av analysis run" in seen[0] and "Vänta" in seen[0]
    _assert_consistent(reports / "2023-04", {"A"})
    # the lock is released with the run: the next one goes through
    assert _run(tiny, reports, notebooks, "B", monkeypatch, namnder=["sn"]) == 0


def test_a_namnd_run_keeps_every_report_of_the_period_in_the_index(tiny, tmp_path, monkeypatch):
    notebooks = _notebooks(tmp_path / "nb")
    reports = tmp_path / "reports"
    out = reports / "2023-04"
    assert _run(tiny, reports, notebooks, "A", monkeypatch) == 0
    assert _run(tiny, reports, notebooks, "B", monkeypatch, namnder=["bun"]) == 0
    manifest, files, linked = _state(out)
    assert files == {"ekonomi-bun": "B", "drift-bun": "B", "ekonomi-sn": "A", "drift-sn": "A"}
    assert {r["stem"] for r in manifest["reports"]} == set(files) == linked
    run_of = {r["stem"]: r["run_id"] for r in manifest["reports"]}
    assert run_of["ekonomi-bun"] == manifest["run_id"] != run_of["ekonomi-sn"]
    assert set(manifest["runs"]) == {run_of["ekonomi-bun"], run_of["ekonomi-sn"]}
    assert manifest["runs"][run_of["ekonomi-sn"]]["parameters"]["namnd"] is None
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "från 2 olika körningar" in index and "Tidigare:" in index
    # a full run makes one generation again, and the index says nothing of mixing
    assert _run(tiny, reports, notebooks, "C", monkeypatch) == 0
    assert _assert_consistent(out, {"C"}) == "C"
    assert "olika körningar" not in (out / "index.html").read_text(encoding="utf-8")


def test_names_that_slugify_alike_get_their_own_report_files(tmp_path):
    org = tmp_path / "organisation.csv"
    org.write_text(
        "id;namn;typ;forvaltning;alias\n"
        "a;Nämnd A;namnd;Test-förvaltningen;\n"
        "b;Nämnd B;namnd;Test/förvaltningen;\n"
        "c;Nämnd C;namnd;TEST förvaltningen;\n"
        "d;Nämnd D;namnd;Socialförvaltningen;\n",
        encoding="utf-8",
    )
    register = load_register(org, "organisation.csv")
    folder = tmp_path / "nb"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell('forvaltning = ""\nperiod = "2023-04"\ndata_dir = ""')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nbformat.write(nb, folder / "personal.ipynb")
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: personal.ipynb\n    per: forvaltning\n    titel: P\n",
        encoding="utf-8",
    )
    tasks = build_tasks(read_matrix(folder), folder, register, Period(2023, 4))
    stems = [t.stem for t in tasks]
    assert len(tasks) == 4
    assert len({s.casefold() for s in stems}) == 4, stems  # no report overwrites another
    assert "personal-socialforvaltningen" in stems  # a unique name stays plain
    again = build_tasks(read_matrix(folder), folder, register, Period(2023, 4))
    assert [t.stem for t in again] == stems  # stable from run to run
    assert {t.forvaltning for t in tasks} == {
        "Test-förvaltningen",
        "Test/förvaltningen",
        "TEST förvaltningen",
        "Socialförvaltningen",
    }


def test_failed_and_unlisted_reports_in_the_folder_stay_in_the_index(tiny, tmp_path, monkeypatch):
    """A failed report (only its executed notebook) and report files an earlier manifest
    forgot (the bug of item 11) are still listed after a --namnd run."""
    notebooks = _notebooks(tmp_path / "nb")
    reports = tmp_path / "reports"
    out = reports / "2023-04"

    class FailsSn(FakeExecutor):
        def run(self, tasks, args):
            for task, res in super().run(tasks, args):
                if task.namnd == "sn" and task.spec.notebook == "drift.ipynb":
                    (Path(args[1]) / f"{task.stem}.html").unlink()
                    res.status, res.error, res.files = "fel", "avsiktligt fel", {}
                yield task, res

    monkeypatch.setenv("ANALYSIS_KOMMUN", "A")
    monkeypatch.setattr(runner, "LocalExecutor", FailsSn)
    assert (
        run_reports(
            period=Period(2023, 4),
            namnder=None,
            data_dir=tiny,
            reports_dir=reports,
            notebooks_dir=notebooks,
            progress=False,
            formats="html",
        )
        == 1
    )
    # an old-style manifest that forgot ekonomi-sn (as a --namnd run wrote it)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["reports"] = [r for r in manifest["reports"] if r["stem"] != "ekonomi-sn"]
    for key in ("run_id", "runs"):
        manifest.pop(key, None)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out / "drift-sn.xlsx").write_bytes(b"old")  # a forgotten report file
    assert _run(tiny, reports, notebooks, "B", monkeypatch, namnder=["bun"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_stem = {r["stem"]: r for r in manifest["reports"]}
    assert set(by_stem) == {"ekonomi-bun", "drift-bun", "ekonomi-sn", "drift-sn"}
    assert by_stem["ekonomi-sn"]["status"] == "okänd"
    assert by_stem["drift-sn"]["status"] == "fel"  # kept as it was …
    assert by_stem["drift-sn"]["error"] == "avsiktligt fel"
    assert by_stem["drift-sn"]["files"] == {"xlsx": "drift-sn.xlsx"}  # … with its files
    assert (out / "_notebooks" / "drift-sn.ipynb").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Okänd" in index and 'href="drift-sn.xlsx"' in index and "avsiktligt fel" in index
