"""Issue 11 for the population (:mod:`analysis.befolkning.historik` and
:mod:`analysis.befolkning.prognos`): deaths from the mortality assumption (not a
balancing item), and every figure as known at the end of the report's period.

* the forecast's deaths by hand on a small case, and a mutation: an engine that loses
  2 % of everyone each year leaves a large ``justering``;
* ``period_components`` says what it covers (``attrs``), falls back to the last
  complete year when the period's monthly data are missing, and ``base_year`` is the
  last 31 December at or before the period's end;
* the as-of property: deleting every row dated after the period changes nothing, for
  the sample and for generated periods of a hand-made kommun.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis.befolkning.prognos as bef
from analysis.befolkning.antaganden import Assumptions
from analysis.befolkning.historik import (
    PERIOD_COMPONENTS,
    BefolkningData,
    base_year,
    period_components,
)
from analysis.befolkning.motor import project_cohort_component
from analysis.befolkning.prognos import befolkning_sheet, forecast
from analysis.core.errors import InputError, ModellError

from .test_antaganden import synthetic_data
from .test_historik import tiny_data

#: What a period the data cannot report on raises: a gap in the files (InputError) or
#: no complete year to start the forecast from (ModellError).
NO_REPORT = (InputError, ModellError)

AGES = np.arange(101)
EMPTY_FLOWS = {
    "fodda": pd.DataFrame(columns=["ar", "manad", "moderns_alder", "kon", "antal"]),
    "doda": pd.DataFrame(columns=["ar", "manad", "kon", "alder", "antal"]),
    "flyttningar": pd.DataFrame(
        columns=["ar", "manad", "kon", "alder", "riktning", "omrade", "antal"]
    ),
}


def as_known_at(data: BefolkningData, year: int, month: int) -> BefolkningData:
    """The rows dated at or before the end of ``month`` of ``year`` (the data contract's
    rule, written out here independently of the package): a stock at the end of its
    month, 31 December without a month; a flow at the end of its month, a yearly total
    on 31 December."""
    code = year * 100 + month

    def keep(df: pd.DataFrame) -> pd.DataFrame:
        manad = df["manad"].astype("Float64").fillna(12).astype(int)
        return df[df["ar"] * 100 + manad <= code]

    return BefolkningData(
        keep(data.folkmangd), keep(data.fodda), keep(data.doda), keep(data.flyttningar)
    )


# --------------------------------------------------------------------------------------
# deaths are not a balancing item
# --------------------------------------------------------------------------------------
def _by_sex_age(
    values: dict[tuple[str, int], float], column: str, default: float = 0.0
) -> pd.DataFrame:
    kon = np.repeat(["K", "M"], 101)
    alder = np.tile(AGES, 2)
    return pd.DataFrame(
        {
            "kon": kon,
            "alder": alder,
            column: [values.get((k, a), default) for k, a in zip(kon, alder, strict=False)],
        }
    )


def test_forecast_deaths_by_hand():
    # Life table: L(0) = 90 000 (l0 = 100 000, so 10 % of the newborn die), L(x) = 90 000
    # for 1–99 (no deaths 0→99), T(100) = 90 000: the open group 99+/100+ survives with
    # 90 000 / (90 000 + 90 000) = 0,5.
    # Start (31 Dec 2020): 1 000 women aged 30, 100 women aged 99, 50 men aged 100+.
    # Fertility 0,1 at age 30 only, srb 1; 20 in-migrants a year, all men aged 99;
    # no out-migration.
    fm = pd.DataFrame(
        {"ar": 2020, "kon": ["K", "K", "M"], "alder": [30, 99, 100], "antal": [1000.0, 100.0, 50.0]}
    )
    data = BefolkningData(fm, **EMPTY_FLOWS)
    a = Assumptions(
        base_year=2020,
        years=[2020],
        asfr=pd.DataFrame({"alder": AGES, "asfr": np.where(AGES == 30, 0.1, 0.0)}),
        dodstal=_by_sex_age({}, "dodstal"),
        nLx=_by_sex_age({}, "nLx", 90_000.0),
        utflyttningsrisk=_by_sex_age({}, "risk"),
        inflyttade=20.0,
        inflyttningsprofil=_by_sex_age({("M", 99): 1.0}, "andel"),
        srb=1.0,
        radix=100_000,
    )
    comp = forecast(data, base_year=2020, horizon=1, assumptions=a).components.iloc[0]
    # births: 1 · 0,1 · (1 000 at the start + 0 aged 30 at the end) / 2 = 50
    assert comp["fodda"] == pytest.approx(50.0)
    # deaths: women 99+100: (100 + 0) · 0,5 = 50; men 99+100 with the first half of the
    # in-migrants: (10 + 50) · 0,5 = 30; newborn: 50 · 0,1 = 5
    assert comp["doda"] == pytest.approx(50.0 + 30.0 + 5.0)
    assert comp["inflyttade"] == pytest.approx(20.0) and comp["utflyttade"] == 0.0
    # end: 1 000 women aged 31, 50 women 100+, 22,5 + 22,5 infants, 30 men 100+ and the
    # second half of the migrants (10 men aged 99)
    assert comp["folkmangd"] == pytest.approx(1000 + 50 + 22.5 + 22.5 + 30 + 10)
    # the residual: 1 135 − 1 150 − 50 + 85 − 20 = 0
    assert comp["justering"] == pytest.approx(0.0, abs=1e-9)


def test_a_leaky_engine_shows_in_justering(monkeypatch):
    data = synthetic_data()
    honest = forecast(data, horizon=5).components
    assert honest["justering"].abs().max() < 1e-6

    def leaky(*args, **kwargs):
        res = project_cohort_component(*args, **kwargs)
        res["antal"] *= 0.98  # loses 2 % of everyone each step
        return res

    monkeypatch.setattr(bef, "project_cohort_component", leaky)
    comp = forecast(data, horizon=5).components
    # the deaths come from the mortality assumption applied to the start population,
    # not from the engine's end stocks, so the lost people are not hidden among them:
    # in the first year (same start) they are the honest forecast's deaths
    assert comp["doda"].iloc[0] == pytest.approx(honest["doda"].iloc[0], rel=1e-12)
    # 2 % of a population of about 220 000 is lost every year
    assert (comp["justering"] < -0.015 * comp["folkmangd"]).all()
    assert (comp["justering"].abs() > 0.5).all()
    # the sheet carries the residual, so a check on |justering| ≤ 0,5 fails
    sheet = befolkning_sheet(data, horizon=3)
    assert (sheet.loc[sheet["typ"] == "prognos", "justering"].abs() > 0.5).all()


# --------------------------------------------------------------------------------------
# period_components says what it covers
# --------------------------------------------------------------------------------------
def test_period_components_monthly_attrs():
    pc = period_components(tiny_data(), 2023, 4)
    assert pc.attrs["grund"] == "manad"
    assert pc.attrs["ar"] == 2023 and pc.attrs["manad"] == 4
    assert pc.attrs["beskrivning"] == (
        "Tabellen visar januari–april 2023 (folkmängd 30 april 2023) från "
        "befolkningsuppgifter per månad."
    )
    year = period_components(tiny_data(), 2021, 12)
    assert year.attrs["grund"] == "manad" and year.attrs["ar"] == 2021
    assert year.attrs["beskrivning"] == "Tabellen visar helåret 2021 (folkmängd 31 december 2021)."


def test_period_components_falls_back_to_the_last_complete_year():
    data = tiny_data()  # 2023 only January–April
    pc = period_components(data, 2023, 6)
    assert pc.attrs["grund"] == "ar" and pc.attrs["ar"] == 2022 and pc.attrs["manad"] == 12
    assert pc.attrs["beskrivning"] == (
        "Befolkningsuppgifter per månad saknas för januari–juni 2023; tabellen visar "
        "helåret 2022 (folkmängd 31 december 2022)."
    )
    c = pc.set_index("komponent")["antal"]
    # 2022 by hand: +1 a month (1 born, 1 dead, 5 in, 4 out), 1 015 → 1 027
    assert c["folkmangd"] == 1027 and c["forandring"] == 12
    assert c["fodda"] == 12 and c["doda"] == 12 and c["fodelsenetto"] == 0
    assert c["inflyttade"] == 60 and c["utflyttade"] == 48 and c["flyttnetto"] == 12
    assert c["justering"] == 0
    assert c["forandring_foregaende_ar"] == 15  # 2021: 1 000 → 1 015
    # the rows and columns are those of a covered period
    assert pc.columns.tolist() == ["komponent", "text", "antal"]
    assert pc["komponent"].tolist() == list(PERIOD_COMPONENTS)
    # a whole missing year: December 2023 (no monthly data after April)
    dec = period_components(data, 2023, 12)
    assert dec.attrs["grund"] == "ar" and dec.attrs["ar"] == 2022
    assert dec.attrs["beskrivning"].startswith(
        "Befolkningsuppgifter per månad saknas för helåret 2023;"
    )
    # a later year with nothing at all (e.g. 2024) falls back too, never forwards
    assert period_components(data, 2024, 4).attrs["ar"] == 2022


def test_period_components_without_any_complete_year_before_is_an_error():
    with pytest.raises(InputError, match="folkmängd saknas för 2021-04"):
        period_components(tiny_data(), 2021, 4)  # 2021 has only annual rows
    with pytest.raises(InputError, match="2023-06"):
        period_components(tiny_data(), 2023, 6, fallback=False)


def test_base_year_is_the_last_31_december_at_or_before_the_period_end():
    data = tiny_data()  # complete years 2021 and 2022
    assert base_year(data, 2023, 4) == 2022
    assert base_year(data, 2023, 12) == 2022
    assert base_year(data, 2022, 12) == 2022
    assert base_year(data, 2022, 11) == 2021
    with pytest.raises(ModellError, match="inget fullständigt år"):
        base_year(data, 2021, 6)


def test_sheet_stops_the_history_at_the_base_year():
    data = synthetic_data()  # complete years 2016–2020 (2015: stock only)
    sheet = befolkning_sheet(data, horizon=2, base_year=2018)
    assert sheet["ar"].tolist() == [2016, 2017, 2018, 2019, 2020]
    assert sheet["typ"].tolist() == ["utfall"] * 3 + ["prognos"] * 2
    assert sheet["folkmangd"].iloc[2] == data.stock_total(2018)


# --------------------------------------------------------------------------------------
# the as-of property
# --------------------------------------------------------------------------------------
def _report_figures(data: BefolkningData, year: int, month: int) -> dict[str, object]:
    """What the befolkning report shows for a period, from the package's functions."""
    out: dict[str, object] = {}
    pc = period_components(data, year, month)
    out["perioden"] = pc
    out["attrs"] = dict(pc.attrs)
    by = base_year(data, year, month)
    out["basar"] = by
    out["sheet"] = befolkning_sheet(data, horizon=3, base_year=by)
    return out


