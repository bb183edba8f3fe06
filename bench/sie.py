"""Benchmark: reading a large SIE 4 file, against the cost of just splitting it.

Run by hand (not a test):  .venv/bin/python bench/sie.py [N_TRANSACTIONS]

Writes a synthetic SIE 4E file (PC8, CRLF) of N #TRANS rows (default 5 000 000) in
balanced vouchers of 2–6 rows: an object list on half of the rows, a row text on a
third, a transaction date on a fifth, voucher texts with Swedish letters; one voucher in
a thousand holds a correction (#RTRANS with its #TRANS, a #BTRANS) and one in a
thousand an escaped quote in its text, which the exact tokeniser reads. Then prints, in
one run:

1. ``analysis.io.sie.read_sie`` (read, decode, the tidy frames), best of two (the
   first call is shown too: it pays for fresh memory);
2. the whole load, ``analysis.io.sie_kalla.load_sie_kind("utfall", …)`` on a data/raw
   with a one-row register and a catch-all ``sie_mappning.csv`` (read, checks, the
   monthly sums), best of two;
3. the baseline: reading the bytes and decoding them (the floor of any reader), and
   the same plus splitting into lines and fields with ``str.split`` (what a reader in
   plain Python cannot beat);

with the reader's rate (transactions per second) and its ratio to both baselines.
Target (issue 15): at least 1 000 000 transactions per second.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = [
    "#FLAGGA 0",
    "#FORMAT PC8",
    "#SIETYP 4",
    '#PROGRAM "bench" 1.0',
    "#GEN 20240110",
    '#FNAMN "Bänkkommunen"',
    "#RAR 0 20230101 20231231",
    '#KONTO 1930 "Bank"',
    '#KONTO 2440 "Leverantörsskulder"',
    '#KONTO 4010 "Material"',
    '#KONTO 5010 "Lön"',
    '#KONTO 6110 "Kontorsmateriel"',
    '#KONTO 2640 "Ingående moms"',
    '#KONTO 3010 "Försäljning"',
    '#KONTO 7010 "Löner"',
    '#DIM 1 "Ansvar"',
    '#DIM 6 "Projekt"',
    '#OBJEKT 1 "100" "Nämnd"',
    '#OBJEKT 1 "200" "Skola"',
    '#OBJEKT 6 "P1" "Projekt 1"',
]
KONTON = ["1930", "2440", "4010", "5010", "6110", "3010", "2640", "7010"]
OBJEKT = ['{1 "100"}', '{1 "200"}', '{1 "100" 6 "P1"}', "{6 P1}"]
RADTEXT = ['"Inköp"', '"Leverans maj"', '"Ränta"', "Avgift", '"Fakt. 4711 Öland"']
VERTEXT = ["Leverantörsfaktura", "Lön", "Kassa", "Bankavgift", "Återbetalning"]


def write_file(path: Path, n: int, seed: int = 1) -> int:
    """Write a file of exactly ``n`` #TRANS rows (corrections excluded); return the
    number of vouchers."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 7, size=n // 2 + 2)
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, n)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= int(ends[count - 1]) - n
    if sizes[-1] < 1:  # pragma: no cover - the searchsorted above prevents it
        sizes[-1] = 1
    cents = rng.integers(-5_000_000, 5_000_000, size=n)
    konto = rng.integers(0, len(KONTON), size=n)
    has_obj = rng.random(n) < 0.5
    obj = rng.integers(0, len(OBJEKT), size=n)
    has_text = rng.random(n) < 1 / 3
    text = rng.integers(0, len(RADTEXT), size=n)
    has_date = rng.random(n) < 0.2
    day = rng.integers(1, 29, size=n)
    vday = rng.integers(0, 365, size=count)
    start = np.datetime64("2023-01-01")
    chunks: list[str] = ["\r\n".join(HEADER)]
    row = 0
    for v in range(count):
        k = int(sizes[v])
        date = str(start + int(vday[v])).replace("-", "")
        vt = VERTEXT[v % len(VERTEXT)]
        if v % 1000 == 999:
            vt = 'Faktura \\"brådskande\\"'
        lines = [f'#VER A {v + 1} {date} "{vt} {v + 1}" 20240105', "{"]
        c = cents[row : row + k].copy()
        c[-1] -= c.sum()
        first: list[str] = []
        for j in range(k):
            i = row + j
            amount = c[j]
            sign = "-" if amount < 0 else ""
            parts = [
                "   #TRANS",
                KONTON[konto[i]],
                OBJEKT[obj[i]] if has_obj[i] else "{}",
                f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}",
            ]
            if has_date[i] or has_text[i]:
                parts.append(f"{date[:6]}{day[i]:02d}" if has_date[i] else '""')
            if has_text[i]:
                parts.append(RADTEXT[text[i]])
            lines.append(" ".join(parts))
            first = first or parts
        if v % 1000 == 500:
            # a row added afterwards (#RTRANS and its #TRANS) and one removed (#BTRANS)
            lines.insert(2, f'   #RTRANS {" ".join(first[1:4])} 20240105 "" "" "Anna"')
            lines.insert(2, '   #BTRANS 1930 {} -99.00 20240105 "" "" "Anna"')
        lines.append("}")
        chunks.append("\r\n".join(lines))
        row += k
    path.write_bytes(("\r\n".join(chunks) + "\r\n").encode("cp437"))
    return count


