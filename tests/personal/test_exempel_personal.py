"""The sample kommun's person-month HR data reproduce Luleå's published sick-leave figures.

Every check computes the figure from the raw rows with the data contract's definitions,
in plain pandas, and compares it with the published table (tests/data/domain/*.csv) to
the printed two decimals.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sample.personal import generate_personal
from tests.personal.personaldata import COLUMNS

DOMAIN = Path(__file__).parents[1] / "data" / "domain"
KS = "KS/Kommunstab"
KOMMUN = "Luleå kommun"

N02 = pd.read_csv(DOMAIN / "n02_sjukfranvaro_jan_mars_per_ar.csv")
T04 = pd.read_csv(DOMAIN / "t04_frisknarvaro_helar_2019_2022.csv", index_col=0)
T03 = pd.read_csv(DOMAIN / "s000_t03_sjukfranvaro_nyckeltal_procent.csv")

JAN_MARS = {
    int(r.iloc[0]): float(r.iloc[1]) for _, r in N02.iterrows() if 2019 <= int(r.iloc[0]) <= 2023
}
FRISK = [(row, int(year), float(T04.loc[row, year])) for row in T04.index for year in T04.columns]


def _t03_key(row: pd.Series) -> str:
    if row["nyckeltal"].startswith("Sjukfrv > 59"):
        return "langtid_andel"
    if row["kön"] != "alla":
        return {"kvinnor": "kvinnor", "män": "man"}[row["kön"]]
    if row["åldersgrupp"] != "alla":
        return {"<=29 år": "upp_till_29", "30-49 år": "30_49", ">=50 år": "50_och_over"}[
            row["åldersgrupp"]
        ]
    return "total"


T03["key"] = T03.apply(_t03_key, axis=1)
T03 = T03.set_index("key")
KS_FIGURES = [
    (key, year, float(T03.loc[key, str(year)]))
    for key in T03.index
    for year in (2020, 2021, 2022, 2023)
]


@pytest.fixture(scope="module")
def personal() -> pd.DataFrame:
    return generate_personal()


@pytest.fixture(scope="module")
def rows(personal: pd.DataFrame) -> pd.DataFrame:
    """The rows plus year, month and age."""
    df = personal.copy()
    df["ar"] = df["period"].str[:4].astype(int)
    df["manad"] = df["period"].str[5:].astype(int)
    df["alder"] = df["ar"] - df["fodelsear"]
    return df


def rate(df: pd.DataFrame) -> float:
    """100 × Σ sjuk_h / Σ ordinarie_tid_h over rows with ordinary time."""
    d = df[df["ordinarie_tid_h"] > 0]
    return 100 * d["sjuk_h"].sum() / d["ordinarie_tid_h"].sum()


def ks_nyckeltal(rows: pd.DataFrame, year: int) -> dict[str, float]:
    d = rows[(rows["forvaltning"] == KS) & (rows["ar"] == year) & (rows["ordinarie_tid_h"] > 0)]
    return {
        "total": rate(d),
        "langtid_andel": 100 * d["sjuk_h_langtid"].sum() / d["sjuk_h"].sum(),
        "kvinnor": rate(d[d["kon"] == "K"]),
        "man": rate(d[d["kon"] == "M"]),
        "upp_till_29": rate(d[d["alder"] <= 29]),
        "30_49": rate(d[(d["alder"] >= 30) & (d["alder"] <= 49)]),
        "50_och_over": rate(d[d["alder"] >= 50]),
    }


def headcounts(rows: pd.DataFrame) -> pd.DataFrame:
    """Distinct employees with ordinary time per förvaltning and year."""
    d = rows[rows["ordinarie_tid_h"] > 0]
    return d.groupby(["forvaltning", "ar"])["anstalld"].nunique().unstack()


# --- the published figures -------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(JAN_MARS))
def test_kommun_rate_january_to_march(rows: pd.DataFrame, year: int) -> None:
    d = rows[(rows["ar"] == year) & (rows["manad"] <= 3)]
    assert round(rate(d), 2) == JAN_MARS[year]


@pytest.mark.parametrize(("row", "year", "printed"), FRISK)
def test_frisknarvaro(rows: pd.DataFrame, row: str, year: int, printed: float) -> None:
    d = rows[rows["ar"] == year]
    if row != KOMMUN:
        d = d[d["forvaltning"] == row]
    employees = d.loc[d["ordinarie_tid_h"] > 0, "anstalld"].unique()
    days = d[d["anstalld"].isin(employees)].groupby("anstalld")["sjukdagar"].sum()
    assert len(days) == len(employees)
    assert round(100 * (days < 8).sum() / len(employees), 2) == printed


@pytest.mark.parametrize(("key", "year", "printed"), KS_FIGURES)
def test_kommunstab_nyckeltal(rows: pd.DataFrame, key: str, year: int, printed: float) -> None:
    assert round(ks_nyckeltal(rows, year)[key], 2) == printed


def test_kommunstab_2019_as_published_is_impossible() -> None:
    """A total is a weighted mean of its age groups, but 2019's lies below all of them."""
    col = T03["2019"]
    ages = col[["upp_till_29", "30_49", "50_och_over"]]
    assert col["total"] < ages.min()
    # the other years are consistent
    for year in ("2020", "2021", "2022", "2023"):
        c = T03[year]
        a = c[["upp_till_29", "30_49", "50_och_over"]]
        assert a.min() <= c["total"] <= a.max()
        assert min(c["kvinnor"], c["man"]) <= c["total"] <= max(c["kvinnor"], c["man"])


