"""Mutation tests: break one path of the computation, and the reports' own checks must fail.

Each check compares two figures reached by independent paths. Here one path is broken
(monkeypatched) while the other is left alone, and the check group must report a
deviation; unbroken, the same checks hold. The last tests do it end to end: the real
notebooks run with Papermill in a kernel whose package has been broken at start-up
(``sitecustomize``), and the checks the report itself emits must say so.
"""

from __future__ import annotations

import json
import textwrap

import pandas as pd
import pytest

from analysis.befolkning import historik
from analysis.befolkning import prognos as befolkning
from analysis.ekonomi import block as eblock
from analysis.ekonomi import drift as economy
from analysis.ekonomi import resultat
from analysis.kontroller import befolkning as kbefolkning
from analysis.kontroller import ekonomi as kekonomi
from analysis.kontroller import text as ktext
from analysis.kontroller.bas import Kontroller, fran_notebook
from tests.conftest import ROOT

PERIOD = "2023-04"


def groups_failing(k: Kontroller) -> set[str]:
    return {f.grupp for f in k.fel}


@pytest.fixture(scope="module")
def data(sample_data):
    return sample_data.as_of(PERIOD)


# --- the driftsredovisning against the ledger ---------------------------------------------------
def test_driftsredovisning_against_the_ledger(data, monkeypatch):
    k = Kontroller()
    drift = economy.compute_driftsredovisning(data, PERIOD)
    kekonomi.kontrollera_huvudbok(k, "Driftsredovisning", drift, data, PERIOD)
    assert len(k) >= 4 * len(drift) and k.fel == []

    real = economy.utfall_kr

    def lose_a_month(data, months):  # the parquet path forgets the last month
        return real(data, list(months)[:-1])

    monkeypatch.setattr(economy, "utfall_kr", lose_a_month)
    k = Kontroller()
    kekonomi.kontrollera_huvudbok(
        k, "Driftsredovisning", economy.compute_driftsredovisning(data, PERIOD), data, PERIOD
    )
    assert groups_failing(k) == {"Driftsredovisning = huvudboken"}
    assert any(f.kontroll == "Totalt, utfall perioden" for f in k.fel)


def test_ledger_path_on_the_tiny_kommun_by_hand(tiny):
    from analysis.io.dataset import load_data

    ledger = kekonomi.huvudbok_drift(load_data(tiny), "2023-04")
    # bun: utfall Jan–Apr 100 000 − 20 000 + 110 000 + 90 000 + 50 000 = 330 000 kr (cost)
    assert ledger.loc["bun", "utfall_period"] == pytest.approx(-330.0)
    # budget 1 200 000 − 60 000, twelfths: 4/12 of −1 140 tkr
    assert ledger.loc["bun", "budget_period"] == pytest.approx(-380.0)
    # sn: its own key, 4 × 0,1 of 900 tkr
    assert ledger.loc["sn", "budget_period"] == pytest.approx(-360.0)
    # the latest forecast at or before April
    assert ledger.loc["bun", "prognos_helar"] == pytest.approx(-1170.0)
    # sn has no forecast: NaN, and Totalt counts it at its budget
    assert pd.isna(ledger.loc["sn", "prognos_helar"])
    assert ledger.loc["Totalt", "prognos_helar"] == pytest.approx(-1170.0 - 900.0 + 3650.0)


@pytest.mark.parametrize("mutation", ["periodisering", "prognos", "budget"])
def test_each_column_of_the_driftsredovisning_is_checked(data, monkeypatch, mutation):
    if mutation == "periodisering":
        real = economy.periodisation_weights

        def twelfths(data, year, units, typ="drift"):
            w = real(data, year, units, typ)
            return w * 0 + 1 / 12

        monkeypatch.setattr(economy, "periodisation_weights", twelfths)
        column = "budget perioden"
    elif mutation == "prognos":
        real = economy.prognoses_kr

        def previous(data, year, month, typ="drift"):
            return real(data, year, month - 1, typ)

        monkeypatch.setattr(economy, "prognoses_kr", previous)
        column = "prognos helår"
    else:
        real = economy.annual_budget_kr

        def with_investments(data, year, typ="drift"):
            return real(data, year, typ) + real(data, year, "investering").reindex(
                real(data, year, typ).index, fill_value=0.0
            )

        monkeypatch.setattr(economy, "annual_budget_kr", with_investments)
        column = ("budget helår", "budget perioden")
    k = Kontroller()
    kekonomi.kontrollera_huvudbok(
        k, "Driftsredovisning", economy.compute_driftsredovisning(data, PERIOD), data, PERIOD
    )
    assert k.fel and all(f.kontroll.endswith(column) for f in k.fel)


