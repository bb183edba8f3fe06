"""Issue 12, item 19: `analysis lab` as `--help` shows it, on working copies.

JupyterLab saves (and autosaves) what is open; opened on notebooks/ it would write an
ekonom's experiments into the templates that `analysis run` executes. The lab is opened
on `arbete/` instead, with a copy of each template, and the templates stay untouched.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from analysis import cli
from analysis.batch import runner
from tests.conftest import ROOT


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "projekt"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    monkeypatch.setattr(runner, "project_root", lambda: root)
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, *a, **k: calls.append(cmd) or 0)
    return root, calls


def test_the_help_example_starts_the_lab_with_its_flags(project, capsys):
    root, calls = project
    with pytest.raises(SystemExit) as done:
        cli.main(["lab", "--help"])
    assert done.value.code == 0
    assert "--no-browser --port 8899" in capsys.readouterr().out  # the example …
    assert cli.main(["lab", "--no-browser", "--port", "8899"]) == 0  # … works
    assert calls and calls[0][-3:] == ["--no-browser", "--port", "8899"]
    assert cli.main(["lab", "--port=8900", "--no-browser"]) == 0
    assert calls[1][-2:] == ["--port=8900", "--no-browser"]
    assert cli.main(["lab"]) == 0 and calls[2] == cli.lab_command(root / "arbete", [])
    with pytest.raises(SystemExit):  # other commands stay strict
        cli.main(["check", "--no-browser"])
    capsys.readouterr()


def test_the_lab_opens_working_copies_and_never_the_templates(project, capsys):
    root, calls = project
    templates = {p.name: p.read_bytes() for p in (root / "notebooks").glob("*.ipynb")}
    assert templates
    assert cli.main(["lab", "--no-browser"]) == 0
    served = [a for a in calls[0] if a.startswith("--ServerApp.root_dir=")]
    assert served == [f"--ServerApp.root_dir={root / 'arbete'}"]
    work = root / "arbete"
    assert {p.name for p in work.glob("*.ipynb")} == set(templates)
    assert (work / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    # the ekonom edits a working copy (as JupyterLab's autosave would) …
    name = sorted(templates)[0]
    (work / name).write_bytes(templates[name] + b"\n")
    assert cli.main(["lab"]) == 0  # … a second start keeps the edit
    assert (work / name).read_bytes() == templates[name] + b"\n"
    # … and the templates `analysis run` executes are as they were
    assert {p.name: p.read_bytes() for p in (root / "notebooks").glob("*.ipynb")} == templates
    assert "arbetskopior" in capsys.readouterr().out