def _assert_same(a: dict[str, object], b: dict[str, object]) -> None:
    assert a["attrs"] == b["attrs"]
    assert a["basar"] == b["basar"]
    pd.testing.assert_frame_equal(a["perioden"], b["perioden"], check_exact=True)
    pd.testing.assert_frame_equal(a["sheet"], b["sheet"], check_exact=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(year=st.sampled_from([2022, 2023]), month=st.integers(1, 12))
def test_as_of_property_hand_made_kommun(year, month):
    data = tiny_data()
    try:
        full = _report_figures(data, year, month)
    except NO_REPORT:
        # then the data known at the period's end cannot make a report either
        with pytest.raises(NO_REPORT):
            _report_figures(as_known_at(data, year, month), year, month)
        return
    _assert_same(full, _report_figures(as_known_at(data, year, month), year, month))


_AR = st.integers(2022, 2024)
_MANAD = st.one_of(st.none(), st.integers(1, 12))  # None: 31 December / yearly


@st.composite
def future_rows(draw, year: int, month: int) -> dict[str, pd.DataFrame]:
    """Arbitrary rows of all four tables, each dated after the end of ``month`` of
    ``year``."""

    def rows(*columns):
        drawn = draw(st.lists(st.tuples(_AR, _MANAD, *columns), max_size=6))
        return [
            r for r in drawn if r[0] * 100 + (12 if r[1] is None else r[1]) > year * 100 + month
        ]

    n = st.floats(0, 500, allow_nan=False)
    age = st.integers(0, 100)
    kon = st.sampled_from(["K", "M"])
    return {
        "folkmangd": pd.DataFrame(
            rows(kon, age, n), columns=["ar", "manad", "kon", "alder", "antal"]
        ),
        "fodda": pd.DataFrame(
            rows(st.integers(15, 49), kon, n),
            columns=["ar", "manad", "moderns_alder", "kon", "antal"],
        ),
        "doda": pd.DataFrame(rows(kon, age, n), columns=["ar", "manad", "kon", "alder", "antal"]),
        "flyttningar": pd.DataFrame(
            rows(
                kon,
                age,
                st.sampled_from(["in", "ut"]),
                st.sampled_from(["inom_lanet", "annat_lan", "utlandet"]),
                n,
            ),
            columns=["ar", "manad", "kon", "alder", "riktning", "omrade", "antal"],
        ),
    }


def _with(data: BefolkningData, extra: dict[str, pd.DataFrame]) -> BefolkningData:
    frames = {}
    for name in ("folkmangd", "fodda", "doda", "flyttningar"):
        base = getattr(data, name)
        add = extra[name].astype({"manad": "Int64"}) if len(extra[name]) else None
        frames[name] = base if add is None else pd.concat([base, add], ignore_index=True)
    return BefolkningData(**frames)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), year=st.sampled_from([2022, 2023]), month=st.integers(1, 12))
