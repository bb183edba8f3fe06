"""Benchmark: the Word export (``--format docx``) beside the Excel export of the same
executed reports, in the same run.

Run by hand (not a test):  .venv/bin/python bench/word.py [REPORTS_DIR]

REPORTS_DIR is a period's folder written by ``analysis run`` (default: the newest folder
under reports/); its executed notebooks in ``_notebooks/`` are exported again. Prints,
per report, seconds for Word and for Excel, and the ratio Word / Excel; then the totals.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat

from analysis.batch.publish import export_xlsx
from analysis.batch.word import export_docx

ROOT = Path(__file__).resolve().parent.parent
META = {"kommun": "Exempelkommunen", "titel": "Rapport", "period": "Delår 1 2023", "datum": ""}


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
    else:
        periods = sorted(p for p in (ROOT / "reports").glob("*-*") if p.is_dir())
        if not periods:
            sys.exit("inga rapporter: kör `make run` först, eller ange en rapportmapp")
        folder = periods[-1]
    notebooks = sorted((folder / "_notebooks").glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"inga körda notebooks i {folder / '_notebooks'}")
    out = Path(tempfile.mkdtemp())
    total_w = total_x = 0.0
    print(f"{'rapport':<45} {'Word s':>8} {'Excel s':>8} {'Word/Excel':>10}")
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        export_docx(nb, out / "warm.docx", META)  # imports and caches are not measured
        w = best_of(3, lambda nb=nb: export_docx(nb, out / "r.docx", META))
        x = best_of(3, lambda nb=nb: export_xlsx(nb, out / "r.xlsx", META))
        total_w += w
        total_x += x
        print(f"{path.stem:<45} {w:8.3f} {x:8.3f} {w / x:10.2f}")
    print(f"{'totalt':<45} {total_w:8.3f} {total_x:8.3f} {total_w / total_x:10.2f}")


if __name__ == "__main__":
    main()
