"""Benchmark: loading a large ledger, and the driftsredovisning against DuckDB.

Run by hand (not a test):  .venv/bin/python bench/load.py [ROWS]

Prints (1) loading 5 million rows of utfall into data/processed: seconds, rows/s and peak
memory (measured in a child process), and (2) the driftsredovisning for all nämnder
from processed data with this package, side by side with DuckDB running the same
aggregation on the same Parquet files in the same process, and their ratio.
DuckDB is installed into the virtualenv for this benchmark only, if it is missing.
Targets: ≥ 1 million rows/s, < 2 GB, aggregation ≤ 2× DuckDB.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from ledger import write_large_ledger  # noqa: E402

CHILD = r"""
import json, sys, time
from analysis.io.dataset import load_data
import pandas  # imports are not part of the measurement

def hwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

base = hwm_mb()
t = time.perf_counter()
data = load_data(sys.argv[1])
n = len(data.utfall)
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": n, "peak_mb": hwm_mb(), "base_mb": base}))
"""

SQL = """
WITH u AS (
  SELECT namnd, sum(belopp_kr) AS utfall FROM read_parquet('{p}/utfall.parquet')
  WHERE period BETWEEN {y}01 AND {y}{m:02d} GROUP BY namnd),
b AS (
  SELECT namnd, sum(belopp_kr) AS budget FROM read_parquet('{p}/budget.parquet')
  WHERE ar = {y} AND typ = 'drift' GROUP BY namnd),
w AS (
  SELECT namnd, sum(andel) AS andel FROM read_parquet('{p}/periodisering.parquet')
  WHERE ar = {y} AND typ = 'drift' AND manad <= {m} GROUP BY namnd),
pm AS (
  SELECT namnd, prognosmanad, sum(belopp_kr) AS belopp FROM read_parquet('{p}/prognos.parquet')
  WHERE ar = {y} AND typ = 'drift' AND prognosmanad <= {m} GROUP BY namnd, prognosmanad),
pr AS (
  SELECT namnd, arg_max(belopp, prognosmanad) AS prognos FROM pm GROUP BY namnd)
SELECT b.namnd, coalesce(u.utfall, 0) / 1000 AS utfall_period,
       b.budget * coalesce(w.andel, {m} / 12.0) / 1000 AS budget_period,
       pr.prognos / 1000 AS prognos_helar, b.budget / 1000 AS budget_helar
FROM b LEFT JOIN u USING (namnd) LEFT JOIN w USING (namnd) LEFT JOIN pr USING (namnd)
"""


def ensure_duckdb():
    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("Installerar duckdb i .venv (endast för benchmarken) ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "duckdb"], check=True)
    import duckdb

    return duckdb


def best_of(fn, n=5):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(rows: int = 5_000_000) -> None:
    from analysis.ekonomi.drift import compute_driftsredovisning
    from analysis.io.dataset import load_data

    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        data_dir = work / "data"
        shutil.copytree(ROOT / "data" / "raw", data_dir / "raw")
        for old in (data_dir / "raw" / "ekonomi").glob("utfall_*"):
            old.unlink()
        t = time.perf_counter()
        csv = write_large_ledger(data_dir / "raw" / "ekonomi" / "utfall_2023.csv", rows)
        print(
            f"Genererade {rows:,} rader utfall ({csv.stat().st_size / 2**20:.0f} MB CSV) på "
            f"{time.perf_counter() - t:.1f} s".replace(",", " ")
        )

        # prime the cache for everything but utfall, so the measurement is the ledger
        subprocess.run(
            [sys.executable, "-c", CHILD, str(data_dir)], check=True, capture_output=True
        )
        (data_dir / "processed" / "utfall.parquet").unlink()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(data_dir)], check=True, capture_output=True, text=True
        )
        m = json.loads(out.stdout)
        print(
            f"\n1. Inläsning till data/processed: {m['seconds']:.2f} s, "
            f"{m['rows'] / m['seconds'] / 1e6:.2f} miljoner rader/s, toppminne "
            f"{m['peak_mb']:.0f} MB (varav {m['base_mb']:.0f} MB före inläsningen)"
            f"  [mål: ≥ 1 miljon rader/s, < 2 048 MB]"
        )

        duckdb = ensure_duckdb()
        processed = data_dir / "processed"
        con = duckdb.connect()
        sql = SQL.format(p=processed.as_posix(), y=2023, m=4)

        def ours():
            compute_driftsredovisning(load_data(data_dir), "2023-04")

        def theirs():
            con.execute(sql).fetchdf()

        ours()
        theirs()
        a, b = best_of(ours), best_of(theirs)
        check = compute_driftsredovisning(load_data(data_dir), "2023-04").set_index("namnd")
        ref = con.execute(sql).fetchdf().set_index("namnd")
        diff = (check.loc[ref.index, "utfall_period"] - ref["utfall_period"]).abs().max()
        print(
            "\n2. Driftsredovisning för alla nämnder från processad data "
            "(bästa av 5, inklusive läsning av Parquet):"
        )
        print(
            f"   analysis: {a * 1000:.0f} ms   DuckDB: {b * 1000:.0f} ms   "
            f"kvot {a / b:.2f}×  [mål: ≤ 2×]   största skillnad i utfall: {diff:.2e} tkr"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)