# --- the resultaträkning by account class against the driftsredovisning by unit ---------------
def test_resultatrakning_against_the_driftsredovisning(data, monkeypatch):
    drift = economy.compute_driftsredovisning(data, PERIOD)
    k = Kontroller()
    kekonomi.kontrollera_rr(k, resultat.compute_resultatrakning(data, PERIOD), drift)
    assert k.fel == []

    real = resultat.rr_line

    def depreciation_as_balance(konto):  # 78xx lost as if a balance account
        lines = real(konto)
        return pd.Series(lines).replace("avskrivningar", "").to_numpy()

    monkeypatch.setattr(resultat, "rr_line", depreciation_as_balance)
    k = Kontroller()
    kekonomi.kontrollera_rr(k, resultat.compute_resultatrakning(data, PERIOD), drift)
    assert "Resultaträkning = driftsredovisning" in groups_failing(k)


def test_hidden_internal_residual_is_caught(data, monkeypatch):
    """The old code put the internal residual into the first unit's costs; a line that
    silently drops the residual must fail the reconciliation."""
    drift = economy.compute_driftsredovisning(data, PERIOD)
    rr = resultat.compute_resultatrakning(data, PERIOD)
    dropped = rr[rr["id"] != "intern_differens"].copy()
    vnk = dropped["id"] == "vnk"
    line = rr.set_index("id").loc["intern_differens"]
    for col in ("utfall_period", "budget_period", "prognos_helar", "budget_helar"):
        for key in ("vnk", "verksamhetens_resultat", "resultat_finansiella", "arets_resultat"):
            dropped.loc[dropped["id"] == key, col] -= line[col]
    assert vnk.any()
    k = Kontroller()
    kekonomi.kontrollera_rr(k, dropped, drift)
    assert {f.kontroll for f in k.fel} == {"Årets resultat, budget perioden"}


# --- the kommun's block table against the resultaträkning ------------------------------------
def test_block_against_resultatrakning(data, monkeypatch):
    drift = economy.compute_driftsredovisning(data, PERIOD)
    rr = resultat.compute_resultatrakning(data, PERIOD)
    k = Kontroller()
    kekonomi.kontrollera_block(k, eblock.drift_block(data, PERIOD), drift, rr)
    assert k.fel == []

    real = eblock.unit_blocks

    def depreciation_among_taxes(data, year):
        blocks = real(data, year)
        return {u: ("summa_skatt" if b == "avskrivningar" else b) for u, b in blocks.items()}

    monkeypatch.setattr(eblock, "unit_blocks", depreciation_among_taxes)
    k = Kontroller()
    kekonomi.kontrollera_block(k, eblock.drift_block(data, PERIOD), drift, rr)
    assert "Samma tal i två tabeller" in groups_failing(k)


# --- the text against the tables ------------------------------------------------------------------
@pytest.mark.parametrize("period,expected", [("2023-04", 7), ("2023-12", 5)])
def test_text_against_the_tables(sample_data, period, expected):
    data = sample_data.as_of(period)
    rr = resultat.compute_resultatrakning(data, period)
    block = eblock.drift_block(data, period)
    text = eblock.rr_text(rr, period) + "\n" + eblock.drift_text(data, block, period)
    k = Kontroller()
    ktext.kontrollera_text(
        k, "Texten = tabellerna", text, ktext.kommun_textkontroller(rr, block, period)
    )
    assert len(k) == expected and k.fel == [], k.tabell()


