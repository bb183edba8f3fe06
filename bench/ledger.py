"""A large kommun's ledger for benchmarks: N rows of utfall for one year, as CSV.

Units are the sample register's; accounts, verksamheter and ansvar are drawn at random.
Written with pyarrow (``,``-delimited, decimal point), which the loader reads like any
export.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.sample.targets import UNITS

ACCOUNTS = np.array([3110, 3510, 4010, 4610, 5010, 5110, 5510, 6010, 6110, 7010, 7710])


def write_large_ledger(path: Path, rows: int = 5_000_000, year: int = 2023, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    units = np.array([u[0] for u in UNITS if u[2] == "namnd"])
    month = rng.integers(1, 13, rows)
    period = np.char.add(f"{year}-", np.char.zfill(month.astype(str), 2))
    table = pa.table(
        {
            "period": period,
            "namnd": units[rng.integers(0, len(units), rows)],
            "konto": ACCOUNTS[rng.integers(0, len(ACCOUNTS), rows)],
            "belopp": np.round(rng.gamma(2.0, 4000.0, rows) * rng.choice([1, -0.2], rows), 2),
            "verksamhet": np.char.add("V", rng.integers(100, 160, rows).astype(str)),
            "ansvar": np.char.add("A", rng.integers(1000, 1400, rows).astype(str)),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench/out/utfall_2023.csv")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
    print(write_large_ledger(out, n))
