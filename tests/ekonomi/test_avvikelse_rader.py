"""Row forecasts: a row of a deviation table gets a forecast only where the input gives one.

Hand-computed tables with and without row forecasts, the loader's checks of the new
``prognos`` columns, and a hypothesis property (given row forecasts sum to the nämnd's).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.core.errors import InputError
from analysis.ekonomi import avvikelse as A
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.io.dataset import Dataset, load_data
from analysis.rapport.ekonomi import visningstabell

from .test_avvikelse import HAND, _write

# accounting sign in the file: costs +, revenues −. Latest forecast at or before April:
# March. Skola: personal 1 000 000, intäkter −100 000; Fritid: material 50 000; one row
# not broken down: 10 000. Net 960 000 → −960 tkr in the report sign.
PROGNOS_RADER = (
    "ar;prognosmanad;namnd;verksamhet;kontogrupp;belopp;typ\n"
    "2023;2;a;Skola;Personalkostnader;999999;drift\n"  # older: not used
    "2023;3;a;Skola;Personalkostnader;1000000;drift\n"
    "2023;3;a;skola ;Verksamhetens intäkter;-100000;drift\n"  # spelled differently
    "2023;3;a;Fritid;material och tjänster;50000;drift\n"
    "2023;3;a;;;10000;drift\n"
    "2023;6;a;Skola;Personalkostnader;5000000;drift\n"  # after the period
    "2023;4;a;;;330000;investering\n"
)
PROGNOS_TOTAL = (
    "ar;prognosmanad;namnd;belopp;typ\n"
    "2023;2;a;999999;drift\n"
    "2023;3;a;960000;drift\n"
    "2023;6;a;5000000;drift\n"
    "2023;4;a;330000;investering\n"
)


@pytest.fixture(scope="module")
def rader(tmp_path_factory) -> Dataset:
    files = {**HAND, "ekonomi/prognos.csv": PROGNOS_RADER}
    return load_data(_write(tmp_path_factory.mktemp("rader"), files))


@pytest.fixture(scope="module")
def total(tmp_path_factory) -> Dataset:
    files = {**HAND, "ekonomi/prognos.csv": PROGNOS_TOTAL}
    return load_data(_write(tmp_path_factory.mktemp("total"), files))


def test_verksamhet_rows_show_the_ekonoms_own_forecast(rader):
    t = A.avvikelsetabell(rader, "a", "2023-04", "verksamhet").set_index("verksamhet")
    assert list(t.index) == ["Fritid", "Skola", "Ej fördelat", "Totalt"]
    assert t.loc["Skola", "prognos_helar"] == pytest.approx(-900.0)
    assert t.loc["Skola", "avvikelse_helar"] == pytest.approx(-900.0 + 1080.0)
    assert t.loc["Fritid", "prognos_helar"] == pytest.approx(-50.0)  # no budget
    assert t.loc["Fritid", "avvikelse_helar"] == pytest.approx(-50.0)
    assert t.loc["Ej fördelat", "prognos_helar"] == pytest.approx(-10.0)
    assert t.loc["Ej fördelat", "utfall_period"] == 0 == t.loc["Ej fördelat", "budget_helar"]
    assert t.loc["Totalt", "prognos_helar"] == pytest.approx(-960.0)
    assert t.attrs["anmarkningar"] == []


def test_kontogrupp_rows_show_the_ekonoms_own_forecast(rader):
    t = A.avvikelsetabell(rader, "a", "2023-04", "kontogrupp").set_index("kontogrupp")
    assert list(t.index) == [
        "Verksamhetens intäkter",
        "Material och tjänster",
        "Personalkostnader",
        "Ej fördelat",
        "Totalt",
    ]
    assert t.loc["Personalkostnader", "prognos_helar"] == pytest.approx(-1000.0)
    assert t.loc["Personalkostnader", "avvikelse_helar"] == pytest.approx(200.0)
    assert t.loc["Verksamhetens intäkter", "prognos_helar"] == pytest.approx(100.0)
    assert t.loc["Verksamhetens intäkter", "avvikelse_helar"] == pytest.approx(-20.0)
    assert t.loc["Material och tjänster", "prognos_helar"] == pytest.approx(-50.0)
    assert t.loc["Ej fördelat", "prognos_helar"] == pytest.approx(-10.0)
    assert t.loc["Totalt", "prognos_helar"] == pytest.approx(-960.0)


def test_without_row_forecasts_rows_are_empty_and_the_total_keeps_the_forecast(total):
    for dim in ("kontogrupp", "verksamhet"):
        t = A.avvikelsetabell(total, "a", "2023-04", dim)
        body, tot = t.iloc[:-1], t.iloc[-1]
        assert body["prognos_helar"].isna().all() and body["avvikelse_helar"].isna().all()
        assert tot["prognos_helar"] == pytest.approx(-960.0)
        assert tot["avvikelse_helar"] == pytest.approx(-960.0 + 1080.0)
        assert len(t.attrs["anmarkningar"]) == 1 and dim in t.attrs["anmarkningar"][0]
        shown = visningstabell(t)
        assert shown.attrs["anmarkningar"] == t.attrs["anmarkningar"]
        assert shown["Prognos helår"].iloc[:-1].isna().all()
        assert shown["Prognos helår"].iloc[-1] == pytest.approx(-0.96)


def _same_driftsredovisning(rader: Dataset, total: Dataset) -> None:
    a = compute_driftsredovisning(rader, "2023-04")
    b = compute_driftsredovisning(total, "2023-04")
    pd.testing.assert_frame_equal(a, b)
    assert a.set_index("namnd").loc["a", "prognos_helar"] == pytest.approx(-960.0)


def test_the_driftsredovisning_is_the_same_with_and_without_row_columns(rader, total):
    _same_driftsredovisning(rader, total)


def test_mutation_a_forecast_taken_from_one_row_is_caught(rader, total, monkeypatch):
    """Guard of the test above: a forecast that keeps one row per month instead of the
    sum of the rows (a plausible bug with row forecasts) makes it fail."""
    import analysis.ekonomi.drift as E

    original = E.prognoses_kr

    def one_row(data, year, month, typ="drift"):
        frames = dict(data.frames.items())
        frames["prognos"] = data.prognos.drop_duplicates(["ar", "prognosmanad", "namnd", "typ"])
        return original(
            Dataset(data_dir=data.data_dir, register=data.register, frames=frames), year, month, typ
        )

    monkeypatch.setattr(E, "prognoses_kr", one_row)
    with pytest.raises(AssertionError):
        _same_driftsredovisning(rader, total)


def test_investment_forecast_per_projekt(tmp_path):
    prognos = (
        "ar;prognosmanad;namnd;projekt;belopp;typ\n"
        "2023;3;a;;1110000;drift\n"
        "2023;4;a;Skolgård;300000;investering\n"
        "2023;4;a;Bil;30000;investering\n"
    )
    data = load_data(_write(tmp_path, {**HAND, "ekonomi/prognos.csv": prognos}))
    t = A.investeringstabell(data, "a", "2023-04").set_index("projekt")
    assert t.loc["Skolgård", "prognos_helar"] == pytest.approx(-300.0)
    assert t.loc["Skolgård", "avvikelse_helar"] == pytest.approx(-300.0 + 240.0)
    assert t.loc["Bil", "prognos_helar"] == pytest.approx(-30.0)
    assert t.loc["Totalt", "prognos_helar"] == pytest.approx(-330.0)


def test_unknown_kontogrupp_and_namnd_in_prognos_are_named_with_line_and_column(tmp_path):
    prognos = (
        "ar;prognosmanad;namnd;kontogrupp;belopp\n"
        "2023;3;a;Personalkostnader;1000\n"
        "2023;3;a;Lönekostnader;1000\n"
        "2023;3;Tekniska nämnden;;1000\n"
    )
    with pytest.raises(InputError) as e:
        load_data(_write(tmp_path, {**HAND, "ekonomi/prognos.csv": prognos}))
    msg = str(e.value)
    assert "ekonomi/prognos.csv, rad 3, kolumn 'kontogrupp'" in msg
    assert "okänd kontogrupp 'Lönekostnader'" in msg and "Personalkostnader" in msg
    assert "ekonomi/prognos.csv, rad 4, kolumn 'namnd'" in msg and "Tekniska nämnden" in msg


def test_kontogrupp_names_follow_the_kommuns_kontoplan(tmp_path):
    plan = "konto_fran;konto_till;grupp\n3000;3999;Intäkter\n4000;5999;Kostnader\n"
    good = (
        "ar;prognosmanad;namnd;kontogrupp;belopp\n"
        "2023;3;a;kostnader;1000000\n2023;3;a;Intäkter;-40000\n"
    )
    data = load_data(
        _write(
            tmp_path / "ok", {**HAND, "ekonomi/kontoplan.csv": plan, "ekonomi/prognos.csv": good}
        )
    )
    t = A.avvikelsetabell(data, "a", "2023-04").set_index("kontogrupp")
    assert t.loc["Kostnader", "prognos_helar"] == pytest.approx(-1000.0)
    assert t.loc["Intäkter", "prognos_helar"] == pytest.approx(40.0)
    bad = "ar;prognosmanad;namnd;kontogrupp;belopp\n2023;3;a;Personalkostnader;1000\n"
    with pytest.raises(InputError, match=r"rad 2, kolumn 'kontogrupp'.*Intäkter; Kostnader"):
        load_data(
            _write(
                tmp_path / "bad",
                {**HAND, "ekonomi/kontoplan.csv": plan, "ekonomi/prognos.csv": bad},
            )
        )


# --- hypothesis: given row forecasts sum to the nämnd's forecast -----------------------
@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Dataset:
    return load_data(_write(tmp_path_factory.mktemp("base"), HAND))


LABELS = ["Skola", "Fritid", "Vård", ""]
prow = st.tuples(st.integers(1, 12), st.sampled_from(LABELS), st.integers(-(10**6), 10**6))
urow = st.tuples(
    st.integers(1, 12), st.sampled_from(["Skola", "Fritid", None]), st.integers(-(10**6), 10**6)
)


def _data(base, utfall_rows, prognos_rows):
    utfall = pd.DataFrame(
        [
            {
                "period": 202300 + m,
                "namnd": "a",
                "konto": 5010,
                "belopp_kr": float(v),
                "verksamhet": vh,
            }
            for m, vh, v in utfall_rows
        ],
        columns=["period", "namnd", "konto", "belopp_kr", "verksamhet"],
    )
    prog = pd.DataFrame(
        [
            {
                "ar": 2023,
                "prognosmanad": pm,
                "namnd": "a",
                "typ": "drift",
                "belopp_kr": float(v),
                "verksamhet": vh,
            }
            for pm, vh, v in prognos_rows
        ],
        columns=["ar", "prognosmanad", "namnd", "typ", "belopp_kr", "verksamhet"],
    )
    frames = dict(base.frames.items())
    frames.update(
        utfall=utfall, prognos=prog, periodisering=None, kontoplan=None, investeringar=None
    )
    return Dataset(data_dir=base.data_dir, register=base.register, frames=frames)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(urow, max_size=8), st.lists(prow, min_size=1, max_size=8), st.integers(1, 12))
def test_row_forecasts_sum_to_the_namnds_forecast(base, utfall_rows, prognos_rows, month):
    data = _data(base, utfall_rows, prognos_rows)
    period = f"2023-{month:02d}"
    drift = compute_driftsredovisning(data, period).set_index("namnd").loc["a"]
    t = A.avvikelsetabell(data, "a", period, "verksamhet")
    body, tot = t.iloc[:-1].set_index("verksamhet"), t.iloc[-1]
    assert tot["prognos_helar"] == pytest.approx(drift["prognos_helar"], nan_ok=True)
    made = [r for r in prognos_rows if r[0] <= month]
    if not made:
        assert body["prognos_helar"].isna().all() and math.isnan(tot["prognos_helar"])
        return
    latest = max(r[0] for r in made)
    given_rows = [r for r in made if r[0] == latest]
    expected: dict[str, float] = {}
    for _m, vh, v in given_rows:
        key = vh or "Ej fördelat"
        expected[key] = expected.get(key, 0.0) + v / 1000  # report sign in the frame
    if all(vh == "" for _m, vh, _v in given_rows):
        # no row is broken down: the forecast is for the nämnd as a whole
        rows = body.drop(index="Ej fördelat", errors="ignore")
        assert rows["prognos_helar"].isna().all()
        return
    # every row with a forecast is exactly the input's; the others are empty
    for label, r in body.iterrows():
        if label in expected:
            assert r["prognos_helar"] == pytest.approx(expected[label], abs=1e-9)
        else:
            assert math.isnan(r["prognos_helar"]), label
    assert np.nansum(body["prognos_helar"]) == pytest.approx(tot["prognos_helar"], abs=1e-6)


def test_ansvar_rows_and_a_forecast_per_ansvar(tmp_path):
    files = dict(HAND)
    files["ekonomi/utfall.csv"] = (
        "period;namnd;konto;belopp;ansvar\n2023-01;a;5010;100000;A1\n2023-02;a;5010;30000;A2\n"
    )
    files["ekonomi/prognos.csv"] = (
        "ar;prognosmanad;namnd;ansvar;belopp\n2023;3;a;a1;800000\n2023;3;a;A3;200000\n"
    )
    data = load_data(_write(tmp_path, files))
    t = A.avvikelsetabell(data, "a", "2023-04", "ansvar").set_index("ansvar")
    assert list(t.index) == ["A1", "A2", "A3", "Ej angiven", "Totalt"]
    assert t.loc["A1", "utfall_period"] == pytest.approx(-100.0)
    assert t.loc["A1", "prognos_helar"] == pytest.approx(-800.0)  # 'a1' is A1
    assert math.isnan(t.loc["A2", "prognos_helar"])  # nobody forecast it
    assert t.loc["A3", "prognos_helar"] == pytest.approx(-200.0)  # forecast only
    assert math.isnan(t.loc["Ej angiven", "prognos_helar"])  # the budget's rows
    assert t.loc["Ej angiven", "budget_helar"] == pytest.approx(-1080.0)
    assert t.loc["Totalt", "prognos_helar"] == pytest.approx(-1000.0)


def test_the_sample_bun_intakter_row_gets_no_invented_year_forecast(sample_data):
    """The issue's case: BUN's intäkter were +21,8 mkr for the period and −7,2 for the
    year, a year figure nobody forecast. Now the row keeps its period and leaves the year."""
    t = A.avvikelsetabell(sample_data, "bun", "2023-04").set_index("kontogrupp")
    row = t.loc["Verksamhetens intäkter"]
    assert round(row["avvikelse_period"] / 1000, 1) == 21.8
    assert math.isnan(row["prognos_helar"]) and math.isnan(row["avvikelse_helar"])
    assert round(t.loc["Totalt", "avvikelse_helar"] / 1000, 1) == -19.4