def test_text_written_from_the_wrong_column_fails(data):
    rr = resultat.compute_resultatrakning(data, PERIOD)
    block = eblock.drift_block(data, PERIOD)
    wrong = rr.copy()  # the text is written from the budget column
    wrong["utfall_period"] = wrong["budget_period"]
    wrong["avvikelse_period"] = 0.0
    text = eblock.rr_text(wrong, PERIOD) + "\n" + eblock.drift_text(data, block, PERIOD)
    k = Kontroller()
    ktext.kontrollera_text(
        k, "Texten = tabellerna", text, ktext.kommun_textkontroller(rr, block, PERIOD)
    )
    fel = {f.kontroll for f in k.fel}
    assert "Resultat för perioden i texten = tabellen" in fel
    # a text that no longer prints a checked figure fails too
    k = Kontroller()
    ktext.kontrollera_text(
        k, "g", "Inga siffror här.", ktext.kommun_textkontroller(rr, block, PERIOD)
    )
    assert len(k.fel) == len(k)


# --- population: components against the stocks -------------------------------------------------
@pytest.fixture(scope="module")
def bd(data):
    return historik.BefolkningData(data.folkmangd, data.fodda, data.doda, data.flyttningar)


def test_population_engine_that_loses_people_is_caught(bd, monkeypatch):
    k = Kontroller()
    kbefolkning.kontrollera_befolkning_ar(k, befolkning.befolkning_sheet(bd, horizon=5))
    assert k.fel == [], k.tabell()[k.tabell()["Resultat"] == "Avviker"]

    real = befolkning.project_cohort_component

    def leaky(*args, **kwargs):  # loses 2 % of everyone each step
        out = real(*args, **kwargs)
        out["antal"] = out["antal"] * 0.98
        return out

    monkeypatch.setattr(befolkning, "project_cohort_component", leaky)
    k = Kontroller()
    kbefolkning.kontrollera_befolkning_ar(k, befolkning.befolkning_sheet(bd, horizon=5))
    failing = [f for f in k.fel if f.kontroll.startswith("prognos")]
    assert len(failing) == 5


def test_population_components_against_the_stocks_on_missing_events(bd):
    """A month of births lost from the event file: the rest grows beyond the limit."""
    fodda = bd.fodda
    lost = fodda[~((fodda["ar"] == 2023) & (fodda["manad"] == 2))]
    broken = historik.BefolkningData(
        bd.folkmangd, lost, bd.doda, bd.flyttningar[bd.flyttningar["antal"] > 0]
    )
    k = Kontroller()
    kbefolkning.kontrollera_befolkning(k, historik.period_components(broken, 2023, 4))
    assert groups_failing(k) == {"Befolkning: komponenterna mot folkmängden"}


# --- end to end: the real notebooks with a broken package ---------------------------------------
BROKEN_LEDGER = """
import analysis.ekonomi.drift as e
_real = e.utfall_kr
def _broken(data, months):
    s = _real(data, months).copy()
    if "bun" in s.index:
        s["bun"] += 1000.0          # a thousand kronor too much for bun
    return s
e.utfall_kr = _broken
"""

LEAKY_ENGINE = """
import analysis.befolkning.prognos as b
_real = b.project_cohort_component
def _leaky(*args, **kwargs):
    out = _real(*args, **kwargs)
    out["antal"] = out["antal"] * 0.98
    return out
b.project_cohort_component = _leaky
"""


def run_broken(tmp_path, monkeypatch, data_dir, notebook: str, code: str, **params) -> dict:
    import papermill as pm

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(code), encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(site))  # the kernel imports it at start
    out = tmp_path / f"{notebook}.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / f"{notebook}.ipynb"),
        str(out),
        parameters={"period": PERIOD, "data_dir": str(data_dir), **params},
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    return fran_notebook(json.loads(out.read_text(encoding="utf-8")))


