"""`python -m analysis kommentarer` end to end on a copy of the sample: it writes the
drafts that are missing, prints what it wrote and what it left alone, and never touches
an existing file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def data_dir(sample_dir, sample_data):
    """The sample copy with the session's cache (so the command does not rebuild it)."""
    processed = sample_dir / "processed"
    if not processed.exists():
        shutil.copytree(sample_data.data_dir / "processed", processed)
    return sample_dir


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "analysis", "kommentarer", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_writes_missing_drafts_and_leaves_the_others(data_dir):
    folder = Path(data_dir) / "raw" / "kommentarer" / "2023-04"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(before) == {"kommun.md", "sn.md", "bun.md"}
    res = run("--period", "2023-04", "--namnd", "kommun", "sn", "kfn", "--data-dir", str(data_dir))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Skrev utkast" in out and "kommentarer/2023-04/kfn.md" in out
    assert out.count("Lämnade orörd") == 2
    assert "1 utkast skrivna, 2 befintliga filer lämnade orörda" in out
    for name, content in before.items():
        assert (folder / name).read_bytes() == content  # byte-identical
    kfn = (folder / "kfn.md").read_text(encoding="utf-8")
    assert kfn.startswith("status: utkast\n") and "## Analys" in kfn
    assert "Kultur- och fritidsnämnden" in kfn

    again = run("--period", "2023-04", "--namnd", "kfn", "--data-dir", str(data_dir))
    assert again.returncode == 0
    assert "0 utkast skrivna, 1 befintliga filer lämnade orörda" in again.stdout
    assert (folder / "kfn.md").read_text(encoding="utf-8") == kfn


def test_bad_arguments_are_refused_in_swedish(data_dir):
    res = run("--period", "2023-04", "--namnd", "xyz", "--data-dir", str(data_dir))
    assert res.returncode == 2
    assert "okänd nämnd xyz" in res.stderr
    assert not (Path(data_dir) / "raw" / "kommentarer" / "2023-04" / "xyz.md").exists()
    res = run("--data-dir", str(data_dir))
    assert res.returncode == 2 and "--period" in res.stderr


def test_help_lists_the_command():
    res = subprocess.run(
        [sys.executable, "-m", "analysis", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert "kommentarer" in res.stdout