def test_as_of_property_generated_future_rows(data, year, month):
    """Rows dated after the period, whatever they hold, change nothing."""
    known = as_known_at(tiny_data(), year, month)
    later = _with(known, data.draw(future_rows(year, month)))
    try:
        expected = _report_figures(known, year, month)
    except NO_REPORT:
        with pytest.raises(NO_REPORT):
            _report_figures(later, year, month)
        return
    _assert_same(expected, _report_figures(later, year, month))


@pytest.fixture(scope="module")
def sample(sample_data) -> BefolkningData:
    return BefolkningData(
        sample_data.folkmangd, sample_data.fodda, sample_data.doda, sample_data.flyttningar
    )


@pytest.mark.parametrize("year,month", [(2023, 4), (2023, 8), (2022, 12), (2023, 12)])
def test_as_of_property_sample(sample, year, month):
    known = as_known_at(sample, year, month)
    full = _report_figures(sample, year, month)
    _assert_same(full, _report_figures(known, year, month))


def test_april_2023_report_is_as_of_april(sample):
    fig = _report_figures(sample, 2023, 4)
    assert fig["basar"] == 2022  # not 2023: 31 Dec 2023 is later
    assert fig["attrs"]["grund"] == "manad"
    c = fig["perioden"].set_index("komponent")["antal"]
    assert c["folkmangd"] == sample.stock_total(2023, 4) != sample.stock_total(2023, 12)
    sheet = fig["sheet"]
    assert sheet.loc[sheet["typ"] == "utfall", "ar"].max() == 2022
    assert sheet.loc[sheet["typ"] == "prognos", "ar"].min() == 2023
    assert 2023 not in set(sheet.loc[sheet["typ"] == "utfall", "ar"])