def test_namnd_report_catches_a_broken_ledger_path(tmp_path, monkeypatch, sample_dir):
    checks = run_broken(tmp_path, monkeypatch, sample_dir, "namnd", BROKEN_LEDGER, namnd="bun")
    assert checks["avvikande"] > 0
    assert {f["grupp"] for f in checks["fel"]} >= {"Driftsredovisning = huvudboken"}


def test_befolkning_report_catches_a_leaky_engine(tmp_path, monkeypatch, sample_dir):
    checks = run_broken(tmp_path, monkeypatch, sample_dir, "befolkning", LEAKY_ENGINE)
    assert checks["avvikande"] >= 10
    assert any(f["grupp"].startswith("Befolkning per år") for f in checks["fel"])


# --- the goal texts against the overview table -----------------------------------------------
def test_goal_texts_against_the_overview(data, monkeypatch):
    from analysis.mal import matetal as mal
    from analysis.mal import status

    mt = mal.matetal(data, PERIOD)
    ov = mal.oversikt(mt, data)
    for text in (status.status_text(mt), status.status_kort(mt)):
        k = Kontroller()
        ktext.kontrollera_text(k, "g", text, ktext.mal_textkontroller(ov))
        assert len(k) == 4 and k.fel == []
    # a text that counts one status wrong (a goal lost from the count) fails
    wrong = mt.copy()
    wrong.loc[wrong.index[wrong["status"] == "gron"][0], "status"] = "gul"
    k = Kontroller()
    ktext.kontrollera_text(k, "g", status.status_text(wrong), ktext.mal_textkontroller(ov))
    assert {f.kontroll for f in k.fel} == {
        "Antal gröna i texten = tabellen",
        "Antal gula i texten = tabellen",
    }


# --- the remaining groups ----------------------------------------------------------------------
def test_rr_signs_and_internal_items_through_the_path(data, monkeypatch):
    drift = economy.compute_driftsredovisning(data, PERIOD)
    real = resultat.belopp_per_rad

    def revenue_with_the_wrong_sign(frame, data):
        table, intern, sem = real(frame, data)
        table = table.copy()
        table["intakter"] = -table["intakter"].abs()
        return table, intern, sem

    monkeypatch.setattr(resultat, "belopp_per_rad", revenue_with_the_wrong_sign)
    k = Kontroller()
    kekonomi.kontrollera_rr(k, resultat.compute_resultatrakning(data, PERIOD), drift)
    assert "Resultaträkning: tecken" in groups_failing(k)

    def one_sided(frame, data):
        table, intern, sem = real(frame, data)
        return table, intern + 5000.0, sem  # 5 tkr booked by one party only

    monkeypatch.setattr(resultat, "belopp_per_rad", one_sided)
    k = Kontroller()
    kekonomi.kontrollera_rr(k, resultat.compute_resultatrakning(data, PERIOD), drift)
    assert "Resultaträkning: interna poster" in groups_failing(k)


def test_block_loses_a_unit_through_the_path(data, monkeypatch):
    drift = economy.compute_driftsredovisning(data, PERIOD)
    real = eblock.unit_blocks

    def pensions_in_no_known_block(data, year):
        blocks = real(data, year)
        blocks["fin-pension"] = "summa_okand"
        return blocks

    monkeypatch.setattr(eblock, "unit_blocks", pensions_in_no_known_block)
    k = Kontroller()
    kekonomi.kontrollera_block(k, eblock.drift_block(data, PERIOD), drift)
    assert [f.kontroll for f in k.fel] == [
        "varje enhet i driftsredovisningen står i precis ett block (avviker: fin-pension)"
    ]


def test_namnd_tables_against_the_driftsredovisning(data, monkeypatch):
    from analysis.ekonomi import avvikelse as budget

    tables = {
        "Avvikelser per kontogrupp": budget.avvikelsetabell(data, "bun", PERIOD, "kontogrupp"),
        "Avvikelser per verksamhet": budget.avvikelsetabell(data, "bun", PERIOD, "verksamhet"),
    }
    k = Kontroller()
    kekonomi.kontrollera_namnd(k, data, "bun", PERIOD, tables)
    assert k.fel == [] and len(k) >= 10
    real = economy.annual_budget_kr

    def budget_of_last_year(data, year, typ="drift"):
        return real(data, year - 1, typ)

    monkeypatch.setattr(economy, "annual_budget_kr", budget_of_last_year)
    k = Kontroller()
    kekonomi.kontrollera_namnd(k, data, "bun", PERIOD, tables)
    assert "Samma tal i två tabeller" in groups_failing(k)


