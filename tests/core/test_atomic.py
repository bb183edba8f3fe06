"""Tests of :mod:`analysis.core.atomic`: a reader sees the old file or the new one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis.core.atomic import atomic_path, atomic_write_bytes


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_bytes_creates_the_file_and_its_folder(tmp_path):
    target = tmp_path / "ny" / "mapp" / "manifest.json"
    atomic_write_bytes(target, b'{"a": 1}')
    assert target.read_bytes() == b'{"a": 1}'
    assert _entries(target.parent) == ["manifest.json"]


def test_write_bytes_replaces_the_old_content(tmp_path):
    target = tmp_path / "index.html"
    target.write_bytes(b"gammal")
    atomic_write_bytes(str(target), b"ny")
    assert target.read_bytes() == b"ny"
    assert _entries(tmp_path) == ["index.html"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "manifest.json"
    target.write_bytes(b"gammal")

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"ny")
    assert target.read_bytes() == b"gammal"
    assert _entries(tmp_path) == ["manifest.json"]


def test_the_block_writes_a_hidden_temporary_next_to_the_target(tmp_path):
    target = tmp_path / "rapport.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".rapport.xlsx.") and tmp.name.endswith(".tmp.xlsx")
        tmp.write_bytes(b"arbetsbok")
        assert not target.exists()  # nothing is visible before the block ends
    assert target.read_bytes() == b"arbetsbok"
    assert _entries(tmp_path) == ["rapport.xlsx"]


def test_keep_suffix_false_ends_the_temporary_in_tmp(tmp_path):
    with atomic_path(tmp_path / "data.json", keep_suffix=False) as tmp:
        assert tmp.name.startswith(".data.json.") and tmp.name.endswith(".tmp")
        tmp.write_text("{}", encoding="utf-8")
    assert (tmp_path / "data.json").read_text(encoding="utf-8") == "{}"


def test_a_failure_inside_the_block_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "rapport.html"
    target.write_text("gammal rapport", encoding="utf-8")
    with pytest.raises(RuntimeError, match="mitt i"):
        with atomic_path(target) as tmp:
            tmp.write_text("halv ny rapp", encoding="utf-8")
            raise RuntimeError("avbrott mitt i skrivningen")
    assert target.read_text(encoding="utf-8") == "gammal rapport"
    assert _entries(tmp_path) == ["rapport.html"]


def test_a_failure_before_anything_is_written_leaves_no_file_at_all(tmp_path):
    target = tmp_path / "ny.pdf"
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target):
            raise KeyboardInterrupt
    assert _entries(tmp_path) == []


def test_a_failed_rename_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "rapport.html"
    target.write_text("gammal", encoding="utf-8")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        with atomic_path(target) as tmp:
            tmp.write_text("ny", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "gammal"
    assert _entries(tmp_path) == ["rapport.html"]


def test_a_writer_that_replaces_the_temporary_itself_still_succeeds(tmp_path):
    # writers such as openpyxl or weasyprint write the temporary name afresh
    target = tmp_path / "bok.xlsx"
    with atomic_path(target) as tmp:
        tmp.unlink()
        tmp.write_bytes(b"ny")
    assert target.read_bytes() == b"ny"
    assert _entries(tmp_path) == ["bok.xlsx"]
