"""data/raw holds exactly what the deterministic generator writes."""

from __future__ import annotations

import hashlib

from analysis.sample.writer import sample_files
from tests.conftest import SAMPLE_RAW


def test_committed_sample_equals_the_generator_output():
    expected = {rel: hashlib.sha256(data).hexdigest() for rel, data in sample_files().items()}
    present = {
        p.relative_to(SAMPLE_RAW).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in SAMPLE_RAW.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert present == expected


def test_sample_stays_small():
    total = sum(p.stat().st_size for p in SAMPLE_RAW.rglob("*") if p.is_file())
    assert total < 25 * 2**20