def test_row_forecasts_against_the_namnd_forecast(tiny, monkeypatch):
    from analysis.ekonomi import avvikelse as budget
    from analysis.io.dataset import load_data

    prognos = tiny / "raw" / "ekonomi" / "prognos.csv"
    prognos.write_text(
        "ar;prognosmanad;namnd;verksamhet;belopp\n"
        "2023;3;bun;Förskola;500000\n2023;3;bun;Grundskola;660000\n"
        "2023;4;bun;Förskola;500000\n2023;4;bun;Grundskola;670000\n"
        "2023;3;skatt;;-3650000\n",
        encoding="utf-8",
    )
    data = load_data(tiny).as_of("2023-04")
    table = budget.avvikelsetabell(data, "bun", "2023-04", "verksamhet")
    k = Kontroller()
    kekonomi.kontrollera_namnd(k, data, "bun", "2023-04", {"Per verksamhet": table})
    rows = [c for c in k.rader if "prognoser summerar" in c.kontroll]
    assert len(rows) == 1 and rows[0].ok and rows[0].varde == pytest.approx(-1170.0)
    real = budget.radprognoser

    def a_row_lost(*args, **kwargs):
        out = real(*args, **kwargs)
        return out.iloc[:-1] if len(out) > 1 else out

    monkeypatch.setattr(budget, "radprognoser", a_row_lost)
    table = budget.avvikelsetabell(data, "bun", "2023-04", "verksamhet")
    k = Kontroller()
    kekonomi.kontrollera_namnd(k, data, "bun", "2023-04", {"Per verksamhet": table})
    assert any("prognoser summerar" in f.kontroll for f in k.fel)


def test_scenarios_in_order(data, monkeypatch):
    from analysis.befolkning import scenarier as scen

    bd = historik.BefolkningData(data.folkmangd, data.fodda, data.doda, data.flyttningar)
    base = historik.base_year(bd, 2023, 4)
    s = scen.scenarios(bd, base, horizon=5)
    k = Kontroller()
    kbefolkning.kontrollera_scenarier(k, s)
    assert len(k) >= 6 and k.fel == []
    swapped = s.copy()
    swapped["scenario"] = swapped["scenario"].replace({"lag": "hog", "hog": "lag"})
    k = Kontroller()
    kbefolkning.kontrollera_scenarier(k, swapped)
    assert len(k.fel) >= 5


@pytest.mark.parametrize(
    "prognos,avvikelse", [(-12_345.0, 20.0), (26_000.0, -30.0), (-500.0, -58_000.0)]
)
def test_text_checks_hold_for_deficits_and_small_deviations(data, prognos, avvikelse):
    """A deficit forecast and a deviation 'i nivå med' budget are printed correctly and
    must not raise a false warning."""
    rr = resultat.compute_resultatrakning(data, PERIOD)
    block = eblock.drift_block(data, PERIOD)
    i = rr.index[rr["id"] == "arets_resultat"][0]
    rr.loc[i, "prognos_helar"] = prognos
    rr.loc[i, "avvikelse_helar"] = prognos - rr.loc[i, "budget_helar"]
    rr.loc[i, "avvikelse_period"] = avvikelse
    rr.loc[i, "budget_period"] = rr.loc[i, "utfall_period"] - avvikelse
    text = eblock.rr_text(rr, PERIOD)
    k = Kontroller()
    ktext.kontrollera_text(k, "g", text, ktext.kommun_textkontroller(rr, block, PERIOD)[:4])
    assert len(k) == 4 and k.fel == [], (text, k.tabell())
