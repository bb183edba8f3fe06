"""Tests of :mod:`analysis.befolkning.historik` (the data, the history and the year to
date) and of the sample generator :mod:`analysis.sample.befolkning`.

The small data sets are built by hand here and the expected figures computed by hand.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.befolkning.antaganden import estimate_assumptions
from analysis.befolkning.historik import (
    BefolkningData,
    annual_rows,
    complete_years,
    last_complete_year,
    period_components,
    table_file,
    yearly_components,
)
from analysis.core.errors import ArgumentError, InputError, ModellError
from analysis.sample.befolkning import generate_befolkning

DATA = Path(__file__).parents[1] / "data" / "domain"
NA = pd.NA


# --------------------------------------------------------------------------------------
# a tiny hand-made kommun
# --------------------------------------------------------------------------------------
def stock(year, month, total):
    """A folkmängd of ``total`` split over two cells (K 30 and M 40)."""
    return [(year, month, "K", 30, total - 500), (year, month, "M", 40, 500)]


def tiny_data(first_stock: bool = True) -> BefolkningData:
    fm = []
    if first_stock:
        fm += stock(2020, NA, 1000)  # 31 December 2020, no month
    fm += stock(2021, NA, 1015)
    # 2022 monthly: each month +1 born, −1 dead, +5 in, −4 out = +1 a month
    for m in range(1, 13):
        fm += stock(2022, m, 1015 + m)
    # 2023: January–April only, with 4 unexplained persons in April
    fm += stock(2023, 1, 1027 + 2 + 6 - 3)  # 1032
    fm += stock(2023, 2, 1032 - 3 + 2 - 1)  # 1030
    fm += stock(2023, 3, 1030 + 1 + 4)  # 1035
    fm += stock(2023, 4, 1035 - 2 - 7 + 4)  # 1030, incl. +4 unexplained
    folkmangd = pd.DataFrame(fm, columns=["ar", "manad", "kon", "alder", "antal"])

    fodda = [(2021, NA, 30, "K", 5), (2021, NA, 32, "M", 7)]  # 12
    fodda += [(2022, m, 31, "K" if m % 2 else "M", 1) for m in range(1, 13)]
    fodda += [(2023, 1, 29, "K", 2), (2023, 3, 35, "M", 1)]  # 3
    fodda = pd.DataFrame(fodda, columns=["ar", "manad", "moderns_alder", "kon", "antal"])

    doda = [(2021, NA, "K", 80, 4), (2021, NA, "M", 85, 5)]  # 9
    doda += [(2022, m, "M", 90, 1) for m in range(1, 13)]
    doda += [(2023, 2, "K", 88, 3), (2023, 4, "M", 77, 2)]  # 5
    doda = pd.DataFrame(doda, columns=["ar", "manad", "kon", "alder", "antal"])

    fl = [
        (2021, NA, "K", 20, "in", "inom_lanet", 20),
        (2021, NA, "M", 21, "in", "annat_lan", 20),
        (2021, NA, "K", 25, "in", "utlandet", 10),  # in 50
        (2021, NA, "M", 24, "ut", "annat_lan", 40),
    ]  # out 40
    for m in range(1, 13):
        fl += [(2022, m, "K", 20, "in", "annat_lan", 5), (2022, m, "M", 26, "ut", "inom_lanet", 4)]
    fl += [
        (2023, 1, "K", 19, "in", "inom_lanet", 6),
        (2023, 2, "M", 22, "in", "annat_lan", 2),
        (2023, 3, "K", 30, "in", "utlandet", 4),
        (2023, 1, "M", 27, "ut", "inom_lanet", 3),
        (2023, 4, "K", 23, "ut", "annat_lan", 7),
        (2023, 2, "M", 33, "ut", "utlandet", 1),
    ]
    flyttningar = pd.DataFrame(
        fl, columns=["ar", "manad", "kon", "alder", "riktning", "omrade", "antal"]
    )
    return BefolkningData(folkmangd, fodda, doda, flyttningar)


def test_yearly_components_hand_computed():
    yc = yearly_components(tiny_data())
    assert list(yc.columns) == [
        "ar",
        "folkmangd",
        "fodda",
        "doda",
        "inflyttade",
        "utflyttade",
        "flyttnetto",
        "justering",
        "typ",
    ]
    # 2020 has no flows and 2023 only four months: not complete
    assert yc["ar"].tolist() == [2021, 2022]
    y21, y22 = yc.iloc[0], yc.iloc[1]
    assert (y21.folkmangd, y21.fodda, y21.doda, y21.inflyttade, y21.utflyttade) == (
        1015,
        12,
        9,
        50,
        40,
    )
    assert y21.flyttnetto == 50 - 40
    assert y21.justering == 1015 - 1000 - (12 - 9 + 10)  # = 2
    assert (y22.folkmangd, y22.fodda, y22.doda, y22.inflyttade, y22.utflyttade) == (
        1027,
        12,
        12,
        60,
        48,
    )
    assert y22.justering == 1027 - 1015 - (12 - 12 + 12)  # = 0
    assert set(yc["typ"]) == {"utfall"}


def test_yearly_components_first_year_without_previous_stock_is_nan():
    yc = yearly_components(tiny_data(first_stock=False))
    assert yc["ar"].tolist() == [2021, 2022]
    assert np.isnan(yc["justering"].iloc[0])
    assert yc["justering"].iloc[1] == 0


def test_period_components_hand_computed():
    pc = period_components(tiny_data(), 2023, 4).set_index("komponent")["antal"]
    assert pc["folkmangd"] == 1030
    assert pc["forandring"] == 1030 - 1027  # +3
    assert pc["forandring_foregaende_ar"] == (1015 + 4) - 1015  # +4
    assert pc["fodda"] == 2 + 1
    assert pc["doda"] == 3 + 2
    assert pc["fodelsenetto"] == 3 - 5
    assert pc["inflyttade"] == 6 + 2 + 4
    assert pc["utflyttade"] == 3 + 7 + 1
    assert pc["flyttnetto_inom_lanet"] == 6 - 3
    assert pc["flyttnetto_annat_lan"] == 2 - 7
    assert pc["flyttnetto_utlandet"] == 4 - 1
    assert pc["flyttnetto"] == 12 - 11
    assert pc["justering"] == 3 - (3 - 5) - 1  # = +4 unexplained
    # up to February only
    feb = period_components(tiny_data(), 2023, 2).set_index("komponent")["antal"]
    assert feb["fodda"] == 2 and feb["doda"] == 3 and feb["flyttnetto"] == 6 + 2 - 3 - 1


def test_period_components_labels_and_full_annual_year():
    pc = period_components(tiny_data(), 2021, 12)
    assert list(pc.columns) == ["komponent", "text", "antal"]
    assert pc["komponent"].is_unique
    assert (pc["text"].str.len() > 0).all()
    p = pc.set_index("komponent")["antal"]
    assert p["forandring"] == 15 and p["justering"] == 2
    assert np.isnan(p["forandring_foregaende_ar"])  # no 2019 folkmängd


def test_period_components_errors():
    data = tiny_data()
    with pytest.raises(InputError, match="folkmängd saknas för 2021-04"):
        period_components(data, 2021, 4)
    april = pd.DataFrame(stock(2021, 4, 1010), columns=["ar", "manad", "kon", "alder", "antal"])
    with_april = BefolkningData(
        pd.concat([data.folkmangd, april]), data.fodda, data.doda, data.flyttningar
    )
    with pytest.raises(InputError, match="helårssiffror"):
        period_components(with_april, 2021, 4)
    with pytest.raises(InputError, match="2023-05"):
        period_components(data, 2023, 5, fallback=False)
    with pytest.raises(ArgumentError, match="'month': månaden måste vara ett heltal 1–12"):
        period_components(data, 2023, 13)


def test_period_errors_name_the_files_as_the_loaders_show_them():
    data = tiny_data()
    with pytest.raises(InputError) as e:
        period_components(data, 2021, 4)
    assert e.value.problems[0].file == "befolkning/folkmangd"
    june = pd.DataFrame(stock(2023, 6, 1031), columns=["ar", "manad", "kon", "alder", "antal"])
    with_june = BefolkningData(
        pd.concat([data.folkmangd, june]), data.fodda, data.doda, data.flyttningar
    )
    with pytest.raises(InputError) as e:
        period_components(with_june, 2023, 6, fallback=False)
    problem = e.value.problems[0]
    assert problem.file == "befolkning/fodda, befolkning/doda, befolkning/flyttningar"
    assert problem.column == "manad"
    assert problem.message == "månadsuppgifter saknas för 2023: månad 5, 6."
    with pytest.raises(InputError) as e:
        BefolkningData(data.folkmangd.assign(kon="X"), data.fodda, data.doda, data.flyttningar)
    assert e.value.problems[0].file == "befolkning/folkmangd"
    assert table_file("doda") == "befolkning/doda"


def test_complete_years_and_the_last_of_them():
    data = tiny_data()
    # 2020 has no flows, 2021 annual totals, 2022 all twelve months, 2023 no 31 December
    assert complete_years(data) == [2021, 2022]
    assert last_complete_year(data) == 2022
    only_2023 = BefolkningData(
        *(
            getattr(data, t)[getattr(data, t)["ar"] == 2023]
            for t in ("folkmangd", "fodda", "doda", "flyttningar")
        )
    )
    assert complete_years(only_2023) == []
    with pytest.raises(ModellError, match="inget fullständigt år"):
        last_complete_year(only_2023)


def test_annual_rows_prefer_the_annual_total_of_a_year():
    df = pd.DataFrame(
        {
            "ar": [2021, 2021, 2022, 2022],
            "manad": pd.array([NA, 3, 1, 2], dtype="Int64"),
            "antal": [10.0, 1.0, 2.0, 3.0],
        }
    )
    assert annual_rows(df)["antal"].tolist() == [10.0, 2.0, 3.0]


def test_from_frames_names_the_missing_tables():
    d = tiny_data()
    with pytest.raises(ArgumentError, match="'frames': tabell saknas: doda, flyttningar"):
        BefolkningData.from_frames({"folkmangd": d.folkmangd, "fodda": d.fodda})


def test_befolkning_data_validation():
    d = tiny_data()
    with pytest.raises(InputError, match="kolumn saknas: antal"):
        BefolkningData(d.folkmangd.drop(columns="antal"), d.fodda, d.doda, d.flyttningar)
    with pytest.raises(InputError, match="'X'"):
        BefolkningData(d.folkmangd.assign(kon="X"), d.fodda, d.doda, d.flyttningar)
    with pytest.raises(InputError, match="omrade"):
        BefolkningData(d.folkmangd, d.fodda, d.doda, d.flyttningar.assign(omrade="mars"))
    # the month of folkmängd is normalised to 12 when empty
    assert d.folkmangd.loc[d.folkmangd["ar"] == 2020, "manad"].eq(12).all()


# --------------------------------------------------------------------------------------
# the sample data
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def raw():
    return generate_befolkning()


@pytest.fixture(scope="module")
def sample(raw):
    return BefolkningData.from_frames(raw)


def test_sample_is_fast_deterministic_and_in_contract_format(raw):
    t0 = time.perf_counter()
    again = generate_befolkning(2023)
    assert time.perf_counter() - t0 < 3.0
    for key, columns in {
        "folkmangd": ["ar", "manad", "kon", "alder", "antal"],
        "fodda": ["ar", "manad", "moderns_alder", "kon", "antal"],
        "doda": ["ar", "manad", "kon", "alder", "antal"],
        "flyttningar": ["ar", "manad", "kon", "alder", "riktning", "omrade", "antal"],
    }.items():
        df = raw[key]
        assert list(df.columns) == columns
        pd.testing.assert_frame_equal(df, again[key])
        assert pd.api.types.is_integer_dtype(df["antal"]) and (df["antal"] >= 0).all()
        assert set(df["kon"]) == {"K", "M"}
        annual = df["manad"].isna()
        assert set(df.loc[annual, "ar"]) == set(range(2000, 2019))
        assert set(df.loc[~annual, "ar"]) == set(range(2019, 2024))
        assert set(df.loc[~annual, "manad"]) == set(range(1, 13))
    fm = raw["folkmangd"]
    assert len(fm) == (19 + 5 * 12) * 2 * 101
    assert fm["alder"].between(0, 100).all()
    assert not generate_befolkning(7)["folkmangd"].equals(fm)


def test_sample_hard_constraints(raw):
    fm, fb, dd, fl = raw["folkmangd"], raw["fodda"], raw["doda"], raw["flyttningar"]

    def total(year, month):
        return fm.loc[(fm["ar"] == year) & (fm["manad"] == month), "antal"].sum()

    def jan_apr(df, year):
        return df[(df["ar"] == year) & (df["manad"] <= 4)]

    assert jan_apr(fb, 2023)["antal"].sum() == 225
    assert jan_apr(dd, 2023)["antal"].sum() == 288
    mv = jan_apr(fl, 2023)
    net = (mv["antal"] * np.where(mv["riktning"] == "in", 1, -1)).groupby(mv["omrade"]).sum()
    assert net.to_dict() == {"inom_lanet": 40, "annat_lan": -45, "utlandet": 28}
    assert total(2023, 4) - total(2022, 12) == -2
    assert total(2022, 4) - total(2021, 12) == -61


def test_sample_reproduces_the_published_jan_apr_2023_figures(sample):
    published = pd.read_csv(DATA / "n01_befolkning_jan_apr_2023.csv")
    ours = period_components(sample, 2023, 4).set_index("komponent")["antal"]
    key = {
        "Befolkningsförändring totalt sedan årsskiftet": "forandring",
        "Befolkningsförändring samma period föregående år": "forandring_foregaende_ar",
        "Antal födda": "fodda",
        "Antal döda": "doda",
        "Födelsenetto": "fodelsenetto",
        "Flyttnetto totalt": "flyttnetto",
        "Flyttnetto inom länet": "flyttnetto_inom_lanet",
        "Flyttnetto annat län": "flyttnetto_annat_lan",
        "Flyttnetto från annat land": "flyttnetto_utlandet",
    }
    assert len(published) == len(key)
    for row in published.itertuples(index=False):
        assert ours[key[row[0]]] == row[1], row[0]
    # the gap the report leaves unexplained
    assert ours["justering"] == -2 - (-63 + 23) == 38


def test_sample_every_full_year_balances_except_2023(sample):
    yc = yearly_components(sample).set_index("ar")
    assert yc.index.tolist() == list(range(2000, 2024))
    assert np.isnan(yc.loc[2000, "justering"])
    assert (yc.loc[2001:2022, "justering"] == 0).all()
    assert yc.loc[2023, "justering"] == 38


def _cells(df, year, month=None, **where):
    sel = df[df["ar"] == year]
    sel = sel[sel["manad"].isna()] if month is None else sel[sel["manad"] == month]
    for k, v in where.items():
        sel = sel[sel[k] == v]
    out = np.zeros((2, 101))
    np.add.at(
        out,
        ((sel["kon"] == "M").to_numpy().astype(int), sel["alder"].to_numpy()),
        sel["antal"].to_numpy(),
    )
    return out


def test_sample_cohorts_are_explained_by_their_flows(raw):
    fm, fb, dd, fl = raw["folkmangd"], raw["fodda"], raw["doda"], raw["flyttningar"]
    for year in list(range(2001, 2019)) + [2019, 2022]:
        monthly = year >= 2019
        months = range(1, 13) if monthly else [None]
        prev = _cells(fm, year - 1, 12 if year - 1 >= 2019 else None)
        stock = np.zeros_like(prev)  # the cohorts on 1 January
        stock[:, 1:100] = prev[:, :99]
        stock[:, 100] = prev[:, 99] + prev[:, 100]
        for month in months:
            births = fb[
                (fb["ar"] == year) & ((fb["manad"] == month) if monthly else fb["manad"].isna())
            ]
            stock[0, 0] += births.loc[births["kon"] == "K", "antal"].sum()
            stock[1, 0] += births.loc[births["kon"] == "M", "antal"].sum()
            stock += (
                _cells(fl, year, month, riktning="in")
                - _cells(fl, year, month, riktning="ut")
                - _cells(dd, year, month)
            )
            assert np.array_equal(stock, _cells(fm, year, month)), (year, month)


def test_sample_is_plausible(sample):
    yc = yearly_components(sample).set_index("ar")
    assert 71_000 <= yc.loc[2000, "folkmangd"] <= 73_000
    assert 78_500 <= yc.loc[2023, "folkmangd"] <= 80_500
    assert yc["fodda"].between(650, 1000).all()
    assert yc["doda"].between(600, 900).all()
    assert yc["inflyttade"].between(2_000, 6_000).all()
    assert yc["utflyttade"].between(2_000, 6_000).all()
    a = estimate_assumptions(sample, 2022)
    assert 1.4 <= a.tfr <= 1.8
    assert 81 <= a.medellivslangd["K"] <= 86
    assert 77 <= a.medellivslangd["M"] <= 83
    ages = sample.stock_by_age(2023).sum(axis=0)
    assert ages[19:27].mean() > 1.2 * ages[35:45].mean()  # the student bump
    per_omrade = sample.flyttningar.groupby(["riktning", "omrade"])["antal"].sum()
    assert (per_omrade > 0).all() and len(per_omrade) == 6
