"""Issue 12, item 5: only regular files inside data/raw are read.

Attacks: a comment file that is a symbolic link (``sn.md → a secret file``,
``kommun.md → /proc/self/environ``), a comment folder linked to a place outside data/raw,
a FIFO as comment file, a data file or the register that is a link (today its first
line is echoed in the error), a data folder linked outside data/raw. Each is refused
with a message naming the file, and nothing of the target is read into the message or
the report.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis.core.errors import InputError
from analysis.ekonomi.text import ekonomens_text
from analysis.io.dataset import load_data
from analysis.io.readers import read_table

SECRET = "root:x:0:0:HEMLIGT-INNEHALL:/root:/bin/bash"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "utanfor" / "passwd.csv"
    path.parent.mkdir()
    path.write_text(SECRET + "\nrad2;rad2\n", encoding="utf-8")
    return path


def _comment_dir(raw: Path) -> Path:
    folder = raw / "kommentarer" / "2023-04"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- comment files ------------------------------------------------------------------
def test_a_regular_comment_file_is_still_read(tiny):
    raw = tiny / "raw"
    (_comment_dir(raw) / "sn.md").write_text("Budgeten håller.", encoding="utf-8")
    assert ekonomens_text(raw, "sn", "2023-04") == "Budgeten håller."
    assert ekonomens_text(raw, "bun", "2023-04") is None  # no file: no text


def test_comment_file_linked_to_a_secret_is_refused(tiny, secret):
    raw = tiny / "raw"
    (_comment_dir(raw) / "sn.md").symlink_to(secret)
    with pytest.raises(InputError) as e:
        ekonomens_text(raw, "sn", "2023-04")
    msg = str(e.value)
    assert "kommentarer/2023-04/sn.md" in msg and "symbolisk länk" in msg
    assert "HEMLIGT" not in msg and str(secret) not in msg


def test_kommun_comment_linked_to_the_process_environment_is_refused(tiny, monkeypatch):
    monkeypatch.setenv("INDATA_ANGREPP_MARKER", "hemlig-nyckel-4711")
    raw = tiny / "raw"
    (_comment_dir(raw) / "kommun.md").symlink_to("/proc/self/environ")
    with pytest.raises(InputError) as e:
        ekonomens_text(raw, "kommun", "2023-04")
    assert "hemlig-nyckel-4711" not in str(e.value)
    assert "kommentarer/2023-04/kommun.md" in str(e.value)


def test_comment_folder_linked_outside_raw_is_refused(tiny, tmp_path):
    raw = tiny / "raw"
    outside = tmp_path / "annan_plats"
    outside.mkdir()
    (outside / "sn.md").write_text("UTIFRÅN", encoding="utf-8")
    (raw / "kommentarer").mkdir()
    (raw / "kommentarer" / "2023-04").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="utanför data/raw") as e:
        ekonomens_text(raw, "sn", "2023-04")
    assert "UTIFRÅN" not in str(e.value)


def test_a_fifo_as_comment_file_is_refused_without_hanging(tiny):
    raw = tiny / "raw"
    os.mkfifo(_comment_dir(raw) / "sn.md")
    with pytest.raises(InputError, match="inte en vanlig fil"):
        ekonomens_text(raw, "sn", "2023-04")


# --- data files ---------------------------------------------------------------------
def test_a_linked_data_file_is_refused_without_echoing_its_first_line(tiny, secret):
    target = tiny / "raw" / "ekonomi" / "utfall_2023.csv"
    target.unlink()
    target.symlink_to(secret)
    with pytest.raises(InputError) as e:
        load_data(tiny)
    msg = str(e.value)
    assert "ekonomi/utfall_2023.csv" in msg and "symbolisk länk" in msg
    assert "HEMLIGT" not in msg and "root:x" not in msg


def test_a_linked_register_is_refused(tiny, secret):
    org = tiny / "raw" / "organisation.csv"
    org.unlink()
    org.symlink_to(secret)
    with pytest.raises(InputError) as e:
        load_data(tiny)
    assert "organisation.csv" in str(e.value) and "symbolisk länk" in str(e.value)
    assert "HEMLIGT" not in str(e.value)


def test_a_data_folder_linked_outside_raw_is_refused(tiny, tmp_path):
    raw = tiny / "raw"
    outside = tmp_path / "befolkning_utanfor"
    (raw / "befolkning").rename(outside)
    (raw / "befolkning").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="utanför data/raw"):
        load_data(tiny)


def test_read_table_never_follows_a_link(tmp_path, secret):
    link = tmp_path / "data.csv"
    link.symlink_to(secret)
    with pytest.raises(InputError, match="symbolisk länk") as e:
        read_table(link)
    assert "HEMLIGT" not in str(e.value)


def test_read_table_refuses_a_file_outside_its_root(tmp_path, secret):
    root = tmp_path / "raw"
    root.mkdir()
    (root / "ekonomi").symlink_to(secret.parent, target_is_directory=True)
    with pytest.raises(InputError, match="utanför data/raw"):
        read_table(root / "ekonomi" / "passwd.csv", "ekonomi/utfall.csv", root=root)
    assert len(read_table(secret, root=secret.parent)) == 1  # inside its root: read
