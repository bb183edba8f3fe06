"""The sample's sick leave through the package's own functions (not the generator's)."""

from __future__ import annotations

import pandas as pd

from analysis.personal.nyckeltal import compute_frisknarvaro, compute_nyckeltal
from tests.conftest import DOMAIN

KS = "KS/Kommunstab"
T03_ROWS = [
    "total",
    "langtid_andel",
    "kvinnor",
    "man",
    "alder_upp_till_29",
    "alder_30_49",
    "alder_50_och_over",
]


def months(year, last=12):
    return [year * 100 + m for m in range(1, last + 1)]


def test_n02_kommun_january_march(sample_data):
    n02 = pd.read_csv(DOMAIN / "n02_sjukfranvaro_jan_mars_per_ar.csv")
    checked = 0
    for year, printed in zip(n02.iloc[:, 0], n02.iloc[:, 1], strict=False):
        if year < 2019:
            continue  # before the sample's data
        nt = compute_nyckeltal(sample_data.sjukfranvaro, months(year, 3)).set_index("nyckeltal")
        assert round(nt.loc["total", "procent"], 2) == printed, year
        checked += 1
    assert checked == 5


def test_t04_frisknarvaro_every_forvaltning(sample_data):
    t04 = pd.read_csv(DOMAIN / "t04_frisknarvaro_helar_2019_2022.csv")
    for _, row in t04.iterrows():
        forv = None if row.iloc[0] == "Luleå kommun" else row.iloc[0]
        for year in (2019, 2020, 2021, 2022):
            got = compute_frisknarvaro(sample_data.sjukfranvaro, months(year), forv, max_dagar=8)
            assert round(got["procent"], 2) == row[str(year)], (row.iloc[0], year)


def test_s000_t03_kommunstaben_2020_2023(sample_data):
    t03 = pd.read_csv(DOMAIN / "s000_t03_sjukfranvaro_nyckeltal_procent.csv")
    for year in (2020, 2021, 2022, 2023):
        nt = compute_nyckeltal(sample_data.sjukfranvaro, months(year), KS).set_index("nyckeltal")
        for key, printed in zip(T03_ROWS, t03[str(year)], strict=False):
            assert round(nt.loc[key, "procent"], 2) == printed, (year, key)


def test_s000_t03_2019_cannot_be_reproduced_by_any_data():
    """A total is an hours-weighted mean of its age groups, so it lies between them;
    the published 2019 total (3,78) lies below all three age groups."""
    t03 = pd.read_csv(DOMAIN / "s000_t03_sjukfranvaro_nyckeltal_procent.csv")
    col = dict(zip(T03_ROWS, t03["2019"], strict=False))
    ages = [col["alder_upp_till_29"], col["alder_30_49"], col["alder_50_och_over"]]
    assert col["total"] < min(ages)
    for year in ("2020", "2021", "2022", "2023"):
        c = dict(zip(T03_ROWS, t03[year], strict=False))
        a = [c["alder_upp_till_29"], c["alder_30_49"], c["alder_50_och_over"]]
        assert min(a) <= c["total"] <= max(a)
        assert min(c["kvinnor"], c["man"]) <= c["total"] <= max(c["kvinnor"], c["man"])
