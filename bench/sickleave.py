"""Benchmark (run by hand, not a test): sick-leave nyckeltal on 5 million person-months.

    .venv/bin/python bench/sickleave.py [--rows 5000000] [--series]

Generates synthetic ``sjukfranvaro`` rows with numpy (8 förvaltningar, 60 months) and
times :func:`analysis.personal.nyckeltal.compute_nyckeltal` over all 60 months, once per
förvaltning and once for the kommun, :func:`analysis.personal.nyckeltal.compute_frisknarvaro`
for the kommun and, with ``--series``, the monthly series of every förvaltning
(:func:`analysis.personal.serier.manadsserie`). Prints time and peak memory (VmHWM).
Target for the nyckeltal: under 3 s and 2 GB.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.personal.nyckeltal import compute_frisknarvaro, compute_nyckeltal
from analysis.personal.serier import manadsserie

FORVALTNINGAR = [f"Förvaltning {i}" for i in range(1, 9)]
MONTHS = 60


def peak_memory_mb() -> float:
    """Peak resident memory of this process (VmHWM), MB; NaN where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def synthetic(rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` person-month rows: every employee present in all 60 months."""
    rng = np.random.default_rng(seed)
    n_emp = rows // MONTHS
    emp = np.repeat(np.arange(n_emp), MONTHS)
    k = np.tile(np.arange(MONTHS), n_emp)
    period = ((2019 + k // 12) * 100 + k % 12 + 1).astype(np.int32)
    forv_of = rng.integers(0, len(FORVALTNINGAR), n_emp)
    kon_of = rng.random(n_emp) < 0.78
    born_of = rng.integers(1958, 2004, n_emp).astype(np.int16)
    n = len(emp)
    ordt = rng.choice([0.0, 120.0, 160.0, 168.0], n, p=[0.03, 0.2, 0.4, 0.37])
    sick = np.where(rng.random(n) < 0.25, rng.uniform(0, 1, n) * ordt, 0.0)
    lang = np.where(rng.random(n) < 0.3, sick, 0.0)
    return pd.DataFrame(
        {
            "period": period,
            "anstalld": pd.Categorical.from_codes(emp, [f"A{i:07d}" for i in range(n_emp)]),
            "forvaltning": pd.Categorical.from_codes(forv_of[emp], FORVALTNINGAR),
            "kon": pd.Categorical.from_codes(np.where(kon_of[emp], 0, 1), ["K", "M"]),
            "fodelsear": born_of[emp],
            "ordinarie_tid_h": ordt,
            "sjuk_h": sick,
            "sjuk_h_langtid": lang,
            "sjukdagar": (sick / 8).round().astype(np.int16),
            "sjuk_h_kort": sick - lang,
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument(
        "--series", action="store_true", help="also time the monthly series of every förvaltning"
    )
    args = ap.parse_args()

    t0 = time.perf_counter()
    df = synthetic(args.rows)
    print(
        f"genererat {len(df):,} rader på {time.perf_counter() - t0:.2f} s, "
        f"minne {df.memory_usage(deep=True).sum() / 2**20:.0f} MB"
    )
    months = sorted(df["period"].unique().tolist())

    t0 = time.perf_counter()
    n = 0
    for forv in [*FORVALTNINGAR, None]:
        n += len(compute_nyckeltal(df, months, forv))
    t_nt = time.perf_counter() - t0
    print(
        f"compute_nyckeltal, {len(FORVALTNINGAR)} förvaltningar + Totalt, "
        f"{len(months)} månader: {t_nt:.2f} s ({n} rader)"
    )

    t0 = time.perf_counter()
    frisk = compute_frisknarvaro(df, months)
    print(
        f"compute_frisknarvaro, hela kommunen: {time.perf_counter() - t0:.2f} s "
        f"({frisk['procent']:.1f} %)"
    )

    t_ser = 0.0
    if args.series:
        t0 = time.perf_counter()
        n = sum(len(manadsserie(df, forv)) for forv in [*FORVALTNINGAR, None])
        t_ser = time.perf_counter() - t0
        print(
            f"manadsserie, {len(FORVALTNINGAR)} förvaltningar + hela kommunen × "
            f"{len(months)} månader: {t_ser:.2f} s ({n} rader)"
        )

    peak = peak_memory_mb()
    print(f"toppminne (VmHWM): {peak:.0f} MB")
    ok = t_nt < 3.0 and peak < 2048
    print("mål för nyckeltalen (< 3 s, < 2 GB):", "uppfyllt" if ok else "EJ uppfyllt")


if __name__ == "__main__":
    main()
