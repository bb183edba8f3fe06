"""Benchmark: reading a large SIE 4 file, against the cost of just splitting it.

Run by hand (not a test):  .venv/bin/python bench/sie.py [N_TRANSACTIONS]

Prints, in one run on a synthetic SIE 4E file of N #TRANS rows (default 200 000) in
vouchers of four rows:
1. ``analysis.io.sie.read_sie`` (decode, tokenise, the tidy frames);
2. the baseline: reading the bytes, decoding them and splitting them into lines and
   fields with ``str.split`` — a floor no reader can beat;
and the reader's rate (transactions per second) with its ratio to the baseline.
Target (issue 15): at least 1 000 000 transactions per second.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def write_file(path: Path, n: int) -> None:
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "bench" 1.0',
        '#FNAMN "Bänkkommunen"',
        "#RAR 0 20230101 20231231",
        '#KONTO 1930 "Bank"',
        '#KONTO 4010 "Material"',
        '#KONTO 5010 "Lön"',
        '#KONTO 2440 "Leverantörsskulder"',
        '#DIM 1 "Ansvar"',
        '#OBJEKT 1 "100" "Nämnd"',
    ]
    for v in range(n // 4):
        day = 20230101 + (v % 28)
        lines += [
            f'#VER A {v + 1} {day} "Verifikation {v + 1}"',
            "{",
            '   #TRANS 4010 {1 "100"} 1250.00',
            '   #TRANS 5010 {1 "100"} 750.50',
            "   #TRANS 2440 {} -1000.25",
            "   #TRANS 1930 {} -1000.25",
            "}",
        ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))


def baseline(path: Path) -> float:
    t = time.perf_counter()
    text = path.read_bytes().decode("cp437")
    rows = [line.split() for line in text.splitlines()]
    assert rows
    return time.perf_counter() - t


def ours(path: Path) -> float:
    from analysis.io.sie import read_sie

    t = time.perf_counter()
    sie = read_sie(path)
    assert len(sie.transaktioner)
    return time.perf_counter() - t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.se"
        write_file(path, n)
        size = path.stat().st_size
        base = min(baseline(path) for _ in range(3))
        read = min(ours(path) for _ in range(2))
    print(f"{n} transaktioner, {size / 1e6:.1f} MB")
    print(f"baslinje (avkoda + dela rader): {base:.3f} s")
    print(f"read_sie:                       {read:.3f} s = {read / base:.1f} × baslinjen")
    rate = n / read
    mal = "uppnått" if rate >= 1e6 else "inte uppnått"
    print(f"takt: {rate:,.0f} transaktioner/s (mål ≥ 1 000 000/s: {mal})")


if __name__ == "__main__":
    main()
