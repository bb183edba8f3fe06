"""Budget follow-up of one nämnd: hand-computed cases and invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from analysis.ekonomi import prognos as B
from analysis.ekonomi import text as C
from analysis.io.dataset import Dataset, load_data
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.core.period import Period

EMPTY = {
    "personal/sjukfranvaro.csv": "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;"
                                 "sjuk_h;sjuk_h_langtid;sjukdagar\n",
    "befolkning/folkmangd.csv": "ar,kon,alder,antal\n",
    "befolkning/fodda.csv": "ar,moderns_alder,kon,antal\n",
    "befolkning/doda.csv": "ar,kon,alder,antal\n",
    "befolkning/flyttningar.csv": "ar,kon,alder,riktning,omrade,antal\n",
}

# accounting sign in the files: costs +, revenues −
HAND = {
    "organisation.csv": "id;namn;typ\na;Alfanämnden;namnd\nr;Taxenämnden;namnd\n"
                        "h;Historiknämnden;namnd\ntom;Tomma nämnden;namnd\n",
    "ekonomi/utfall.csv": (
        "period;namnd;konto;belopp;verksamhet\n"
        "2023-01;a;5010;100000;Skola\n"
        "2023-01;a;3110;-20000;Skola\n"
        "2023-02;a;4010;30000;Fritid\n"          # 4010: utfall but no budget
        # no postings for a in March
        "2023-04;a;5010;50000;Fritid\n"
        "2023-05;a;5010;999999;Skola\n"          # after the period
        "2023-01;r;3110;-500000;Taxa\n"          # revenue larger than cost
        "2023-02;r;5010;100000;Taxa\n"
        # h: 2021 Dec doubled, 2022 without postings in March, 2023 Jan–Apr
        + "".join(f"2021-{m:02d};h;5010;{2000 if m == 12 else 1000};\n" for m in range(1, 13))
        + "".join(f"2022-{m:02d};h;5010;1000;\n" for m in range(1, 13) if m != 3)
        + "".join(f"2023-{m:02d};h;5010;1500;\n" for m in range(1, 5))
    ),
    "ekonomi/budget.csv": (
        "ar;namnd;konto;belopp;verksamhet;typ;projekt\n"
        "2023;a;5010;1200000;Skola;drift;\n"
        "2023;a;3110;-120000;Skola;drift;\n"
        "2023;r;3110;-1200000;Taxa;drift;\n"
        "2023;r;5010;600000;Taxa;drift;\n"
        "2023;h;5010;12000;;drift;\n"
        "2023;a;1210;240000;;investering;Skolgård\n"
        "2023;a;1220;120000;;investering;Bil\n"
    ),
    "ekonomi/prognos.csv": (
        "ar;prognosmanad;namnd;belopp;typ\n"
        "2023;2;a;1100000;drift\n"
        "2023;3;a;1110000;drift\n"
        "2023;6;a;5000000;drift\n"              # made after the period: ignored
        "2023;4;a;330000;investering\n"
    ),
    "ekonomi/investeringar.csv": (
        "period;namnd;projekt;belopp\n"
        "2023-02;a;Skolgård;50000\n"
        "2023-03;a;Bil;10000\n"
        "2023-06;a;Bil;99999\n"
    ),
    **EMPTY,
}


def _write(root, files):
    for rel, text in files.items():
        path = root / "data" / "raw" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "data"


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> Dataset:
    return load_data(_write(tmp_path_factory.mktemp("hand"), HAND))


def _rows(frame, dim):
    return frame.set_index(dim)


# --- deviation tables -----------------------------------------------------------------
def test_kontogrupp_table_by_hand(hand):
    t = _rows(B.avvikelsetabell(hand, "a", "2023-04", "kontogrupp"), "kontogrupp")
    assert list(t.index) == ["Verksamhetens intäkter", "Material och tjänster",
                             "Personalkostnader", "Totalt"]
    intakt, mat, pers, tot = (t.loc[k] for k in t.index)
    assert intakt.utfall_period == pytest.approx(20.0)
    assert intakt.budget_period == pytest.approx(40.0)         # 120 × 4/12
    assert intakt.avvikelse_period == pytest.approx(-20.0)
    # 4010: utfall but no budget
    assert mat.utfall_period == pytest.approx(-30.0) and mat.budget_helar == 0
    assert mat.avvikelse_period == pytest.approx(-30.0)
    assert pers.utfall_period == pytest.approx(-150.0)          # May is outside the period
    assert pers.avvikelse_period == pytest.approx(250.0)
    # forecast −1 110 (March; the June forecast is ignored), made for the nämnd as a
    # whole: only Totalt has it, the rows' year columns are empty (never estimated)
    assert tot.prognos_helar == pytest.approx(-1110.0)
    assert tot.avvikelse_helar == pytest.approx(-30.0)
    for r in (intakt, mat, pers):
        assert math.isnan(r.prognos_helar) and math.isnan(r.avvikelse_helar)
    assert tot.utfall_period == pytest.approx(-160.0)
    assert tot.avvikelse_period == pytest.approx(200.0)


def test_totals_equal_the_driftsredovisning(hand):
    drift = compute_driftsredovisning(hand, "2023-04").set_index("namnd")
    for unit in ("a", "r", "h", "tom"):
        for dim in ("kontogrupp", "verksamhet"):
            tot = B.avvikelsetabell(hand, unit, "2023-04", dim).iloc[-1]
            assert tot[dim] == "Totalt"
            for col in B.AVVIKELSE_COLUMNS:
                assert tot[col] == pytest.approx(drift.loc[unit, col], nan_ok=True), (unit, col)


def test_verksamhet_table_and_revenue_unit(hand):
    t = _rows(B.avvikelsetabell(hand, "a", "2023-04", "verksamhet"), "verksamhet")
    assert t.loc["Skola", "utfall_period"] == pytest.approx(-80.0)
    assert t.loc["Skola", "avvikelse_period"] == pytest.approx(280.0)
    assert t.loc["Fritid", "avvikelse_period"] == pytest.approx(-80.0)
    r = _rows(B.avvikelsetabell(hand, "r", "2023-04", "verksamhet"), "verksamhet")
    assert r.loc["Taxa", "utfall_period"] == pytest.approx(400.0)
    assert r.loc["Taxa", "budget_period"] == pytest.approx(200.0)
    assert r.loc["Taxa", "avvikelse_period"] == pytest.approx(200.0)     # better: +
    assert math.isnan(r.loc["Totalt", "prognos_helar"])                  # no forecast
    # h has no verksamhet: "Ej angiven"
    h = B.avvikelsetabell(hand, "h", "2023-04", "verksamhet")
    assert list(h["verksamhet"]) == ["Ej angiven", "Totalt"]


def test_kontoplan_is_used_when_present(tmp_path):
    files = dict(HAND)
    files["ekonomi/kontoplan.csv"] = ("konto_fran;konto_till;grupp\n3000;3999;Intäkter\n"
                                      "4000;5999;Kostnader\n")
    data = load_data(_write(tmp_path, files))
    assert list(B.kontogrupp(data, [3110, 4010, 50101, 8010])) == [
        "Intäkter", "Kostnader", "Kostnader", "Ej i kontoplanen"]
    t = _rows(B.avvikelsetabell(data, "a", "2023-04"), "kontogrupp")
    assert t.loc["Kostnader", "utfall_period"] == pytest.approx(-180.0)


def test_default_kommun_bas_mapping(hand):
    got = B.kontogrupp(hand, [3110, 4010, 5010, 6110, 7010, 7810, 8010, 8210, 8410, 8510, 1210])
    assert list(got) == ["Verksamhetens intäkter", "Material och tjänster", "Personalkostnader",
                         "Övriga kostnader", "Övriga kostnader", "Avskrivningar",
                         "Skatteintäkter", "Generella statsbidrag och utjämning",
                         "Finansiella intäkter", "Finansiella kostnader", "Övriga konton"]


def test_investments_by_projekt(hand):
    t = _rows(B.investeringstabell(hand, "a", "2023-04"), "projekt")
    assert t.loc["Skolgård", "utfall_period"] == pytest.approx(-50.0)
    assert t.loc["Skolgård", "budget_period"] == pytest.approx(-80.0)     # 240 × 4/12
    assert t.loc["Skolgård", "avvikelse_period"] == pytest.approx(30.0)   # less spent: +
    assert t.loc["Bil", "utfall_period"] == pytest.approx(-10.0)          # June outside
    assert t.loc["Totalt", "budget_helar"] == pytest.approx(-360.0)
    assert t.loc["Totalt", "prognos_helar"] == pytest.approx(-330.0)
    # the investment forecast is a total: no project gets an invented share of it
    assert t.loc[["Bil", "Skolgård"], "prognos_helar"].isna().all()
    assert t.attrs["anmarkningar"] and "projekt" in t.attrs["anmarkningar"][0]


def test_missing_budget_gives_messages_not_a_crash(hand):
    msgs = B.kontrollera(hand, "tom", "2023-04")
    assert any("ingen driftbudget" in m for m in msgs)
    assert any("inget utfall" in m for m in msgs)
    t = B.avvikelsetabell(hand, "tom", "2023-04")
    assert list(t["kontogrupp"]) == ["Totalt"] and t["utfall_period"].iloc[0] == 0
    assert B.kontrollera(hand, "okand", "2023-04")[0].startswith("Nämnden 'okand'")
    assert "Tomma nämnden redovisar" in C.kommentar(hand, "tom", "2023-04")


# --- periodisation keys ---------------------------------------------------------------
def test_historisk_key_by_hand(hand):
    w = B.historiska_vikter(hand, "h", 2023, n_ar=3)
    y2021 = np.array([1] * 11 + [2]) / 13
    y2022 = np.array([1, 1, 0] + [1] * 9) / 11           # March without postings
    assert w == pytest.approx((y2021 + y2022) / 2)        # 2020 has no data
    keys = B.periodiseringsvikter(hand, 2023, {"h": "historisk", "a": "tolftedelar"})
    assert keys.loc["h"].to_numpy() == pytest.approx(w)
    assert keys.loc["a"].to_numpy() == pytest.approx(np.full(12, 1 / 12))
    t = B.avvikelsetabell(hand, "h", "2023-04", nyckel="historisk")
    assert t.iloc[-1]["budget_period"] == pytest.approx(-12.0 * w[:4].sum())
    with pytest.raises(ValueError, match="Okänd periodiseringsnyckel"):
        B.periodiseringsvikter(hand, 2023, {"h": "kvartal"})


# --- forecasts ------------------------------------------------------------------------
def test_forecasts_by_hand(hand):
    p = B.helarsprognoser(hand, "a", "2023-04", metoder=["manuell", "arstakt",
                                                          "aterstaende_budget", "sasongsprofil"])
    p = p.set_index("metod")["prognos_tkr"]
    assert p["manuell"] == pytest.approx(-1110.0)
    assert p["arstakt"] == pytest.approx(-160.0 / 4 * 12)
    assert p["aterstaende_budget"] == pytest.approx(-160.0 - 1080.0 * 8 / 12)
    assert math.isnan(p["sasongsprofil"])                  # no history for a
    h = B.helarsprognoser(hand, "h", "2023-04", metoder=["sasongsprofil"]).iloc[0]
    share = (4 / 13 + 3 / 11) / 2
    assert h["prognos_tkr"] == pytest.approx(-6.0 / share)
    assert list(B.helarsprognoser(hand, "a", "2023-04").columns) == B.PROGNOS_COLUMNS


def test_model_intervals_are_ordered(sample_data):
    p = B.helarsprognoser(sample_data, "bun", "2023-04", metoder=["modell"]).iloc[0]
    assert np.isfinite(p[["prognos_tkr", "lo80", "hi80", "lo95", "hi95"]].astype(float)).all()
    assert p.lo95 <= p.lo80 <= p.prognos_tkr <= p.hi80 <= p.hi95
    assert p.lo95 < p.hi95
    # in December nothing remains: the forecast is the outcome, for both models
    dec = B.helarsprognoser(sample_data, "bun", "2022-12", metoder=["modell", "ets", "arstakt"])
    assert dec["prognos_tkr"].to_numpy() == pytest.approx([dec["prognos_tkr"].iloc[2]] * 3)
    assert dec.iloc[0].lo95 == pytest.approx(dec.iloc[0].hi95)


def test_backtest_on_the_sample(sample_data):
    acc = B.prognossakerhet(sample_data, "bun", "2023-04")
    assert set(acc["metod"]) == set(B.METODER)
    assert set(acc["manad"]) == {4, 8}
    assert np.isfinite(acc["mae_tkr"]).all() and np.isfinite(acc["mae_procent"]).all()
    assert (acc["antal"] >= 1).all()
    detail = B.prognossakerhet_detaljer(sample_data, "bun", "2023-04")
    assert detail["ar"].max() == 2022                  # only complete past years


def test_forecast_chart_is_a_figure(sample_data):
    from matplotlib.figure import Figure

    p = B.helarsprognoser(sample_data, "sbn", "2023-04")
    fig = B.prognosdiagram(p, "Prognoser", budget_tkr=-249000.0)
    assert isinstance(fig, Figure)


# --- hypothesis: parts sum to totals; twelve months give the annual budget -------------
@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Dataset:
    return load_data(_write(tmp_path_factory.mktemp("base"), HAND))


KONTON = [3110, 4010, 5010, 6110, 7810, 8010, 1210]
VERKSAMHETER = ["Skola", "Fritid", None]

row = st.tuples(st.integers(1, 12), st.sampled_from(KONTON), st.sampled_from(VERKSAMHETER),
                st.integers(-10**6, 10**6))


def _frames(base, utfall_rows, budget_rows, prognos, history=()):
    utfall = pd.DataFrame(
        [{"period": 2023 * 100 + m, "namnd": "a", "konto": k, "belopp_kr": float(v),
          "verksamhet": vh} for m, k, vh, v in utfall_rows]
        + [{"period": code, "namnd": "a", "konto": 5010, "belopp_kr": float(v),
            "verksamhet": None} for code, v in history],
        columns=["period", "namnd", "konto", "belopp_kr", "verksamhet"])
    budget = pd.DataFrame(
        [{"ar": 2023, "namnd": "a", "konto": k, "typ": "drift", "belopp_kr": float(v),
          "verksamhet": vh or "", "projekt": ""} for _m, k, vh, v in budget_rows],
        columns=["ar", "namnd", "konto", "typ", "belopp_kr", "verksamhet", "projekt"])
    prog = pd.DataFrame(
        [{"ar": 2023, "prognosmanad": pm, "namnd": "a", "typ": "drift", "belopp_kr": float(v)}
         for pm, v in prognos],
        columns=["ar", "prognosmanad", "namnd", "typ", "belopp_kr"])
    frames = dict(base.frames.items())
    frames.update(utfall=utfall, budget=budget, prognos=prog, periodisering=None,
                  kontoplan=None, investeringar=None)
    return Dataset(data_dir=base.data_dir, register=base.register, frames=frames)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row, max_size=12), st.lists(row, max_size=6),
       st.lists(st.tuples(st.integers(1, 12), st.integers(-10**7, 10**7)), max_size=3),
       st.integers(1, 12))
def test_parts_sum_to_the_total_and_the_total_to_the_driftsredovisning(
        base, utfall_rows, budget_rows, prognos, month):
    data = _frames(base, utfall_rows, budget_rows, prognos)
    drift = compute_driftsredovisning(data, f"2023-{month:02d}").set_index("namnd").loc["a"]
    for dim in ("kontogrupp", "verksamhet"):
        t = B.avvikelsetabell(data, "a", f"2023-{month:02d}", dim)
        body, tot = t.iloc[:-1], t.iloc[-1]
        for col in B.AVVIKELSE_COLUMNS:
            assert tot[col] == pytest.approx(drift[col], abs=1e-6, nan_ok=True)
            if col in ("prognos_helar", "avvikelse_helar"):
                # the forecast is for the nämnd: the rows have none (nothing invented);
                # only a nämnd without any row shows it as "Ej fördelat"
                rows = body[body[dim] != B.EJ_FORDELAT]
                assert rows[col].isna().all()
                if len(rows) < len(body):
                    assert body[col].sum() == pytest.approx(tot[col], abs=1e-6)
            elif np.isfinite(tot[col]):
                assert body[col].sum() == pytest.approx(tot[col], abs=1e-6)
        dev = body["utfall_period"] - body["budget_period"]
        assert (dev - body["avvikelse_period"]).abs().max() < 1e-9 if len(body) else True


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(-10**6, 10**6), min_size=36, max_size=36),
       st.lists(row, min_size=1, max_size=5), st.sampled_from(B.NYCKLAR))
def test_twelve_periodised_months_equal_the_annual_budget_for_every_key(
        base, history, budget_rows, nyckel):
    codes = [y * 100 + m for y in (2020, 2021, 2022) for m in range(1, 13)]
    data = _frames(base, [], budget_rows, [], history=list(zip(codes, history)))
    w = B.periodiseringsvikter(data, 2023, {"a": nyckel}, ["a"])
    assert w.loc["a"].sum() == pytest.approx(1.0)
    t = B.avvikelsetabell(data, "a", "2023-12", nyckel=nyckel)
    assert t["budget_period"].to_numpy() == pytest.approx(t["budget_helar"].to_numpy(),
                                                          rel=1e-9, abs=1e-6)


# --- commentary -----------------------------------------------------------------------
def _underlag(**kw) -> C.Underlag:
    base = dict(namn="Alfanämnden", period=Period(2023, 4), utfall_period=-160.0,
                budget_period=-2460.0, prognos_helar=-12345.0, budget_helar=-10000.0,
                prognos_foregaende=-10045.0, foregaende_manad=3,
                bidrag_kontogrupp=pd.Series({"Personalkostnader": -1234.0,
                                             "Verksamhetens intäkter": 3534.0,
                                             "Övriga kostnader": 10.0}),
                bidrag_verksamhet=pd.Series({"Skola": 2300.0}))
    base.update(kw)
    return C.Underlag(**base)


def test_format_mkr():
    assert C.format_mkr(2345.0) == "2,3 mkr"
    assert C.format_mkr(-2345.0, tecken=True) == "-2,3 mkr"
    assert C.format_mkr(2345.0, tecken=True) == "+2,3 mkr"
    assert C.format_mkr(-1234567.0) == "-1\u00a0234,6 mkr"
    assert C.format_mkr(-20.0, tecken=True) == "0,0 mkr"


def test_commentary_wording_better_and_worse():
    text = C.skriv_kommentar(_underlag())
    assert "januari–april 2023" in text
    assert "vilket är 2,3 mkr bättre än periodiserad budget (-2,5 mkr)" in text
    assert "personalkostnader (-1,2 mkr)" in text and "verksamhetens intäkter (+3,5 mkr)" in text
    assert "övriga kostnader" not in text                    # below 0,05 mkr
    assert "ett underskott med -2,3 mkr jämfört med budget" in text
    assert "Prognosen är 2,3 mkr sämre än prognosen i mars (-10,0 mkr)." in text
    worse = C.skriv_kommentar(_underlag(utfall_period=-5000.0, prognos_helar=-9000.0,
                                        prognos_foregaende=-9500.0, foregaende_manad=2))
    assert "2,5 mkr sämre än periodiserad budget" in worse
    assert "ett överskott med +1,0 mkr" in worse
    assert "Prognosen är 0,5 mkr bättre än prognosen i februari" in worse
    none = C.skriv_kommentar(_underlag(prognos_helar=math.nan))
    assert "Någon helårsprognos har inte lämnats" in none


def test_the_ekonoms_comment_comes_first(tmp_path):
    files = dict(HAND)
    files["kommentarer/2023-04/a.md"] = "Vi har **ökade** kostnader.\n<script>x</script>\x00\n"
    data = load_data(_write(tmp_path, files))
    text = C.kommentar(data, "a", "2023-04")
    own = text.index("Vi har **ökade** kostnader.")
    gen = text.index(C.GENERERAD_RUBRIK)
    assert own < gen
    assert "\x00" not in text
    assert "<script>x</script>" in text      # returned as markdown text, for the sanitiser
    assert "Alfanämnden redovisar" in text[gen:]
    other = C.kommentar(data, "r", "2023-04")
    assert other.startswith(f"#### {C.GENERERAD_RUBRIK}")