def test_kommunstab_2019_is_plausible(rows: pd.DataFrame) -> None:
    """2019 keeps the published total and långtid share; its groups are consistent."""
    k = ks_nyckeltal(rows, 2019)
    assert round(k["total"], 2) == float(T03.loc["total", "2019"])
    assert round(k["langtid_andel"], 2) == float(T03.loc["langtid_andel", "2019"])
    ages = [k["upp_till_29"], k["30_49"], k["50_och_over"]]
    assert min(ages) <= k["total"] <= max(ages)
    assert k["man"] <= k["total"] <= k["kvinnor"]


# --- the contract and invariants --------------------------------------------------------


def test_columns_and_types(personal: pd.DataFrame) -> None:
    struktur = ["anstallningsform", "chef", "sysselsattningsgrad", "chef_id"]
    assert list(personal.columns) == COLUMNS + struktur
    assert personal["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    periods = sorted(personal["period"].unique())
    assert periods == [f"{y}-{m:02d}" for y in range(2019, 2024) for m in range(1, 13)]
    assert set(personal["kon"]) == {"K", "M"}
    assert pd.api.types.is_integer_dtype(personal["fodelsear"])
    assert pd.api.types.is_integer_dtype(personal["sjukdagar"])
    for col in ("ordinarie_tid_h", "sjuk_h", "sjuk_h_langtid", "sjuk_h_kort"):
        values = personal[col].to_numpy()
        assert (values >= 0).all()
        assert np.allclose(values, np.round(values, 2), rtol=0, atol=1e-9)


def test_pseudonymous_ids(personal: pd.DataFrame) -> None:
    assert personal["anstalld"].str.fullmatch(r"A\d{6}").all()
    assert not personal.duplicated(["period", "anstalld"]).any()


def test_employee_attributes_are_fixed(personal: pd.DataFrame) -> None:
    per_employee = personal.groupby("anstalld")[["forvaltning", "kon", "fodelsear"]].nunique()
    assert (per_employee == 1).all().all()


def test_hours_and_days_are_consistent(rows: pd.DataFrame) -> None:
    d = rows
    dim = np.array(
        [calendar.monthrange(y, m)[1] for y, m in zip(d["ar"], d["manad"], strict=False)]
    )
    assert (d["sjuk_h"] <= d["ordinarie_tid_h"]).all()
    assert (d["sjuk_h_langtid"] + d["sjuk_h_kort"] <= d["sjuk_h"] + 1e-9).all()
    assert ((d["sjuk_h"] > 0) == (d["sjukdagar"] > 0)).all()
    assert (d["sjukdagar"] <= dim).all()
    no_time = d["ordinarie_tid_h"] == 0
    assert no_time.any() and no_time.mean() < 0.01  # a few staff without schedule
    assert (d.loc[no_time, "sjuk_h"] == 0).all()
    # sick hours roughly follow the scheduled hours of the sick days
    sick = d[d["sjukdagar"] > 0]
    ratio = sick["sjuk_h"] / (sick["ordinarie_tid_h"] * sick["sjukdagar"] / dim[d["sjukdagar"] > 0])
    assert 0.85 < ratio.median() < 1.15
    assert ratio.quantile(0.99) < 1.6
    assert ratio.max() <= 2.5 + 1e-9


def test_spells(rows: pd.DataFrame) -> None:
    """Short and long spells; long ones run through whole months and across years."""
    d = rows
    assert (d["sjuk_h_kort"] > 0).sum() > 10_000
    long_ = d[d["sjuk_h_langtid"] > 0]
    assert len(long_) > 5_000
    dim = np.array(
        [calendar.monthrange(y, m)[1] for y, m in zip(long_["ar"], long_["manad"], strict=False)]
    )
    assert (long_["sjukdagar"] == dim).mean() > 0.5
    dec = set(
        d.loc[(d["manad"] == 12) & (d["sjuk_h_langtid"] > 0), "anstalld"]
        + "/"
        + (d["ar"] + 1).astype(str)
    )
    jan = set(
        d.loc[(d["manad"] == 1) & (d["sjuk_h_langtid"] > 0), "anstalld"] + "/" + d["ar"].astype(str)
    )
    assert len(dec & jan) > 50
    kommun = {
        y: (
            rate(d[(d["ar"] == y) & d["manad"].isin([1, 2, 3])]),
            rate(d[(d["ar"] == y) & d["manad"].isin([7, 8])]),
        )
        for y in range(2019, 2024)
    }
    assert all(winter > summer for winter, summer in kommun.values())


def test_sick_leave_levels(rows: pd.DataFrame) -> None:
    by_forv = rows.groupby("forvaltning").apply(rate, include_groups=False)
    assert by_forv.idxmax() in ("Socialförvaltningen", "Barn- o utbildningsförvaltningen")
    assert 6.5 < by_forv["Socialförvaltningen"] < 10.5
    assert 6.5 < by_forv["Barn- o utbildningsförvaltningen"] < 10.5
    assert 2.0 < by_forv[KS] < 4.0


# --- the staff --------------------------------------------------------------------------


def test_headcounts(rows: pd.DataFrame) -> None:
    n = headcounts(rows)
    ranges = {
        KS: (290, 330),
        "KS/Räddningstjänsten": (200, 260),
        "Kultur- o fritidsförvaltningen": (340, 420),
        "KS/Arbetsmarknadsförvaltningen": (370, 460),
        "Stadsbyggnadsförvaltningen": (680, 820),
        # larger than their month-employed staff: the kommun's published frisknärvaro
        # (a headcount-weighted mean) needs big pools of timanställda here
        "Barn- o utbildningsförvaltningen": (3400, 5200),
        "Socialförvaltningen": (3400, 5200),
    }
    assert set(n.index) == set(ranges)
    for forv, (lo, hi) in ranges.items():
        assert n.loc[forv].between(lo, hi).all(), (forv, n.loc[forv].tolist())


def test_composition(rows: pd.DataFrame) -> None:
    people = rows.drop_duplicates("anstalld")
    women = people.groupby("forvaltning")["kon"].apply(lambda k: (k == "K").mean())
    assert 0.72 < (people["kon"] == "K").mean() < 0.82
    assert 0.75 < women["Barn- o utbildningsförvaltningen"] < 0.87
    assert 0.80 < women["Socialförvaltningen"] < 0.90
    assert women["KS/Räddningstjänsten"] < 0.2
    assert 0.6 < women[KS] < 0.8
    assert rows["alder"].between(18, 67).all()


def test_ordinary_time(rows: pd.DataFrame) -> None:
    d = rows[rows["ordinarie_tid_h"] > 0]
    assert d["ordinarie_tid_h"].max() <= 176
    # månadsanställda: ordinary time every month of the year, mostly near full time
    per_year = d.groupby(["anstalld", "ar"])["ordinarie_tid_h"]
    monthly = d[(per_year.transform("size") == 12) & (per_year.transform("median") >= 100)]
    assert monthly["anstalld"].nunique() > 7_000
    assert monthly["ordinarie_tid_h"].between(60, 176).mean() > 0.99
    assert monthly["ordinarie_tid_h"].between(110, 176).mean() > 0.97
    assert monthly["ordinarie_tid_h"].median() > 140
    median = monthly.groupby("manad")["ordinarie_tid_h"].median()
    assert median[7] < median.drop(7).min()  # fewer hours in July
    # timanställda: ordinary time in only some months of a year
    months = d.groupby(["anstalld", "ar"]).size()
    assert (months < 6).sum() > 5_000


def test_turnover(rows: pd.DataFrame) -> None:
    span = rows.groupby("anstalld")["period"].agg(["min", "max"])
    assert (span["min"] > "2019-01").mean() > 0.3
    assert (span["max"] < "2023-12").mean() > 0.3


def test_kommunstab_groups_are_reported(rows: pd.DataFrame) -> None:
    """Every sex and age group of Kommunstaben has more than 10 employees every year."""
    d = rows[(rows["forvaltning"] == KS) & (rows["ordinarie_tid_h"] > 0)]
    group = pd.cut(d["alder"], [0, 29, 49, 200], labels=["<=29", "30-49", ">=50"])
    by_age = d.groupby(["ar", group], observed=False)["anstalld"].nunique()
    by_sex = d.groupby(["ar", "kon"])["anstalld"].nunique()
    assert len(by_age) == 15 and (by_age > 10).all()
    assert len(by_sex) == 10 and (by_sex > 10).all()


def test_deterministic(personal: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(generate_personal(), personal)