def test_sample_period_falls_back_with_annual_data_only(sample):
    # the sample as a kommun that only gets annual population figures (2023 dropped):
    # an April 2023 report shows 2022 and says so
    annual = BefolkningData(
        sample.folkmangd[(sample.folkmangd["manad"] == 12) & (sample.folkmangd["ar"] < 2023)],
        sample.fodda[sample.fodda["ar"] < 2023],
        sample.doda[sample.doda["ar"] < 2023],
        sample.flyttningar[sample.flyttningar["ar"] < 2023],
    )
    pc = period_components(annual, 2023, 4)
    assert pc.attrs["grund"] == "ar" and pc.attrs["ar"] == 2022
    assert "2022" in pc.attrs["beskrivning"] and "saknas" in pc.attrs["beskrivning"]
    c = pc.set_index("komponent")["antal"]
    assert c["folkmangd"] == sample.stock_total(2022)
    assert c["forandring"] == sample.stock_total(2022) - sample.stock_total(2021)


def test_the_reports_own_check_catches_the_leaky_engine(monkeypatch):
    """The befolkning report's check on the sheet
    (:func:`analysis.kontroller.befolkning.kontrollera_befolkning_ar`) passes for the honest
    forecast and fails for every forecast year of an engine that loses 2 % of everyone each
    year."""
    from analysis.kontroller.bas import Kontroller
    from analysis.kontroller.befolkning import kontrollera_befolkning_ar

    data = synthetic_data()
    honest = Kontroller()
    kontrollera_befolkning_ar(honest, befolkning_sheet(data, horizon=4))
    # (the synthetic history is not balanced by its flows; only forecast years count here)
    assert len(honest) == 4 + 4  # 2017–2020 outcomes, 2021–2024 forecast
    assert [f for f in honest.fel if "prognos" in f.kontroll] == []

    def leaky(*args, **kwargs):
        res = project_cohort_component(*args, **kwargs)
        res["antal"] *= 0.98
        return res

    monkeypatch.setattr(bef, "project_cohort_component", leaky)
    k = Kontroller()
    kontrollera_befolkning_ar(k, befolkning_sheet(data, horizon=4))
    failed = [f for f in k.fel if "prognos" in f.kontroll]
    assert len(failed) == 4