def baseline_decode(path: Path) -> float:
    t = time.perf_counter()
    text = path.read_bytes().decode("cp437")
    assert text
    return time.perf_counter() - t


def baseline_split(path: Path) -> float:
    t = time.perf_counter()
    text = path.read_bytes().decode("cp437")
    rows = [line.split() for line in text.splitlines()]
    assert rows
    return time.perf_counter() - t


#: CPU seconds (all threads) of each timed call: on a busy machine the wall time
#: depends on the other processes, the CPU time much less.
CPU: dict[str, list[float]] = {"read_sie": [], "load_sie_kind('utfall')": []}


def ours(path: Path, n: int) -> float:
    from analysis.io.sie import read_sie

    t, c = time.perf_counter(), time.process_time()
    sie = read_sie(path)
    elapsed = time.perf_counter() - t
    CPU["read_sie"].append(time.process_time() - c)
    assert len(sie.transaktioner) == n, len(sie.transaktioner)
    return elapsed


def kommun(raw: Path) -> Path:
    """A data/raw with a one-row register and a catch-all mapping; returns where the
    SIE file goes."""
    (raw / "ekonomi").mkdir(parents=True)
    (raw / "organisation.csv").write_text("id;namn;typ\nk;Kommunen;namnd\n", encoding="utf-8")
    (raw / "ekonomi" / "sie_mappning.csv").write_text(
        "dimension;objekt;namnd\n*;*;k\n", encoding="utf-8"
    )
    return raw / "ekonomi" / "bench.se"


def whole_load(raw: Path, path: Path) -> float:
    """``load_sie_kind("utfall", …)``: reading, checking and aggregating the file (its
    time stamp moved first, so no cached result is used)."""
    from analysis.io.contract import load_register
    from analysis.io.sie_kalla import load_sie_kind, mapping_files, sie_files

    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    register = load_register(raw / "organisation.csv")
    t, c = time.perf_counter(), time.process_time()
    frame = load_sie_kind("utfall", sie_files(raw), mapping_files(raw), raw, register)
    elapsed = time.perf_counter() - t
    CPU["load_sie_kind('utfall')"].append(time.process_time() - c)
    assert frame is not None and len(frame)
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        path = kommun(raw)
        vouchers = write_file(path, n)
        size = path.stat().st_size
        reads = [ours(path, n) for _ in range(2)]
        loads = [whole_load(raw, path) for _ in range(2)]
        decode = min(baseline_decode(path) for _ in range(2))
        split = baseline_split(path)
    read, load = min(reads), min(loads)
    print(f"{n:,} transaktioner i {vouchers:,} verifikationer, {size / 1e6:.1f} MB")
    print(f"baslinje 1 (läsa + avkoda):              {decode:.3f} s")
    print(f"baslinje 2 (läsa + avkoda + dela fält):  {split:.3f} s")
    for namn, best, first in (
        ("read_sie", read, reads[0]),
        ("load_sie_kind('utfall')", load, loads[0]),
    ):
        rate = n / best
        mal = "uppnått" if rate >= 1e6 else "inte uppnått"
        print(
            f"{namn + ':':40} {best:.3f} s (första {first:.3f} s) = {best / decode:.1f} × "
            f"baslinje 1, {best / split:.2f} × baslinje 2"
        )
        print(f"{'':40} takt {rate:,.0f} transaktioner/s (mål ≥ 1 000 000/s: {mal})")
        cpu = ", ".join(f"{c:.2f}" for c in CPU[namn])
        print(f"{'':40} CPU-tid (alla trådar) {cpu} s; belastning {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
