"""The shipped sample kommun reproduces the published figures (Luleå, jan–apr 2023).

Every assertion reads the published table from tests/data/domain/ (copied from the
domain documents) and compares with the package's own computation, to the printed
precision: a printed whole mkr is matched when the computed value rounds to it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.ekonomi.drift import compute_driftsredovisning, prognoses_kr
from tests.conftest import DOMAIN

COLUMNS = [
    "utfall_period",
    "budget_period",
    "avvikelse_period",
    "prognos_helar",
    "budget_helar",
    "avvikelse_helar",
]


def printed_round(x: float, decimals: int = 0) -> float:
    """Round half away from zero, as printed tables do."""
    f = 10**decimals
    return math.copysign(math.floor(abs(x) * f + 0.5), x) / f


@pytest.fixture(scope="module")
def t02():
    return pd.read_csv(DOMAIN / "t02_driftsredovisning_jan_apr_2023.csv")


@pytest.fixture(scope="module")
def drift(sample_data):
    return compute_driftsredovisning(sample_data, "2023-04")


def _mkr(drift: pd.DataFrame, ids: list[str]) -> pd.Series:
    return drift.set_index("namnd").loc[ids, COLUMNS].sum() / 1000


def test_every_unit_row_of_t02(t02, drift, sample_data):
    reg = sample_data.register
    rows = t02[t02.iloc[:, 1].notna()]
    checked = 0
    for _, row in rows.iterrows():
        label = row["Rad"]
        try:
            uid = reg.resolve(label)
        except KeyError:
            continue  # subtotal rows, checked below
        got = _mkr(drift, [uid])
        for col, value in zip(COLUMNS, row.iloc[1:7], strict=False):
            assert printed_round(got[col]) == value, f"{label} {col}: {got[col]:.3f} vs {value}"
        checked += 1
    assert checked == 24  # 12 nämnder + 7 finans rows + 5 below the line


SUBTOTALS = {
    "VERKSAMHETENS NETTOKOSTNAD": None,  # everything above skatter
    "SKATTER OCH UTJÄMNING": ["skatteintakter", "statsbidrag"],
    "FINANSIELLA INTÄKTER OCH KOSTNADER": ["finansiella-intakter", "finansiella-kostnader"],
    "RESULTAT EFTER FINANSIELLA POSTER": "all",
}


def test_subtotals_of_t02(t02, drift, sample_data):
    units = sample_data.register.namnder + sample_data.register.finans
    below = ["skatteintakter", "statsbidrag", "finansiella-intakter", "finansiella-kostnader"]
    for label, ids in SUBTOTALS.items():
        if ids is None:
            ids = [u for u in units if u not in below]
        elif ids == "all":
            ids = units
        got = _mkr(drift, ids)
        row = t02.set_index("Rad").loc[label]
        for col, value in zip(COLUMNS, row.iloc[:6], strict=False):
            assert printed_round(got[col]) == value, f"{label} {col}: {got[col]:.3f} vs {value}"
    # the Totalt row of the export equals the result
    tot = drift.set_index("namnd").loc["Totalt"]
    assert printed_round(tot["utfall_period"] / 1000) == -11


def test_text_figures_of_the_report(drift, sample_data):
    """§3.2: nämnder −18 (period) and −44 (year); finansförvaltning −98 and −12."""
    d = drift.set_index("namnd")
    namnder = d.loc[sample_data.register.namnder]
    finans = d.loc[[u for u in sample_data.register.finans if u.startswith("fin-")]]
    assert printed_round(namnder["avvikelse_period"].sum() / 1000) == -18
    assert printed_round(namnder["avvikelse_helar"].sum() / 1000) == -44
    assert printed_round(finans["avvikelse_period"].sum() / 1000) == -98
    assert printed_round(finans["avvikelse_helar"].sum() / 1000) == -12


def test_forecast_change_against_march(drift, sample_data):
    """The nämnder's forecast is −44 against budget, −13 worse than March's −31."""
    d = drift.set_index("namnd").loc[sample_data.register.namnder]
    assert printed_round(d["avvikelse_helar"].sum() / 1000) == -44
    march = (d["prognos_foregaende"] - d["budget_helar"]).sum() / 1000
    assert printed_round(march) == -31
    assert printed_round(d["prognos_forandring"].sum() / 1000) == -13
    # the previous forecast is March's
    prog = prognoses_kr(sample_data, 2023, 4)
    assert set(prog.loc[sample_data.register.namnder, "foregaende_manad"]) == {3}


def test_result_excluding_semesterloneskuld(sample_data, drift):
    """§3.1: +72 mkr excluding the semesterlöneskuld change; finansförvaltningen −15."""
    u = sample_data.utfall
    kp = sample_data.kontoplan
    accounts = kp.loc[kp["semesterloneskuld"] == "ja", ["_lo", "_hi"]]
    assert len(accounts) == 1
    from analysis.core.kommunbas import konto_key

    key = konto_key(u["konto"])
    in_period = u["period"].between(202301, 202304)
    sem = (
        u.loc[
            in_period & (key >= accounts["_lo"].iloc[0]) & (key <= accounts["_hi"].iloc[0]),
            "belopp_kr",
        ].sum()
        / 1e6
    )
    result = drift.set_index("namnd").loc["Totalt", "utfall_period"] / 1000
    assert printed_round(result - sem) == 72
    d = drift.set_index("namnd")
    fin = d.loc[[x for x in d.index if x.startswith("fin-")], "avvikelse_period"].sum() / 1000
    assert printed_round(fin - sem) == -15


def test_ks_stab_full_year_from_the_verksamhetsberattelse(sample_data):
    """s000_t04: Kommunstaben's nettokostnad 307 662 tkr 2023 and 280 390 tkr 2022 against
    budget 287 901 and 290 693 (report sign: negative)."""
    t04 = pd.read_csv(DOMAIN / "s000_t04_driftsredovisning_tkr.csv")
    net = t04[t04.iloc[:, 0].str.contains("Nettokostnad", case=False)].iloc[0]
    d23 = compute_driftsredovisning(sample_data, "2023-12").set_index("namnd").loc["ks-stab"]
    d22 = compute_driftsredovisning(sample_data, "2022-12").set_index("namnd").loc["ks-stab"]
    numbers = [float(v) for v in net.iloc[1:] if pd.notna(v)]
    assert round(-d23["utfall_period"]) == 307662 and 307662 in numbers
    assert round(-d22["utfall_period"]) == 280390 and 280390 in numbers
    assert round(-d23["budget_helar"]) == 287901
    assert round(d23["avvikelse_period"]) == -19761


def test_every_row_of_t03_investeringsredovisning(sample_data):
    """t03 is printed with one decimal; the Summa row too."""
    from analysis.ekonomi.drift import compute_investeringsredovisning

    t03 = pd.read_csv(DOMAIN / "t03_investeringsredovisning_jan_apr_2023.csv")
    inv = compute_investeringsredovisning(sample_data, "2023-04").set_index("namnd")
    for _, row in t03.iterrows():
        uid = "Totalt" if row["Rad"] == "Summa" else sample_data.register.resolve(row["Rad"])
        got = inv.loc[uid, COLUMNS] / 1000
        for col, value in zip(COLUMNS, row.iloc[1:7], strict=False):
            assert printed_round(got[col], 1) == value, f"{row['Rad']} {col}: {got[col]:.4f}"


def test_n01_population_january_april_2023_from_the_raw_files(sample_data):
    """§4: births 225, deaths 288, net migration +40 / −45 / +28, change −2 (−61 the year
    before) — read back from data/raw through the loaders."""
    from analysis.befolkning.historik import BefolkningData, period_components

    bd = BefolkningData(
        sample_data.folkmangd, sample_data.fodda, sample_data.doda, sample_data.flyttningar
    )
    got = period_components(bd, 2023, 4).set_index("komponent")["antal"]
    n01 = pd.read_csv(DOMAIN / "n01_befolkning_jan_apr_2023.csv").set_index("Komponent")
    expected = {
        "forandring": "Befolkningsförändring totalt sedan årsskiftet",
        "forandring_foregaende_ar": "Befolkningsförändring samma period föregående år",
        "fodda": "Antal födda",
        "doda": "Antal döda",
        "fodelsenetto": "Födelsenetto",
        "flyttnetto": "Flyttnetto totalt",
        "flyttnetto_inom_lanet": "Flyttnetto inom länet",
        "flyttnetto_annat_lan": "Flyttnetto annat län",
        "flyttnetto_utlandet": "Flyttnetto från annat land",
    }
    for key, label in expected.items():
        assert got[key] == n01.loc[label, "Antal personer"], key
    # the published components do not add up: the residual is shown, not hidden
    assert got["justering"] == -2 - (-63 + 23)
