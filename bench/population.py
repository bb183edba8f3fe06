"""Benchmark: the cohort-component engine for all of Sweden's kommuner in one call.

Run by hand (not a test):  .venv/bin/python bench/population.py [REPEATS]

Projects 290 kommuner × 2 sexes × 101 single-year ages (0–99, 100+) for 30 one-year
steps in ONE call of :func:`analysis.befolkning.motor.project_cohort_component`, with rates
per kommun (nLx, asfr) and net migration per kommun, and prints the time.
Target: under 1 s.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from analysis.befolkning.antaganden import life_table
from analysis.befolkning.motor import project_cohort_component

N_KOMMUNER, N_AGES, STEPS = 290, 101, 30


def inputs(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Synthetic but plausible inputs: populations of 2 000–900 000, Gompertz mortality
    with a kommun-specific level, fertility around 1.7 children per woman."""
    rng = np.random.default_rng(seed)
    ages = np.arange(N_AGES)
    kommun = np.array([f"{k:04d}" for k in range(N_KOMMUNER)])
    size = np.exp(rng.uniform(np.log(2_000), np.log(900_000), N_KOMMUNER))
    shape = np.exp(-ages / 60.0)
    shape /= shape.sum()
    kon = np.array(["K", "M"])
    grid = pd.MultiIndex.from_product([kommun, kon, ages], names=["kommun", "kon", "alder"])
    pop = pd.DataFrame(index=grid).reset_index()
    pop["antal"] = (
        np.repeat(size / 2, 2 * N_AGES)
        * np.tile(shape, 2 * N_KOMMUNER)
        * rng.uniform(0.9, 1.1, len(pop))
    )

    rows = []
    for k, level in zip(kommun, rng.normal(0.0, 0.1, N_KOMMUNER), strict=False):
        for s, extra in (("K", 0.0), ("M", 0.3)):
            m = np.exp(-10.0 + level + extra + 0.095 * ages)
            m[0] = 0.002
            rows.append(
                pd.DataFrame(
                    {"kommun": k, "kon": s, "alder": ages, "nLx": life_table(m, s)["Lx"].to_numpy()}
                )
            )
    nlx = pd.concat(rows, ignore_index=True)

    base = np.where((ages >= 15) & (ages <= 49), np.exp(-0.5 * ((ages - 31) / 5.5) ** 2), 0.0)
    base *= 1.7 / base.sum()
    asfr = pd.DataFrame(
        {
            "kommun": np.repeat(kommun, N_AGES),
            "alder": np.tile(ages, N_KOMMUNER),
            "asfr": np.tile(base, N_KOMMUNER)
            * np.repeat(rng.uniform(0.85, 1.15, N_KOMMUNER), N_AGES),
        }
    )
    mig = pop[["kommun", "kon", "alder"]].copy()
    mig["antal"] = pop["antal"] * rng.normal(0.0, 0.01, len(pop))
    return pop, nlx, asfr, mig


def main(repeats: int = 3) -> None:
    pop, nlx, asfr, mig = inputs()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = project_cohort_component(pop, nlx, asfr, mig, width=1, steps=STEPS)
        times.append(time.perf_counter() - t)
    cells = N_KOMMUNER * 2 * N_AGES
    print(
        f"Projektion: {N_KOMMUNER} kommuner × 2 kön × {N_AGES} åldrar × {STEPS} år "
        f"({cells:_} celler per år; {len(result):_} rader ut)".replace("_", " ")
    )
    print(
        f"Tid per anrop: bäst {min(times):.3f} s, median {np.median(times):.3f} s "
        f"({repeats} körningar); mål < 1 s: {'uppfyllt' if min(times) < 1 else 'EJ uppfyllt'}"
    )
    total = result[result["steg"] == STEPS]["antal"].sum()
    print(
        f"Folkmängd år 0: {pop['antal'].sum():_.0f}; efter {STEPS} år: {total:_.0f}".replace(
            "_", " "
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
