"""Issue 12, item 9: the Parquet cache under crashes (fault injection, no sleeps).

The attack: change a raw file so a förvaltning's sick leave is 100 %, let a load start
rebuilding the cache and kill it (``os._exit`` at a chosen rename: no cleanup runs, as
with ``kill -9``), then put the raw file back. Whatever step the kill hit, the next load
must give the real figures — never serve the 100 % from a half-switched cache.

Hand-computed from the tiny kommun (tests/conftest.py): Barn- och
utbildningsförvaltningen has ordinarie_tid_h 160 + 152 = 312 and sjuk_h 8, a rate of
8 / 312 = 2,56 %; in the attacked file sjuk_h = ordinarie_tid_h, 100 %.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli
from analysis.io.dataset import load_data

BUN = "Barn- och utbildningsförvaltningen"
SICK = "personal/sjukfranvaro.csv"

ATTACKED = (
    "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;sjuk_h;sjuk_h_langtid;sjukdagar\n"
    "2023-01;A000001;Barn- och utbildningsförvaltningen;K;1980;160;160;0;20\n"
    "2023-01;A000002;Socialförvaltningen;M;1995;150,5;0;0;0\n"
    "2023-02;A000001;Barn- och utbildningsförvaltningen;K;1980;152;152;0;19\n"
)

#: Runs load_data in a fresh process that dies (os._exit, like kill -9) at the n-th call
#: of os.replace, before or after the real rename.
DRIVER = """
import os, sys
n, when, data_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
real = os.replace
calls = [0]
def replace(src, dst, *a, **k):
    calls[0] += 1
    if calls[0] == n and when == "before":
        os._exit(137)
    real(src, dst, *a, **k)
    if calls[0] == n and when == "after":
        os._exit(137)
os.replace = replace
from analysis.io.dataset import load_data
load_data(data_dir)
print("REPLACES", calls[0])
"""


def cache_file(processed: Path, kind: str) -> Path:
    """The Parquet file the cache manifest names for ``kind`` (a fixed ``<kind>.parquet``
    in the layout before issue 12)."""
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["kinds"][kind].get("parquet")
    return processed / (entry["file"] if entry else f"{kind}.parquet")


def bun_rate(data) -> float:
    frame = data.sjukfranvaro
    rows = frame[frame["forvaltning"] == BUN]
    return 100 * rows["sjuk_h"].sum() / rows["ordinarie_tid_h"].sum()


def _driver(n: int, when: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(n), when, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _replaces_in_a_rebuild(tiny: Path) -> int:
    """How many renames a load makes when the sick-leave file changed (measured, so the
    test covers every step even if the writer changes)."""
    probe = tiny.parent / "probe"
    import shutil

    shutil.copytree(tiny, probe)
    (probe / "raw" / SICK).write_text(ATTACKED, encoding="utf-8")
    done = _driver(10_000, "never", probe)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split("REPLACES")[1])


def test_a_kill_at_any_rename_of_the_cache_build_never_serves_wrong_numbers(tiny, capsys):
    original = (tiny / "raw" / SICK).read_text(encoding="utf-8")
    assert bun_rate(load_data(tiny)) == pytest.approx(100 * 8 / 312)  # the cache exists
    steps = _replaces_in_a_rebuild(tiny)
    assert steps >= 2  # at least a Parquet file and the manifest
    for n in range(1, steps + 1):
        for when in ("before", "after"):
            (tiny / "raw" / SICK).write_text(ATTACKED, encoding="utf-8")
            killed = _driver(n, when, tiny)
            assert killed.returncode == 137, (n, when, killed.stderr)
            (tiny / "raw" / SICK).write_text(original, encoding="utf-8")  # reverted
            data = load_data(tiny)
            assert bun_rate(data) == pytest.approx(100 * 8 / 312), (n, when)
            # and `analysis check` is honest about it: whatever it reads "från cache" is
            # the right data (a fresh parse of the raw files agrees)
            assert cli.main(["check", "--data-dir", str(tiny)]) == 0
            again = load_data(tiny)
            assert bun_rate(again) == pytest.approx(100 * 8 / 312)
            assert again.rebuilt == []
    capsys.readouterr()
    # the attacked figures did reach the cache when a load was allowed to finish
    (tiny / "raw" / SICK).write_text(ATTACKED, encoding="utf-8")
    assert bun_rate(load_data(tiny)) == pytest.approx(100.0)


def test_a_cache_file_replaced_under_its_name_is_not_trusted(tiny):
    """The manifest vouches for the bytes: a Parquet file with the right name and row
    count but other content (here: the 100 % figures) is rebuilt, not served."""
    load_data(tiny)
    target = cache_file(tiny / "processed", "sjukfranvaro")
    frame = pd.read_parquet(target)
    frame["sjuk_h"] = frame["ordinarie_tid_h"]
    frame.to_parquet(target, index=False)
    data = load_data(tiny)
    assert "sjukfranvaro" in data.rebuilt
    assert bun_rate(data) == pytest.approx(100 * 8 / 312)


def test_a_damaged_cache_file_is_rebuilt(tiny):
    load_data(tiny)
    target = cache_file(tiny / "processed", "utfall")
    target.write_bytes(b"not parquet")
    again = load_data(tiny)
    assert "utfall" in again.rebuilt
    assert again.utfall["belopp_kr"].sum() == pytest.approx(
        load_data(tiny, use_cache=False).utfall["belopp_kr"].sum()
    )


def test_stale_temp_files_of_a_killed_writer_are_removed(tiny):
    load_data(tiny)
    processed = tiny / "processed"
    (tiny / "raw" / SICK).write_text(ATTACKED, encoding="utf-8")
    killed = _driver(1, "before", tiny)  # dies holding a written temporary file
    assert killed.returncode == 137
    stale = [p.name for p in processed.iterdir() if p.name.startswith(".") and p.name != ".lock"]
    assert stale, "the fault injection should leave a temporary file"
    load_data(tiny)  # a load that rebuilds …
    assert not [p for p in processed.iterdir() if p.name in stale]
    # … and one that only reads cleans up too
    (processed / ".utfall.abc123.parquet").write_bytes(b"half")
    (processed / ".manifest.json.xyz.tmp").write_bytes(b"")
    assert load_data(tiny).rebuilt == []
    assert not (processed / ".utfall.abc123.parquet").exists()
    assert not (processed / ".manifest.json.xyz.tmp").exists()


def _sick_file(processed: Path) -> str:
    return cache_file(processed, "sjukfranvaro").name


def test_old_generations_are_removed_the_previous_one_is_kept(tiny):
    """A kernel still reading the previous cache finds its file; older ones go."""
    processed = tiny / "processed"
    original = (tiny / "raw" / SICK).read_text(encoding="utf-8")
    load_data(tiny)
    first = _sick_file(processed)
    (tiny / "raw" / SICK).write_text(ATTACKED, encoding="utf-8")
    load_data(tiny)
    second = _sick_file(processed)
    (tiny / "raw" / SICK).write_text(original.replace(";8;0;1", ";4;0;1"), encoding="utf-8")
    load_data(tiny)
    third = _sick_file(processed)
    assert len({first, second, third}) == 3
    assert not (processed / first).exists()
    assert (processed / second).exists() and (processed / third).exists()
